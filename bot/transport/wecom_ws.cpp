#include "transport/wecom_ws.hpp"

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

#include <map>
#include <optional>
#include <set>

#include "adapters/wecom_ws.hpp"
#include "transport/coroutine_frames.hpp"
#include "transport/ws_connect.hpp"

namespace app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace frames = adapters::wecom_ws;
using tcp = asio::ip::tcp;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_frame_bytes = 4 << 20;
constexpr std::size_t max_remembered_callbacks = 20'000;

long long ms(std::chrono::milliseconds d) {
    return static_cast<long long>(d.count());
}
}  // namespace

// One socket's life: what is queued for the writer, the receipts awaited, the callbacks' req_ids a
// reply may use. Dropped when the socket closes, so nothing of it reaches the next connection.
struct wecom_ws::connection {
    explicit connection(asio::io_context& ioc) : wake(ioc), beat(ioc) {}

    struct waiter {
        explicit waiter(asio::io_context& ioc) : timer(ioc) {}
        asio::steady_timer timer;
        std::optional<std::string> receipt;
    };

    asio::steady_timer wake;  // the writer's: cancelled when a frame is queued
    asio::steady_timer beat;  // the heartbeat's
    std::deque<std::string> outq;
    bool closed = false;
    bool closing = false;
    bool subscribed = false;
    bool taken_over = false;
    bool refused_fast = false;
    std::string subscribe_id;
    std::set<std::string> pings;  // pings awaiting their answer
    int missed = 0;               // pings unanswered in a row
    std::set<std::string> callbacks;
    std::deque<std::string> callback_order;
    // The frame of a req_id awaiting its receipt (null: handed over to the next queued frame), and
    // the frames queued behind it.
    std::map<std::string, std::shared_ptr<waiter>> waiting;
    std::map<std::string, std::deque<std::shared_ptr<asio::steady_timer>>> queued;
    std::function<void()> close_socket;

    void push(std::string frame) {
        outq.push_back(std::move(frame));
        wake.cancel();
    }
    // Ends the connection: the reader stops at its next turn (now, if it waits on the socket).
    void close() {
        closing = true;
        if (close_socket) close_socket();
    }
    void remember_callback(const std::string& req_id) {
        if (!callbacks.insert(req_id).second) return;
        callback_order.push_back(req_id);
        if (callback_order.size() > max_remembered_callbacks) {
            callbacks.erase(callback_order.front());
            callback_order.pop_front();
        }
    }
    // The socket is gone: wake everyone who waits on it.
    void shut() {
        closed = true;
        wake.cancel();
        beat.cancel();
        for (auto& [id, w] : waiting)
            if (w) w->timer.cancel();
        for (auto& [id, q] : queued)
            for (auto& t : q) t->cancel();
        queued.clear();
        close_socket = nullptr;
    }
};

wecom_ws::wecom_ws(asio::io_context& ioc, https_client& http, wecom_ws_settings settings,
                   const core::clock& clock, async_message_handler handler)
    : ioc_(ioc),
      http_(http),
      s_(std::move(settings)),
      clock_(clock),
      handler_(std::move(handler)),
      backoff_timer_(ioc),
      inbox_wake_(ioc) {}

wecom_ws::~wecom_ws() = default;

void wecom_ws::start() {
    asio::co_spawn(ioc_, inbox(), asio::detached);
    asio::co_spawn(ioc_, run(), asio::detached);
}

void wecom_ws::stop() {
    stopping_ = true;
    backoff_timer_.cancel();
    inbox_wake_.cancel();
    if (current_) current_->close();
}

bool wecom_ws::connected() const {
    return current_ && current_->subscribed && !current_->closed;
}

asio::awaitable<void> wecom_ws::run() {
    auto backoff = s_.first_backoff;
    while (!stopping_) {
        session_end end;
        try {
            end = co_await session();
        } catch (const std::exception& e) {
            spdlog::warn("wecom long connection: {}", e.what());
        }
        if (stopping_) break;
        std::chrono::milliseconds wait = backoff;
        if (end.taken_over) {
            wait = s_.takeover_pause;
            spdlog::warn(
                "wecom long connection: subscribing again in {} s (stop the other instance or "
                "program that uses this bot, or it and this one will keep taking it from each other)",
                ms(wait) / 1000);
        } else {
            // Only a connection that outlived a heartbeat resets the backoff: one refused or closed
            // right after the subscribe must not make us subscribe in a fast loop (45009).
            if (end.subscribed && end.lived >= s_.heartbeat) backoff = s_.first_backoff;
            if (end.refused_fast) backoff = s_.max_backoff;
            wait = backoff;
            backoff = std::min(backoff * 2, s_.max_backoff);
            spdlog::info("wecom long connection: connecting again in {} ms", ms(wait));
        }
        backoff_timer_.expires_after(wait);
        co_await backoff_timer_.async_wait(use_tuple);
    }
}

