#include "adapters/dingtalk_card.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "adapters/crypto.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string dump(const ordered_json& j) {
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

const std::string* string_field(const json& obj, const char* name) {
    const auto it = obj.find(name);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

std::string mac_of(std::string_view key, std::string_view card_biz_id, std::string_view command) {
    std::string msg(card_biz_id);
    msg.push_back('\n');
    msg.append(command);
    return crypto::to_hex(crypto::hmac_sha256(key, msg)).substr(0, 16);
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

// The StandardCard JSON (the card builder's component schema the SDK's samples use): the text as a
// markdown block, then one action row with a "request" button per action (a press calls back).
std::string card_data(const dingtalk_card_config& cfg, const std::string& biz_id,
                      const core::outbound_post& post) {
    ordered_json card;
    card["config"]["autoLayout"] = true;
    card["config"]["enableForward"] = false;  // a forwarded card's buttons would press in another chat
    card["contents"] = ordered_json::array();
    card["contents"].push_back({{"type", "markdown"}, {"text", post.text}, {"id", "text_1"}});
    ordered_json buttons = ordered_json::array();
    for (std::size_t i = 0; i < post.actions.size(); ++i) {
        const auto& a = post.actions[i];
        ordered_json b;
        b["type"] = "button";
        b["label"] = {{"type", "text"}, {"text", a.label}, {"id", "label_" + std::to_string(i + 1)}};
        b["actionType"] = "request";
        b["status"] = i == 0 ? "primary" : "normal";
        b["id"] = dingtalk_card_action_id(cfg.button_key, biz_id, a.command);
        buttons.push_back(std::move(b));
    }
    card["contents"].push_back({{"type", "action"}, {"actions", std::move(buttons)}, {"id", "action_1"}});
    return dump(card);
}

}  // namespace

std::string dingtalk_card_biz_id(const core::outbound_post& post) {
    if (post.outbox_id > 0) return "cb-outbox-" + std::to_string(post.outbox_id);
    // Not stored (tests, previews): derived from the post itself.
    return "cb-" + crypto::sha256_hex(post.chat + "\n" + post.text).substr(0, 32);
}

std::string dingtalk_card_action_id(std::string_view button_key, std::string_view card_biz_id,
                                    std::string_view command) {
    return "cmd" + crypto::to_hex(command) + "_" + mac_of(button_key, card_biz_id, command);
}

std::optional<std::string> dingtalk_card_command(std::string_view button_key, std::string_view card_biz_id,
                                                 std::string_view action_id) {
    if (button_key.empty() || card_biz_id.empty() || !action_id.starts_with("cmd")) return std::nullopt;
    const auto sep = action_id.rfind('_');
    if (sep == std::string_view::npos || sep <= 3) return std::nullopt;
    auto command = from_hex(action_id.substr(3, sep - 3));
    if (!command || command->empty()) return std::nullopt;
    if (!crypto::constant_time_equal(action_id.substr(sep + 1), mac_of(button_key, card_biz_id, *command)))
        return std::nullopt;
    return command;
}

std::optional<outbound_request> encode_dingtalk_card(const dingtalk_card_config& cfg,
                                                     const core::outbound_post& post,
                                                     const std::vector<mention_target>& mentions,
                                                     std::size_t max_body) {
    if (post.actions.empty() || post.text.empty() || cfg.robot_code.empty() || cfg.button_key.empty())
        return std::nullopt;
    // The card needs the group's openConversationId: a chat bound to no conversation gets text.
    const auto conv = cfg.conversations.find(post.chat);
    if (conv == cfg.conversations.end() || conv->second.empty()) return std::nullopt;
    const std::string biz_id = dingtalk_card_biz_id(post);
    ordered_json body;
    body["cardTemplateId"] = "StandardCard";
    body["openConversationId"] = conv->second;
    body["cardBizId"] = biz_id;
    body["robotCode"] = cfg.robot_code;
    body["cardData"] = card_data(cfg, biz_id, post);
    ordered_json at = ordered_json::array();
    std::vector<std::string> seen;
    for (const auto& m : mentions) {
        if (m.account.empty() || std::find(seen.begin(), seen.end(), m.account) != seen.end()) continue;
        seen.push_back(m.account);
        at.push_back({{"nickName", m.name}, {"userId", m.account}});
    }
    body["sendOptions"]["atAll"] = false;
    if (!at.empty()) body["sendOptions"]["atUserListJson"] = dump(at);
    outbound_request req;
    req.url = cfg.api_base + std::string(dingtalk_card_send_path);
    req.headers["content-type"] = "application/json; charset=utf-8";
    req.body = dump(body);
    if (req.body.size() > max_body) return std::nullopt;
    return req;
}

inbound_result decode_dingtalk_card_press(std::string_view data_json, std::string_view frame_message_id,
                                          std::string_view button_key, core::instant now) {
    const json data = json::parse(data_json, nullptr, false);
    if (data.is_discarded() || !data.is_object())
        return refuse(errc::malformed_body, "card callback data is not a JSON object");
    const auto* track = string_field(data, "outTrackId");
    const auto* user = string_field(data, "userId");
    const auto* space = string_field(data, "spaceId");
    if (track == nullptr || track->empty() || user == nullptr || user->empty() || space == nullptr ||
        space->empty() || frame_message_id.empty())
        return refuse(errc::malformed_body, "card callback without outTrackId, userId or spaceId");
    if (const auto* type = string_field(data, "type"); type != nullptr && *type != "actionCallback")
        return refuse(errc::unsupported_event, "card callback type " + log_word(*type));
    // The SDKs read the pressed button from `content` (a JSON document inside a string); some
    // payloads carry the same document under `value`.
    const auto* content = string_field(data, "content");
    if (content == nullptr) content = string_field(data, "value");
    if (content == nullptr) return refuse(errc::malformed_body, "card callback without content");
    const json inner = json::parse(*content, nullptr, false);
    const json* ids = nullptr;
    if (inner.is_object()) {
        const auto priv = inner.find("cardPrivateData");
        if (priv != inner.end() && priv->is_object()) {
            const auto it = priv->find("actionIds");
            if (it != priv->end() && it->is_array()) ids = &*it;
        }
    }
    if (ids == nullptr)
        return refuse(errc::malformed_body, "card callback without cardPrivateData.actionIds");
    std::optional<std::string> command;
    for (const auto& id : *ids) {
        if (!id.is_string()) continue;
        if ((command = dingtalk_card_command(button_key, *track, id.get<std::string>()))) break;
    }
    if (!command) return refuse(errc::bad_signature, "card press names no button of this card");
    inbound_result r;
    core::inbound_message m;
    m.platform = "dingtalk";
    m.chat = *space;
    m.sender = *user;
    m.text = *command;
    m.msg_id = "card-press:" + std::string(frame_message_id);
    m.received_at = now;
    r.message = std::move(m);
    r.detail = "card press";
    return r;
}

}  // namespace adapters
