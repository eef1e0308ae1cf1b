#include "support/wecom_ws_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <set>
#include "transport/coroutine_frames.hpp"

namespace fake {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

struct wecom_ws_server::connection {
    connection(asio::ip::tcp::socket s, int n) : ws(std::move(s)), wake(ws.get_executor()), number(n) {}
    websocket::stream<beast::tcp_stream> ws;
    asio::steady_timer wake;
    std::deque<std::string> outq;
    bool closed = false;
    bool subscribed = false;
    bool close_after_flush = false;
    int number;
    std::set<std::string> pushed;                // callback req_ids pushed on this connection
    std::map<std::string, std::string> chat_of;  // … and their conversation
    std::set<std::string> pending;               // frames not yet answered
    void push(std::string f) {
        outq.push_back(std::move(f));
        wake.cancel();
    }
    void close() {
        closed = true;
        wake.cancel();
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
    }
};

wecom_ws_server::wecom_ws_server(asio::io_context& ioc, std::string bot_id, std::string secret)
    : ioc_(ioc),
      bot_id_(std::move(bot_id)),
      secret_(std::move(secret)),
      ws_(ioc, [this](asio::ip::tcp::socket s) { return serve(std::move(s)); }) {}

wecom_ws_server::~wecom_ws_server() = default;

void wecom_ws_server::stop() {
    ws_.close();
    if (live_) live_->close();
    live_.reset();
}

std::vector<wecom_ws_server::frame> wecom_ws_server::frames() {
    std::lock_guard<std::mutex> lock(mutex_);
    return frames_;
}

bool wecom_ws_server::push_message(const std::string& req_id, const json& body) {
    if (!live_ || live_->closed) return false;
    live_->pushed.insert(req_id);
    live_->chat_of[req_id] =
        body.value("chatid", body.contains("from") ? body["from"].value("userid", "") : "");
    live_->push(
        json{{"cmd", "aibot_msg_callback"}, {"headers", {{"req_id", req_id}}}, {"body", body}}.dump());
    return true;
}

bool wecom_ws_server::push_event(const std::string& req_id, const json& body) {
    if (!live_ || live_->closed) return false;
    live_->push(
        json{{"cmd", "aibot_event_callback"}, {"headers", {{"req_id", req_id}}}, {"body", body}}.dump());
    return true;
}

void wecom_ws_server::drop() {
    if (live_) live_->close();
    live_.reset();
}

void wecom_ws_server::answer(const std::shared_ptr<connection>& c, const std::string& req_id,
                             std::int64_t errcode, const std::string& errmsg, int delay_ms) {
    auto receipt = json{{"headers", {{"req_id", req_id}}}, {"errcode", errcode}, {"errmsg", errmsg}}.dump();
    if (delay_ms <= 0) {
        c->pending.erase(req_id);
        c->push(std::move(receipt));
        return;
    }
    auto timer = std::make_shared<asio::steady_timer>(ioc_, std::chrono::milliseconds(delay_ms));
    timer->async_wait([c, timer, req_id, receipt](const boost::system::error_code&) {
        if (c->closed) return;
        c->pending.erase(req_id);
        c->push(receipt);
    });
}

void wecom_ws_server::handle(const std::shared_ptr<connection>& c, const std::string& text) {
    const json f = json::parse(text, nullptr, false);
    const std::string cmd = f.is_object() ? f.value("cmd", "") : "";
    const std::string req_id = f.is_object() && f.contains("headers") && f["headers"].is_object()
                                   ? f["headers"].value("req_id", "")
                                   : "";
    const json body = f.is_object() && f.contains("body") ? f["body"] : json::object();
    if (req_id.empty()) {
        ++violations_;
        return;
    }
    if (!c->subscribed) {
        if (cmd != "aibot_subscribe") {
            ++violations_;  // nothing is accepted before the subscribe
            return;
        }
        if (body.value("bot_id", "") != bot_id_ || body.value("secret", "") != secret_) {
            ++refused_;
            answer(c, req_id, 40001, "invalid credential", 0);
            return;
        }
        ++subscribes_;
        if (live_ && live_ != c && !live_->closed) {
            // One connection per bot: the old one hears why, then is closed.
            ++kicked_;
            live_->push(json{{"cmd", "aibot_event_callback"},
                             {"headers", {{"req_id", "kick_" + std::to_string(kicked_)}}},
                             {"body",
                              {{"msgid", "kick-" + std::to_string(kicked_)},
                               {"msgtype", "event"},
                               {"event", {{"eventtype", "disconnected_event"}}}}}}
                            .dump());
            live_->close_after_flush = true;
        }
        live_ = c;
        c->subscribed = true;
        answer(c, req_id, 0, "ok", 0);
        return;
    }
    if (cmd == "ping") {
        ++pings_;
        if (!silent) answer(c, req_id, 0, "ok", 0);
        return;
    }
    frame seen{cmd, req_id, body, c->number, 0};
    if (c->pending.count(req_id)) ++overlaps_;
    std::string chat;
    if (cmd == "aibot_respond_msg") {
        if (!c->pushed.count(req_id)) {
            ++bad_req_ids_;
            seen.errcode = 846605;
        } else {
            chat = c->chat_of[req_id];
        }
    } else if (cmd == "aibot_send_msg") {
        if (body.contains("chat_type") || body.value("chatid", "").empty()) {
            ++violations_;
            seen.errcode = 40058;
        } else {
            chat = body.value("chatid", "");
        }
    } else {
        ++violations_;
        seen.errcode = 40008;
    }
    if (seen.errcode == 0) {
        auto& window = sent_per_chat_[chat];
        const auto now = std::chrono::steady_clock::now();
        while (!window.empty() && now - window.front() >= std::chrono::minutes(1)) window.pop_front();
        if (static_cast<int>(window.size()) >= per_minute) {
            ++rate_limited_;
            seen.errcode = 45009;
        } else {
            window.push_back(now);
        }
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        frames_.push_back(seen);
    }
    if (seen.errcode != 0) {
        answer(c, req_id, seen.errcode, seen.errcode == 45009 ? "api freq out of limit" : "refused", 0);
        return;
    }
    if (!answer_receipts) return;
    c->pending.insert(req_id);
    answer(c, req_id, 0, "ok", receipt_delay_ms);
}

asio::awaitable<void> wecom_ws_server::serve(asio::ip::tcp::socket socket) {
    auto c = std::make_shared<connection>(std::move(socket), ++connections_);
    auto [aec] = co_await c->ws.async_accept(use_tuple);
    if (aec) co_return;
    // The writer: one frame at a time.
    asio::co_spawn(
        ioc_,
        [c]() -> asio::awaitable<void> {
            while (!c->closed) {
                if (c->outq.empty()) {
                    if (c->close_after_flush) {
                        c->close();
                        break;
                    }
                    c->wake.expires_at(asio::steady_timer::time_point::max());
                    co_await c->wake.async_wait(use_tuple);
                    continue;
                }
                auto text = std::move(c->outq.front());
                c->outq.pop_front();
                c->ws.text(true);
                auto [ec, n] = co_await c->ws.async_write(asio::buffer(text), use_tuple);
                (void)n;
                if (ec) break;
            }
        },
        asio::detached);
    beast::flat_buffer buf;
    while (!c->closed) {
        buf.clear();
        auto [ec, n] = co_await c->ws.async_read(buf, use_tuple);
        (void)n;
        if (ec) break;
        handle(c, beast::buffers_to_string(buf.data()));
    }
    c->closed = true;
    c->wake.cancel();
    if (live_ == c) live_.reset();
}
}  // namespace fake
