#include "adapters/wecom.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "adapters/text_util.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

// A string member, or a number rendered as text (ids such as MsgId/msgid are numbers in some
// flavours); nullopt when absent or of another type.
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

std::optional<std::string> xml_field(const std::map<std::string, std::string>& fields,
                                     const std::string& path) {
    const auto it = fields.find(path);
    if (it == fields.end()) return std::nullopt;
    return it->second;
}

// What the plaintext of any flavour boils down to before it becomes an inbound_message.
struct parsed_message {
    std::string msgtype;
    std::string msg_id;
    std::string chat;
    std::string sender;
    std::optional<std::string> content;
    std::vector<core::attachment> attachments;
    std::string reply_url;
};

// A media item's URL as an attachment (AI bot `image.url`, `file.url`, `video.url`).
void keep_media(parsed_message& p, const json& item, const std::string& kind) {
    if (auto url = text_field(member(item, kind.c_str()), "url"); url && !url->empty())
        p.attachments.push_back({kind, std::move(*url)});
}

// AI bot (doc 100719) and the legacy robot's JSON flavour: lower-case names.
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

// The official library's JSON flavour of app callbacks: the XML names as JSON keys.
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

// Legacy group robot (From/UserId, ChatId, Text/Content, WebhookUrl) or self-built app
// (FromUserName, Content) XML.
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

std::optional<std::int64_t> errcode_of(std::string_view body) {
    const json j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    const auto it = j.find("errcode");
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
}

}  // namespace

std::string wecom_webhook_url(std::string_view key_or_url) {
    // Accept the full URL too: pasting it where the key belongs is the classic 93000 (PROTOCOLS 2.7).
    if (key_or_url.starts_with("https://") || key_or_url.starts_with("http://"))
        return std::string(key_or_url);
    return "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + crypto::url_encode(key_or_url);
}

wecom_adapter::wecom_adapter(wecom_config config)
    : config_(std::move(config)), crypt_(config_.token, config_.encoding_aes_key) {
    if (config_.token.empty()) throw std::invalid_argument("WeCom token must not be empty");
}

inbound_result wecom_adapter::decode(const raw_request& req, core::instant now) const {
    // 1. Required parameters (URL-decoded by query()).
    const auto signature = req.query("msg_signature");
    const auto timestamp = req.query("timestamp");
    const auto nonce = req.query("nonce");
    if (!signature || !timestamp || !nonce) {
        return refuse(errc::missing_signature, "msg_signature, timestamp or nonce missing");
    }
    const bool verification = req.method == "GET";
    const auto echostr = verification ? req.query("echostr") : std::nullopt;
    if (verification && !echostr) return refuse(errc::missing_parameter, "echostr missing");
    if (!verification && req.method != "POST") return refuse(errc::malformed_body, "unexpected method");

    // 2. Freshness (seconds). See window_s for why there is a window at all.
    const auto ts = text::parse_int64(*timestamp);
    if (!ts) return refuse(errc::bad_signature, "timestamp is not a number");
    const std::int64_t skew = core::to_ms(now) / 1000 - *ts;
    if (skew > window_s || skew < -window_s) {
        return refuse(errc::stale_timestamp, "timestamp skew " + std::to_string(skew) + " s");
    }

    // 3. The ciphertext the signature covers: echostr, or the envelope's encrypt field.
    std::string encrypted;
    if (verification) {
        encrypted = *echostr;
    } else {
        const auto body = text::trim(req.body);
        if (body.starts_with("{")) {
            const json envelope = json::parse(body, nullptr, false);
            auto value = text_field(envelope, "encrypt");
            if (!value) value = text_field(envelope, "Encrypt");  // the official JSON sample's spelling
            if (!value) return refuse(errc::malformed_body, "JSON envelope without encrypt");
            encrypted = std::move(*value);
        } else if (body.starts_with("<")) {
            const auto fields = text::parse_flat_xml(body);
            auto value = fields ? xml_field(*fields, "xml/Encrypt") : std::nullopt;
            if (!value) return refuse(errc::malformed_body, "XML envelope without Encrypt");
            encrypted = std::move(*value);
        } else {
            return refuse(errc::malformed_body, "body is neither JSON nor XML");
        }
    }

    // 4. Signature (constant time), 5. decrypt, receive id.
    if (!crypt_.verify(*signature, *timestamp, *nonce, encrypted)) {
        return refuse(errc::bad_signature, "msg_signature does not match");
    }
    auto opened = crypt_.decrypt(encrypted);
    if (!opened) return refuse(errc::decrypt_failed, "bad base64, padding or length");
    if (!config_.receive_id.empty() && opened->receive_id != config_.receive_id) {
        return refuse(
            errc::decrypt_failed,
            "receive id mismatch (" + std::to_string(opened->receive_id.size()) + " bytes received)");
    }

    if (verification) {
        // The bare plaintext: no quotes, no newline, no JSON (PROTOCOLS 2.2).
        inbound_result r;
        r.reply = raw_response{200, "text/plain; charset=utf-8", std::move(opened->msg)};
        r.detail = "url verification";
        return r;
    }
    // 6. Parse.
    return decode_plaintext(opened->msg, now);
}

