// DingTalk interactive cards in Stream mode: a post with buttons goes out as a robot interactive
// card ("StandardCard", POST /v1.0/im/v1.0/robot/interactiveCards/send, the app's access token in
// `x-acs-dingtalk-access-token`, added by the transport), and a press comes back over the Stream
// connection as a CALLBACK on /v1.0/card/instances/callback whose data names the card
// (outTrackId = our cardBizId), the presser (userId, a staff id) and the pressed button
// (content → cardPrivateData.actionIds). The wire format follows DingTalk's own Stream SDKs
// (Python chatbot.reply_card / card_callback, Go card/model.go).
//
// A button's id carries its command (hex of the UTF-8 text) and a MAC over the card id and the
// command keyed with the app's secret, so a press can only ever produce a command that this bot put
// on that very card.
//
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/adapter.hpp"

namespace adapters {

inline constexpr std::string_view dingtalk_card_topic = "/v1.0/card/instances/callback";
inline constexpr std::string_view dingtalk_card_send_path = "/v1.0/im/v1.0/robot/interactiveCards/send";

struct dingtalk_card_config {
    std::string api_base = "https://api.dingtalk.com";  // tests: a loopback fake
    std::string robot_code;                             // the app's client id (AppKey)
    std::string button_key;                             // keys the button MACs: the client secret
    std::map<std::string, std::string> conversations;   // chat id → openConversationId
};

// The card id of an outbox row: stable, so a retried send is the same card (DingTalk's idempotency
// key for the card).
std::string dingtalk_card_biz_id(const core::outbound_post& post);

// The button id for `command` on card `card_biz_id`: "cmd" + hex(command) + "_" + 16 hex of MAC.
std::string dingtalk_card_action_id(std::string_view button_key, std::string_view card_biz_id,
                                    std::string_view command);

// The command a button id stands for, when its MAC checks out for this card; nullopt otherwise.
std::optional<std::string> dingtalk_card_command(std::string_view button_key, std::string_view card_biz_id,
                                                 std::string_view action_id);

// The send request for a post with actions (one request; nullopt when the post has no actions or
// no text, its chat has no conversation id, or the card would exceed `max_body` bytes — the caller
// then posts plain text through the custom robot).
std::optional<outbound_request> encode_dingtalk_card(const dingtalk_card_config& cfg,
                                                     const core::outbound_post& post,
                                                     const std::vector<mention_target>& mentions,
                                                     std::size_t max_body);

// The data of a card callback frame → the press as the presser's command. `frame_message_id`
// (the Stream frame's messageId) makes the msg_id of the press. Refuses (nothing accepted) a
// callback that is malformed, names no button this bot signed for that card, or has no presser.
inbound_result decode_dingtalk_card_press(std::string_view data_json, std::string_view frame_message_id,
                                          std::string_view button_key, core::instant now);

}  // namespace adapters