asio::awaitable<wecom_ws::session_end> wecom_ws::session() {
    std::string why;
    auto address = ws::parse(s_.url, why);
    if (!address) {
        spdlog::warn("wecom long connection: the gateway '{}': {}", adapters::redact(s_.url), why);
        co_return session_end{};
    }
    websocket::response_type handshake;
    if (address->tls()) {
        auto s = std::make_shared<ws::tls_stream>(ioc_, http_.tls());
        if (auto failed = co_await ws::open(*s, *address, ws::client_timeouts(), handshake);
            !failed.empty()) {
            spdlog::warn("wecom long connection: {}", failed);
            co_return session_end{};
        }
        auto end = co_await serve(s);
        co_return end;
    }
    auto s = std::make_shared<ws::plain_stream>(ioc_);
    if (auto failed = co_await ws::open(*s, *address, ws::client_timeouts(), handshake); !failed.empty()) {
        spdlog::warn("wecom long connection: {}", failed);
        co_return session_end{};
    }
    auto end = co_await serve(s);
    co_return end;
}

template <class Ws>
asio::awaitable<wecom_ws::session_end> wecom_ws::serve(std::shared_ptr<Ws> ws) {
    ws->read_message_max(max_frame_bytes);
    auto c = std::make_shared<connection>(ioc_);
    std::weak_ptr<Ws> weak = ws;
    c->close_socket = [weak] {
        if (auto w = weak.lock()) beast::get_lowest_layer(*w).cancel();
    };
    current_ = c;
    ++stats_.attempts;
    const auto started = std::chrono::steady_clock::now();
    asio::co_spawn(ioc_, writer(ws, c), asio::detached);
    c->subscribe_id = frames::fresh_req_id("aibot_subscribe", clock_.now());
    c->push(frames::subscribe_frame(c->subscribe_id, s_.bot_id, s_.secret));
    asio::co_spawn(ioc_, heartbeat(c), asio::detached);

    beast::flat_buffer buffer;
    while (!c->closing && !stopping_) {
        buffer.clear();
        auto [ec, n] = co_await ws->async_read(buffer, use_tuple);
        (void)n;
        if (ec) {
            if (!stopping_ && !c->taken_over) spdlog::warn("wecom long connection closed: {}", ec.message());
            break;
        }
        on_frame(*c, beast::buffers_to_string(buffer.data()));
    }
    session_end end{c->subscribed, c->taken_over, c->refused_fast,
                    std::chrono::steady_clock::now() - started};
    c->shut();
    if (current_ == c) current_.reset();
    beast::error_code ignored;
    beast::get_lowest_layer(*ws).socket().close(ignored);
    co_return end;
}

template <class Ws>
asio::awaitable<void> wecom_ws::writer(std::shared_ptr<Ws> ws, std::shared_ptr<connection> c) {
    while (!c->closed) {
        if (c->outq.empty()) {
            c->wake.expires_at(asio::steady_timer::time_point::max());
            co_await c->wake.async_wait(use_tuple);
            continue;
        }
        auto text = std::move(c->outq.front());
        c->outq.pop_front();
        ws->text(true);
        auto [ec, n] = co_await ws->async_write(asio::buffer(text), use_tuple);
        (void)n;
        if (ec) {
            c->close();
            break;
        }
    }
}

asio::awaitable<void> wecom_ws::heartbeat(std::shared_ptr<connection> c) {
    while (!c->closed) {
        c->beat.expires_after(s_.heartbeat);
        co_await c->beat.async_wait(use_tuple);
        if (c->closed || stopping_) break;
        if (!c->subscribed) {
            spdlog::warn("wecom long connection: the subscribe got no answer within {} ms", ms(s_.heartbeat));
            c->close();
            break;
        }
        if (c->missed >= 2) {
            spdlog::warn("wecom long connection: two pings unanswered, the connection is dead");
            ++stats_.dead;
            c->close();
            break;
        }
        ++c->missed;
        ++stats_.pings;
        auto id = frames::fresh_req_id("ping", clock_.now());
        c->pings.insert(id);
        c->push(frames::ping_frame(id));
    }
}

asio::awaitable<void> wecom_ws::inbox() {
    while (!stopping_) {
        if (inbox_.empty()) {
            inbox_wake_.expires_at(asio::steady_timer::time_point::max());
            co_await inbox_wake_.async_wait(use_tuple);
            continue;
        }
        auto m = std::move(inbox_.front());
        inbox_.pop_front();
        ++stats_.messages;
        // WeCom does not redeliver a callback nobody acknowledged (there is no acknowledgement):
        // storage that fails for a moment gets two more tries before the message is given up.
        bool ok = false;
        for (int attempt = 0; attempt < 3 && !ok && !stopping_; ++attempt) {
            if (attempt > 0) {
                asio::steady_timer pause(ioc_);
                pause.expires_after(std::chrono::seconds(attempt));
                co_await pause.async_wait(use_tuple);
            }
            ok = co_await handler_(m);
        }
        if (!ok) {
            ++stats_.lost;
            spdlog::error("wecom message {} in chat '{}' could not be stored after three tries and is lost",
                          m.msg_id, m.chat);
        }
    }
}

