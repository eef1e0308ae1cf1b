// A fake Feishu/Lark open platform on loopback, on a thread of its own, checking what Feishu
// checks: the tenant token endpoint (app id and secret; counts the fetches), im/v1/messages and the
// reply API (Authorization: Bearer of a token it issued, receive_id_type=chat_id, content a JSON
// document inside a string, uuid de-duplication: the same uuid is one message, at most 5 messages a
// second per chat → 230020), and the event long connection (the ws endpoint with AppID/AppSecret
// handing out single-use URLs, then a WebSocket speaking real pbbp2 frames: it pushes events and
// card presses, split into parts when asked, answers pings with a pong carrying ClientConfig,
// records the acknowledgements, and can drop the connection).
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "pbbp2.pb.h"
#include "support/loopback_server.hpp"

namespace fake {

// Test-only credentials (listed in tests/support/test_secrets.txt).
inline const std::string feishu_app_id = "cli_a5e1feishu0test";
inline const std::string feishu_app_secret = "feishu-app-secret-9b41d7";
inline const std::string feishu_token = "feishu-verification-token-2c88";
inline const std::string feishu_encrypt_key = "feishu-encrypt-key-51fa03";

// A message the fake accepted (create or reply).
struct feishu_message {
    std::string chat;      // receive_id, or the replied message's chat
    std::string reply_to;  // the message id a reply answers; empty for a create
    std::string msg_type;
    nlohmann::json content;  // the content string, parsed
    std::string uuid;
};

class feishu_server {
  public:
    feishu_server();
    ~feishu_server();
    feishu_server(const feishu_server&) = delete;
    feishu_server& operator=(const feishu_server&) = delete;

    // http://127.0.0.1:<port>, the `domain` the bot is pointed at.
    std::string url() const { return http_.url(); }

    // ---- the API
    std::vector<feishu_message> messages();
    int token_requests() const { return token_requests_; }
    int bad_tokens() const { return bad_tokens_; }      // requests with a missing or unknown token
    int rate_limited() const { return rate_limited_; }  // answered 230020
    int duplicates() const { return duplicates_; }      // a uuid seen before: not sent again
    int bad_requests() const { return bad_requests_; }  // receive_id_type, content not a string…
    void revoke_tokens();                               // every issued token is refused from now on

    // ---- the long connection
    int endpoint_requests() const { return endpoint_requests_; }
    int connections() const { return connections_; }
    int pings() const { return pings_; }
    int bad_pings() const { return bad_pings_; }  // a ping without service_id 33 or type ping
    // The code the endpoint answers (0 = hand out a URL); e.g. 1 (busy) or 1000040345 (refused).
    void set_endpoint_code(int code) { endpoint_code_ = code; }
    // Pushes an event (JSON text) to the open connection as `parts` frames; its message_id header.
    std::string push(const std::string& payload, int parts = 1, const std::string& type = "event");
    // The data frames the client sent back (acknowledgements), in order.
    std::vector<pbbp2::Frame> acks();
    // Closes the open connection from the server side.
    void drop();

  private:
    struct conn;
    adapters::raw_response handle(const adapters::raw_request& r);
    adapters::raw_response endpoint(const adapters::raw_request& r);
    adapters::raw_response token(const adapters::raw_request& r);
    adapters::raw_response send(const adapters::raw_request& r, const std::string& reply_to);
    boost::asio::awaitable<void> connection(boost::asio::ip::tcp::socket socket);

    loopback::loop_thread loop_;
    std::mutex mutex_;
    std::vector<std::string> tokens_;
    std::vector<std::string> tickets_;
    std::vector<feishu_message> messages_;
    std::map<std::string, std::string> uuids_;                  // uuid → message id
    std::map<std::string, std::vector<std::int64_t>> sent_at_;  // chat → send times (ms)
    std::map<std::string, std::string> known_;                  // message id → chat, of the messages pushed
    std::vector<pbbp2::Frame> acks_;
    std::shared_ptr<conn> current_;
    std::atomic<int> token_requests_{0}, bad_tokens_{0}, rate_limited_{0}, duplicates_{0}, bad_requests_{0};
    std::atomic<int> endpoint_requests_{0}, connections_{0}, pings_{0}, bad_pings_{0}, endpoint_code_{0};
    int next_id_ = 0;
    loopback::tcp_listener ws_;
    loopback::server http_;
};

// A schema 2.0 im.message.receive_v1 event: a text message from `open_id` in `chat_id`, the bot
// @-mentioned first as "@_user_1" (open_id ou_bot…, name 投诉机器人) when `at_bot`.
std::string feishu_text_event(const std::string& message_id, const std::string& open_id,
                              const std::string& chat_id, const std::string& text, bool at_bot = true,
                              const std::string& token = feishu_token);
// A schema 2.0 card.action.trigger: `open_id` pressed a button whose value is {"command": …}.
std::string feishu_card_event(const std::string& event_id, const std::string& open_id,
                              const std::string& chat_id, const std::string& command,
                              const std::string& token = feishu_token);

}  // namespace fake
