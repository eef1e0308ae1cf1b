// DingTalk (钉钉): the enterprise-internal app robot in HTTP mode for inbound messages (headers
// `timestamp` + `sign` = Base64(HMAC-SHA256(appSecret, timestamp + "\n" + appSecret)), ±1 h), and a
// custom group robot webhook with 加签 for outbound posts (PROTOCOLS.md §3.3–3.5). Sans-I/O.
#pragma once

#include <string>

#include "adapters/adapter.hpp"

namespace adapters {

struct dingtalk_settings {
    std::string app_secret;      // the app's ClientSecret: verifies inbound callbacks
    std::string webhook_url;     // custom robot URL with its access_token
    std::string webhook_secret;  // the robot's SEC… secret (加签); empty when the robot has none
};

class dingtalk_adapter final : public adapter {
public:
    // Throws std::invalid_argument naming what is missing (never a value).
    explicit dingtalk_adapter(dingtalk_settings s);

    std::string_view platform() const override { return "dingtalk"; }
    inbound_result decode(const raw_request& req, core::instant now) const override;
    std::vector<outbound_request> encode(const core::outbound_post& post, const std::vector<mention_target>& mentions,
                                         core::instant now) const override;
    send_verdict classify(int http_status, std::string_view response_body) const override;

    // Decodes a robot message body (the same JSON in HTTP mode and inside Stream frames), without
    // any signature check.
    static inbound_result decode_message(std::string_view body, core::instant now);

    // Stream mode (PROTOCOLS.md §3.2): one frame from the gateway. Sets `message` for a robot
    // message, and always `ack` (the frame to send back) unless the frame needs none.
    struct stream_frame {
        inbound_result result;
        std::string ack;          // empty: send nothing
        bool disconnect = false;  // the gateway asks us to reconnect
    };
    static stream_frame decode_stream_frame(std::string_view frame, core::instant now);
    // The ACK of a robot-message frame, sent once the message is committed.
    static std::string stream_ack(std::string_view message_id, std::string_view data_json);

    // Base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), the one formula of both directions.
    static std::string sign(std::string_view timestamp_ms, std::string_view secret);

    static constexpr std::size_t max_content_bytes = 18'000;  // the body limit is 20,000 bytes
    static constexpr std::int64_t window_ms = 3'600'000;

private:
    dingtalk_settings s_;
};

}  // namespace adapters
