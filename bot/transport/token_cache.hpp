// An app's access token in use, for the platforms whose API wants one (Feishu's
// tenant_access_token, DingTalk's OpenAPI accessToken): fetched with the app's credentials, cached
// and refreshed five minutes before it expires, one fetch in flight however many posts wait for it;
// and the outbox's delivery for the platform: the token attached to every request to the app's API,
// sent through the verifying https_client, and after an answer that the token was refused one fresh
// token and one more try. Requests elsewhere (a robot's webhook) pass through untouched. What
// differs per platform is a token_protocol (feishu_api.hpp, dingtalk_api.hpp).
//
// Thread-safety: the io_context's thread, like the outbox sender that calls it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "core/clock.hpp"
#include "transport/https_client.hpp"

namespace app {

struct token_protocol {
    std::string name;                  // "feishu tenant_access_token", for the log and the errors
    std::string fix;                   // "check platforms.feishu app_id_env/app_secret_env"
    adapters::outbound_request fetch;  // the token request (it carries the app secret: never logged)
    // The token and its lifetime from the fetch's answer; nullopt with the reason (no secrets) in `why`.
    std::function<std::optional<std::pair<std::string, core::duration>>(const http_result&, std::string& why)>
        parse;
    std::function<bool(const std::string& url)> needs_token;
    std::function<void(adapters::outbound_request&, const std::string& token)> attach;
    std::function<bool(const http_result&)> refused;  // the platform refused the token
};

struct token_stats {
    std::uint64_t token_requests = 0;  // fetches of a token (ok or not)
    std::uint64_t token_refusals = 0;  // the platform refused the token: fetched again
};

class token_cache {
  public:
    // Refresh this long before the token's stated expiry.
    static constexpr core::duration refresh_margin{std::chrono::minutes(5)};

    token_cache(boost::asio::io_context& ioc, https_client& http, token_protocol protocol,
                const core::clock& clock);

    // The outbox's delivery for the platform's chats (service::deliver_with). A token that cannot
    // be had comes back as a transport failure (retried later), its reason in `error`.
    boost::asio::awaitable<http_result> deliver(const adapters::outbound_request& req);
    // The current token, fetched when there is none or it is due for refresh; empty on failure.
    boost::asio::awaitable<std::string> token();
    // Forgets `stale` (a token the platform refused), unless a newer one has replaced it.
    void invalidate(const std::string& stale);
    bool needs_token(const std::string& url) const { return p_.needs_token(url); }

    const token_stats& stats() const { return stats_; }

  private:
    boost::asio::awaitable<void> fetch();

    https_client& http_;
    token_protocol p_;
    const core::clock& clock_;
    std::string token_;
    core::instant refresh_at_{};
    core::instant expires_at_{};
    std::string last_error_;
    bool fetching_ = false;
    boost::asio::steady_timer fetched_;  // waiters for the fetch in flight; cancelled when it ends
    token_stats stats_;
};

}  // namespace app
