#include "transport/slack_socket.hpp"
#include "transport/ws_connect.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>
#include "transport/coroutine_frames.hpp"

namespace app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct slack_socket::conn {
    explicit conn(asio::io_context& ioc, int n) : id(n), grace(ioc) {}
    int id;
    bool hello = false;
    bool draining = false;      // a newer socket replaces this one
    bool close_wanted = false;  // the grace period is over: close once nothing is in flight
    bool handling = false;      // a message is with the handler
    asio::steady_timer grace;
    std::function<void()> cancel;  // cancels the socket's I/O (set while it is connected)
};

slack_socket::slack_socket(asio::io_context& ioc, https_client& http, slack_socket_settings settings,
                           const core::clock& clock, const adapters::slack_adapter& adapter,
                           async_message_handler handler)
    : ioc_(ioc),
      http_(http),
      s_(std::move(settings)),
      clock_(clock),
      adapter_(adapter),
      handler_(std::move(handler)),
      backoff_timer_(ioc),
      wake_timer_(ioc) {
    while (!s_.api.empty() && s_.api.back() == '/') s_.api.pop_back();
}

void slack_socket::start() {
    asio::co_spawn(ioc_, run(), asio::detached);
}

void slack_socket::stop() {
    stopping_ = true;
    backoff_timer_.cancel();
    wake_timer_.cancel();
    for (auto& [id, c] : conns_) {
        c->grace.cancel();
        if (c->cancel) c->cancel();
    }
}

void slack_socket::wake(wake_reason why) {
    wake_ = why;
    wake_timer_.cancel();
}

asio::awaitable<void> slack_socket::run() {
    auto backoff = s_.first_backoff;
    while (!stopping_ && !disabled_) {
        const auto hellos = stats_.hellos;
        wake_ = wake_reason::none;
        retry_after_ = std::chrono::milliseconds{0};
        auto url = co_await open_url();
        if (!url.empty() && !stopping_) {
            auto c = std::make_shared<conn>(ioc_, ++next_id_);
            current_ = c->id;
            conns_[c->id] = c;
            asio::co_spawn(ioc_, session(c, std::move(url)), asio::detached);
            while (wake_ == wake_reason::none && !stopping_) {
                wake_timer_.expires_at(asio::steady_timer::time_point::max());
                co_await wake_timer_.async_wait(use_tuple);
            }
        }
        if (stopping_ || disabled_) break;
        if (wake_ == wake_reason::refresh) {  // the old socket drains: open the new one now
            backoff = s_.first_backoff;
            continue;
        }
        if (stats_.hellos > hellos) backoff = s_.first_backoff;  // that socket worked
        backoff_timer_.expires_after(std::max(backoff, retry_after_));
        co_await backoff_timer_.async_wait(use_tuple);
        backoff = std::min(backoff * 2, s_.max_backoff);
    }
}

