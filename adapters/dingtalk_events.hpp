// DingTalk's encrypted HTTP event subscription (事件订阅, PROTOCOLS 3.6/9.4) on
// /hooks/dingtalk/events: the section-1 scheme (SHA-1 signature over token, timestamp, nonce and the
// ciphertext; AES-256-CBC with 32-byte PKCS#7) with receive id = the app's AppKey (or the CorpId),
// query `signature`|`msg_signature`, `timestamp`|`timeStamp`, `nonce`, body {"encrypt":…}. Every
// authentic call — the console's check_url first — is answered with the encrypted "success"
// {"msg_signature","timeStamp","nonce","encrypt"}; the address-book events the bot uses (a person
// leaving, a person's department changing) are decoded into a dingtalk_org_event.
//
// Thread-safety: immutable after construction; every method is safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"
#include "adapters/crypto.hpp"

namespace adapters {

// A person left the organization, or their department (or other org data) changed.
struct dingtalk_org_event {
    enum class kind { left, changed };
    kind what = kind::left;
    std::vector<std::string> user_ids;  // DingTalk userids (the accounts people have in the config)
    core::instant time{};               // the event's TimeStamp (ms), or when it arrived
    std::string event_id;               // eventId when sent, else derived from type, time and users
    bool operator==(const dingtalk_org_event&) const = default;
};

struct dingtalk_event_result {
    // error set: refuse with status_of(*error) — unless `reply` is set too (an authentic call the bot
    // does not use, unsupported_event): answer `reply`. No error: answer `reply` (always set then).
    inbound_result result;
    std::string event_type;  // EventType of an authentic call (check_url, user_leave_org, …)
    std::optional<dingtalk_org_event> org_event;
};

class dingtalk_events {
  public:
    // DingTalk's timestamps are milliseconds; a call more than an hour away from our clock is refused
    // as a replay (real retries come within minutes).
    static constexpr std::int64_t window_ms = 3'600'000;

    // `receive_id`: events_receive_id (the AppKey, CorpId or SuiteKey the plaintext ends with);
    // empty skips the check. Throws std::invalid_argument for an empty token or a bad aes_key (the
    // message never holds the key).
    dingtalk_events(std::string token, std::string_view aes_key, std::string receive_id);

    dingtalk_event_result decode(const raw_request& req, core::instant now) const;
    // The encrypted "success" answer with a caller-chosen 16-byte random prefix and nonce (tests);
    // decode() uses fresh random ones.
    raw_response success(core::instant now, std::string_view random16, std::string_view nonce) const;
    const crypto::msg_crypt& msg_crypt() const { return crypt_; }

  private:
    crypto::msg_crypt crypt_;
    std::string receive_id_;
};

}  // namespace adapters
