#include "transport/feishu_ws.hpp"
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
using steady = std::chrono::steady_clock;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::int64_t busy = 1, internal_error = 1000040343;  // endpoint codes worth retrying
constexpr int forbidden = 403, auth_failed = 514;
constexpr std::int64_t too_many_connections = 1000040350;
}  // namespace

// One open WebSocket, shared by its read loop and its ping loop (whichever ends last frees it).
template <class Ws>
struct feishu_ws::connection {
    Ws ws;
    asio::steady_timer ping;
    asio::steady_timer write_done;  // writers waiting for the write in flight
    feishu::reassembler parts;
    std::int32_t service_id = 0;
    steady::time_point last_heard = steady::now();
    bool open = true;
    bool writing = false;
    template <class... A>
    connection(asio::io_context& ioc, std::chrono::milliseconds ttl, A&&... a)
        : ws(std::forward<A>(a)...), ping(ioc), write_done(ioc), parts(ttl) {}
};

feishu_ws::feishu_ws(asio::io_context& ioc, https_client& http, feishu_ws_settings settings,
                     const core::clock& clock, async_message_handler handler)
    : ioc_(ioc),
      http_(http),
      s_(std::move(settings)),
      clock_(clock),
      handler_(std::move(handler)),
      backoff_timer_(ioc),
      rng_(std::random_device{}()) {}

void feishu_ws::start() {
    asio::co_spawn(ioc_, run(), asio::detached);
}

void feishu_ws::stop() {
    stopping_ = true;
    backoff_timer_.cancel();
    if (close_current_) close_current_();
}

asio::awaitable<void> feishu_ws::run() {
    bool jittered = false;  // the first retry after a drop waits 0..nonce, the next ones the interval
    int failures = 0;
    while (!stopping_) {
        auto o = outcome::failed;
        try {
            o = co_await session();
        } catch (const std::exception& e) {
            spdlog::warn("feishu long connection: {}", e.what());
        }
        if (stopping_) break;
        if (o == outcome::fatal) {
            gave_up_ = true;
            break;
        }
        if (o == outcome::dropped) {
            jittered = false;
            failures = 0;
        } else if (s_.config.reconnect_count >= 0 && ++failures > s_.config.reconnect_count) {
            spdlog::error("feishu long connection: gave up after {} failed attempts (ReconnectCount)",
                          failures);
            gave_up_ = true;
            break;
        }
        auto wait = s_.config.reconnect_interval;
        if (!jittered) {
            std::uniform_int_distribution<std::int64_t> pick(0, s_.config.reconnect_nonce.count());
            wait = std::chrono::milliseconds(pick(rng_));
            jittered = true;
        }
        backoff_timer_.expires_after(wait);
        co_await backoff_timer_.async_wait(use_tuple);
    }
}

