#include "adapters/wecom.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "adapters/text_util.hpp"
#include "adapters/wecom_message.hpp"
#include "adapters/wecom_ws.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using wecom_detail::text_field;

std::optional<std::string> xml_field(const std::map<std::string, std::string>& fields,
                                     const std::string& path) {
    const auto it = fields.find(path);
    if (it == fields.end()) return std::nullopt;
    return it->second;
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

wecom_adapter::wecom_adapter(wecom_config config) : config_(std::move(config)) {
    if (config_.long_connection) return;  // authenticated by the connection's subscribe
    crypt_.emplace(config_.token, config_.encoding_aes_key);
    if (config_.token.empty()) throw std::invalid_argument("WeCom token must not be empty");
}

inbound_result wecom_adapter::decode(const raw_request& req, core::instant now) const {
    if (!crypt_)
        return refuse(errc::missing_signature, "websocket mode: messages come over the long connection");
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
    if (!crypt_->verify(*signature, *timestamp, *nonce, encrypted)) {
        return refuse(errc::bad_signature, "msg_signature does not match");
    }
    auto opened = crypt_->decrypt(encrypted);
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
    std::optional<wecom_detail::parsed_message> parsed;
    if (trimmed.starts_with("{")) {
        const json j = json::parse(trimmed, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            return refuse(errc::unsupported_event, "decrypted JSON is malformed");
        parsed = j.contains("msgtype") ? wecom_detail::from_ai_bot_json(j) : wecom_detail::from_app_json(j);
    } else if (trimmed.starts_with("<")) {
        const auto fields = text::parse_flat_xml(trimmed);
        if (!fields) return refuse(errc::unsupported_event, "decrypted XML is malformed");
        parsed = wecom_detail::from_xml(*fields);
    } else {
        return refuse(errc::unsupported_event, "decrypted message is neither JSON nor XML");
    }

    return wecom_detail::to_inbound(std::move(*parsed), config_.bot_name, now);
}

std::string wecom_markdown_mentions(std::string text, const std::vector<mention_target>& mentions) {
    std::vector<std::string> done;
    for (const auto& m : mentions) {
        if (m.account.empty() || std::find(done.begin(), done.end(), m.account) != done.end()) continue;
        done.push_back(m.account);
        const std::string token = "<@" + m.account + ">";
        const std::string shown = "@" + m.name;
        if (const auto pos = m.name.empty() ? std::string::npos : text.find(shown);
            pos != std::string::npos) {
            text.replace(pos, shown.size(), token);
        } else if (text.find(token) == std::string::npos) {
            if (!text.empty() && text.back() != '\n' && text.back() != ' ') text.push_back(' ');
            text += token;
        }
    }
    return text;
}

namespace {

// The first line of a post, short enough for a card's main title (≈ 26 characters).
std::string card_title(const std::string& text) {
    const auto line = text.substr(0, text.find('\n'));
    auto pieces = split_utf8(line, 78);
    return pieces.empty() ? std::string("操作") : pieces.front();
}

// Unique per bot and post: the outbox row and the moment it was encoded.
std::string task_id(const core::outbound_post& post, core::instant now) {
    return "post" + std::to_string(post.outbox_id) + "_" + std::to_string(core::to_ms(now));
}

}  // namespace

std::vector<outbound_request> wecom_adapter::webhook_requests(
    const std::string& url, const core::outbound_post& post,
    const std::vector<mention_target>& mentions) const {
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

std::vector<outbound_request> wecom_adapter::encode(const core::outbound_post& post,
                                                    const std::vector<mention_target>& mentions,
                                                    core::instant now) const {
    if (post.text.empty()) return {};
    if (config_.long_connection) {
        const auto chat = config_.conversations.find(post.chat);
        if (chat != config_.conversations.end() && !chat->second.empty()) {
            std::vector<outbound_request> out;
            for (const auto& piece :
                 split_utf8(wecom_markdown_mentions(post.text, mentions), max_markdown_bytes))
                out.push_back(wecom_ws::send_markdown(chat->second, piece));
            if (!post.actions.empty())
                out.push_back(wecom_ws::send_card(
                    chat->second,
                    wecom_ws::template_card_body(card_title(post.text), post.actions, task_id(post, now))));
            return out;
        }
    }
    auto it = config_.webhooks.find(post.chat);
    if (it == config_.webhooks.end()) it = config_.webhooks.find("*");
    if (it == config_.webhooks.end()) return {};
    return webhook_requests(wecom_webhook_url(it->second), post, mentions);
}

std::vector<outbound_request> wecom_adapter::encode_reply(std::string_view handle,
                                                          const core::outbound_post& post,
                                                          const std::vector<mention_target>& mentions,
                                                          core::instant now) const {
    if (handle.empty() || post.text.empty()) return {};
    const bool url = handle.starts_with("https://") || handle.starts_with("http://");
    if (!url) {
        // The long connection's req_id (only websocket mode hands those out).
        if (!config_.long_connection) return {};
        std::vector<outbound_request> out;
        for (const auto& piece : split_utf8(wecom_markdown_mentions(post.text, mentions), max_markdown_bytes))
            out.push_back(wecom_ws::respond_markdown(handle, piece));
        if (!post.actions.empty()) {
            const auto card =
                wecom_ws::template_card_body(card_title(post.text), post.actions, task_id(post, now));
            // A proactive card to the chat when its chatid is known; else on the reply's req_id.
            const auto chat = config_.conversations.find(post.chat);
            out.push_back(chat != config_.conversations.end() && !chat->second.empty()
                              ? wecom_ws::send_card(chat->second, card)
                              : wecom_ws::respond_card(handle, card));
        }
        return out;
    }
    if (handle.find("/cgi-bin/webhook/") != std::string_view::npos)
        return webhook_requests(std::string(handle), post, mentions);  // the legacy robot's WebhookUrl
    // An AI-bot response_url: one markdown message, once (a second use fails and the sender falls
    // back to encode()).
    ordered_json body;
    body["msgtype"] = "markdown";
    body["markdown"]["content"] = wecom_markdown_mentions(post.text, mentions);
    outbound_request req;
    req.url = std::string(handle);
    req.headers["content-type"] = "application/json; charset=utf-8";
    req.body = body.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
    if (body["markdown"]["content"].get<std::string>().size() > max_response_url_bytes) return {};
    return {std::move(req)};
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
        case 45009:  // webhook: 20/min per robot, failures included; long connection: 30/min per chat
        case 45033:  // too many concurrent calls
            return send_verdict::rate_limited;
        case -1:
            return send_verdict::retry;  // system busy
        case 93000:                      // invalid webhook url (bad or removed key)
        case 40058:                      // content too long
        case 44004:                      // empty content
        case 40008:                      // invalid msgtype
        case 846605:                     // long connection: unknown req_id (an earlier connection's)
        case 846608:                     // long connection: the stream's 6 minutes are over
        default:
            return send_verdict::permanent_failure;
    }
}

}  // namespace adapters
