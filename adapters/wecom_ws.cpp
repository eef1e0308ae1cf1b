#include "adapters/wecom_ws.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <utility>

#include "adapters/crypto.hpp"
#include "adapters/wecom_message.hpp"

namespace adapters::wecom_ws {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;
using wecom_detail::member;
using wecom_detail::text_field;

// The commands a request of ours may carry; a reply names its callback's req_id.
constexpr std::array<std::string_view, 2> sendable{"aibot_send_msg", "aibot_respond_msg"};

std::string dump(const ordered_json& j) {
    // Invalid UTF-8 in a post must not throw: replace it with U+FFFD.
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

outbound_request request(std::string_view cmd, std::string_view req_id, const ordered_json& body) {
    outbound_request r;
    r.url = std::string(marker) + std::string(cmd);
    if (!req_id.empty()) r.headers["req_id"] = std::string(req_id);
    r.body = dump(body);
    return r;
}

ordered_json markdown(std::string_view content) {
    ordered_json body;
    body["msgtype"] = "markdown";
    body["markdown"]["content"] = std::string(content);
    return body;
}

// A button press (template_card_event): the key sits in event.template_card_event (doc 101027) or,
// as the SDK's types have it, in event itself.
std::string event_key(const json& event) {
    if (auto k = text_field(member(event, "template_card_event"), "event_key")) return *k;
    return text_field(event, "event_key").value_or("");
}

inbound_result button_press(const json& body, const std::string& req_id, core::instant now) {
    const std::string key = event_key(member(body, "event"));
    if (key.empty()) return refuse(errc::unsupported_event, "button press without event_key");
    if (!key.starts_with(button_prefix))
        return refuse(errc::unsupported_event, "button key not made by the bot");
    const auto sender = text_field(member(body, "from"), "userid").value_or("");
    if (sender.empty()) return refuse(errc::unsupported_event, "button press without from.userid");
    core::inbound_message m;
    m.platform = "wecom";
    m.sender = sender;
    m.chat = text_field(body, "chatid").value_or(sender);
    m.text = key.substr(button_prefix.size());
    // msgid is unique per callback ("用于事件排重"): each press is its own message, and a
    // redelivered press is a duplicate. The req_id stands in when a press comes without one.
    m.msg_id = "card:" + text_field(body, "msgid").value_or(req_id);
    m.received_at = now;
    inbound_result r;
    r.message = std::move(m);
    r.detail = "button press";
    return r;
}

}  // namespace

std::string fresh_req_id(std::string_view cmd, core::instant now) {
    return std::string(cmd) + "_" + std::to_string(core::to_ms(now)) + "_" +
           crypto::random_prefix().substr(0, 8);
}

std::string subscribe_frame(std::string_view req_id, std::string_view bot_id, std::string_view secret) {
    ordered_json f;
    f["cmd"] = "aibot_subscribe";
    f["headers"]["req_id"] = std::string(req_id);
    f["body"]["bot_id"] = std::string(bot_id);
    f["body"]["secret"] = std::string(secret);
    return dump(f);
}

std::string ping_frame(std::string_view req_id) {
    ordered_json f;
    f["cmd"] = "ping";
    f["headers"]["req_id"] = std::string(req_id);
    return dump(f);
}

outbound_request send_markdown(std::string_view chatid, std::string_view content) {
    ordered_json body;
    body["chatid"] = std::string(chatid);
    const auto md = markdown(content);
    for (const auto& [k, v] : md.items()) body[k] = v;
    return request("aibot_send_msg", {}, body);
}

outbound_request respond_markdown(std::string_view req_id, std::string_view content) {
    return request("aibot_respond_msg", req_id, markdown(content));
}

std::string template_card_body(std::string_view title, const std::vector<core::post_action>& actions,
                               std::string_view task_id) {
    ordered_json card;
    card["card_type"] = "button_interaction";
    card["main_title"]["title"] = std::string(title);
    card["task_id"] = std::string(task_id);
    ordered_json buttons = ordered_json::array();
    for (const auto& a : actions) {
        if (buttons.size() >= max_buttons) break;
        std::string key = std::string(button_prefix) + a.command;
        if (a.command.empty() || key.size() > max_button_key_bytes) continue;
        const bool taken = std::any_of(buttons.begin(), buttons.end(),
                                       [&](const ordered_json& b) { return b["key"] == key; });
        if (taken) continue;  // keys must be unique within a card
        ordered_json b;
        b["text"] = a.label.empty() ? a.command : a.label;
        b["style"] = buttons.empty() ? 1 : 2;
        b["key"] = std::move(key);
        buttons.push_back(std::move(b));
    }
    card["button_list"] = std::move(buttons);
    ordered_json body;
    body["msgtype"] = "template_card";
    body["template_card"] = std::move(card);
    return dump(body);
}

outbound_request send_card(std::string_view chatid, std::string_view card_body) {
    ordered_json body;
    body["chatid"] = std::string(chatid);
    const auto card = ordered_json::parse(card_body);
    for (const auto& [k, v] : card.items()) body[k] = v;
    return request("aibot_send_msg", {}, body);
}

outbound_request respond_card(std::string_view req_id, std::string_view card_body) {
    return request("aibot_respond_msg", req_id, ordered_json::parse(card_body));
}

std::optional<frame> frame_of(const outbound_request& req, std::string_view fresh) {
    if (!std::string_view(req.url).starts_with(marker)) return std::nullopt;
    const std::string cmd = req.url.substr(marker.size());
    if (std::find(sendable.begin(), sendable.end(), cmd) == sendable.end()) return std::nullopt;
    const auto it = req.headers.find("req_id");
    const std::string req_id = it != req.headers.end() ? it->second : std::string(fresh);
    if (req_id.empty() || (cmd == "aibot_respond_msg" && it == req.headers.end())) return std::nullopt;
    auto body = ordered_json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return std::nullopt;
    ordered_json f;
    f["cmd"] = cmd;
    f["headers"]["req_id"] = req_id;
    f["body"] = std::move(body);
    return frame{cmd, req_id, dump(f)};
}

server_frame decode_frame(std::string_view text, std::string_view bot_name, core::instant now) {
    server_frame out;
    const json f = json::parse(text, nullptr, false);
    if (f.is_discarded() || !f.is_object()) {
        out.inbound = refuse(errc::malformed_body, "frame is not a JSON object");
        return out;
    }
    out.req_id = text_field(member(f, "headers"), "req_id").value_or("");
    if (out.req_id.empty()) {
        out.inbound = refuse(errc::malformed_body, "frame without headers.req_id");
        return out;
    }
    out.cmd = text_field(f, "cmd").value_or("");
    if (out.cmd.empty()) {
        out.kind = frame_kind::receipt;
        if (const auto it = f.find("errcode"); it != f.end() && it->is_number_integer())
            out.errcode = it->get<std::int64_t>();
        out.errmsg = log_word(text_field(f, "errmsg").value_or(""));
        out.inbound = refuse(errc::unsupported_event, "receipt");
        return out;
    }
    const json& body = member(f, "body");
    if (out.cmd == "aibot_msg_callback") {
        out.kind = frame_kind::message;
        if (!body.is_object()) {
            out.inbound = refuse(errc::malformed_body, "message callback without body");
            return out;
        }
        // The same body as the HTTP callback's plaintext (PROTOCOLS 2.3 step 3).
        out.inbound = wecom_detail::to_inbound(wecom_detail::from_ai_bot_json(body), bot_name, now);
        // Answer this message with aibot_respond_msg on its req_id (the response_url, if any, is
        // not used on the long connection).
        if (out.inbound.message) out.inbound.message->reply_handle = out.req_id;
        return out;
    }
    if (out.cmd == "aibot_event_callback") {
        out.kind = frame_kind::event;
        out.eventtype = text_field(member(body, "event"), "eventtype").value_or("");
        if (out.eventtype == "disconnected_event") {
            out.disconnected = true;
            out.inbound = refuse(errc::unsupported_event, "disconnected_event");
        } else if (out.eventtype == "template_card_event") {
            out.inbound = button_press(body, out.req_id, now);
        } else {
            out.inbound =
                refuse(errc::unsupported_event,
                       "event " + (out.eventtype.empty() ? std::string("(none)") : log_word(out.eventtype)));
        }
        return out;
    }
    out.kind = frame_kind::other;
    out.inbound = refuse(errc::unsupported_event, "cmd " + log_word(out.cmd));
    return out;
}

}  // namespace adapters::wecom_ws