asio::awaitable<std::string> slack_socket::open_url() {
    adapters::outbound_request open;
    open.url = s_.api + "/apps.connections.open";
    open.headers["Authorization"] = "Bearer " + s_.app_token;
    open.headers["Content-Type"] = "application/x-www-form-urlencoded";
    auto res = co_await http_.send(open);
    if (!res.transport_ok) {
        spdlog::warn("slack socket mode: cannot reach apps.connections.open: {}", res.error);
        co_return std::string{};
    }
    if (res.status == 429) {
        auto wait = adapter_.wait_after(res.headers, res.body);
        retry_after_ = wait.count() > 0 ? wait : std::chrono::milliseconds(30'000);
        spdlog::warn("slack socket mode: apps.connections.open is rate limited; trying again in {} s",
                     retry_after_.count() / 1000);
        co_return std::string{};
    }
    auto j = json::parse(res.body, nullptr, false);
    if (res.status != 200 || !j.is_object()) {
        spdlog::warn("slack socket mode: apps.connections.open answered HTTP {}", res.status);
        co_return std::string{};
    }
    if (!j.value("ok", false) || !j.contains("url") || !j["url"].is_string()) {
        auto error = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "no url";
        spdlog::error(
            "slack socket mode: apps.connections.open refused: {} (check the app-level token xapp-… named by "
            "app_token_env: it needs the connections:write scope, and Socket Mode must be on for the app)",
            adapters::log_word(error));
        co_return std::string{};
    }
    co_return j["url"].get<std::string>();  // carries a ticket: never logged
}

asio::awaitable<void> slack_socket::session(std::shared_ptr<conn> c, std::string url) {
    try {
        co_await connect_and_serve(c, url);
    } catch (const std::exception& e) {
        spdlog::warn("slack socket mode: {}", e.what());
    }
    c->cancel = nullptr;
    c->grace.cancel();
    conns_.erase(c->id);
    if (c->id == current_ && !c->draining) wake(wake_reason::ended);
}

asio::awaitable<void> slack_socket::connect_and_serve(std::shared_ptr<conn> c, const std::string& endpoint) {
    std::string why;
    auto address = ws::parse(endpoint, why);
    if (!address) {
        spdlog::warn("slack socket mode: apps.connections.open's URL: {}", why);
        co_return;
    }
    // Beast pings after half the idle timeout without a frame, and fails the socket after all of it.
    const ws::timeouts timeouts{std::chrono::seconds(10), s_.idle_timeout, true};
    websocket::response_type handshake;
    if (address->tls()) {
        ws::tls_stream s(ioc_, http_.tls());
        if (auto failed = co_await ws::open(s, *address, timeouts, handshake); !failed.empty()) {
            spdlog::warn("slack socket mode: {}", failed);
            co_return;
        }
        co_await serve(s, c);
    } else {
        ws::plain_stream s(ioc_);
        if (auto failed = co_await ws::open(s, *address, timeouts, handshake); !failed.empty()) {
            spdlog::warn("slack socket mode: {}", failed);
            co_return;
        }
        co_await serve(s, c);
    }
}

template <class Ws>
asio::awaitable<void> slack_socket::serve(Ws& ws, std::shared_ptr<conn> c) {
    ++stats_.connections;
    c->cancel = [&ws] { beast::get_lowest_layer(ws).cancel(); };
    // Connected but silent: another socket is tried.
    asio::steady_timer hello_timer(ioc_);
    hello_timer.expires_after(s_.hello_timeout);
    hello_timer.async_wait([c](const boost::system::error_code& ec) {
        if (!ec && !c->hello && c->cancel) c->cancel();
    });
    beast::flat_buffer buffer;
    while (!stopping_ && !c->close_wanted) {
        buffer.clear();
        auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
        (void)n;
        if (ec) {
            if (!stopping_ && !c->close_wanted && !c->draining)
                spdlog::warn("slack socket mode: socket {} closed: {}", c->id, ec.message());
            break;
        }
        auto f = adapter_.decode_socket_frame(beast::buffers_to_string(buffer.data()), clock_.now());
        if (f.kind == adapters::slack_frame_kind::hello) {
            hello_timer.cancel();
            c->hello = true;
            ++stats_.hellos;
            on_hello(c);
            continue;
        }
        if (f.kind == adapters::slack_frame_kind::disconnect) {
            if (f.reason == "link_disabled") {
                spdlog::error(
                    "slack socket mode: Slack disabled this app's socket link (link_disabled); not "
                    "reconnecting. "
                    "Turn Socket Mode back on (api.slack.com/apps → Socket Mode) or use `mode: http`, then "
                    "restart the bot");
                disabled_ = true;
                for (auto& [id, other] : conns_)
                    if (id != c->id && other->cancel) other->cancel();
                wake(wake_reason::ended);
                break;
            }
            if (f.reason == "too_many_websockets") {
                spdlog::warn(
                    "slack socket mode: too many sockets for this app (another instance?): closing "
                    "socket {}, trying again after the backoff",
                    c->id);
                break;
            }
            // warning, refresh_requested (and reasons Slack adds later): a new socket first, this
            // one drains.
            spdlog::info("slack socket mode: disconnect ({}) on socket {}: opening a new socket", f.reason,
                         c->id);
            if (!c->draining) {
                c->draining = true;
                ++stats_.refreshes;
                if (c->id == current_) wake(wake_reason::refresh);
            }
            continue;
        }
        if (f.inbound.error && *f.inbound.error != adapters::errc::unsupported_event)
            spdlog::warn("slack socket mode: frame not used: {} ({})", adapters::name_of(*f.inbound.error),
                         f.inbound.detail);
        bool handled = true;
        if (f.inbound.message) {
            ++stats_.messages;
            c->handling = true;
            try {
                handled = co_await handler_(*f.inbound.message);
            } catch (const std::exception& e) {
                spdlog::warn("slack socket mode: handling a message failed: {}", e.what());
                handled = false;
            }
            c->handling = false;
        }
        if (!handled) {
            ++stats_.not_acked;  // Slack redelivers it (retry_attempt) on this socket or another
            continue;
        }
        if (!f.ack.empty()) {
            ws.text(true);
            auto [wec, wn] = co_await ws.async_write(asio::buffer(f.ack), use_tuple);
            (void)wn;
            if (wec) break;
            ++stats_.acks;
        }
    }
    hello_timer.cancel();
    c->cancel = nullptr;
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws).socket().close(ignored);
}
void slack_socket::on_hello(const std::shared_ptr<conn>& c) {
    spdlog::info("slack socket mode: socket {} connected", c->id);
    for (auto& [id, old] : conns_) {
        if (id == c->id || !old->draining) continue;
        old->grace.expires_after(s_.drain_grace);
        old->grace.async_wait([old](const boost::system::error_code& ec) {
            if (ec) return;
            old->close_wanted = true;
            // Reading: stop now. Handling a message: the loop ends once it is acknowledged.
            if (!old->handling && old->cancel) old->cancel();
        });
    }
}

}  // namespace app
