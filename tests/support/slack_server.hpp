// A fake Slack on loopback, checking what Slack checks: the Web API's apps.connections.open (the
// app-level xapp token; a single-use socket URL) and chat.postMessage (the xoxb bot token, a JSON
// body with a channel and text or blocks within Slack's limits, at most one post a second per
// channel — faster ones get 429 with Retry-After), counting the posts per channel; and the Socket
// Mode endpoint: hello on every socket, then each socket's script (envelopes, disconnects, drops),
// recording the acks it reads and when sockets open and close. Test secrets are listed in
// tests/support/test_secrets.txt (with the signing secret of Slack's published example, which the
// end-to-end tests give the bot).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/loopback_server.hpp"

namespace fake {

inline const std::string slack_bot_token = "xoxb-fake-bot-7d1e22b0";
inline const std::string slack_app_token = "xapp-1-fake-app-3c9b41e5";

// An events_api envelope carrying an app_mention of the bot U0BOT by `user` in `channel` at `ts`.
std::string slack_mention_envelope(const std::string& envelope_id, const std::string& user,
                                   const std::string& channel, const std::string& ts, const std::string& text,
                                   int retry_attempt = 0);
std::string slack_disconnect(const std::string& reason);

// One step of a socket's script.
struct socket_step {
    enum class kind { send, await_ack, drop, mute };
    kind what = kind::send;
    std::string text;                   // send: the frame; await_ack: the envelope id
    std::chrono::milliseconds time{0};  // mute: how long nothing is read (pings go unanswered)
    static socket_step send(std::string frame) { return {kind::send, std::move(frame)}; }
    static socket_step await_ack(std::string envelope) { return {kind::await_ack, std::move(envelope)}; }
    static socket_step drop() { return {kind::drop, {}}; }
    static socket_step mute(std::chrono::milliseconds t) { return {kind::mute, {}, t}; }
};

// On a loop the caller runs. Socket n (from 1) gets hello, then scripts[n-1] (none: nothing more),
// then is read until the client closes it.
class slack_server {
  public:
    explicit slack_server(boost::asio::io_context& ioc, std::vector<std::vector<socket_step>> scripts = {});

    // http://127.0.0.1:<port>, the Web API base (platforms.slack.api).
    std::string api() const { return http_.url(""); }
    // Closes both endpoints (on the loop's thread).
    void stop();
    // Only these channels exist (empty: any): a post elsewhere gets channel_not_found.
    void set_channels(std::set<std::string> channels);

    std::vector<nlohmann::json> posts();  // accepted chat.postMessage bodies, in order
    int posts_in(const std::string& channel);
    int rate_limited() const { return rate_limited_; }
    int bad_tokens() const { return bad_tokens_; }
    int urls_issued() const { return urls_issued_; }
    int sockets() const { return sockets_; }
    // Every script has run to its end.
    bool done() const { return scripts_done_ >= static_cast<int>(scripts_.size()); }
    // (socket, envelope_id) of every ack read, in order.
    std::vector<std::pair<int, std::string>> acks();
    // "open N", "closed N", "dropped N", in the order they happened.
    std::vector<std::string> events();
    // Called on the loop's thread for each ack read.
    std::function<void(int socket, const std::string& envelope)> on_ack;

  private:
    adapters::raw_response handle(const adapters::raw_request& r);
    adapters::raw_response open(const adapters::raw_request& r);
    adapters::raw_response post_message(const adapters::raw_request& r);
    void record(std::string event);
    boost::asio::awaitable<void> connection(boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& ioc_;
    std::vector<std::vector<socket_step>> scripts_;
    std::mutex mutex_;
    std::set<std::string> channels_;
    std::set<std::string> tickets_;
    std::vector<nlohmann::json> posts_;
    std::map<std::string, int> per_channel_;
    std::map<std::string, std::chrono::steady_clock::time_point> last_post_;
    std::vector<std::pair<int, std::string>> acks_;
    std::vector<std::string> events_;
    std::atomic<int> rate_limited_{0}, bad_tokens_{0}, urls_issued_{0}, sockets_{0}, scripts_done_{0};
    loopback::tcp_listener ws_;
    loopback::server http_;
};

// A slack_server on a loop thread of its own, for a test that runs the real bot.
class threaded_slack_server {
  public:
    explicit threaded_slack_server(std::vector<std::vector<socket_step>> scripts = {})
        : server_(loop_.context(), std::move(scripts)) {
        loop_.start();
    }
    ~threaded_slack_server() {
        loop_.stop([this] { server_.stop(); });
    }
    slack_server& operator*() { return server_; }
    slack_server* operator->() { return &server_; }
    // Waits (bounded) until `n` posts were accepted.
    bool wait_for_posts(std::size_t n, std::chrono::milliseconds limit);

  private:
    loopback::loop_thread loop_;
    slack_server server_;
};

}  // namespace fake
