// A fake DingTalk Stream gateway on loopback: an HTTP endpoint that hands out single-use tickets to
// the app's credentials (POST /v1.0/gateway/connections/open) and a WebSocket endpoint that checks
// them, pushes frames and records the client's ACKs; and the frames it pushes. The same HTTP
// endpoint plays the OpenAPI for interactive cards: access tokens for the app's credentials
// (POST /v1.0/oauth2/accessToken) and the card send (POST /v1.0/im/v1.0/robot/interactiveCards/send),
// which checks what DingTalk checks (the token header, robotCode, cardTemplateId,
// openConversationId, cardData a JSON document, cardBizId) and records the cards it accepted.
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
// A card callback frame (topic /v1.0/card/instances/callback): `user` pressed the button(s)
// `action_ids` on card `out_track_id` in the group `space`.
std::string card_press_frame(const std::string& frame_id, const std::string& out_track_id,
                             const std::string& user, const std::vector<std::string>& action_ids,
                             const std::string& space = "cidGROUP==");

// On a loop the caller runs. With a `script`, each connection gets its frames, each ACK read back,
// then `done`, then every frame given to push() while the connection lasts (their ACKs recorded as
// they come); without one, the first connection gets a ping and robot message msg-1 (frame-1) and
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
    // Sends `frame` on the live connection once its script is done (thread-safe).
    void push(std::string frame);
    // The card sends accepted (their bodies, cardData parsed), the refused ones, token fetches.
    std::vector<nlohmann::json> cards();
    int card_refusals() const { return card_refusals_; }
    int token_requests() const { return token_requests_; }
    // Every token issued so far stops being valid (as when DingTalk revokes or expires it early).
    void revoke_tokens();

  private:
    adapters::raw_response open(const adapters::raw_request& r);
    adapters::raw_response access_token(const adapters::raw_request& r);
    adapters::raw_response send_card(const adapters::raw_request& r);
    bool take_pushed(std::string& frame);
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
    std::vector<std::string> pushed_;
    std::vector<nlohmann::json> cards_;
    std::vector<std::string> tokens_;
    std::size_t revoked_ = 0;  // tokens_[0, revoked_) no longer valid
    std::atomic<int> card_refusals_{0};
    std::atomic<int> token_requests_{0};
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
    void push(std::string frame) { gateway_.push(std::move(frame)); }
    std::vector<nlohmann::json> cards() { return gateway_.cards(); }
    int card_refusals() const { return gateway_.card_refusals(); }
    int token_requests() const { return gateway_.token_requests(); }

  private:
    loopback::loop_thread loop_;
    stream_gateway gateway_;
};

}  // namespace fake
