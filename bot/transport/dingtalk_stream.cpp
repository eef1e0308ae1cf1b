#include "transport/dingtalk_stream.hpp"

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

#include "adapters/crypto.hpp"
#include "adapters/dingtalk.hpp"
#include "transport/coroutine_frames.hpp"
#include "transport/ws_connect.hpp"

namespace app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

dingtalk_stream::dingtalk_stream(asio::io_context& ioc, https_client& http, stream_settings settings,
                                 const core::clock& clock, message_handler handler)
    : ioc_(ioc),
      http_(http),
      s_(std::move(settings)),
      clock_(clock),
      handler_(std::move(handler)),
      backoff_timer_(ioc) {}

dingtalk_stream::dingtalk_stream(asio::io_context& ioc, https_client& http, stream_settings settings,
                                 const core::clock& clock, async_message_handler handler)
    : ioc_(ioc),
      http_(http),
      s_(std::move(settings)),
      clock_(clock),
      async_handler_(std::move(handler)),
      backoff_timer_(ioc) {}

void dingtalk_stream::start() {
    asio::co_spawn(ioc_, run(), asio::detached);
}

void dingtalk_stream::stop() {
    stopping_ = true;
    backoff_timer_.cancel();
    if (close_current_) close_current_();
}

asio::awaitable<void> dingtalk_stream::run() {
    auto backoff = s_.first_backoff;
    while (!stopping_) {
        auto before = stats_.messages;
        auto connected_before = stats_.connections;
        try {
            co_await session();
        } catch (const std::exception& e) {
            spdlog::warn("dingtalk stream: {}", e.what());
        }
        if (stopping_) break;
        // A connection that worked resets the backoff; repeated failures double it.
        if (stats_.connections > connected_before && stats_.messages >= before) backoff = s_.first_backoff;
        backoff_timer_.expires_after(backoff);
        co_await backoff_timer_.async_wait(use_tuple);
        backoff = std::min(backoff * 2, s_.max_backoff);
    }
}

asio::awaitable<void> dingtalk_stream::session() {
    // 1. A single-use ticket (valid 90 s).
    adapters::outbound_request open;
    open.url = s_.gateway + "/v1.0/gateway/connections/open";
    open.headers["Content-Type"] = "application/json";
    auto topics = json::array({{{"type", "CALLBACK"}, {"topic", "/v1.0/im/bot/messages/get"}}});
    if (!s_.card_button_key.empty())
        topics.push_back({{"type", "CALLBACK"}, {"topic", std::string(adapters::dingtalk_card_topic)}});
    open.body = json{{"clientId", s_.client_id},
                     {"clientSecret", s_.client_secret},
                     {"subscriptions", std::move(topics)},
                     {"ua", "complaint-bot"}}
                    .dump();
    auto res = co_await http_.send(open);
    if (!res.transport_ok || res.status != 200) {
        spdlog::warn("dingtalk stream: opening a connection failed ({} {})", res.status, res.error);
        co_return;
    }
    auto j = json::parse(res.body, nullptr, false);
    if (j.is_discarded() || !j.contains("endpoint") || !j.contains("ticket") || !j["endpoint"].is_string() ||
        !j["ticket"].is_string()) {
        spdlog::warn(
            "dingtalk stream: the gateway's answer has no endpoint/ticket (check client id and secret)");
        co_return;
    }
    const auto endpoint = j["endpoint"].get<std::string>();
    std::string why;
    auto address = ws::parse(endpoint, why);
    if (!address) {
        spdlog::warn("dingtalk stream: the gateway's endpoint: {}", why);
        co_return;
    }
    address->target += (address->target.find('?') == std::string::npos ? "?" : "&") + std::string("ticket=") +
                       adapters::crypto::url_encode(j["ticket"].get<std::string>());
    websocket::response_type handshake;
    if (address->tls()) {
        ws::tls_stream s(ioc_, http_.tls());
        if (auto failed = co_await ws::open(s, *address, ws::client_timeouts(), handshake); !failed.empty()) {
            spdlog::warn("dingtalk stream: {}", failed);
            co_return;
        }
        co_await serve_frames(s);
    } else {
        ws::plain_stream s(ioc_);
        if (auto failed = co_await ws::open(s, *address, ws::client_timeouts(), handshake); !failed.empty()) {
            spdlog::warn("dingtalk stream: {}", failed);
            co_return;
        }
        co_await serve_frames(s);
    }
}

template <class Ws>
asio::awaitable<void> dingtalk_stream::serve_frames(Ws& ws) {
    ++stats_.connections;
    close_current_ = [&ws] { beast::get_lowest_layer(ws).cancel(); };
    beast::flat_buffer buffer;
    while (!stopping_) {
        buffer.clear();
        auto [ec, n] = co_await ws.async_read(buffer, use_tuple);
        (void)n;
        if (ec) break;  // closed, dropped, timed out: reconnect
        auto frame = beast::buffers_to_string(buffer.data());
        auto f = adapters::decode_stream_frame(frame, clock_.now(), s_.card_button_key);
        if (f.disconnect) break;  // the gateway closes in ~10 s: reconnect now
        bool handled = true;
        if (f.inbound.error && *f.inbound.error != adapters::errc::unsupported_event)
            spdlog::warn("dingtalk stream: frame not used: {} ({})", adapters::name_of(*f.inbound.error),
                         f.inbound.detail);
        if (f.inbound.message) {
            ++stats_.messages;
            handled =
                async_handler_ ? co_await async_handler_(*f.inbound.message) : handler_(*f.inbound.message);
        }
        if (handled && !f.ack.empty()) {
            ws.text(true);
            auto [wec, wn] = co_await ws.async_write(asio::buffer(f.ack), use_tuple);
            (void)wn;
            if (wec) break;
            ++stats_.acks;
        }
    }
    close_current_ = nullptr;
    beast::error_code ignored;
    beast::get_lowest_layer(ws).socket().close(ignored);
}

}  // namespace app
