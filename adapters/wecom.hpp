// WeCom (企业微信) adapter: the AI bot's HTTP callback (URL-verification GET and encrypted JSON
// POST, PROTOCOLS 2.2), the legacy group-robot / self-built-app XML envelopes (2.4/2.5), all
// authenticated with the section-1 msg_signature + AES scheme; outbound posts go through the
// group robot webhook (2.7 a) as text messages with mentioned_list.
//
// Thread-safety: immutable after construction; every method is safe from any thread.
#pragma once

#include <cstdint>
#include <map>
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
};

class wecom_adapter final : public adapter {
  public:
    // Text content limit of the group robot webhook (PROTOCOLS 2.7 a).
    static constexpr std::size_t max_content_bytes = 2048;
    // WeCom documents no timestamp window (PROTOCOLS 1.1: only "nonce unique within two hours").
    // We still refuse callbacks more than one hour away from our clock as replay protection: real
    // retries come within seconds (2.6), so this only rejects captured requests replayed later.
    static constexpr std::int64_t window_s = 3600;

    // Throws std::invalid_argument when the EncodingAESKey has the wrong length or alphabet, or the
    // token is empty; the message names the problem, never the key.
    explicit wecom_adapter(wecom_config config);

    std::string_view platform() const override { return "wecom"; }
    // GET: URL verification (reply = the bare decrypted echostr). POST: JSON {"encrypt":…} or
    // XML <xml><Encrypt>…</Encrypt>…</xml>.
    inbound_result decode(const raw_request& req, core::instant now) const override;
    // Text messages to the chat's group robot webhook, ≤ 2048 content bytes each; mentioned_list
    // (the accounts of `mentions`) rides on the first piece so people are notified once. No webhook
    // for the chat (and no "*") or empty text → no requests.
    std::vector<outbound_request> encode(const core::outbound_post& post,
                                         const std::vector<mention_target>& mentions,
                                         core::instant now) const override;
    send_verdict classify(int http_status, std::string_view response_body) const override;

    // For tests and passive replies: the section-1 scheme with this adapter's token and key.
    const crypto::msg_crypt& msg_crypt() const { return crypt_; }

  private:
    inbound_result decode_plaintext(const std::string& plain, core::instant now) const;

    wecom_config config_;
    crypto::msg_crypt crypt_;
};

// The webhook URL for a configured value (bare key or full URL).
std::string wecom_webhook_url(std::string_view key_or_url);

}  // namespace adapters
