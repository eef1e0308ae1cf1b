// WeCom's AI-bot long connection (PROTOCOLS 2.3, 9.2; the WeCom team's aibot-node-sdk): no public
// URL needed. Connects wss://openws.work.weixin.qq.com (TLS, host name checked; plain ws only to
// loopback, for tests), subscribes with the BotID and Secret, pings every 30 s and treats two
// unanswered pings as a dead socket, reconnects with backoff 1, 2, 4 … s capped at 30 s (a
// connection that was refused or died young keeps the backoff growing, so subscribing never
// loops fast into 45009). Message callbacks go to the async handler one at a time, in order; they
// need no acknowledgement. Posts go out through send(): frames of one req_id one at a time, each
// waiting for its receipt or 5 s. Per-connection state (the callbacks' req_ids a reply may use,
// receipts awaited) is dropped with the connection. Only one connection per bot exists: a
// disconnected_event means another instance or program subscribed with the same bot, and this one
// waits `takeover_pause` before subscribing again.
//
// Thread-safety: runs on the io_context's thread; call send() from it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "adapters/adapter.hpp"
#include "core/clock.hpp"
#include "transport/https_client.hpp"

namespace app {

struct wecom_ws_settings {
    std::string url = "wss://openws.work.weixin.qq.com";  // tests: ws://127.0.0.1:<port>
    std::string bot_id;
    std::string secret;
    std::string bot_name;  // stripped from the front of messages, as in HTTP mode
    std::chrono::milliseconds heartbeat{30'000};
    std::chrono::milliseconds receipt_timeout{5'000};
    std::chrono::milliseconds first_backoff{1'000};
    std::chrono::milliseconds max_backoff{30'000};
    // After another subscriber took the bot over (disconnected_event): wait this long, then take it
    // back (logged each time; two instances on one bot would keep taking it from each other).
    std::chrono::milliseconds takeover_pause{std::chrono::minutes(10)};
};

struct wecom_ws_stats {
    std::uint64_t attempts = 0;    // connections opened (subscribe sent)
    std::uint64_t subscribed = 0;  // subscribes answered errcode 0
    std::uint64_t refused = 0;     // subscribes answered with an error
    std::uint64_t messages = 0;    // callbacks handed to the handler
    std::uint64_t pings = 0;
    std::uint64_t pongs = 0;
    std::uint64_t dead = 0;       // closed after two unanswered pings
    std::uint64_t takeovers = 0;  // disconnected_event received
    std::uint64_t sent = 0;       // frames sent through send()
    std::uint64_t receipts = 0;   // their receipts
    std::uint64_t lost = 0;       // callbacks the handler could not take after three tries
};

class wecom_ws {
  public:
    // Returns true when the message is safely handled (committed, a duplicate, or deliberately
    // ignored); false: storage failed, tried again twice (1 s, 2 s later), then logged as lost.
    using async_message_handler = std::function<boost::asio::awaitable<bool>(core::inbound_message)>;

    wecom_ws(boost::asio::io_context& ioc, https_client& http, wecom_ws_settings settings,
             const core::clock& clock, async_message_handler handler);
    ~wecom_ws();
    void start();
    void stop();

    // The outbox sender's chat_route::deliver for "wecom-ws:" requests (adapters/wecom_ws.hpp):
    // http_result{transport_ok, 200, receipt frame} once the receipt came; transport_ok false when
    // not connected, when the connection closed first, or after receipt_timeout. A reply on a
    // req_id this connection did not hand out (an earlier connection's) is answered at once with a
    // receipt of errcode 846605, as WeCom would, without sending it.
    boost::asio::awaitable<http_result> send(adapters::outbound_request req);

    bool connected() const;
    const wecom_ws_stats& stats() const { return stats_; }

    struct connection;  // one socket's state (wecom_ws.cpp)

  private:
    struct session_end {
        bool subscribed = false;
        bool taken_over = false;
        bool refused_fast = false;  // 45009 on the subscribe
        std::chrono::steady_clock::duration lived{};
    };
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<session_end> session();
    template <class Ws>
    boost::asio::awaitable<session_end> serve(std::shared_ptr<Ws> ws);
    template <class Ws>
    boost::asio::awaitable<void> writer(std::shared_ptr<Ws> ws, std::shared_ptr<connection> c);
    boost::asio::awaitable<void> heartbeat(std::shared_ptr<connection> c);
    boost::asio::awaitable<void> inbox();
    void on_frame(connection& c, const std::string& text);

    boost::asio::io_context& ioc_;
    https_client& http_;
    wecom_ws_settings s_;
    const core::clock& clock_;
    async_message_handler handler_;
    boost::asio::steady_timer backoff_timer_;
    boost::asio::steady_timer inbox_wake_;
    std::deque<core::inbound_message> inbox_;
    std::shared_ptr<connection> current_;
    bool stopping_ = false;
    wecom_ws_stats stats_;
};

}  // namespace app
