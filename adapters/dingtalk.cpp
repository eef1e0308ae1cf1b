#include "adapters/dingtalk.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include "adapters/crypto.hpp"
#include "adapters/text_util.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

const std::string* string_field(const json& obj, const char* name) {
    const auto it = obj.find(name);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

std::string dump(const ordered_json& j) {
    // Invalid UTF-8 in a post must not throw out of encode(): replace it with U+FFFD.
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string body_for(std::string_view content, const std::vector<std::string>& at_ids) {
    ordered_json body;
    body["msgtype"] = "text";
    body["text"]["content"] = std::string(content);
    body["at"]["atUserIds"] = at_ids;
    body["at"]["isAtAll"] = false;
    return dump(body);
}

// Puts "@<userid>" where the text says "@<name>" (DingTalk highlights only an @ of the userid or
// mobile that is also listed in `at`, PROTOCOLS 3.5 c), or appends it when the name is absent.
// People without a DingTalk account stay plain "@name" text.
std::pair<std::string, std::vector<std::string>> apply_mentions(std::string text,
                                                                const std::vector<mention_target>& mentions) {
    std::vector<std::string> ids;
    for (const auto& m : mentions) {
        if (m.account.empty() || std::find(ids.begin(), ids.end(), m.account) != ids.end()) continue;
        const std::string token = "@" + m.account;
        const std::string shown = "@" + m.name;
        if (const auto pos = m.name.empty() ? std::string::npos : text.find(shown);
            pos != std::string::npos) {
            text.replace(pos, shown.size(), token);
        } else if (text.find(token) == std::string::npos) {
            if (!text.empty() && text.back() != '\n' && text.back() != ' ') text.push_back(' ');
            text += token;
        }
        ids.push_back(m.account);
    }
    return {std::move(text), std::move(ids)};
}

// Splits under the body limit: pieces are sized for the content budget left by the JSON skeleton,
// then any piece whose escaped body still exceeds the limit (quotes, control characters) is split
// again with a smaller budget.
std::vector<std::string> bodies_for(const std::string& text, const std::vector<std::string>& ids,
                                    std::size_t max_body) {
    std::vector<std::string> out;
    std::vector<std::string> out_pieces;
    std::vector<std::vector<std::string>> out_ids;
    const std::size_t overhead = body_for("", ids).size();
    const std::size_t budget = max_body > overhead + 64 ? max_body - overhead : 64;
    std::vector<std::pair<std::string, std::size_t>> work;  // piece, budget it was cut with
    for (auto& piece : split_utf8(text, budget)) work.emplace_back(std::move(piece), budget);
    for (std::size_t i = 0; i < work.size(); ++i) {
        auto [piece, piece_budget] = work[i];
        std::vector<std::string> present;
        for (const auto& id : ids) {
            if (piece.find("@" + id) != std::string::npos) present.push_back(id);
        }
        std::string body = body_for(piece, present);
        if (body.size() > max_body && piece_budget / 2 >= 4) {
            std::vector<std::pair<std::string, std::size_t>> smaller;
            for (auto& sub : split_utf8(piece, piece_budget / 2))
                smaller.emplace_back(std::move(sub), piece_budget / 2);
            work.erase(work.begin() + static_cast<std::ptrdiff_t>(i));
            work.insert(work.begin() + static_cast<std::ptrdiff_t>(i), smaller.begin(), smaller.end());
            --i;
            continue;
        }
        out.push_back(std::move(body));
        out_pieces.push_back(std::move(piece));
        out_ids.push_back(std::move(present));
    }
    // An "@userid" cut in two by the splitter is found in no piece: list it on the last piece so
    // the person is still notified.
    std::vector<std::string> orphans;
    for (const auto& id : ids) {
        const bool listed = std::any_of(out_ids.begin(), out_ids.end(), [&](const auto& v) {
            return std::find(v.begin(), v.end(), id) != v.end();
        });
        if (!listed) orphans.push_back(id);
    }
    if (!orphans.empty() && !out.empty()) {
        auto last_ids = out_ids.back();
        last_ids.insert(last_ids.end(), orphans.begin(), orphans.end());
        out.back() = body_for(out_pieces.back(), last_ids);
    }
    return out;
}

std::vector<outbound_request> requests_for(const std::string& url, const std::vector<std::string>& bodies) {
    std::vector<outbound_request> out;
    for (const auto& body : bodies) {
        outbound_request req;
        req.url = url;
        req.headers["content-type"] = "application/json; charset=utf-8";
        req.body = body;
        out.push_back(std::move(req));
    }
    return out;
}

// The handle the robot file-download API takes (PROTOCOLS 3.4): `downloadCode`; the older
// `pictureDownloadCode` is the fallback. Empty when neither is there.
std::string download_code(const json& obj) {
    for (const char* name : {"downloadCode", "pictureDownloadCode"}) {
        if (const auto* code = string_field(obj, name); code != nullptr && !code->empty()) return *code;
    }
    return {};
}

struct message_content {
    std::string text;
    std::vector<core::attachment> attachments;
};

// The text and the attachments of a robot message by its msgtype (PROTOCOLS 3.4): `text.content`;
// for richText the text nodes of `content.richText` in order, a picture node between two of them
// standing for a line break; for picture, audio, video and file the `content` download code.
// nullopt for a text message without its text (malformed).
std::optional<message_content> dingtalk_content(const json& body, const std::string& msgtype) {
    message_content out;
    if (msgtype == "text") {
        const auto it = body.find("text");
        const auto* content = it != body.end() && it->is_object() ? string_field(*it, "content") : nullptr;
        if (content == nullptr) return std::nullopt;
        out.text = *content;
        return out;
    }
    json holder;
    const json* content = nullptr;
    if (const auto it = body.find("content"); it != body.end()) {
        if (it->is_object()) {
            content = &*it;
        } else if (it->is_string()) {  // some clients send the object as a JSON string
            holder = json::parse(it->get<std::string>(), nullptr, false);
            if (holder.is_object()) content = &holder;
        }
    }
    if (content == nullptr) return out;  // nothing readable, nothing to keep
    if (msgtype != "richText") {
        if (auto code = download_code(*content); !code.empty()) out.attachments.push_back({msgtype, code});
        return out;
    }
    const auto nodes = content->find("richText");
    if (nodes == content->end() || !nodes->is_array()) return out;
    bool break_pending = false;
    for (const auto& node : *nodes) {
        if (!node.is_object()) continue;
        if (const auto* part = string_field(node, "text")) {
            if (break_pending && !out.text.empty() && out.text.back() != '\n' && !part->starts_with("\n"))
                out.text.push_back('\n');
            out.text += *part;
            break_pending = false;
        } else if (auto code = download_code(node); !code.empty()) {
            const auto* type = string_field(node, "type");
            out.attachments.push_back({type != nullptr ? log_word(*type) : std::string("picture"), code});
            break_pending = true;
        }
    }
    return out;
}

std::string ack_frame(const std::string& message_id, const std::string& data) {
    ordered_json ack;
    ack["code"] = 200;
    ack["headers"]["messageId"] = message_id;
    ack["headers"]["contentType"] = "application/json";
    ack["message"] = "OK";
    ack["data"] = data;
    return dump(ack);
}

}  // namespace

std::string dingtalk_sign(std::string_view timestamp_ms, std::string_view secret) {
    std::string to_sign(timestamp_ms);
    to_sign.push_back('\n');
    to_sign.append(secret);
    return crypto::base64_encode(crypto::hmac_sha256(secret, to_sign));
}

std::string dingtalk_signed_url(std::string_view webhook_url, std::string_view secret, core::instant now) {
    const std::string ts = std::to_string(core::to_ms(now));
    std::string url(webhook_url);
    url.push_back(url.find('?') == std::string::npos ? '?' : '&');
    // The outbound sign must be URL-encoded (it contains '+', '/', '='), the inbound one must not.
    url += "timestamp=" + ts + "&sign=" + crypto::url_encode(dingtalk_sign(ts, secret));
    return url;
}

dingtalk_adapter::dingtalk_adapter(dingtalk_config config) : config_(std::move(config)) {}

inbound_result decode_dingtalk_message(std::string_view json_text, core::instant now) {
    const json body = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
        return refuse(errc::malformed_body, "body is not a JSON object");
    const auto* msgtype = string_field(body, "msgtype");
    if (msgtype == nullptr) return refuse(errc::malformed_body, "no msgtype");

    const auto* msg_id = string_field(body, "msgId");
    const auto* chat = string_field(body, "conversationId");
    // senderStaffId is the org userid that atUserIds takes; it is absent for outsiders, who then
    // appear under their opaque senderId (PROTOCOLS 3.4/3.7).
    const auto* sender = string_field(body, "senderStaffId");
    if (sender == nullptr || sender->empty()) sender = string_field(body, "senderId");
    if (msg_id == nullptr || chat == nullptr || sender == nullptr || sender->empty()) {
        return refuse(errc::malformed_body, "message without msgId, conversationId or sender");
    }
    auto content = dingtalk_content(body, *msgtype);
    if (!content) return refuse(errc::malformed_body, "text message without text.content");

    inbound_result r;
    core::inbound_message m;
    m.platform = "dingtalk";
    m.chat = *chat;
    m.msg_id = *msg_id;
    m.sender = *sender;
    // DingTalk removes the "@robot" itself but leaves the space before the rest (PROTOCOLS 3.4);
    // trimming also covers full-width spaces. A leftover "@…" would be another user's mention (or,
    // in a richText post, the robot's own, which the engine strips like any leading mention).
    m.text = std::string(text::trim(content->text));
    m.attachments = std::move(content->attachments);
    if (m.text.empty() && *msgtype != "text") m.unreadable = log_word(*msgtype);
    m.received_at = now;
    if (const auto* hook = string_field(body, "sessionWebhook")) {
        m.reply_handle = *hook;
        if (const auto it = body.find("sessionWebhookExpiredTime");
            it != body.end() && it->is_number_integer()) {
            m.reply_until = core::from_ms(it->get<std::int64_t>());
        }
    }
    r.message = std::move(m);
    r.detail =
        log_word(*msgtype) + " message, " + std::to_string(r.message->attachments.size()) + " attachment(s)";
    return r;
}

inbound_result dingtalk_adapter::decode(const raw_request& req, core::instant now) const {
    const std::string* ts_header = req.header("timestamp");
    const std::string* sign_header = req.header("sign");
    if (ts_header == nullptr || sign_header == nullptr) {
        return refuse(errc::missing_signature, "timestamp or sign header missing");
    }
    const auto ts = text::parse_int64(*ts_header);
    if (!ts) return refuse(errc::bad_signature, "timestamp header is not a number");
    const std::int64_t skew = core::to_ms(now) - *ts;
    if (skew > window_ms || skew < -window_ms) {
        return refuse(errc::stale_timestamp, "timestamp skew " + std::to_string(skew / 1000) + " s");
    }
    if (config_.app_secret.empty() ||
        !crypto::constant_time_equal(*sign_header, dingtalk_sign(*ts_header, config_.app_secret))) {
        return refuse(errc::bad_signature, "sign header does not match");
    }
    return decode_dingtalk_message(req.body, now);
}

std::vector<outbound_request> dingtalk_adapter::encode(const core::outbound_post& post,
                                                       const std::vector<mention_target>& mentions,
                                                       core::instant now) const {
    auto it = config_.robots.find(post.chat);
    if (it == config_.robots.end()) it = config_.robots.find("*");
    if (config_.cards && !post.actions.empty()) {
        if (auto card = encode_dingtalk_card(*config_.cards, post, mentions, max_body_bytes)) return {*card};
    }
    if (it == config_.robots.end() || post.text.empty()) return {};
    const auto& robot = it->second;
    const std::string url =
        robot.secret.empty() ? robot.webhook_url : dingtalk_signed_url(robot.webhook_url, robot.secret, now);
    auto [text, ids] = apply_mentions(post.text, mentions);
    return requests_for(url, bodies_for(text, ids, max_body_bytes));
}

std::vector<outbound_request> dingtalk_adapter::encode_reply(std::string_view session_webhook,
                                                             const core::outbound_post& post,
                                                             const std::vector<mention_target>& mentions,
                                                             core::instant) const {
    if (session_webhook.empty() || post.text.empty()) return {};
    // A post with buttons is a card: no reply request, so the sender takes encode()'s card.
    if (config_.cards && !post.actions.empty() &&
        encode_dingtalk_card(*config_.cards, post, mentions, max_body_bytes))
        return {};
    auto [text, ids] = apply_mentions(post.text, mentions);
    return requests_for(std::string(session_webhook), bodies_for(text, ids, max_body_bytes));
}

adapter::send_verdict dingtalk_adapter::classify(int http_status, std::string_view response_body) const {
    // http_status <= 0: no response at all (timeout, connection failure).
    if (http_status <= 0 || http_status == 408 || http_status >= 500) return send_verdict::retry;
    if (http_status == 429) return send_verdict::rate_limited;
    if (http_status < 200 || http_status >= 300) return send_verdict::permanent_failure;
    const json body = json::parse(response_body, nullptr, false);
    // The OpenAPI (the card send) answers a 200 with {"processQueryKey": …} and no errcode.
    if (body.is_object() && body.contains("processQueryKey") && !body.contains("errcode"))
        return send_verdict::delivered;
    const auto it = body.is_object() ? body.find("errcode") : body.end();
    // A 200 without our JSON is a proxy or gateway page, not DingTalk's verdict: try again later.
    if (body.is_discarded() || !body.is_object() || it == body.end() || !it->is_number_integer()) {
        return send_verdict::retry;
    }
    switch (it->get<std::int64_t>()) {
        case 0:
            return send_verdict::delivered;
        case 130101:
            return send_verdict::rate_limited;  // 20/min exceeded: blocked for 10 minutes
        case -1:
            return send_verdict::retry;  // system busy
        case 300001:                     // bad access_token / expired session
        case 310000:                     // sign, keyword or IP allow-list mismatch
        default:
            return send_verdict::permanent_failure;
    }
}

dingtalk_stream_result decode_stream_frame(std::string_view frame_json, core::instant now,
                                           std::string_view button_key) {
    dingtalk_stream_result out;
    const json frame = json::parse(frame_json, nullptr, false);
    if (frame.is_discarded() || !frame.is_object()) {
        out.inbound = refuse(errc::malformed_body, "stream frame is not a JSON object");
        return out;
    }
    const auto* type = string_field(frame, "type");
    const auto headers_it = frame.find("headers");
    const json empty = json::object();
    const json& headers = headers_it != frame.end() && headers_it->is_object() ? *headers_it : empty;
    const auto* message_id = string_field(headers, "messageId");
    const auto* topic = string_field(headers, "topic");
    const auto* data = string_field(frame, "data");  // a JSON document inside a string
    if (type == nullptr || message_id == nullptr) {
        out.inbound = refuse(errc::malformed_body, "stream frame without type or messageId");
        return out;
    }
    const std::string topic_word = topic != nullptr ? log_word(*topic) : std::string{"(none)"};

    if (*type == "SYSTEM") {
        if (topic != nullptr && *topic == "disconnect") {
            out.disconnect = true;  // no reply expected; the server closes ~10 s later
            out.inbound = refuse(errc::unsupported_event, "stream disconnect");
            return out;
        }
        // ping (and any other system topic): echo the data back.
        out.ack = ack_frame(*message_id, data != nullptr ? *data : std::string{"{}"});
        out.inbound = refuse(errc::unsupported_event, "stream system " + topic_word);
        return out;
    }
    if (*type == "EVENT") {
        // We subscribe to no events; SUCCESS stops redelivery (LATER would ask for it).
        out.ack = ack_frame(*message_id, R"({"status":"SUCCESS","message":"success"})");
        out.inbound = refuse(errc::unsupported_event, "stream event " + topic_word);
        return out;
    }
    if (*type != "CALLBACK") {
        out.inbound = refuse(errc::malformed_body, "stream frame type " + log_word(*type));
        return out;
    }
    // ACK every callback at once, even one we cannot use: redelivering it cannot make it usable
    // (PROTOCOLS 3.2 step 8 — slow ACKs cause duplicates).
    out.ack = ack_frame(*message_id, R"({"response":null})");
    if (topic != nullptr && *topic == dingtalk_card_topic && !button_key.empty()) {
        if (data == nullptr) {
            out.inbound = refuse(errc::malformed_body, "card callback without data");
            return out;
        }
        out.inbound = decode_dingtalk_card_press(*data, *message_id, button_key, now);
        return out;
    }
    if (topic == nullptr || *topic != "/v1.0/im/bot/messages/get") {
        out.inbound = refuse(errc::unsupported_event, "stream callback " + topic_word);
        return out;
    }
    if (data == nullptr) {
        out.inbound = refuse(errc::malformed_body, "stream callback without data");
        return out;
    }
    out.inbound = decode_dingtalk_message(*data, now);
    return out;
}

}  // namespace adapters