asio::awaitable<http_result> wecom_ws::send(adapters::outbound_request req) {
    http_result out;
    const std::string cmd = req.url.substr(std::min(frames::marker.size(), req.url.size()));
    auto f = frames::frame_of(req, frames::fresh_req_id(cmd, clock_.now()));
    if (!f) {
        out.error = "not a WeCom long-connection request";
        co_return out;
    }
    auto c = current_;
    if (!c || !c->subscribed || c->closed) {
        out.error = "WeCom long connection not connected";
        co_return out;
    }
    if (f->cmd == "aibot_respond_msg" && !c->callbacks.count(f->req_id)) {
        // The req_id came on an earlier connection (or never): WeCom answers 846605, so do we.
        out.transport_ok = true;
        out.status = 200;
        out.body = R"j({"errcode":846605,"errmsg":"invalid req_id (not from this connection)"})j";
        co_return out;
    }
    if (c->waiting.count(f->req_id)) {
        // One frame per req_id at a time: wait for the one before to get its receipt.
        auto turn = std::make_shared<asio::steady_timer>(ioc_, asio::steady_timer::time_point::max());
        c->queued[f->req_id].push_back(turn);
        co_await turn->async_wait(use_tuple);
        if (c->closed) {
            out.error = "the WeCom long connection closed before the frame was sent";
            co_return out;
        }
    }
    auto w = std::make_shared<connection::waiter>(ioc_);
    c->waiting[f->req_id] = w;
    c->push(std::move(f->text));
    ++stats_.sent;
    w->timer.expires_after(s_.receipt_timeout);
    co_await w->timer.async_wait(use_tuple);
    // Hand the req_id over to the next frame queued for it, if any.
    if (auto it = c->waiting.find(f->req_id); it != c->waiting.end() && it->second == w) {
        auto q = c->queued.find(f->req_id);
        if (q != c->queued.end() && !q->second.empty()) {
            it->second = nullptr;
            q->second.front()->cancel();
            q->second.pop_front();
            if (q->second.empty()) c->queued.erase(q);
        } else {
            c->waiting.erase(it);
        }
    }
    if (w->receipt) {
        ++stats_.receipts;
        out.transport_ok = true;
        out.status = 200;
        out.body = std::move(*w->receipt);
    } else {
        out.error = c->closed ? "the WeCom long connection closed before the receipt"
                              : "no receipt within " + std::to_string(ms(s_.receipt_timeout)) + " ms";
    }
    co_return out;
}

void wecom_ws::on_frame(connection& c, const std::string& text) {
    auto fr = frames::decode_frame(text, s_.bot_name, clock_.now());
    switch (fr.kind) {
        case frames::frame_kind::receipt: {
            if (fr.req_id == c.subscribe_id) {
                if (fr.errcode && *fr.errcode == 0) {
                    c.subscribed = true;
                    ++stats_.subscribed;
                    spdlog::info("wecom long connection: subscribed");
                    return;
                }
                ++stats_.refused;
                c.refused_fast = fr.errcode && *fr.errcode == 45009;
                spdlog::warn(
                    "wecom long connection: subscribe refused (errcode {} {}): check the BotID and Secret "
                    "(platforms.wecom bot_id_env, secret_env)",
                    fr.errcode ? std::to_string(*fr.errcode) : std::string("none"), fr.errmsg);
                c.close();
                return;
            }
            if (c.pings.erase(fr.req_id)) {
                if (fr.errcode && *fr.errcode == 0) {
                    c.missed = 0;
                    ++stats_.pongs;
                }
                return;
            }
            if (auto it = c.waiting.find(fr.req_id);
                it != c.waiting.end() && it->second && !it->second->receipt) {
                it->second->receipt = text;
                it->second->timer.cancel();
                return;
            }
            spdlog::debug("wecom long connection: a receipt nobody waits for");
            return;
        }
        case frames::frame_kind::message:
        case frames::frame_kind::event:
            if (fr.disconnected) {
                ++stats_.takeovers;
                c.taken_over = true;
                spdlog::warn(
                    "wecom long connection: another instance or program subscribed with this bot and took "
                    "it over (WeCom keeps one connection per bot); this one stops receiving messages");
                c.close();
                return;
            }
            if (fr.inbound.message) {
                if (fr.kind == frames::frame_kind::message) c.remember_callback(fr.req_id);
                inbox_.push_back(std::move(*fr.inbound.message));
                inbox_wake_.cancel();
                return;
            }
            if (fr.inbound.error && *fr.inbound.error != adapters::errc::unsupported_event)
                spdlog::warn("wecom long connection: callback not used: {} ({})",
                             adapters::name_of(*fr.inbound.error), fr.inbound.detail);
            else
                spdlog::info("wecom long connection: callback not a post the bot uses: {}",
                             fr.inbound.detail);
            return;
        case frames::frame_kind::other:
            spdlog::info("wecom long connection: frame ignored: {}", fr.inbound.detail);
            return;
        case frames::frame_kind::malformed:
            spdlog::warn("wecom long connection: frame not used: {}", fr.inbound.detail);
            return;
    }
}

}  // namespace app