asio::awaitable<feishu_ws::outcome> feishu_ws::session() {
    ++stats_.endpoint_requests;
    adapters::outbound_request req;
    req.url = s_.gateway + "/callback/ws/endpoint";
    req.headers["Content-Type"] = "application/json; charset=utf-8";
    req.headers["locale"] = "zh";
    req.body = json{{"AppID", s_.app_id}, {"AppSecret", s_.app_secret}}.dump();
    auto res = co_await http_.send(req);
    if (!res.transport_ok || res.status != 200) {
        spdlog::warn("feishu long connection: the endpoint request failed ({} {})", res.status, res.error);
        co_return outcome::failed;
    }
    auto j = json::parse(res.body, nullptr, false);
    const auto code = j.is_object() && j.contains("code") && j["code"].is_number_integer()
                          ? j["code"].get<std::int64_t>()
                          : std::int64_t{-1};
    const auto msg = j.is_object() && j.contains("msg") && j["msg"].is_string() ? j["msg"].get<std::string>()
                                                                                : std::string{};
    if (code == busy || code == internal_error) {
        spdlog::warn("feishu long connection: the endpoint is busy (code {}); retrying", code);
        co_return outcome::failed;
    }
    if (code != 0) {
        spdlog::error(
            "feishu long connection: the endpoint refused the app (code {}: {}); not retrying — check "
            "platforms.feishu app_id_env/app_secret_env and that the app uses 长连接 (开发者后台 → "
            "事件与回调)",
            code, adapters::log_word(msg));
        co_return outcome::fatal;
    }
    const auto& data = j.contains("data") && j["data"].is_object() ? j["data"] : json::object();
    if (data.contains("ClientConfig") && data["ClientConfig"].is_object())
        s_.config.apply(data["ClientConfig"].dump());
    const auto endpoint =
        data.contains("URL") && data["URL"].is_string() ? data["URL"].get<std::string>() : "";
    auto parsed = boost::urls::parse_uri(endpoint);
    if (!parsed) {
        spdlog::warn("feishu long connection: the endpoint sent no usable URL");
        co_return outcome::failed;
    }
    std::int32_t service_id = 0;
    for (auto param : parsed->params())
        if (param.key == "service_id") service_id = static_cast<std::int32_t>(std::atol(param.value.c_str()));
    std::string why;
    auto address = ws::parse(endpoint, why);
    if (!address) {
        spdlog::warn("feishu long connection: the endpoint's URL: {}", why);
        co_return outcome::failed;
    }
    // A refused handshake says whether to retry (Handshake-Status / Handshake-Autherrcode).
    auto refused = [&](const websocket::response_type& r, const std::string& failed) {
        if (r["Handshake-Status"].empty()) {  // no answer at all: connect or TLS failed
            spdlog::warn("feishu long connection: {}", failed);
            return outcome::failed;
        }
        const int status = std::atoi(std::string(r["Handshake-Status"]).c_str());
        const auto auth = std::atoll(std::string(r["Handshake-Autherrcode"]).c_str());
        const bool fatal = status == forbidden || (status == auth_failed && auth == too_many_connections);
        spdlog::log(fatal ? spdlog::level::err : spdlog::level::warn,
                    "feishu long connection: {} (Handshake-Status {}, Autherrcode {}: {}){}", failed, status,
                    auth, adapters::log_word(std::string(r["Handshake-Msg"])),
                    fatal ? "; not retrying (403: the app is banned; 1000040350: too many connections)" : "");
        return fatal ? outcome::fatal : outcome::failed;
    };
    websocket::response_type handshake;
    if (address->tls()) {
        auto c = std::make_shared<connection<ws::tls_stream>>(ioc_, s_.fragment_ttl, ioc_, http_.tls());
        c->service_id = service_id;
        if (auto failed = co_await ws::open(c->ws, *address, ws::client_timeouts(), handshake);
            !failed.empty())
            co_return refused(handshake, failed);
        co_await serve(c);
        co_return outcome::dropped;
    }
    auto c = std::make_shared<connection<ws::plain_stream>>(ioc_, s_.fragment_ttl, ioc_);
    c->service_id = service_id;
    if (auto failed = co_await ws::open(c->ws, *address, ws::client_timeouts(), handshake); !failed.empty())
        co_return refused(handshake, failed);
    co_await serve(c);
    co_return outcome::dropped;
}

template <class Ws>
asio::awaitable<bool> feishu_ws::write(connection<Ws>& c, std::string bytes) {
    while (c.writing) {  // one write at a time
        auto [ec] = co_await c.write_done.async_wait(use_tuple);
        (void)ec;
    }
    if (!c.open) co_return false;
    c.writing = true;
    c.write_done.expires_at(asio::steady_timer::time_point::max());
    c.ws.binary(true);
    auto [ec, n] = co_await c.ws.async_write(asio::buffer(bytes), use_tuple);
    (void)n;
    c.writing = false;
    c.write_done.cancel();
    co_return !ec;
}

