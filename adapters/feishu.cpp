// Feishu inbound: the HTTP event checks (signature, decryption, token, challenge) and the event
// JSON shared with the long connection. Outbound is in feishu_send.cpp.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <utility>

#include "adapters/crypto.hpp"
#include "adapters/feishu.hpp"
#include "adapters/text_util.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;

const std::string* string_field(const json& obj, const char* name) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(name);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

const json& object_field(const json& obj, const char* name) {
    static const json empty = json::object();
    if (!obj.is_object()) return empty;
    const auto it = obj.find(name);
    return it != obj.end() && it->is_object() ? *it : empty;
}

std::string str_or_empty(const json& obj, const char* name) {
    const auto* s = string_field(obj, name);
    return s ? *s : std::string{};
}

// An object given either as JSON or as a JSON document inside a string (Feishu double-encodes
// message content; some clients do the same with a button's value).
json object_or_encoded(const json& obj, const char* name) {
    if (!obj.is_object()) return json::object();
    const auto it = obj.find(name);
    if (it == obj.end()) return json::object();
    if (it->is_object()) return *it;
    if (it->is_string()) {
        auto inner = json::parse(it->get<std::string>(), nullptr, false);
        if (inner.is_object()) return inner;
    }
    return json::object();
}

struct mention {
    std::string key;  // "@_user_1"
    std::string open_id;
    std::string name;
};

bool is_bot(const mention& m, const feishu_identity& bot) {
    return (!bot.open_id.empty() && m.open_id == bot.open_id) || (!bot.name.empty() && m.name == bot.name);
}

std::vector<mention> mentions_of(const json& message) {
    std::vector<mention> out;
    const auto it = message.find("mentions");
    if (it == message.end() || !it->is_array()) return out;
    for (const auto& m : *it) {
        mention x{str_or_empty(m, "key"), str_or_empty(object_field(m, "id"), "open_id"),
                  str_or_empty(m, "name")};
        if (!x.key.empty()) out.push_back(std::move(x));
    }
    // Longest key first, so "@_user_1" never eats the start of "@_user_10".
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.key.size() > b.key.size(); });
    return out;
}

// The placeholders of a text: the bot's removed, the others "@name", "@_all" "@所有人".
std::string resolve_placeholders(std::string text, const std::vector<mention>& mentions,
                                 const feishu_identity& bot) {
    auto replace_all = [&text](const std::string& from, const std::string& to) {
        for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
            text.replace(pos, from.size(), to);
    };
    for (const auto& m : mentions) replace_all(m.key, is_bot(m, bot) ? std::string{} : "@" + m.name);
    replace_all("@_all", "@所有人");
    return text;
}

struct content {
    std::string text;
    std::vector<core::attachment> attachments;
};

// One element of a rich-text ("post") paragraph.
void post_element(const json& el, const std::vector<mention>& mentions, const feishu_identity& bot,
                  content& out) {
    const auto tag = str_or_empty(el, "tag");
    if (tag == "text" || tag == "a" || tag == "code_block" || tag == "md") {
        out.text += str_or_empty(el, "text");
    } else if (tag == "at") {
        const auto user = str_or_empty(el, "user_id");
        auto m = std::find_if(mentions.begin(), mentions.end(), [&](const auto& x) { return x.key == user; });
        if (m != mentions.end()) {
            if (!is_bot(*m, bot)) out.text += "@" + m->name;
        } else if (user == "all" || user == "@_all") {
            out.text += "@所有人";
        } else if (bot.open_id.empty() || user != bot.open_id) {
            out.text += "@" + str_or_empty(el, "user_name");
        }
    } else if (tag == "img") {
        if (auto key = str_or_empty(el, "image_key"); !key.empty()) out.attachments.push_back({"image", key});
    } else if (tag == "media") {
        if (auto key = str_or_empty(el, "file_key"); !key.empty()) out.attachments.push_back({"media", key});
    }
}

// A post's body: {"title", "content": [[elements]]}, or the same under a locale ("zh_cn").
content post_content(const json& c, const std::vector<mention>& mentions, const feishu_identity& bot) {
    const json* body = &c;
    if (!c.contains("content")) {
        for (const auto& [locale, inner] : c.items()) {
            (void)locale;
            if (inner.is_object() && inner.contains("content")) {
                body = &inner;
                break;
            }
        }
    }
    content out;
    std::vector<std::string> lines;
    if (auto title = str_or_empty(*body, "title"); !title.empty()) lines.push_back(title);
    const auto paragraphs = body->find("content");
    if (paragraphs != body->end() && paragraphs->is_array()) {
        for (const auto& para : *paragraphs) {
            if (!para.is_array()) continue;
            content line;
            for (const auto& el : para) post_element(el, mentions, bot, line);
            lines.push_back(std::move(line.text));
            for (auto& a : line.attachments) out.attachments.push_back(std::move(a));
        }
    }
    for (std::size_t i = 0; i < lines.size(); ++i) out.text += (i ? "\n" : "") + lines[i];
    out.text = resolve_placeholders(std::move(out.text), mentions, bot);
    return out;
}

