#include "transport/feishu_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/feishu.hpp"

namespace app {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::int64_t code_of(const std::string& body) {
    auto j = json::parse(body, nullptr, false);
    if (!j.is_object()) return -1;
    auto it = j.find("code");
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

}  // namespace

feishu_api::feishu_api(asio::io_context& ioc, https_client& http, feishu_app_settings settings,
                       const core::clock& clock)
    : http_(http), s_(std::move(settings)), clock_(clock), fetched_(ioc) {}

bool feishu_api::needs_token(const std::string& url) const {
    return url.starts_with(s_.gateway + "/open-apis/") &&
           url.find("/open-apis/bot/v2/hook/") == std::string::npos;
}

void feishu_api::invalidate(const std::string& stale) {
    if (!stale.empty() && token_ == stale) {
        token_.clear();
        refresh_at_ = expires_at_ = core::instant{};
    }
}

asio::awaitable<std::string> feishu_api::token() {
    if (!token_.empty() && clock_.now() < refresh_at_) co_return token_;
    if (fetching_) {
        // One fetch at a time: wait for the one in flight and take what it got.
        co_await fetched_.async_wait(use_tuple);
        co_return token_;
    }
    co_await fetch();
    co_return token_;
}

asio::awaitable<void> feishu_api::fetch() {
    fetching_ = true;
    fetched_.expires_at(asio::steady_timer::time_point::max());
    struct done_guard {
        feishu_api& api;
        ~done_guard() {
            api.fetching_ = false;
            api.fetched_.cancel();  // wakes every waiter
        }
    } guard{*this};
    ++stats_.token_requests;
    adapters::outbound_request req;
    req.url = s_.gateway + "/open-apis/auth/v3/tenant_access_token/internal";
    req.headers["Content-Type"] = "application/json; charset=utf-8";
    req.body = json{{"app_id", s_.app_id}, {"app_secret", s_.app_secret}}.dump();
    auto res = co_await http_.send(req);
    const auto now = clock_.now();
    auto j = json::parse(res.body, nullptr, false);
    const bool ok = res.transport_ok && res.status == 200 && j.is_object() && code_of(res.body) == 0 &&
                    j.contains("tenant_access_token") && j["tenant_access_token"].is_string() &&
                    j.contains("expire") && j["expire"].is_number_integer() &&
                    j["expire"].get<std::int64_t>() > 0;
    if (ok) {
        token_ = j["tenant_access_token"].get<std::string>();
        const core::duration life = std::chrono::seconds(j["expire"].get<std::int64_t>());
        expires_at_ = now + life;
        refresh_at_ = life > 2 * refresh_margin ? expires_at_ - refresh_margin : now + life / 2;
        last_error_.clear();
        co_return;
    }
    if (!res.transport_ok)
        last_error_ = res.error;
    else
        last_error_ = "HTTP " + std::to_string(res.status) + ", code " + std::to_string(code_of(res.body)) +
                      (j.is_object() && j.contains("msg") && j["msg"].is_string()
                           ? " (" + adapters::log_word(j["msg"].get<std::string>()) + ")"
                           : std::string{});
    spdlog::error("feishu: no tenant_access_token: {} — check platforms.feishu app_id_env/app_secret_env",
                  last_error_);
    // A token not yet expired still serves until its expiry.
    if (now >= expires_at_) token_.clear();
}

asio::awaitable<http_result> feishu_api::deliver(const adapters::outbound_request& req) {
    if (!needs_token(req.url)) {
        auto plain = co_await http_.send(req);
        co_return plain;
    }
    for (int attempt = 0;; ++attempt) {
        auto tok = co_await token();
        if (tok.empty()) {
            http_result r;
            r.error = "feishu tenant_access_token unavailable: " + last_error_;
            co_return r;
        }
        auto authed = req;
        authed.headers["Authorization"] = "Bearer " + tok;
        auto res = co_await http_.send(authed);
        if (attempt == 0 && res.transport_ok && adapters::feishu_token_invalid(code_of(res.body))) {
            ++stats_.token_refusals;
            invalidate(tok);
            continue;
        }
        co_return res;
    }
}

}  // namespace app