template <class Ws>
asio::awaitable<void> feishu_ws::ping_loop(std::shared_ptr<connection<Ws>> c) {
    while (c->open && !stopping_) {
        // Silence for three ping intervals: the connection is dead though no error came.
        if (steady::now() - c->last_heard > 3 * s_.config.ping_interval) {
            spdlog::warn("feishu long connection: nothing heard for three ping intervals; reconnecting");
            c->open = false;
            beast::get_lowest_layer(c->ws).cancel();
            break;
        }
        // (Not inside the condition: g++ 12 mis-destroys the temporaries of a co_await there.)
        const bool sent = co_await write(*c, feishu::ping_bytes(c->service_id));
        if (!sent) break;
        ++stats_.pings;
        c->ping.expires_after(s_.config.ping_interval);
        co_await c->ping.async_wait(use_tuple);
    }
}

template <class Ws>
asio::awaitable<void> feishu_ws::serve(std::shared_ptr<connection<Ws>> c) {
    ++stats_.connections;
    spdlog::info("feishu long connection: connected");
    close_current_ = [w = std::weak_ptr<connection<Ws>>(c)] {
        if (auto live = w.lock()) {
            live->open = false;
            live->ping.cancel();
            beast::get_lowest_layer(live->ws).cancel();
        }
    };
    asio::co_spawn(ioc_, ping_loop(c), asio::detached);
    beast::flat_buffer buffer;
    while (!stopping_ && c->open) {
        buffer.clear();
        auto [ec, n] = co_await c->ws.async_read(buffer, use_tuple);
        (void)n;
        if (ec) break;  // closed, dropped, cancelled: reconnect
        c->last_heard = steady::now();
        if (!c->ws.got_binary()) continue;  // the protocol is binary; text messages are ignored
        pbbp2::Frame frame;
        if (!frame.ParseFromString(beast::buffers_to_string(buffer.data()))) {
            spdlog::warn("feishu long connection: a frame that is not pbbp2 was ignored");
            continue;
        }
        if (frame.method() == static_cast<std::int32_t>(feishu::frame_method::control)) {
            if (feishu::header(frame, "type") == "pong") {
                ++stats_.pongs;
                if (!frame.payload().empty()) s_.config.apply(frame.payload());
            }
            continue;
        }
        if (frame.method() == static_cast<std::int32_t>(feishu::frame_method::data))
            co_await on_data(*c, std::move(frame));
    }
    c->open = false;
    c->ping.cancel();
    c->write_done.cancel();
    close_current_ = nullptr;
    beast::error_code ignored;
    beast::get_lowest_layer(c->ws).socket().close(ignored);
    spdlog::info("feishu long connection: closed");
}

template <class Ws>
asio::awaitable<void> feishu_ws::on_data(connection<Ws>& c, pbbp2::Frame frame) {
    const auto type = feishu::header(frame, "type");
    const auto sum = feishu::header_int(frame, "sum", 1);
    std::string payload = frame.payload();
    if (sum > 1) {
        auto whole = c.parts.add(feishu::header(frame, "message_id"), sum,
                                 feishu::header_int(frame, "seq", 0), std::move(payload), steady::now());
        if (!whole) co_return;  // more parts to come (or dropped after 5 s)
        payload = std::move(*whole);
    }
    if (type != "event" && type != "card") co_return;  // nothing the SDKs answer either
    const auto started = steady::now();
    auto r = adapters::decode_feishu_event(payload, clock_.now(), s_.bot);
    bool handled = true;
    if (r.message) {
        ++stats_.messages;
        handled = co_await handler_(std::move(*r.message));
    } else if (r.error && *r.error != adapters::errc::unsupported_event) {
        // Pushing it again cannot make it usable: acknowledged below like an unused event.
        spdlog::warn("feishu long connection: {} frame not used: {} ({})", adapters::log_word(type),
                     adapters::name_of(*r.error), r.detail);
    }
    if (!handled) {
        ++stats_.unacked;
        spdlog::warn(
            "feishu long connection: a message was not committed; left unacknowledged for Feishu to push "
            "again");
        co_return;
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - started);
    const std::string data = r.reply ? r.reply->body : std::string{};
    const bool sent = co_await write(c, feishu::ack_bytes(std::move(frame), 200, took, data));
    if (sent) ++stats_.acks;
}

}  // namespace app
