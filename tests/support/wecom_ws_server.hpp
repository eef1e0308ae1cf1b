// A fake WeCom AI-bot long-connection server on loopback (plain ws): checks what WeCom checks and
// counts what it receives. The first frame must be aibot_subscribe with the bot's id and secret
// (others are refused with errcode 40001); a second valid subscribe kicks the live connection with
// a disconnected_event, as WeCom keeps one connection per bot. Pings are answered (unless silent);
// callbacks are pushed by the test; aibot_respond_msg must reuse the req_id of a callback pushed on
// that connection (846605 otherwise), aibot_send_msg must name a chatid and no chat_type; both
// count against 30 messages a minute per conversation (45009 past it); a frame for a req_id whose
// previous frame is not yet answered counts as an overlap (the client must wait for receipts).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "support/loopback_server.hpp"

namespace fake {

class wecom_ws_server {
  public:
    struct frame {
        std::string cmd;
        std::string req_id;
        nlohmann::json body;
        int connection = 0;        // 1 for the first connection accepted
        std::int64_t errcode = 0;  // what the server answered
    };

    wecom_ws_server(boost::asio::io_context& ioc, std::string bot_id, std::string secret);
    ~wecom_ws_server();

    std::string url() const { return "ws://127.0.0.1:" + std::to_string(ws_.port()); }
    void stop();

    // On the loop's thread: pushes a callback to the live subscribed connection; false when none.
    bool push_message(const std::string& req_id, const nlohmann::json& body);
    bool push_event(const std::string& req_id, const nlohmann::json& body);
    // Closes the live connection without a word (a dropped socket).
    void drop();

    std::atomic<bool> silent{false};          // pings go unanswered
    std::atomic<bool> answer_receipts{true};  // send/respond frames get their receipts
    std::atomic<int> receipt_delay_ms{0};     // … this late
    std::atomic<int> per_minute{30};          // messages per conversation and minute

    // What it saw (thread-safe).
    std::vector<frame> frames();  // every frame but pings and subscribes, in order
    int connections() const { return connections_; }
    int subscribes() const { return subscribes_; }  // valid ones
    int refused() const { return refused_; }        // wrong bot id or secret
    int pings() const { return pings_; }
    int kicked() const { return kicked_; }            // disconnected_event sent
    int bad_req_ids() const { return bad_req_ids_; }  // respond on a req_id it never pushed
    int overlaps() const { return overlaps_; }        // a req_id's frame before the last receipt
    int violations() const { return violations_; }    // frames before subscribe, chat_type, no chatid
    int rate_limited() const { return rate_limited_; }
    bool live() const { return live_ != nullptr; }

    struct connection;

  private:
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
    void handle(const std::shared_ptr<connection>& c, const std::string& text);
    void answer(const std::shared_ptr<connection>& c, const std::string& req_id, std::int64_t errcode,
                const std::string& errmsg, int delay_ms);

    boost::asio::io_context& ioc_;
    std::string bot_id_, secret_;
    std::mutex mutex_;
    std::vector<frame> frames_;
    std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> sent_per_chat_;
    std::shared_ptr<connection> live_;
    std::atomic<int> connections_{0}, subscribes_{0}, refused_{0}, pings_{0}, kicked_{0}, bad_req_ids_{0},
        overlaps_{0}, violations_{0}, rate_limited_{0};
    loopback::tcp_listener ws_;
};

// The server (as above) on a loop thread of its own, for a test that runs the real bot.
class threaded_wecom_ws_server {
  public:
    threaded_wecom_ws_server(std::string bot_id, std::string secret)
        : server_(loop_.context(), std::move(bot_id), std::move(secret)) {
        loop_.start();
    }
    ~threaded_wecom_ws_server() {
        loop_.stop([this] { server_.stop(); });
    }
    std::string url() const { return server_.url(); }
    wecom_ws_server& server() { return server_; }
    bool push_message(const std::string& req_id, const nlohmann::json& body) {
        return loop_.on_loop([&] { return server_.push_message(req_id, body); });
    }
    bool live() {
        return loop_.on_loop([&] { return server_.live(); });
    }

  private:
    loopback::loop_thread loop_;
    wecom_ws_server server_;
};

}  // namespace fake