inbound_result decode_message(const json& event, core::instant now, const feishu_identity& bot) {
    const auto& sender = object_field(event, "sender");
    const auto& message = object_field(event, "message");
    const auto sender_type = str_or_empty(sender, "sender_type");
    if (!sender_type.empty() && sender_type != "user")
        return refuse(errc::unsupported_event, "message from a " + log_word(sender_type) + ", not a person");
    const auto open_id = str_or_empty(object_field(sender, "sender_id"), "open_id");
    const auto message_id = str_or_empty(message, "message_id");
    const auto chat_id = str_or_empty(message, "chat_id");
    const auto type = str_or_empty(message, "message_type");
    if (open_id.empty() || message_id.empty() || chat_id.empty() || type.empty())
        return refuse(errc::malformed_body, "message without sender open_id, message_id, chat_id or type");
    const auto c = object_or_encoded(message, "content");
    const auto mentions = mentions_of(message);
    content body;
    if (type == "text") {
        const auto* text = string_field(c, "text");
        if (text == nullptr) return refuse(errc::malformed_body, "text message without content.text");
        body.text = resolve_placeholders(*text, mentions, bot);
    } else if (type == "post") {
        body = post_content(c, mentions, bot);
    } else if (type == "image") {
        if (auto key = str_or_empty(c, "image_key"); !key.empty()) body.attachments.push_back({"image", key});
    } else if (auto key = str_or_empty(c, "file_key"); !key.empty()) {  // file, audio, media, sticker
        body.attachments.push_back({log_word(type), key});
    }
    inbound_result r;
    core::inbound_message m;
    m.platform = "feishu";
    m.chat = chat_id;
    // The message id, not the event id: a redelivered event and a retried push are one message.
    m.msg_id = message_id;
    m.sender = open_id;
    m.text = std::string(text::trim(body.text));
    m.attachments = std::move(body.attachments);
    if (m.text.empty()) m.unreadable = log_word(type);
    m.received_at = now;
    m.reply_handle = message_id;
    r.message = std::move(m);
    r.detail =
        log_word(type) + " message, " + std::to_string(r.message->attachments.size()) + " attachment(s)";
    return r;
}

// A button press: the command it carries, from the person who pressed, answered with a toast.
inbound_result card_press(const std::string& id, const std::string& open_id, const std::string& chat,
                          const std::string& message_id, const json& action, core::instant now) {
    inbound_result r;
    raw_response toast{200, "application/json; charset=utf-8", feishu_toast()};
    const auto value = object_or_encoded(action, "value");
    const auto command = str_or_empty(value, "command");
    if (command.empty()) {
        r = refuse(errc::unsupported_event, "card action without a command");
        r.reply = std::move(toast);
        return r;
    }
    if (id.empty() || open_id.empty() || chat.empty())
        return refuse(errc::malformed_body, "card action without event id, operator open_id or chat");
    core::inbound_message m;
    m.platform = "feishu";
    m.chat = chat;
    m.msg_id = id;
    m.sender = open_id;
    m.text = std::string(text::trim(command));
    m.received_at = now;
    m.reply_handle = message_id;  // the answer goes under the card
    r.message = std::move(m);
    r.reply = std::move(toast);
    r.detail = "card button";
    return r;
}

bool has_signature(const raw_request& req) {
    return req.header("x-lark-request-timestamp") && req.header("x-lark-request-nonce") &&
           req.header("x-lark-signature");
}

}  // namespace

std::string feishu_signature(std::string_view timestamp, std::string_view nonce, std::string_view encrypt_key,
                             std::string_view body) {
    std::string joined;
    joined.reserve(timestamp.size() + nonce.size() + encrypt_key.size() + body.size());
    joined.append(timestamp).append(nonce).append(encrypt_key).append(body);
    return crypto::sha256_hex(joined);
}

std::string feishu_bot_sign(std::string_view timestamp_s, std::string_view secret) {
    std::string key(timestamp_s);
    key.push_back('\n');
    key.append(secret);
    return crypto::base64_encode(crypto::hmac_sha256(key, ""));
}

