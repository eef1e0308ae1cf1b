// The frames of WeCom's AI-bot long connection (PROTOCOLS 2.3, 9.2; the WeCom team's
// aibot-node-sdk): plain JSON {cmd, headers: {req_id}, body} over wss://openws.work.weixin.qq.com,
// authenticated once by aibot_subscribe. Pure: builds what the client sends and decodes what the
// server pushes; bot/transport/wecom_ws does the I/O.
//
// How posts travel: the wecom adapter (websocket mode) encodes them as outbound_requests whose url
// is "wecom-ws:<cmd>" (aibot_send_msg or aibot_respond_msg), whose body is the frame's body and, for
// a reply, whose header "req_id" is the callback's req_id. The transport turns such a request into
// a frame (frame_of) and answers with the receipt frame as the body, which the adapter's classify
// judges by errcode like any WeCom answer.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace adapters::wecom_ws {

inline constexpr std::string_view marker = "wecom-ws:";
inline constexpr std::string_view default_url = "wss://openws.work.weixin.qq.com";
// A button key the bot made: "cmd:" + the command a press sends (keys may hold 1024 bytes).
inline constexpr std::string_view button_prefix = "cmd:";
inline constexpr std::size_t max_button_key_bytes = 1024;
inline constexpr std::size_t max_buttons = 6;  // button_interaction cards hold at most six

// A fresh req_id for a frame of `cmd`: "<cmd>_<ms>_<8 hex>" like the SDK's, unique per connection.
std::string fresh_req_id(std::string_view cmd, core::instant now);

// {"cmd":"aibot_subscribe","headers":{"req_id"},"body":{"bot_id","secret"}} — the secret rides in
// this frame only; never log it.
std::string subscribe_frame(std::string_view req_id, std::string_view bot_id, std::string_view secret);
// {"cmd":"ping","headers":{"req_id"}}
std::string ping_frame(std::string_view req_id);

// The requests the adapter makes (their bodies are the frames' bodies).
// aibot_send_msg with {"chatid", "msgtype":"markdown", "markdown":{"content"}} — no chat_type (the
// official SDK sends none).
outbound_request send_markdown(std::string_view chatid, std::string_view content);
// aibot_respond_msg for the callback `req_id` with {"msgtype":"markdown","markdown":{"content"}}.
outbound_request respond_markdown(std::string_view req_id, std::string_view content);
// A button_interaction template card: `title` as its main title, one button per action (at most
// six, keys "cmd:<command>"; an action whose key would pass 1024 bytes is left out), `task_id`
// unique per bot ([A-Za-z0-9_-@], ≤ 128 bytes). The body of a template_card message, without chatid.
std::string template_card_body(std::string_view title, const std::vector<core::post_action>& actions,
                               std::string_view task_id);
// The same card as aibot_send_msg to `chatid`, or as aibot_respond_msg to `req_id`.
outbound_request send_card(std::string_view chatid, std::string_view card_body);
outbound_request respond_card(std::string_view req_id, std::string_view card_body);

// The frame a "wecom-ws:<cmd>" request stands for; the req_id is the request's "req_id" header
// when set (a reply), else `fresh_req_id`. nullopt when the url has no marker, the cmd is not one
// we send, a reply has no req_id, or the body is not a JSON object.
struct frame {
    std::string cmd;
    std::string req_id;
    std::string text;  // the whole frame, JSON
};
std::optional<frame> frame_of(const outbound_request& req, std::string_view fresh_req_id);

// One frame from the server.
enum class frame_kind {
    receipt,   // no cmd: the answer to a frame of ours (subscribe, ping, send, respond), by req_id
    message,   // aibot_msg_callback
    event,     // aibot_event_callback
    other,     // a cmd we do not know
    malformed  // not JSON, or no headers.req_id
};
struct server_frame {
    frame_kind kind = frame_kind::malformed;
    std::string cmd;
    std::string req_id;
    std::optional<std::int64_t> errcode;  // receipts; nullopt when absent or not an integer
    std::string errmsg;                   // receipts, for the log (log_word'ed)
    std::string eventtype;                // events: enter_chat, template_card_event, disconnected_event…
    // A message to process (a post, or a button press turned into its command) or why not.
    inbound_result inbound;
    // disconnected_event: another subscriber took the bot over; the server closes this connection.
    bool disconnected = false;
};
// `bot_name` is stripped from the front of a message's text as in HTTP mode. A message's
// reply_handle is the callback's req_id; a button press has none (its answer goes to the chat).
server_frame decode_frame(std::string_view text, std::string_view bot_name, core::instant now);

}  // namespace adapters::wecom_ws
