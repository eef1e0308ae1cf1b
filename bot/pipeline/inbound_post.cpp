#include "pipeline/inbound_post.hpp"

#include "rules/wording.hpp"

namespace app {

namespace {

// What a person calls the part the bot could not read.
std::string_view kind_title(std::string_view kind) {
    if (kind == "picture" || kind == "image" || kind == "richText" || kind == "mixed") return "图片";
    if (kind == "audio" || kind == "voice") return "语音";
    if (kind == "video") return "视频";
    if (kind == "file") return "文件";
    return "这种消息";
}

}  // namespace

std::string_view platform_title(std::string_view platform) {
    return rules::platform_title(platform);
}

std::string inbound_record_text(const core::inbound_message& msg) {
    std::string out = msg.text;
    for (const auto& a : msg.attachments) {
        if (!out.empty()) out.push_back('\n');
        out += "[" + a.kind + "] " + a.code;
    }
    if (out.empty() && !msg.unreadable.empty()) out = "[" + msg.unreadable + "]";
    return out;
}

bool has_unreadable_part(const core::inbound_message& msg) {
    return !msg.unreadable.empty() || !msg.attachments.empty();
}

std::string unreadable_reply(const core::inbound_message& msg) {
    std::string kind = msg.unreadable;
    if (kind.empty() && !msg.attachments.empty()) kind = msg.attachments.front().kind;
    const auto what = kind_title(kind);
    std::string s = msg.text.empty() ? "❌ 机器人读不了" + std::string(what) + "，这条消息没有登记。"
                                     : "❌ 机器人读不了" + std::string(what) + "里的内容，这条消息没有登记。";
    s += "\n请用文字发送：投诉请复制“产品质量投诉”或“服务质量投诉”模板，填好后作为文字发出（照片可以附在同一"
         "条消息里）；"
         "指令如“受理 P1”“查询 P1”也请打字发送。\n发“帮助”可查看模板和全部指令。";
    return s;
}

std::string unregistered_reply(const rules::config& cfg, const core::inbound_message& msg) {
    return rules::unregistered_sender_reply(cfg, msg.platform, msg.sender);
}

}  // namespace app
