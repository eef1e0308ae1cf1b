#include "transport/token_cache.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "transport/coroutine_frames.hpp"

namespace app {

namespace asio = boost::asio;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

token_cache::token_cache(asio::io_context& ioc, https_client& http, token_protocol protocol,
                         const core::clock& clock)
    : http_(http), p_(std::move(protocol)), clock_(clock), fetched_(ioc) {}

void token_cache::invalidate(const std::string& stale) {
    if (!stale.empty() && token_ == stale) {
        token_.clear();
        refresh_at_ = expires_at_ = core::instant{};
    }
}

asio::awaitable<std::string> token_cache::token() {
    if (!token_.empty() && clock_.now() < refresh_at_) co_return token_;
    if (fetching_) {
        // One fetch at a time: wait for the one in flight and take what it got.
        co_await fetched_.async_wait(use_tuple);
        co_return token_;
    }
    co_await fetch();
    co_return token_;
}

asio::awaitable<void> token_cache::fetch() {
    fetching_ = true;
    fetched_.expires_at(asio::steady_timer::time_point::max());
    struct done_guard {
        token_cache& cache;
        ~done_guard() {
            cache.fetching_ = false;
            cache.fetched_.cancel();  // wakes every waiter
        }
    } guard{*this};
    ++stats_.token_requests;
    auto res = co_await http_.send(p_.fetch);
    const auto now = clock_.now();
    std::string why;
    if (!res.transport_ok) {
        why = res.error;
    } else if (auto got = p_.parse(res, why)) {
        token_ = std::move(got->first);
        const core::duration life = got->second;
        expires_at_ = now + life;
        refresh_at_ = life > 2 * refresh_margin ? expires_at_ - refresh_margin : now + life / 2;
        last_error_.clear();
        co_return;
    }
    last_error_ = why;
    spdlog::error("no {}: {} — {}", p_.name, last_error_, p_.fix);
    // A token not yet expired still serves until its expiry.
    if (now >= expires_at_) token_.clear();
}

asio::awaitable<http_result> token_cache::deliver(const adapters::outbound_request& req) {
    if (!p_.needs_token(req.url)) {
        auto plain = co_await http_.send(req);
        co_return plain;
    }
    for (int attempt = 0;; ++attempt) {
        auto tok = co_await token();
        if (tok.empty()) {
            http_result r;
            r.error = p_.name + " unavailable: " + last_error_;
            co_return r;
        }
        auto authed = req;
        p_.attach(authed, tok);
        auto res = co_await http_.send(authed);
        if (attempt == 0 && p_.refused(res)) {
            ++stats_.token_refusals;
            invalidate(tok);
            continue;
        }
        co_return res;
    }
}

}  // namespace app
