// DingTalk's OpenAPI credentials in use: the app's access token (POST /v1.0/oauth2/accessToken
// with appKey and appSecret → accessToken, expireIn seconds), cached and refreshed five minutes
// before it expires, one fetch in flight however many posts wait for it; and the outbox's delivery
// for DingTalk: `x-acs-dingtalk-access-token` on every request to the OpenAPI (the interactive-card
// send), and after an answer that the token is invalid (HTTP 401, or a code naming
// InvalidAuthentication) one fresh token and one more try. Requests to a custom robot's webhook
// (oapi.dingtalk.com/robot/send, signed on their own) pass through untouched.
//
// Thread-safety: the io_context's thread, like the outbox sender that calls it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <string>

#include "core/clock.hpp"
#include "transport/https_client.hpp"

namespace app {

struct dingtalk_api_settings {
    std::string gateway = "https://api.dingtalk.com";  // tests: a loopback fake
    std::string client_id;                             // appKey
    std::string client_secret;                         // appSecret
};

struct dingtalk_api_stats {
    std::uint64_t token_requests = 0;  // fetches of an access token (ok or not)
    std::uint64_t token_refusals = 0;  // the OpenAPI refused the token: fetched again
};

class dingtalk_api {
  public:
    static constexpr core::duration refresh_margin{std::chrono::minutes(5)};

    dingtalk_api(boost::asio::io_context& ioc, https_client& http, dingtalk_api_settings settings,
                 const core::clock& clock);

    // The outbox's delivery for DingTalk's chats (service::deliver_with). No token to be had →
    // a transport failure (retried later), its reason in `error`.
    boost::asio::awaitable<http_result> deliver(const adapters::outbound_request& req);
    // The current token, fetched when there is none or it is due for refresh; empty on failure.
    boost::asio::awaitable<std::string> token();
    void invalidate(const std::string& stale);
    // Whether `url` goes to the OpenAPI (and so needs the token).
    bool needs_token(const std::string& url) const;

    const dingtalk_api_stats& stats() const { return stats_; }

  private:
    boost::asio::awaitable<void> fetch();

    https_client& http_;
    dingtalk_api_settings s_;
    const core::clock& clock_;
    std::string token_;
    core::instant refresh_at_{};
    core::instant expires_at_{};
    std::string last_error_;
    bool fetching_ = false;
    boost::asio::steady_timer fetched_;
    dingtalk_api_stats stats_;
};

}  // namespace app
