#include "adapters/wecom_message.hpp"

#include <cstdint>
#include <utility>

#include "adapters/text_util.hpp"

namespace adapters::wecom_detail {

namespace {

using json = nlohmann::json;

std::optional<std::string> xml_field(const std::map<std::string, std::string>& fields,
                                     const std::string& path) {
    const auto it = fields.find(path);
    if (it == fields.end()) return std::nullopt;
    return it->second;
}

// A media item's URL as an attachment (AI bot `image.url`, `file.url`, `video.url`).
void keep_media(parsed_message& p, const json& item, const std::string& kind) {
    if (auto url = text_field(member(item, kind.c_str()), "url"); url && !url->empty())
        p.attachments.push_back({kind, std::move(*url)});
}

}  // namespace

std::optional<std::string> text_field(const json& obj, const char* name) {
    if (!obj.is_object()) return std::nullopt;
    const auto it = obj.find(name);
    if (it == obj.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    return std::nullopt;
}

const json& member(const json& obj, const char* name) {
    static const json null_value;
    if (!obj.is_object()) return null_value;
    const auto it = obj.find(name);
    return it == obj.end() ? null_value : *it;
}

parsed_message from_ai_bot_json(const json& j) {
    parsed_message p;
    p.msgtype = text_field(j, "msgtype").value_or("");
    p.msg_id = text_field(j, "msgid").value_or("");
    p.sender = text_field(member(j, "from"), "userid").value_or("");
    // chatid exists only for group chats; a single chat is identified by its one user.
    p.chat = text_field(j, "chatid").value_or(p.sender);
    p.reply_url = text_field(j, "response_url").value_or(text_field(j, "webhook_url").value_or(""));
    if (p.msgtype == "text") {
        p.content = text_field(member(j, "text"), "content");
    } else if (p.msgtype == "mixed") {
        // Image+text posts: the text items, in order, one per line; the images kept on the record.
        const json& items = member(member(j, "mixed"), "msg_item");
        if (items.is_array()) {
            std::string joined;
            bool any = false;
            for (const auto& item : items) {
                const auto type = text_field(item, "msgtype").value_or("");
                if (type != "text") {
                    if (!type.empty()) keep_media(p, item, type);
                    continue;
                }
                if (auto c = text_field(member(item, "text"), "content")) {
                    if (any) joined.push_back('\n');
                    joined += *c;
                    any = true;
                }
            }
            if (any) p.content = std::move(joined);
        }
    } else if (p.msgtype == "image" || p.msgtype == "file" || p.msgtype == "video") {
        keep_media(p, j, p.msgtype);
    }
    return p;
}

parsed_message from_app_json(const json& j) {
    parsed_message p;
    p.msgtype = text_field(j, "MsgType").value_or("");
    p.msg_id = text_field(j, "MsgId").value_or("");
    p.sender = text_field(j, "FromUserName").value_or("");
    p.chat = text_field(j, "ChatId").value_or(p.sender);
    p.content = text_field(j, "Content");
    if (auto pic = text_field(j, "PicUrl"); pic && !pic->empty()) p.attachments.push_back({"image", *pic});
    return p;
}

parsed_message from_xml(const std::map<std::string, std::string>& f) {
    parsed_message p;
    p.msgtype = xml_field(f, "xml/MsgType").value_or("");
    p.msg_id = xml_field(f, "xml/MsgId").value_or("");
    if (auto robot_sender = xml_field(f, "xml/From/UserId")) {
        p.sender = std::move(*robot_sender);
        p.content = xml_field(f, "xml/Text/Content");
        p.reply_url = xml_field(f, "xml/WebhookUrl").value_or("");
    } else {
        p.sender = xml_field(f, "xml/FromUserName").value_or("");
        p.content = xml_field(f, "xml/Content");
        if (auto pic = xml_field(f, "xml/PicUrl"); pic && !pic->empty())
            p.attachments.push_back({"image", *pic});
    }
    p.chat = xml_field(f, "xml/ChatId").value_or(p.sender);
    return p;
}

inbound_result to_inbound(parsed_message parsed, std::string_view bot_name, core::instant now) {
    const auto& type = parsed.msgtype;
    if (type.empty()) return refuse(errc::unsupported_event, "decrypted message without msgtype");
    // Events (enter_chat, card clicks, feedback), stream refreshes and the legacy robot's button
    // callbacks are not posts.
    if (type == "event" || type == "stream" || type == "attachment")
        return refuse(errc::unsupported_event, "msgtype " + log_word(type));
    if (parsed.sender.empty())
        return refuse(errc::unsupported_event, "msgtype " + log_word(type) + " without sender");
    if (type == "text" && !parsed.content)
        return refuse(errc::unsupported_event, "text message without text.content");

    inbound_result r;
    core::inbound_message m;
    m.platform = "wecom";
    m.chat = std::move(parsed.chat);
    m.msg_id = std::move(parsed.msg_id);
    m.sender = std::move(parsed.sender);
    // WeCom keeps "@Bot" in the text (PROTOCOLS 2.8).
    m.text = text::strip_leading_mention(parsed.content.value_or(""), bot_name);
    m.attachments = std::move(parsed.attachments);
    if (m.text.empty() && type != "text") m.unreadable = log_word(type);
    m.received_at = now;
    m.reply_handle = std::move(parsed.reply_url);
    r.message = std::move(m);
    r.detail =
        log_word(type) + " message, " + std::to_string(r.message->attachments.size()) + " attachment(s)";
    return r;
}

}  // namespace adapters::wecom_detail