// Runs after the signature check and decryption: the callback is authentic, so whatever it carries
// is answered 200 (WeCom retries every other status, PROTOCOLS 2.6, and a retry cannot make it
// usable); what the bot cannot use is refused as unsupported_event with the reason for the log.
inbound_result wecom_adapter::decode_plaintext(const std::string& plain, core::instant now) const {
    const auto trimmed = text::trim(plain);
    std::optional<parsed_message> parsed;
    if (trimmed.starts_with("{")) {
        const json j = json::parse(trimmed, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return refuse(errc::unsupported_event, "decrypted JSON is malformed");
        parsed = j.contains("msgtype") ? from_ai_bot_json(j) : from_app_json(j);
    } else if (trimmed.starts_with("<")) {
        const auto fields = text::parse_flat_xml(trimmed);
        if (!fields) return refuse(errc::unsupported_event, "decrypted XML is malformed");
        parsed = from_xml(*fields);
    } else {
        return refuse(errc::unsupported_event, "decrypted message is neither JSON nor XML");
    }

    const auto& type = parsed->msgtype;
    if (type.empty()) return refuse(errc::unsupported_event, "decrypted message without msgtype");
    // Events (enter_chat, card clicks, feedback), stream refreshes and the legacy robot's button
    // callbacks are not posts.
    if (type == "event" || type == "stream" || type == "attachment")
        return refuse(errc::unsupported_event, "msgtype " + log_word(type));
    if (parsed->sender.empty())
        return refuse(errc::unsupported_event, "msgtype " + log_word(type) + " without sender");
    if (type == "text" && !parsed->content)
        return refuse(errc::unsupported_event, "text message without text.content");

    inbound_result r;
    core::inbound_message m;
    m.platform = "wecom";
    m.chat = std::move(parsed->chat);
    m.msg_id = std::move(parsed->msg_id);
    m.sender = std::move(parsed->sender);
    // WeCom keeps "@Bot" in the text (PROTOCOLS 2.8).
    m.text = text::strip_leading_mention(parsed->content.value_or(""), config_.bot_name);
    m.attachments = std::move(parsed->attachments);
    if (m.text.empty() && type != "text") m.unreadable = log_word(type);
    m.received_at = now;
    m.reply_handle = std::move(parsed->reply_url);
    r.message = std::move(m);
    r.detail =
        log_word(type) + " message, " + std::to_string(r.message->attachments.size()) + " attachment(s)";
    return r;
}

std::vector<outbound_request> wecom_adapter::encode(const core::outbound_post& post,
                                                    const std::vector<mention_target>& mentions,
                                                    core::instant /*now*/) const {
    auto it = config_.webhooks.find(post.chat);
    if (it == config_.webhooks.end()) it = config_.webhooks.find("*");
    if (it == config_.webhooks.end() || post.text.empty()) return {};
    const std::string url = wecom_webhook_url(it->second);

    std::vector<std::string> accounts;
    for (const auto& m : mentions) {
        if (!m.account.empty() && std::find(accounts.begin(), accounts.end(), m.account) == accounts.end()) {
            accounts.push_back(m.account);
        }
    }
    std::vector<outbound_request> out;
    for (const auto& piece : split_utf8(post.text, max_content_bytes)) {
        ordered_json body;
        body["msgtype"] = "text";
        body["text"]["content"] = piece;
        if (out.empty() && !accounts.empty()) body["text"]["mentioned_list"] = accounts;
        outbound_request req;
        req.url = url;
        req.headers["content-type"] = "application/json; charset=utf-8";
        req.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
        out.push_back(std::move(req));
    }
    return out;
}

adapter::send_verdict wecom_adapter::classify(int http_status, std::string_view response_body) const {
    if (http_status <= 0 || http_status == 408 || http_status >= 500) return send_verdict::retry;
    if (http_status == 429) return send_verdict::rate_limited;
    if (http_status < 200 || http_status >= 300) return send_verdict::permanent_failure;
    // HTTP is 200 even on errors: errcode decides (PROTOCOLS 2.7 a).
    const auto code = errcode_of(response_body);
    if (!code) return send_verdict::retry;
    switch (*code) {
        case 0:
            return send_verdict::delivered;
        case 45009:
            return send_verdict::rate_limited;  // 20/min per robot, failures included
        case -1:
            return send_verdict::retry;  // system busy
        case 93000:                      // invalid webhook url (bad or removed key)
        case 40058:                      // content too long
        case 44004:                      // empty content
        case 40008:                      // invalid msgtype
        default:
            return send_verdict::permanent_failure;
    }
}

}  // namespace adapters
