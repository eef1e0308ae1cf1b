// The normalized messages that cross module boundaries: what an adapter decodes from a platform
// and what the rules hand back to be posted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.hpp"

namespace core {

// Something a message carried that the bot keeps on the record but cannot read: a picture, a
// voice message, a file. `code` is the platform's handle for fetching it later (DingTalk
// `downloadCode`, WeCom's media URL); it is stored, never logged.
struct attachment {
    std::string kind;  // the platform's word: "picture", "image", "audio", "voice", "video", "file"
    std::string code;
    bool operator==(const attachment&) const = default;
};

// One inbound chat message, after the adapter verified and decoded it and mapped the sender to a
// person id of the configuration.
struct inbound_message {
    std::string platform;  // "dingtalk", "wecom", "replay", ...
    std::string chat;      // chat id as the config names it
    std::string msg_id;    // platform message id, for de-duplication (may be empty)
    std::string sender;    // person id from the config
    std::string text;      // the readable text (the text parts of a picture post); bot mention stripped
    instant received_at{};
    // (`{}`: brace-initializing the six fields above stays free of missing-initializer warnings.)
    // Pictures and other parts the text does not carry, in the order they were posted.
    std::vector<attachment> attachments{};
    // The platform's message type when the bot could read no text at all from the message (a photo,
    // a voice message, a file: "picture", "audio", …); empty for a message with text.
    std::string unreadable{};
    // How to answer this very message the way the platform offers for it, opaque to everything but
    // its adapter: DingTalk's sessionWebhook, WeCom's response_url or the long connection's req_id,
    // Feishu's message_id, Slack's channel and ts. Empty when there is none. A credential on some
    // platforms (the sessionWebhook): kept in memory only, never stored or logged.
    std::string reply_handle{};
    instant reply_until{};  // when the platform says the handle stops working; {} = not stated
};

// A button on a post (an interactive card where the platform has them): the label shown and the
// command text a press sends, as if the person who pressed had typed it ("受理 P3").
struct post_action {
    std::string label;
    std::string command;
    bool operator==(const post_action&) const = default;
};

// One post the bot wants in a chat. `mentions` are person ids; adapters turn them into the
// platform's real @-mentions.
struct outbound_post {
    std::string chat;
    std::string text;
    std::vector<std::string> mentions;
    // Buttons (受理 and 查询 on a receipt, 申诉 on a fine notice); platforms without interactive
    // messages show the text alone, where the commands are written out anyway.
    std::vector<post_action> actions{};
    // The platform message id this post answers at once (set by the engine for the posts a message
    // produced in its own chat); empty for timed posts. The sender answers through the message's
    // reply handle while it is valid, and through the group robot otherwise.
    std::string reply_to{};
    // The outbox row this post is (0 before it is stored): a platform-side idempotency key where
    // the platform has one (Feishu's uuid sends a message at most once).
    std::int64_t outbox_id = 0;
};

}  // namespace core
