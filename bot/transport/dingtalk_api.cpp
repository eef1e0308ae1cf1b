#include "transport/dingtalk_api.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/adapter.hpp"

namespace app {

namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The OpenAPI's error answers carry a string `code` (e.g. "InvalidAuthentication").
bool token_refused(const http_result& res) {
    if (!res.transport_ok) return false;
    if (res.status == 401) return true;
    auto j = json::parse(res.body, nullptr, false);
    if (!j.is_object() || !j.contains("code") || !j["code"].is_string()) return false;
    return j["code"].get<std::string>().find("InvalidAuthentication") != std::string::npos;
}

}  // namespace

dingtalk_api::dingtalk_api(asio::io_context& ioc, https_client& http, dingtalk_api_settings settings,
                           const core::clock& clock)
    : http_(http), s_(std::move(settings)), clock_(clock), fetched_(ioc) {}

bool dingtalk_api::needs_token(const std::string& url) const {
    return url.starts_with(s_.gateway + "/v1.0/") && !url.starts_with(s_.gateway + "/v1.0/oauth2/");
}

void dingtalk_api::invalidate(const std::string& stale) {
    if (!stale.empty() && token_ == stale) {
        token_.clear();
        refresh_at_ = expires_at_ = core::instant{};
    }
}

asio::awaitable<std::string> dingtalk_api::token() {
    if (!token_.empty() && clock_.now() < refresh_at_) co_return token_;
    if (fetching_) {
        co_await fetched_.async_wait(use_tuple);
        co_return token_;
    }
    co_await fetch();
    co_return token_;
}

asio::awaitable<void> dingtalk_api::fetch() {
    fetching_ = true;
    fetched_.expires_at(asio::steady_timer::time_point::max());
    struct done_guard {
        dingtalk_api& api;
        ~done_guard() {
            api.fetching_ = false;
            api.fetched_.cancel();  // wakes every waiter
        }
    } guard{*this};
    ++stats_.token_requests;
    adapters::outbound_request req;
    req.url = s_.gateway + "/v1.0/oauth2/accessToken";
    req.headers["Content-Type"] = "application/json; charset=utf-8";
    req.body = json{{"appKey", s_.client_id}, {"appSecret", s_.client_secret}}.dump();
    auto res = co_await http_.send(req);
    const auto now = clock_.now();
    auto j = json::parse(res.body, nullptr, false);
    const bool ok = res.transport_ok && res.status == 200 && j.is_object() && j.contains("accessToken") &&
                    j["accessToken"].is_string() && !j["accessToken"].get<std::string>().empty() &&
                    j.contains("expireIn") && j["expireIn"].is_number_integer() &&
                    j["expireIn"].get<std::int64_t>() > 0;
    if (ok) {
        token_ = j["accessToken"].get<std::string>();
        const core::duration life = std::chrono::seconds(j["expireIn"].get<std::int64_t>());
        expires_at_ = now + life;
        refresh_at_ = life > 2 * refresh_margin ? expires_at_ - refresh_margin : now + life / 2;
        last_error_.clear();
        co_return;
    }
    if (!res.transport_ok)
        last_error_ = res.error;
    else
        last_error_ = "HTTP " + std::to_string(res.status) +
                      (j.is_object() && j.contains("code") && j["code"].is_string()
                           ? " (" + adapters::log_word(j["code"].get<std::string>()) + ")"
                           : std::string{});
    spdlog::error("dingtalk: no access token: {} — check platforms.dingtalk client_id_env/client_secret_env",
                  last_error_);
    if (now >= expires_at_) token_.clear();
}

asio::awaitable<http_result> dingtalk_api::deliver(const adapters::outbound_request& req) {
    if (!needs_token(req.url)) {
        auto plain = co_await http_.send(req);
        co_return plain;
    }
    for (int attempt = 0;; ++attempt) {
        auto tok = co_await token();
        if (tok.empty()) {
            http_result r;
            r.error = "dingtalk access token unavailable: " + last_error_;
            co_return r;
        }
        auto authed = req;
        authed.headers["x-acs-dingtalk-access-token"] = tok;
        auto res = co_await http_.send(authed);
        if (attempt == 0 && token_refused(res)) {
            ++stats_.token_refusals;
            invalidate(tok);
            continue;
        }
        co_return res;
    }
}

}  // namespace app