std::string feishu_toast(std::string_view text) {
    return json{{"toast", {{"type", "info"}, {"content", std::string(text)}}}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
}

bool feishu_token_invalid(std::int64_t code) {
    return code == 99991663 || code == 99991661 || code == 99991668;
}

inbound_result decode_feishu_event(std::string_view json_text, core::instant now,
                                   const feishu_identity& bot) {
    const json body = json::parse(json_text, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        return refuse(errc::malformed_body, "event is not a JSON object");
    const auto& header = object_field(body, "header");
    const auto& event = object_field(body, "event");
    if (str_or_empty(body, "schema") == "2.0") {
        const auto type = str_or_empty(header, "event_type");
        if (type == "im.message.receive_v1") return decode_message(event, now, bot);
        if (type == "card.action.trigger") {
            auto id = str_or_empty(header, "event_id");
            if (id.empty()) id = str_or_empty(event, "token");
            const auto& context = object_field(event, "context");
            return card_press(id, str_or_empty(object_field(event, "operator"), "open_id"),
                              str_or_empty(context, "open_chat_id"), str_or_empty(context, "open_message_id"),
                              object_field(event, "action"), now);
        }
        return refuse(errc::unsupported_event,
                      "event " + (type.empty() ? std::string("(none)") : log_word(type)));
    }
    // The card callback of the older format (a long connection's "card" frame): flat fields.
    if (body.contains("action") && body.contains("open_id"))
        return card_press(str_or_empty(body, "token"), str_or_empty(body, "open_id"),
                          str_or_empty(body, "open_chat_id"), str_or_empty(body, "open_message_id"),
                          object_field(body, "action"), now);
    if (body.contains("uuid")) return refuse(errc::unsupported_event, "schema 1.0 event");
    return refuse(errc::malformed_body, "not a schema 2.0 event");
}

feishu_adapter::feishu_adapter(feishu_config config) : config_(std::move(config)) {}

inbound_result feishu_adapter::decode(const raw_request& req, core::instant now) const {
    const json outer = json::parse(req.body, nullptr, false);
    if (outer.is_discarded() || !outer.is_object())
        return refuse(errc::malformed_body, "body is not a JSON object");
    const bool keyed = !config_.encrypt_key.empty();
    const bool signed_request = has_signature(req);
    // Authenticate before decrypting whenever Feishu signed the request (it does once an Encrypt Key
    // is set); only the URL-verification challenge comes unsigned (as the SDKs accept it).
    if (keyed && signed_request &&
        !crypto::constant_time_equal(
            *req.header("x-lark-signature"),
            feishu_signature(*req.header("x-lark-request-timestamp"), *req.header("x-lark-request-nonce"),
                             config_.encrypt_key, req.body))) {
        return refuse(errc::bad_signature, "X-Lark-Signature does not match");
    }
    // Unsigned with a key configured: anything but a valid challenge is refused alike, so an
    // unsigned request learns nothing about the ciphertext it carried (no padding oracle).
    const bool only_challenge = keyed && !signed_request;
    auto unsigned_refusal = [] {
        return refuse(errc::missing_signature, "X-Lark-Signature headers missing");
    };

    std::string plain;
    if (const auto* enc = string_field(outer, "encrypt")) {
        if (!keyed) return refuse(errc::decrypt_failed, "encrypted event but no encrypt key configured");
        auto opened = crypto::feishu_decrypt(config_.encrypt_key, *enc);
        if (!opened)
            return only_challenge ? unsigned_refusal() : refuse(errc::decrypt_failed, "cannot decrypt");
        plain = std::move(*opened);
    } else {
        plain = req.body;
    }
    const json inner = json::parse(plain, nullptr, false);
    if (inner.is_discarded() || !inner.is_object())
        return only_challenge ? unsigned_refusal()
                              : refuse(errc::malformed_body, "decrypted event is not JSON");

    const bool v2 = str_or_empty(inner, "schema") == "2.0";
    const auto token =
        v2 ? str_or_empty(object_field(inner, "header"), "token") : str_or_empty(inner, "token");
    const bool token_ok =
        !config_.verification_token.empty() && crypto::constant_time_equal(token, config_.verification_token);
    if (str_or_empty(inner, "type") == "url_verification") {
        if (!token_ok) return refuse(errc::bad_signature, "url_verification with a wrong token");
        inbound_result r;
        r.reply = raw_response{200, "application/json; charset=utf-8",
                               json{{"challenge", str_or_empty(inner, "challenge")}}.dump()};
        r.detail = "url_verification challenge";
        return r;
    }
    if (only_challenge) return unsigned_refusal();
    if (!token_ok) return refuse(errc::bad_signature, "verification token does not match");
    return decode_feishu_event(plain, now, config_.bot);
}

}  // namespace adapters
