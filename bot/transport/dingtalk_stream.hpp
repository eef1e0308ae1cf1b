// DingTalk Stream mode (PROTOCOLS.md §3.2): no public URL needed. Opens a connection ticket with the
// app's client id and secret (POST /v1.0/gateway/connections/open), connects the WebSocket (TLS,
// host-name checked), answers pings, hands robot messages to the service and ACKs each frame once
// the message is committed (so a crash before the commit means DingTalk redelivers, and the
// service de-duplicates by msgId). Reconnects with exponential backoff (1 s doubling to 60 s) and
// at once when the gateway announces a disconnect.
//
// Thread-safety: runs on the io_context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <string>

#include "core/clock.hpp"
#include "core/message.hpp"
#include "transport/https_client.hpp"

namespace app {

struct stream_settings {
    std::string gateway = "https://api.dingtalk.com";  // tests use a loopback fake
    std::string client_id;
    std::string client_secret;
    // Set: also subscribe to interactive-card callbacks and turn button presses signed with this
    // key into the presser's commands (adapters/dingtalk_card.hpp). Empty: robot messages only.
    std::string card_button_key;
    std::chrono::milliseconds first_backoff{1000};
    std::chrono::milliseconds max_backoff{60'000};
};

struct stream_stats {
    std::uint64_t connections = 0;
    std::uint64_t messages = 0;
    std::uint64_t acks = 0;
};

class dingtalk_stream {
  public:
    // Returns true when the message is safely handled (committed, a duplicate, or deliberately
    // ignored): only then is the frame ACKed.
    using message_handler = std::function<bool(const core::inbound_message&)>;
    // The same as a coroutine: the frame is ACKed once it resumes with true (group commit).
    using async_message_handler = std::function<boost::asio::awaitable<bool>(core::inbound_message)>;

    dingtalk_stream(boost::asio::io_context& ioc, https_client& http, stream_settings settings,
                    const core::clock& clock, message_handler handler);
    dingtalk_stream(boost::asio::io_context& ioc, https_client& http, stream_settings settings,
                    const core::clock& clock, async_message_handler handler);
    void start();
    void stop();
    const stream_stats& stats() const { return stats_; }

  private:
    boost::asio::awaitable<void> run();
    // One connection's life; returns when it ends (error, disconnect, stop).
    boost::asio::awaitable<void> session();
    template <class Ws>
    boost::asio::awaitable<void> serve_frames(Ws& ws);

    boost::asio::io_context& ioc_;
    https_client& http_;
    stream_settings s_;
    const core::clock& clock_;
    message_handler handler_;  // one of the two is set
    async_message_handler async_handler_;
    boost::asio::steady_timer backoff_timer_;
    std::function<void()> close_current_;
    bool stopping_ = false;
    stream_stats stats_;
};

}  // namespace app
