// Feishu/Lark's event long connection (PROTOCOLS 4.3 and 9.1; no public URL needed): asks the
// endpoint (POST {gateway}/callback/ws/endpoint with the app id and secret) for a WebSocket URL and
// the ClientConfig, connects (TLS verified; plain ws only to loopback, for tests), pings every
// PingInterval with the URL's service_id (a pong may bring a new ClientConfig), reassembles split
// payloads, decodes each event or card frame with the same logic as the HTTP hook, hands the
// message to the service, and sends the frame back ({"code":200}, biz_rt) ONLY once the handler
// resumed with true: a crash or a failed commit leaves the event unacknowledged and Feishu pushes
// it again (the service de-duplicates by message id). Events the bot does not use are acknowledged
// at once. Reconnects after a random 0..ReconnectNonce s, then every ReconnectInterval, fetching a
// new endpoint each time; stops for good on the platform's "do not retry" answers (endpoint codes
// other than 0/1/1000040343, handshake 403, or 514 with 1000040350: too many connections).
//
// Thread-safety: runs on the io_context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <random>
#include <string>

#include "adapters/feishu.hpp"
#include "core/clock.hpp"
#include "core/message.hpp"
#include "transport/feishu_frames.hpp"
#include "transport/https_client.hpp"

namespace app {

struct feishu_ws_settings {
    std::string gateway = "https://open.feishu.cn";
    std::string app_id;
    std::string app_secret;
    adapters::feishu_identity bot;  // the bot's own @-mention is removed from texts
    feishu::client_config config;   // until the endpoint sends its own
    std::chrono::milliseconds fragment_ttl{5000};
};

struct feishu_ws_stats {
    std::uint64_t endpoint_requests = 0;
    std::uint64_t connections = 0;
    std::uint64_t messages = 0;  // decoded messages and card presses handed to the handler
    std::uint64_t acks = 0;
    std::uint64_t unacked = 0;  // the handler said no: left for Feishu to push again
    std::uint64_t pings = 0;
    std::uint64_t pongs = 0;
};

class feishu_ws {
  public:
    // Resumes with true once the message is safely handled (committed, a duplicate, ignored).
    using async_message_handler = std::function<boost::asio::awaitable<bool>(core::inbound_message)>;

    feishu_ws(boost::asio::io_context& ioc, https_client& http, feishu_ws_settings settings,
              const core::clock& clock, async_message_handler handler);
    void start();
    void stop();
    const feishu_ws_stats& stats() const { return stats_; }
    // The platform said not to retry; the connection is not reopened (the log says why).
    bool gave_up() const { return gave_up_; }
    const feishu::client_config& config() const { return s_.config; }

    template <class Ws>
    struct connection;

  private:
    enum class outcome { dropped, failed, fatal };
    boost::asio::awaitable<void> run();
    boost::asio::awaitable<outcome> session();
    template <class Ws>
    boost::asio::awaitable<void> serve(std::shared_ptr<connection<Ws>> c);
    template <class Ws>
    boost::asio::awaitable<void> ping_loop(std::shared_ptr<connection<Ws>> c);
    template <class Ws>
    boost::asio::awaitable<bool> write(connection<Ws>& c, std::string bytes);
    template <class Ws>
    boost::asio::awaitable<void> on_data(connection<Ws>& c, pbbp2::Frame frame);

    boost::asio::io_context& ioc_;
    https_client& http_;
    feishu_ws_settings s_;
    const core::clock& clock_;
    async_message_handler handler_;
    boost::asio::steady_timer backoff_timer_;
    std::function<void()> close_current_;
    std::minstd_rand rng_;
    bool stopping_ = false;
    bool gave_up_ = false;
    feishu_ws_stats stats_;
};

}  // namespace app
