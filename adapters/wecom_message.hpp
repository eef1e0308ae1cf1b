// The plaintext of a WeCom callback, whichever way it came: the AI bot's JSON (HTTP callback or the
// long connection's aibot_msg_callback body, PROTOCOLS 2.2/2.3), the official library's JSON flavour
// of app callbacks, and the legacy robot / self-built app XML (2.4/2.5). Shared by wecom.cpp and
// wecom_ws.cpp so both read a message the same way.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace adapters::wecom_detail {

// A string member, or a number rendered as text (ids such as MsgId/msgid are numbers in some
// flavours); nullopt when absent or of another type.
std::optional<std::string> text_field(const nlohmann::json& obj, const char* name);
// The member `name` of an object, or null.
const nlohmann::json& member(const nlohmann::json& obj, const char* name);

// What the plaintext of any flavour boils down to before it becomes an inbound_message.
struct parsed_message {
    std::string msgtype;
    std::string msg_id;
    std::string chat;
    std::string sender;
    std::optional<std::string> content;
    std::vector<core::attachment> attachments;
    std::string reply_url;  // response_url (AI bot) or WebhookUrl (legacy robot)
};

// AI bot (doc 100719) and the legacy robot's JSON flavour: lower-case names.
parsed_message from_ai_bot_json(const nlohmann::json& j);
// The official library's JSON flavour of app callbacks: the XML names as JSON keys.
parsed_message from_app_json(const nlohmann::json& j);
// Legacy group robot (From/UserId, ChatId, Text/Content, WebhookUrl) or self-built app XML.
parsed_message from_xml(const std::map<std::string, std::string>& fields);

// The checks every authentic callback goes through and the message it makes: events, stream
// refreshes and messages without sender are unsupported_event (answered 200, not a post); the
// leading "@bot_name" is stripped. reply_handle = the parsed reply URL.
inbound_result to_inbound(parsed_message parsed, std::string_view bot_name, core::instant now);

}  // namespace adapters::wecom_detail
