// DingTalk (钉钉) adapter: the enterprise-internal app robot's messages in HTTP mode (header
// timestamp + sign, PROTOCOLS 3.3) and in Stream mode (pure frame decoding and ACK building,
// PROTOCOLS 3.2), and outbound posts through a custom robot webhook signed with its SEC… secret
// (PROTOCOLS 3.5 c) or through a message's sessionWebhook (3.5 a).
//
// Thread-safety: immutable after construction; every method is safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/dingtalk_card.hpp"

namespace adapters {

// A custom robot ("自定义机器人") in one group.
struct dingtalk_robot {
    std::string webhook_url;  // https://oapi.dingtalk.com/robot/send?access_token=… (a credential)
    std::string secret;       // "SEC…" when 加签 is on; empty for keyword/IP-list robots (unsigned)
};

struct dingtalk_config {
    // The app's AppSecret/ClientSecret, for the HTTP-mode header check. Required for decode().
    std::string app_secret;
    // Outbound custom robots by chat id (the conversationId the config names); the entry "*" is
    // the fallback for chats without their own robot.
    std::map<std::string, dingtalk_robot> robots;
    // Stream mode: posts with actions go out as interactive cards through the app's OpenAPI (the
    // transport adds the access token). Unset: every post is text through the custom robot.
    std::optional<dingtalk_card_config> cards;
};

// Result of decoding one Stream-mode frame.
struct dingtalk_stream_result {
    inbound_result inbound;   // a message, or unsupported_event for pings/events, or an error
    std::string ack;          // the JSON frame to send back; empty when none is due
    bool disconnect = false;  // SYSTEM "disconnect": open a new connection now, let this one drain
};

class dingtalk_adapter final : public adapter {
  public:
    // Body limit of the robot send APIs (PROTOCOLS 3.5: "保持大小在 20000bytes 以内").
    static constexpr std::size_t max_body_bytes = 20000;
    // Inbound and outbound timestamps must be within one hour of DingTalk's clock (PROTOCOLS 3.3).
    static constexpr std::int64_t window_ms = 3'600'000;

    explicit dingtalk_adapter(dingtalk_config config);

    std::string_view platform() const override { return "dingtalk"; }
    // HTTP mode: headers `timestamp` (ms) and `sign` checked against app_secret, then the JSON body.
    inbound_result decode(const raw_request& req, core::instant now) const override;
    // Posts through the chat's custom robot (signed when it has a secret). No robot configured for
    // the chat (and no "*") → no requests. Empty text → no requests. With cards configured, a post
    // with actions is one interactive card instead (dingtalk_card.hpp).
    std::vector<outbound_request> encode(const core::outbound_post& post,
                                         const std::vector<mention_target>& mentions,
                                         core::instant now) const override;
    send_verdict classify(int http_status, std::string_view response_body) const override;

    // The same bodies POSTed to the message's sessionWebhook (the handle; no signature: the URL is the
    // credential). DingTalk answers 300001 once the session has expired (~90 min).
    // With cards configured, a post with actions gets no reply request (encode() sends the card).
    std::vector<outbound_request> encode_reply(std::string_view session_webhook,
                                               const core::outbound_post& post,
                                               const std::vector<mention_target>& mentions,
                                               core::instant now) const override;

  private:
    dingtalk_config config_;
};

// The robot-message JSON shared by HTTP and Stream mode (PROTOCOLS 3.4) → inbound_result.
inbound_result decode_dingtalk_message(std::string_view json_text, core::instant now);

// Stream mode (PROTOCOLS 3.2): decodes one server frame (JSON text) and builds the ACK frame. Pure:
// the WebSocket client sends `ack` and hands `inbound` to the same pipeline as HTTP mode. There is
// no per-frame signature; the connection was authenticated when it was opened. With `button_key`
// (the key the cards' buttons were signed with), a card callback is decoded into the press as the
// presser's command; without it card callbacks are ACKed and ignored.
dingtalk_stream_result decode_stream_frame(std::string_view frame_json, core::instant now,
                                           std::string_view button_key = {});

// Base64(HMAC-SHA256(key = secret, message = timestamp + "\n" + secret)), not URL-encoded — the
// inbound header check and the custom-robot signature use the same formula (PROTOCOLS 3.3/3.5 c).
std::string dingtalk_sign(std::string_view timestamp_ms, std::string_view secret);

// `webhook_url` plus "&timestamp=<ms>&sign=<URL-encoded sign>".
std::string dingtalk_signed_url(std::string_view webhook_url, std::string_view secret, core::instant now);

}  // namespace adapters
