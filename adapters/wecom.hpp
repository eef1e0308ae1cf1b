// WeCom (企业微信) adapter: the AI bot's HTTP callback (URL-verification GET and encrypted JSON
// POST, PROTOCOLS 2.2), the legacy group-robot / self-built-app XML envelopes (2.4/2.5), all
// authenticated with the section-1 msg_signature + AES scheme; outbound posts go through the
// group robot webhook (2.7 a) as text messages with mentioned_list, and answers to a message
// through its response_url (markdown, once) or the legacy robot's WebhookUrl.
//
// In websocket mode (the AI bot's long connection, PROTOCOLS 2.3) the messages come as frames
// (adapters/wecom_ws.hpp decodes them) and posts leave as "wecom-ws:" requests for the connection:
// aibot_send_msg to the chat's chatid, aibot_respond_msg on the answered callback's req_id, in
// markdown with <@userid> mentions and a button card for the post's actions.
//
// Thread-safety: immutable after construction; every method is safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/crypto.hpp"

namespace adapters {

struct wecom_config {
    std::string token;             // the callback Token (3–32 letters/digits)
    std::string encoding_aes_key;  // 43 base64 characters
    // Checked against the trailing bytes of every decrypted message when non-empty: the CorpID for
    // self-built apps and legacy robots. Empty for the AI bot (PROTOCOLS 1.3 step 5, 7): no check.
    std::string receive_id;
    // The bot's display name; when set, exactly a leading "@bot_name" is stripped (names may contain
    // spaces). When empty, a leading "@word" is stripped.
    std::string bot_name;
    // Group robot webhooks by chat id; "*" is the fallback. A value is either the bare key or the
    // full https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… URL (both are credentials).
    std::map<std::string, std::string> webhooks;
    // The long connection instead of HTTP callbacks (platforms.wecom.mode: websocket): no token or
    // key needed, decode() refuses every HTTP request, posts go over the connection.
    bool long_connection = false;
    // Websocket mode: our chat id → the WeCom chatid posts go to (the chat binding's conversation).
    // A chat without one posts through its webhook, if any.
    std::map<std::string, std::string> conversations;
};

class wecom_adapter final : public adapter {
  public:
    // Text content limit of the group robot webhook (PROTOCOLS 2.7 a).
    static constexpr std::size_t max_content_bytes = 2048;
    // Markdown on the long connection (the group robot's markdown limit; the safe bound for
    // aibot_send_msg, whose own is not documented).
    static constexpr std::size_t max_markdown_bytes = 4096;
    // A response_url takes one markdown message of at most 20480 bytes (PROTOCOLS 2.7 b).
    static constexpr std::size_t max_response_url_bytes = 20480;
    // WeCom documents no timestamp window (PROTOCOLS 1.1: only "nonce unique within two hours").
    // We still refuse callbacks more than one hour away from our clock as replay protection: real
    // retries come within seconds (2.6), so this only rejects captured requests replayed later.
    static constexpr std::int64_t window_s = 3600;

    // Throws std::invalid_argument when the EncodingAESKey has the wrong length or alphabet, or the
    // token is empty (HTTP mode); the message names the problem, never the key.
    explicit wecom_adapter(wecom_config config);

    std::string_view platform() const override { return "wecom"; }
    // GET: URL verification (reply = the bare decrypted echostr). POST: JSON {"encrypt":…} or
    // XML <xml><Encrypt>…</Encrypt>…</xml>.
    inbound_result decode(const raw_request& req, core::instant now) const override;
    // HTTP mode, or a chat without a chatid: text messages to the chat's group robot webhook,
    // ≤ 2048 content bytes each; mentioned_list (the accounts of `mentions`) rides on the first
    // piece so people are notified once. No webhook for the chat (and no "*") or empty text → no
    // requests. Websocket mode: aibot_send_msg markdown pieces (≤ 4096 bytes) to the chat's chatid,
    // "@name" written as <@userid>, then a button card when the post has actions.
    std::vector<outbound_request> encode(const core::outbound_post& post,
                                         const std::vector<mention_target>& mentions,
                                         core::instant now) const override;
    // Receipts of the long connection and webhook answers alike: errcode 0 delivered, 45009 (and
    // 45033) rate_limited, -1 retry, anything else permanent (an unknown req_id, a used
    // response_url: the sender then posts through encode()).
    send_verdict classify(int http_status, std::string_view response_body) const override;
    // `handle` is the message's reply handle: in websocket mode the callback's req_id →
    // aibot_respond_msg markdown (and the card); an AI-bot response_url → one markdown POST (a post
    // too long for one is left to encode()); a legacy robot's WebhookUrl → the group-robot text
    // bodies to it.
    std::vector<outbound_request> encode_reply(std::string_view handle, const core::outbound_post& post,
                                               const std::vector<mention_target>& mentions,
                                               core::instant now) const override;

    // For tests and passive replies: the section-1 scheme with this adapter's token and key
    // (HTTP mode only; throws std::bad_optional_access in websocket mode).
    const crypto::msg_crypt& msg_crypt() const { return crypt_.value(); }

  private:
    inbound_result decode_plaintext(const std::string& plain, core::instant now) const;
    std::vector<outbound_request> webhook_requests(const std::string& url, const core::outbound_post& post,
                                                   const std::vector<mention_target>& mentions) const;

    wecom_config config_;
    std::optional<crypto::msg_crypt> crypt_;
};

// `text` with each mentioned person's "@name" written as WeCom markdown's <@userid> (appended when
// the text does not name them); people without a WeCom account stay "@name".
std::string wecom_markdown_mentions(std::string text, const std::vector<mention_target>& mentions);

// The webhook URL for a configured value (bare key or full URL).
std::string wecom_webhook_url(std::string_view key_or_url);

}  // namespace adapters
