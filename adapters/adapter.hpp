// The platform adapter interface (STYLE.md guidelines 4–6): verify → decrypt → decode an inbound
// HTTP request into one normalized message, and encode outbound posts, without any I/O. The HTTP
// server hands an adapter a raw_request and gets back either a message, an immediate answer (URL
// verification) or a refusal; the outbox sender asks it for the HTTP requests that deliver a post.
//
// Thread-safety: adapters are immutable after construction; calls are safe from any thread.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.hpp"
#include "core/time.hpp"

namespace adapters {

// Our own plain view of an HTTP request, so adapters are tested with fixtures alone.
struct raw_request {
    std::string method;  // "GET", "POST"
    std::string target;  // path and query, as received ("/hooks/wecom?msg_signature=…")
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    // The URL-decoded value of a query parameter, or nullopt when absent.
    std::optional<std::string> query(std::string_view name) const;
    std::string path() const;  // target without the query
    const std::string* header(std::string_view lower_name) const;
};

struct raw_response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::map<std::string, std::string> headers{};  // more response headers (e.g. Allow on a 405)
};

// Why a request was refused. Each maps to an HTTP status (status_of) and a log word (name_of);
// nothing about the secret or the body is ever part of it.
enum class errc {
    missing_parameter,  // required header or query parameter absent → 400
    missing_signature,  // the signature (or the timestamp/nonce it covers) absent → 401
    stale_timestamp,    // outside the platform's window → 401
    bad_signature,      // → 401
    decrypt_failed,     // bad ciphertext, padding or receive id → 400
    malformed_body,     // not the JSON/XML the platform sends → 400
    unsupported_event,  // an authentic callback that carries no message we use (an event, a ping) → 200
};
int status_of(errc e);
std::string_view name_of(errc e);

// The outcome of one inbound request.
struct inbound_result {
    std::optional<errc> error;                     // set: refuse with status_of(*error), change nothing
    std::optional<core::inbound_message> message;  // set: a message to process (sender = platform account id)
    std::optional<raw_response> reply;             // the HTTP answer when it is not a plain empty 200
    std::string detail;                            // for the log; never contains secrets
};

// A person as the adapter needs them for @-mentions.
struct mention_target {
    std::string person_id;
    std::string name;     // display name, shown as "@name" in text
    std::string account;  // the platform's user id for that person (may be empty)
};

// One HTTP request that delivers (part of) a post.
struct outbound_request {
    std::string method = "POST";
    std::string url;  // full URL incl. query (signed); NEVER logged — see redact()
    std::map<std::string, std::string> headers;
    std::string body;
};

class adapter {
  public:
    virtual ~adapter() = default;
    virtual std::string_view platform() const = 0;
    // Verifies and decodes one callback. `now` comes from the injected clock.
    virtual inbound_result decode(const raw_request& req, core::instant now) const = 0;
    // The requests that post `text` with real @-mentions, split on UTF-8 character boundaries under
    // the platform's byte limit, in order. `now` is used for signing.
    virtual std::vector<outbound_request> encode(const core::outbound_post& post,
                                                 const std::vector<mention_target>& mentions,
                                                 core::instant now) const = 0;
    // Whether a platform reply to an outbound request means success, retry later, or give up.
    enum class send_verdict { delivered, retry, permanent_failure, rate_limited };
    virtual send_verdict classify(int http_status, std::string_view response_body) const = 0;

    // The requests that answer one message through the reply path the platform handed us with it
    // (`handle` = core::inbound_message::reply_handle: DingTalk's sessionWebhook, Feishu's message
    // id, Slack's thread…). Empty: this platform has no such path, and the caller uses encode().
    virtual std::vector<outbound_request> encode_reply(std::string_view handle,
                                                       const core::outbound_post& post,
                                                       const std::vector<mention_target>& mentions,
                                                       core::instant now) const {
        (void)handle, (void)post, (void)mentions, (void)now;
        return {};
    }
    // How long the platform asked us to wait after a rate_limited answer (Slack's Retry-After,
    // Feishu's x-ogw-ratelimit-reset); 0 = the route's default penalty. `headers` lower-cased.
    virtual std::chrono::milliseconds wait_after(const std::map<std::string, std::string>& headers,
                                                 std::string_view response_body) const {
        (void)headers, (void)response_body;
        return std::chrono::milliseconds{0};
    }
};

// A refusal with a log detail (never secrets).
inbound_result refuse(errc e, std::string detail);
// Platform-supplied words (msgtype, topic) for log details: at most 40 characters, anything but
// [A-Za-z0-9_-/.] shown as '?'.
std::string log_word(std::string_view s);

// Splits `text` into pieces of at most `max_bytes` bytes, never inside a UTF-8 character, preferring
// to cut at a line break.
std::vector<std::string> split_utf8(std::string_view text, std::size_t max_bytes);

// Replaces query values and path tokens that carry credentials (access_token, key, sign, timestamp
// signatures…) by "***", for log lines.
std::string redact(std::string_view url);

}  // namespace adapters
