// Feishu / Lark (飞书) adapter. Inbound: the app bot's events over HTTP (/hooks/feishu: optional
// AES-256-CBC "encrypt" envelope keyed by SHA-256 of the Encrypt Key, the X-Lark-Signature header
// check, the Verification Token in every event, the url_verification challenge) and the same event
// JSON from the long connection (decode_feishu_event, no token there: the connection itself is
// authenticated). im.message.receive_v1 becomes a message; card.action.trigger (a button on one of
// our cards) becomes the button's command from the person who pressed it. Outbound: the app's
// im/v1/messages API (text, or an interactive card when the post has buttons), the reply API for a
// message's own answer, or a custom bot webhook signed with its secret when no app is configured.
// The tenant token is not added here: the transport (bot/transport/feishu_api) adds it.
//
// Thread-safety: immutable after construction; every method is safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace adapters {

// Who the bot is, so that its own @-mention placeholder is removed from a message's text (the
// others become "@name"). Either may be empty; with neither, a leading mention of the bot stays
// "@name" and the rules strip it like any leading mention.
struct feishu_identity {
    std::string open_id;  // the bot's open_id (ou_…), from GET /open-apis/bot/v3/info
    std::string name;     // the bot's display name
};

struct feishu_config {
    std::string verification_token;                  // required for decode(): every event carries it
    std::string encrypt_key;                         // empty: events arrive in plaintext and unsigned
    std::string gateway = "https://open.feishu.cn";  // or https://open.larksuite.com; tests: loopback
    // true: posts go through the app's im/v1/messages (the transport adds the tenant token) and
    // answers through its reply API.
    bool app = true;
    // Our chat id → Feishu chat_id (oc_…) for the app's posts; a chat not listed is posted to under
    // its own id when that looks like a Feishu chat id (oc_…), and not at all otherwise.
    std::map<std::string, std::string> chat_ids;
    // A custom bot (自定义机器人), for the posts when set (the app cannot post in the group, or
    // there is no app; the app still answers messages through its reply API): its webhook URL (a
    // credential) and its 签名校验 secret (empty: unsigned).
    std::string webhook_url;
    std::string webhook_secret;
    feishu_identity bot;
};

class feishu_adapter final : public adapter {
  public:
    // Request body limits (PROTOCOLS 4.4): text 150 KB, card 30 KB, custom bot 20 KB.
    static constexpr std::size_t max_text_body = 150 * 1024;
    static constexpr std::size_t max_card_body = 30 * 1024;
    static constexpr std::size_t max_webhook_body = 20 * 1024;

    explicit feishu_adapter(feishu_config config);

    std::string_view platform() const override { return "feishu"; }
    // POST /hooks/feishu. Signature (when an Encrypt Key is configured) → decrypt → token → event.
    inbound_result decode(const raw_request& req, core::instant now) const override;
    // The custom bot when configured, else im/v1/messages (one request per part, uuid
    // "cb-<outbox_id>-<part>"); no requests for a chat without a Feishu chat id.
    std::vector<outbound_request> encode(const core::outbound_post& post,
                                         const std::vector<mention_target>& mentions,
                                         core::instant now) const override;
    // im/v1/messages/{message_id}/reply with the same bodies (no receive_id). Empty without an app.
    std::vector<outbound_request> encode_reply(std::string_view message_id, const core::outbound_post& post,
                                               const std::vector<mention_target>& mentions,
                                               core::instant now) const override;
    send_verdict classify(int http_status, std::string_view response_body) const override;
    // x-ogw-ratelimit-reset: seconds until the gateway lets the app send again.
    std::chrono::milliseconds wait_after(const std::map<std::string, std::string>& headers,
                                         std::string_view response_body) const override;

    const feishu_config& config() const { return config_; }

  private:
    std::vector<outbound_request> app_requests(const std::string& url, const std::string& receive_id,
                                               const core::outbound_post& post,
                                               const std::vector<mention_target>& mentions) const;

    feishu_config config_;
};

// The event JSON (plaintext, schema 2.0) of either transport → a message, a card press (with the
// toast to answer in `reply`), unsupported_event for anything else, malformed_body when the JSON
// is not an event. Checks no token: decode() does that for HTTP.
inbound_result decode_feishu_event(std::string_view json_text, core::instant now,
                                   const feishu_identity& bot = {});

// X-Lark-Signature: lowercase hex SHA-256 of timestamp ‖ nonce ‖ encrypt_key ‖ raw body.
std::string feishu_signature(std::string_view timestamp, std::string_view nonce, std::string_view encrypt_key,
                             std::string_view body);

// A custom bot's sign: Base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")),
// timestamp in seconds.
std::string feishu_bot_sign(std::string_view timestamp_s, std::string_view secret);

// The toast a card press is answered with.
std::string feishu_toast(std::string_view text = "已收到");

// The Feishu API error codes the transport needs: the tenant token was refused.
bool feishu_token_invalid(std::int64_t code);

}  // namespace adapters
