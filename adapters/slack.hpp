// Slack adapter: the Events API over HTTP (/hooks/slack: v0 request signing, url_verification,
// event_callback with app_mention and channel message events, and interactivity payloads for button
// presses), the pure Socket Mode frame decoder the WebSocket client uses, and outbound posts through
// the Web API's chat.postMessage with the bot token (Block Kit buttons for a post's actions, replies
// in the thread of the message they answer).
//
// Thread-safety: immutable after construction; every method is safe from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace adapters {

struct slack_config {
    // Signs every HTTP request Slack sends (Basic Information → App Credentials). Required for
    // decode(); Socket Mode needs none (the connection is authenticated when it is opened).
    std::string signing_secret;
    // The Bot User OAuth Token (xoxb-…), sent as "Authorization: Bearer" with every post.
    std::string bot_token;
    // The Web API base, without a trailing slash (tests point it at a loopback fake).
    std::string api = "https://slack.com/api";
    // Our chat ids (as the config names them) → the channel ids (C…) their posts go to. A post for
    // a chat without an entry goes to post.chat itself when that looks like a channel id.
    std::map<std::string, std::string> channels;
    // The bot's own member id (U…), when known; otherwise it is read from each event's
    // `authorizations`. Its leading mention is removed from a message, its own messages ignored.
    std::string bot_user;
};

// What one Socket Mode frame was (see decode_socket_frame).
enum class slack_frame_kind { hello, disconnect, events_api, interactive, other };

struct slack_socket_result {
    slack_frame_kind kind = slack_frame_kind::other;
    inbound_result inbound;  // a message, unsupported_event for anything else, or malformed_body
    std::string ack;         // {"envelope_id":"…"} to send back; empty when none is due
    std::string reason;      // a disconnect's reason (warning, refresh_requested, link_disabled, …)
};

class slack_adapter final : public adapter {
  public:
    // Requests whose X-Slack-Request-Timestamp is further than this from our clock are refused.
    static constexpr std::int64_t window_s = 300;
    // chat.postMessage: text is kept at most this long (Slack truncates at 40,000 characters and
    // advises 4,000); a section block's text at most section_bytes. Counted in bytes, which is never
    // more than the characters Slack counts.
    static constexpr std::size_t max_text_bytes = 4000;
    static constexpr std::size_t section_bytes = 3000;

    explicit slack_adapter(slack_config config);

    std::string_view platform() const override { return "slack"; }
    // The HTTP Events API and interactivity requests: the v0 signature over the raw body within the
    // window, then url_verification (the challenge is answered), event_callback (app_mention, user
    // messages in channels) or a form-encoded `payload` (block_actions: a button press).
    inbound_result decode(const raw_request& req, core::instant now) const override;
    // POST {api}/chat.postMessage per piece of the text (split at max_text_bytes on UTF-8 boundaries),
    // people mentioned as <@U…> (or @name without a Slack account); the post's actions become a
    // section and an actions block of buttons on the last piece. No channel for the chat → none.
    std::vector<outbound_request> encode(const core::outbound_post& post,
                                         const std::vector<mention_target>& mentions,
                                         core::instant now) const override;
    // The same in the thread of the message answered: `handle` is "channel:thread_ts".
    std::vector<outbound_request> encode_reply(std::string_view handle, const core::outbound_post& post,
                                               const std::vector<mention_target>& mentions,
                                               core::instant now) const override;
    send_verdict classify(int http_status, std::string_view response_body) const override;
    // Retry-After (seconds) of a 429.
    std::chrono::milliseconds wait_after(const std::map<std::string, std::string>& headers,
                                         std::string_view response_body) const override;

    // An event_callback payload (the HTTP body or a Socket Mode events_api envelope's payload).
    inbound_result decode_event(std::string_view json_text, core::instant now) const;
    // An interactivity payload (JSON; type block_actions) → the pressed button's command.
    inbound_result decode_interaction(std::string_view json_text, core::instant now) const;
    // One Socket Mode frame: hello, disconnect (with its reason), an envelope (events_api,
    // interactive, slash_commands …) with the ack it needs. Pure.
    slack_socket_result decode_socket_frame(std::string_view text, core::instant now) const;

  private:
    std::vector<outbound_request> requests(const std::string& channel, const std::string& thread_ts,
                                           const core::outbound_post& post,
                                           const std::vector<mention_target>& mentions) const;
    slack_config config_;
};

// "v0=" + lowercase hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body).
std::string slack_signature(std::string_view signing_secret, std::string_view timestamp,
                            std::string_view body);

// Slack's message markup made readable for the rules: the leading mention of `bot_user` removed
// (any leading user mention when `bot_user` is empty and `strip_any` is set), other <@U…|name>
// mentions shown as @name (@U… without a name), <#C…|general> as #general, <!here> as @here,
// links as their label (or the URL), &lt; &gt; &amp; unescaped, then trimmed.
std::string slack_readable(std::string_view text, std::string_view bot_user, bool strip_any);

}  // namespace adapters
