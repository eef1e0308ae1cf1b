// A fake DingTalk Stream gateway on loopback: an HTTP endpoint that hands out single-use tickets to
// the app's credentials (POST /v1.0/gateway/connections/open) and a WebSocket endpoint that checks
// them, pushes frames and records the client's ACKs; and the frames it pushes.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_server.hpp"

namespace fake {

// A CALLBACK frame carrying a text robot message from dt-1002 in "cidGROUP==".
std::string robot_frame(const std::string& frame_id, const std::string& msg_id, const std::string& text);
// A CALLBACK frame carrying the robot message `data` (a JSON document inside a string).
std::string data_frame(const std::string& frame_id, const std::string& data);
// A SYSTEM ping frame (opaque "p-42").
std::string ping_frame(const std::string& frame_id);

// On a loop the caller runs. With a `script`, each connection gets its frames, each ACK read back,
// then `done`; without one, the first connection gets a ping and robot message msg-1 (frame-1) and
// is dropped before its ACK, the next gets msg-1 again (frame-2) and msg-2 (frame-3).
class stream_gateway {
  public:
    stream_gateway(boost::asio::io_context& ioc, std::string client_id, std::string client_secret,
                   std::vector<std::string> script = {});

    // http://127.0.0.1:<port>, the gateway the Stream client opens connections at.
    std::string url() const { return http_.url(); }
    // Closes both endpoints (on the loop's thread).
    void stop();

    bool done() const { return done_; }
    int connections() const { return connections_; }
    int tickets_issued() const { return tickets_issued_; }
    nlohmann::json subscriptions();
    std::vector<std::string> acks();

  private:
    adapters::raw_response open(const adapters::raw_request& r);
    bool take_ticket(const std::string& ticket);
    void record_ack(std::string ack);
    boost::asio::awaitable<void> connection(boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    std::string client_id_, client_secret_;
    std::vector<std::string> script_;
    std::mutex mutex_;
    std::vector<std::string> valid_tickets_;
    nlohmann::json subscriptions_;
    std::vector<std::string> acks_;
    std::atomic<int> tickets_issued_{0};
    std::atomic<int> connections_{0};
    std::atomic<bool> done_{false};
    loopback::tcp_listener ws_;
    loopback::server http_;
};

// A stream_gateway (as above) on a loop thread of its own, for a test that runs the real bot.
class threaded_stream_gateway {
  public:
    threaded_stream_gateway(std::string client_id, std::string client_secret, std::vector<std::string> script)
        : gateway_(loop_.context(), std::move(client_id), std::move(client_secret), std::move(script)) {
        loop_.start();
    }
    ~threaded_stream_gateway() {
        loop_.stop([this] { gateway_.stop(); });
    }
    std::string url() const { return gateway_.url(); }
    std::vector<std::string> acks() { return gateway_.acks(); }
    bool done() const { return gateway_.done(); }
    int connections() const { return gateway_.connections(); }

  private:
    loopback::loop_thread loop_;
    stream_gateway gateway_;
};

}  // namespace fake
