// Slack Socket Mode: no public URL needed. Asks for a socket URL with the app-level token (POST
// {api}/apps.connections.open → {ok, url}), connects the WebSocket (TLS, host name checked; plain ws
// only to loopback for the tests), waits for `hello`, hands each envelope's message to the service
// and acknowledges the envelope ({"envelope_id":…}) only once the handler resumes with true (the
// message is committed): a crash before the commit means Slack redelivers, and the service
// de-duplicates by msg_id. On `disconnect` (warning, refresh_requested) a new socket is opened
// first and the old one drains — it keeps reading and finishes what it is handling until a grace
// period after the new socket's hello, then closes; link_disabled stops with a log line saying
// what to do; too_many_websockets closes this socket and reconnects after the backoff. Beast pings
// an idle socket (idle_timeout / 2 without a frame) and closes it when the idle timeout passes with
// nothing received, so a half-open socket is noticed. Reconnects with backoff (1 s doubling to 30 s).
//
// Thread-safety: runs on the io_context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "adapters/slack.hpp"
#include "core/clock.hpp"
#include "core/message.hpp"
#include "transport/https_client.hpp"

namespace app {

struct slack_socket_settings {
    std::string api = "https://slack.com/api";  // tests use a loopback fake
    std::string app_token;                      // xapp-…, connections:write
    std::chrono::milliseconds first_backoff{1000};
    std::chrono::milliseconds max_backoff{30'000};
    // A socket that sent nothing (not even a pong) for this long is closed; Beast pings it after
    // half of it.
    std::chrono::milliseconds idle_timeout{10'000};
    std::chrono::milliseconds hello_timeout{10'000};  // connected, but no hello: try another socket
    // After the new socket's hello, how long a replaced socket keeps reading before it closes.
    std::chrono::milliseconds drain_grace{1'000};
};

struct slack_socket_stats {
    std::uint64_t connections = 0;  // WebSocket handshakes that succeeded
    std::uint64_t hellos = 0;
    std::uint64_t messages = 0;  // handed to the handler
    std::uint64_t acks = 0;
    std::uint64_t not_acked = 0;  // the handler said no: Slack redelivers
    std::uint64_t refreshes = 0;  // disconnects answered with a new socket first
};

class slack_socket {
  public:
    // Resumes with true once the message is committed (or a duplicate, or deliberately ignored):
    // only then is the envelope acknowledged.
    using async_message_handler = std::function<boost::asio::awaitable<bool>(core::inbound_message)>;

    // `adapter` decodes the frames (its bot id and nothing else is used); it must outlive this.
    slack_socket(boost::asio::io_context& ioc, https_client& http, slack_socket_settings settings,
                 const core::clock& clock, const adapters::slack_adapter& adapter,
                 async_message_handler handler);
    void start();
    // Closes every socket; the sessions end on the loop (run it until they have).
    void stop();
    const slack_socket_stats& stats() const { return stats_; }
    // Slack said link_disabled: no more connections are made.
    bool disabled() const { return disabled_; }
    // Sockets open now (a replaced one still draining counts).
    std::size_t open_sockets() const { return conns_.size(); }

  private:
    struct conn;
    enum class wake_reason { none, ended, refresh };

    boost::asio::awaitable<void> run();
    // Asks for a socket URL; empty on failure (logged, `retry_after_` set on a 429).
    boost::asio::awaitable<std::string> open_url();
    // One socket's life: connect, serve its frames, tell the runner when it ends.
    boost::asio::awaitable<void> session(std::shared_ptr<conn> c, std::string url);
    boost::asio::awaitable<void> connect_and_serve(std::shared_ptr<conn> c, const std::string& url);
    template <class Ws>
    boost::asio::awaitable<void> serve(Ws& ws, std::shared_ptr<conn> c);
    // A socket said hello: the ones it replaces close after the grace period.
    void on_hello(const std::shared_ptr<conn>& c);
    void wake(wake_reason why);

    boost::asio::io_context& ioc_;
    https_client& http_;
    slack_socket_settings s_;
    const core::clock& clock_;
    const adapters::slack_adapter& adapter_;
    async_message_handler handler_;
    boost::asio::steady_timer backoff_timer_;
    boost::asio::steady_timer wake_timer_;
    wake_reason wake_ = wake_reason::none;
    std::map<int, std::shared_ptr<conn>> conns_;
    int next_id_ = 0;
    int current_ = 0;  // the socket the runner waits on; replaced ones drain beside it
    std::chrono::milliseconds retry_after_{0};
    bool stopping_ = false;
    bool disabled_ = false;
    slack_socket_stats stats_;
};

}  // namespace app
