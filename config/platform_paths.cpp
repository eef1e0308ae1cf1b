// What each configured platform path can do, for check-config: how messages come in, how the bot
// answers a message at once, how timed posts (reminders, fines, summaries) go out, whether people
// are @-ed for real and whether posts carry buttons. Derived from the mode and which secrets are
// named, so an IT person sees before the first post what a setup with only the app robot does.
#include "config/checks.hpp"

namespace conf {

namespace {

bool has(const rules::platform_settings& p, const std::string& role) {
    return p.env.count(role) > 0;
}

}  // namespace

std::vector<std::string> platform_paths(const rules::platform_settings& p) {
    std::vector<std::string> out;
    auto line = [&](const std::string& what, const std::string& how) { out.push_back(what + ": " + how); };
    if (p.name == "dingtalk") {
        line("receives", p.mode == "stream" ? "Stream mode (WebSocket out to DingTalk, no public URL)"
                                            : "HTTP callbacks on /hooks/dingtalk (needs a public HTTPS URL)");
        line("answers a message",
             "through its sessionWebhook while valid (~90 min), real @; then the group robot");
        line("timed posts", has(p, "webhook") ? "the group's custom robot, real @ (atUserIds)"
                                              : "NONE: no webhook_env, reminders and fines cannot be posted");
        line("buttons",
             p.mode == "stream"
                 ? "interactive cards through the app (chats with a conversation id): 受理 / 查询 / 申诉"
                 : "none in HTTP mode (the robot's text messages): the commands are written in the post");
        if (has(p, "events_token"))
            line("org events", "encrypted event subscription on /hooks/dingtalk/events (leavers, moves)");
    } else if (p.name == "wecom") {
        if (p.mode == "websocket") {
            line("receives", "the AI bot's long connection (no public URL; one connection per bot)");
            line("answers a message", "aibot_respond_msg on the connection, real @ (<@userid>)");
            line("timed posts",
                 "aibot_send_msg on the connection, real @ (only in chats that messaged the bot)");
            line("buttons", "template cards: 受理 / 查询 / 申诉");
        } else {
            line("receives", "AI-bot HTTP callbacks on /hooks/wecom (needs a public HTTPS URL)");
            line("answers a message", "its response_url once, else the group robot");
            line("timed posts", has(p, "webhook")
                                    ? "the group robot webhook, real @ (mentioned_list)"
                                    : "NONE: no webhook_env, reminders and fines cannot be posted");
            line("buttons", "none over the group robot: the commands are written in the post");
        }
    } else if (p.name == "feishu") {
        line("receives", p.mode == "websocket" ? "the event long connection (no public URL)"
                                               : "HTTP events on /hooks/feishu (needs a public HTTPS URL)");
        line("answers a message", "the reply API (im/v1/messages/{id}/reply), real @ (<at user_id>)");
        line("timed posts",
             "im/v1/messages with the app's tenant token, real @; each post sent at most once (uuid)");
        if (has(p, "webhook"))
            line("custom bot", "configured as the alternative when the app cannot post in a group");
        line("buttons", "interactive cards: 受理 / 查询 / 申诉");
    } else if (p.name == "slack") {
        line("receives", p.mode == "socket" ? "Socket Mode (WebSocket out to Slack, no public URL)"
                                            : "the Events API on /hooks/slack (needs a public HTTPS URL)");
        line("answers a message", "chat.postMessage in the message's thread, real @ (<@U…>)");
        line("timed posts", "chat.postMessage in the channel, real @, one a second per channel");
        line("buttons", "Block Kit buttons: 受理 / 查询 / 申诉");
    }
    return out;
}

}  // namespace conf
