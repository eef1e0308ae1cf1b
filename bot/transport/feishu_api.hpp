// Feishu's app credentials in use (PROTOCOLS 4.4): the tenant_access_token, fetched with the app id
// and secret (POST /open-apis/auth/v3/tenant_access_token/internal), cached and refreshed five
// minutes before it expires, one fetch in flight however many posts wait for it; and the outbox's
// delivery for Feishu: `Authorization: Bearer <token>` on every request to the app's API, sent
// through the verifying https_client, and after an answer that the token is invalid or expired
// (99991663/99991661/99991668) one fresh token and one more try. Requests to a custom bot's
// webhook (…/open-apis/bot/v2/hook/…) carry their own signature and pass through untouched.
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

struct feishu_app_settings {
    std::string gateway = "https://open.feishu.cn";  // or https://open.larksuite.com; tests: loopback
    std::string app_id;
    std::string app_secret;
};

struct feishu_api_stats {
    std::uint64_t token_requests = 0;  // fetches of a tenant token (ok or not)
    std::uint64_t token_refusals = 0;  // the platform refused the token: fetched again
};

class feishu_api {
  public:
    // Refresh this long before the token's stated expiry.
    static constexpr core::duration refresh_margin{std::chrono::minutes(5)};

    feishu_api(boost::asio::io_context& ioc, https_client& http, feishu_app_settings settings,
               const core::clock& clock);

    // The outbox's delivery for Feishu's chats (service::deliver_with). A token that cannot be had
    // comes back as a transport failure (retried later), its reason in `error`.
    boost::asio::awaitable<http_result> deliver(const adapters::outbound_request& req);
    // The current token, fetched when there is none or it is due for refresh; empty on failure.
    boost::asio::awaitable<std::string> token();
    // Forgets `stale` (a token the platform refused), unless a newer one has replaced it.
    void invalidate(const std::string& stale);
    // Whether `url` goes to the app's API (and so needs the token).
    bool needs_token(const std::string& url) const;

    const feishu_api_stats& stats() const { return stats_; }

  private:
    boost::asio::awaitable<void> fetch();

    https_client& http_;
    feishu_app_settings s_;
    const core::clock& clock_;
    std::string token_;
    core::instant refresh_at_{};
    core::instant expires_at_{};
    std::string last_error_;
    bool fetching_ = false;
    boost::asio::steady_timer fetched_;  // waiters for the fetch in flight; cancelled when it ends
    feishu_api_stats stats_;
};

}  // namespace app
