// Tests for adapters/dingtalk_card.cpp and its use in the DingTalk adapter: the interactive-card
// send body (StandardCard, robotCode, openConversationId, cardData with the buttons, at-list), the
// Stream card callback turned into the presser's command, and the refusals (forged, foreign or
// malformed presses produce no message).
#include "adapters/dingtalk_card.hpp"
#include "adapters/dingtalk.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace {

using adapters::errc;
using json = nlohmann::json;

constexpr const char* button_key = "testCardClientSecret-77";
const core::instant now = core::from_ms(1767225600000);

adapters::dingtalk_card_config card_config() {
    adapters::dingtalk_card_config c;
    c.api_base = "https://api.dingtalk.com";
    c.robot_code = "dingTestClientId01";
    c.button_key = button_key;
    c.conversations["group"] = "cidCardGroup0001==";
    return c;
}

core::outbound_post receipt() {
    core::outbound_post p;
    p.chat = "group";
    p.text = "已登记投诉 P1：订单 8812 發貨太慢，請盡快處理（客戶：王先生）。@周敏 请受理";
    p.actions = {{"受理", "受理 P1"}, {"查询", "查询 P1"}};
    p.outbox_id = 42;
    return p;
}

adapters::dingtalk_adapter card_adapter() {
    adapters::dingtalk_config dc;
    dc.robots["*"] = {"https://oapi.dingtalk.com/robot/send?access_token=cardFallbackToken", ""};
    dc.cards = card_config();
    return adapters::dingtalk_adapter(dc);
}

// A card callback frame as the Stream gateway delivers it (the SDKs' CardRequest fields).
std::string press_frame(const std::string& message_id, const std::string& track, const std::string& user,
                        const json& action_ids, const std::string& space = "cidCardGroup0001==") {
    json content = {{"cardPrivateData", {{"actionIds", action_ids}, {"params", json::object()}}}};
    json data = {{"content", content.dump()}, {"corpId", "dingCorpTest"}, {"extension", "{}"},
                 {"outTrackId", track},       {"spaceId", space},         {"spaceType", "IM_GROUP"},
                 {"type", "actionCallback"},  {"userId", user},           {"userIdType", 1}};
    json frame = {{"specVersion", "1.0"},
                  {"type", "CALLBACK"},
                  {"headers",
                   {{"messageId", message_id},
                    {"topic", "/v1.0/card/instances/callback"},
                    {"contentType", "application/json"}}},
                  {"data", data.dump()}};
    return frame.dump();
}

TEST(DingtalkCard, ReceiptGoesAsOneStandardCardWithItsButtons) {
    const auto reqs = card_adapter().encode(receipt(), {{"p-zhou", "周敏", "dt-1006"}}, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url, "https://api.dingtalk.com/v1.0/im/v1.0/robot/interactiveCards/send");
    EXPECT_EQ(reqs[0].headers.count("x-acs-dingtalk-access-token"), 0u);  // the transport adds it
    const auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["cardTemplateId"], "StandardCard");
    EXPECT_EQ(body["robotCode"], "dingTestClientId01");
    EXPECT_EQ(body["openConversationId"], "cidCardGroup0001==");
    EXPECT_EQ(body["cardBizId"], "cb-outbox-42");
    const auto at = json::parse(body["sendOptions"]["atUserListJson"].get<std::string>());
    ASSERT_EQ(at.size(), 1u);
    EXPECT_EQ(at[0]["userId"], "dt-1006");
    EXPECT_EQ(at[0]["nickName"], "周敏");
    ASSERT_TRUE(body["cardData"].is_string());
    const auto card = json::parse(body["cardData"].get<std::string>());
    EXPECT_EQ(card["contents"][0]["type"], "markdown");
    EXPECT_EQ(card["contents"][0]["text"], receipt().text);
    const auto& buttons = card["contents"][1]["actions"];
    ASSERT_EQ(buttons.size(), 2u);
    EXPECT_EQ(buttons[0]["label"]["text"], "受理");
    EXPECT_EQ(buttons[1]["label"]["text"], "查询");
    EXPECT_EQ(buttons[0]["actionType"], "request");
    EXPECT_EQ(
        adapters::dingtalk_card_command(button_key, "cb-outbox-42", buttons[0]["id"].get<std::string>()),
        "受理 P1");
    EXPECT_EQ(
        adapters::dingtalk_card_command(button_key, "cb-outbox-42", buttons[1]["id"].get<std::string>()),
        "查询 P1");
}

TEST(DingtalkCard, AnImmediateReceiptIsACardNotASessionReply) {
    const auto a = card_adapter();
    const std::string hook = "https://oapi.dingtalk.com/robot/sendBySession?session=cardTestSession";
    EXPECT_TRUE(a.encode_reply(hook, receipt(), {}, now).empty());
    auto plain = receipt();
    plain.actions.clear();
    EXPECT_EQ(a.encode_reply(hook, plain, {}, now).size(), 1u);
}

TEST(DingtalkCard, AFineNoticeCarriesItsAppealButton) {
    core::outbound_post fine;
    fine.chat = "group";
    fine.text = "罰款通知 F3：P1 受理超時，罰款 50 元。如有異議請於 24 小時內申訴。";
    fine.actions = {{"申诉", "申诉 F3"}};
    fine.outbox_id = 77;
    const auto reqs = card_adapter().encode(fine, {}, now);
    ASSERT_EQ(reqs.size(), 1u);
    const auto body = json::parse(reqs[0].body);
    EXPECT_FALSE(body["sendOptions"].contains("atUserListJson"));
    const auto card = json::parse(body["cardData"].get<std::string>());
    const auto& buttons = card["contents"][1]["actions"];
    ASSERT_EQ(buttons.size(), 1u);
    EXPECT_EQ(buttons[0]["label"]["text"], "申诉");
    const auto press = adapters::decode_stream_frame(
        press_frame("press-f3", "cb-outbox-77", "dt-1002", json::array({buttons[0]["id"]})), now, button_key);
    ASSERT_TRUE(press.inbound.message);
    EXPECT_EQ(press.inbound.message->text, "申诉 F3");
    EXPECT_EQ(press.inbound.message->sender, "dt-1002");
}

TEST(DingtalkCard, PostsWithoutActionsStayOnTheCustomRobot) {
    auto post = receipt();
    post.actions.clear();
    const auto reqs = card_adapter().encode(post, {}, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_TRUE(reqs[0].url.starts_with("https://oapi.dingtalk.com/robot/send"));
    EXPECT_EQ(json::parse(reqs[0].body)["msgtype"], "text");
}

TEST(DingtalkCard, ChatWithoutConversationIdGetsText) {
    auto post = receipt();
    post.chat = "other-group";
    const auto reqs = card_adapter().encode(post, {}, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_TRUE(reqs[0].url.starts_with("https://oapi.dingtalk.com/robot/send"));
}

TEST(DingtalkCard, WithoutCardsConfiguredActionsAreIgnored) {
    adapters::dingtalk_config dc;
    dc.robots["*"] = {"https://oapi.dingtalk.com/robot/send?access_token=cardFallbackToken", ""};
    const auto reqs = adapters::dingtalk_adapter(dc).encode(receipt(), {}, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_TRUE(reqs[0].url.starts_with("https://oapi.dingtalk.com/robot/send"));
}

TEST(DingtalkCard, OpenApiAnswersClassify) {
    const auto a = card_adapter();
    using v = adapters::adapter::send_verdict;
    EXPECT_EQ(a.classify(200, R"({"processQueryKey":"pqk-1"})"), v::delivered);
    EXPECT_EQ(a.classify(200, "<html>gateway</html>"), v::retry);
    EXPECT_EQ(a.classify(400, R"({"code":"param.error","message":"robotCode"})"), v::permanent_failure);
}

TEST(DingtalkCard, PressBecomesThePressersCommand) {
    const auto id = adapters::dingtalk_card_action_id(button_key, "cb-outbox-42", "受理 P1");
    const auto out = adapters::decode_stream_frame(press_frame("press-0001", "cb-outbox-42", "dt-1006", {id}),
                                                   now, button_key);
    ASSERT_TRUE(out.inbound.message) << out.inbound.detail;
    const auto& m = *out.inbound.message;
    EXPECT_EQ(m.platform, "dingtalk");
    EXPECT_EQ(m.sender, "dt-1006");
    EXPECT_EQ(m.text, "受理 P1");
    EXPECT_EQ(m.chat, "cidCardGroup0001==");
    EXPECT_EQ(m.msg_id, "card-press:press-0001");
    const auto ack = json::parse(out.ack);
    EXPECT_EQ(ack["code"], 200);
    EXPECT_EQ(ack["headers"]["messageId"], "press-0001");
    EXPECT_TRUE(json::parse(ack["data"].get<std::string>()).contains("response"));
    // Another press of the same button is another message.
    const auto again = adapters::decode_stream_frame(
        press_frame("press-0002", "cb-outbox-42", "dt-1006", {id}), now, button_key);
    ASSERT_TRUE(again.inbound.message);
    EXPECT_NE(again.inbound.message->msg_id, m.msg_id);
}

TEST(DingtalkCard, RefusesPressesTheCardNeverCarried) {
    const auto id_other_card = adapters::dingtalk_card_action_id(button_key, "cb-outbox-7", "受理 P1");
    const auto id_other_key = adapters::dingtalk_card_action_id("someoneElsesKey", "cb-outbox-42", "受理 P1");
    // A command spliced in with the MAC of another command.
    auto genuine = adapters::dingtalk_card_action_id(button_key, "cb-outbox-42", "查询 P1");
    std::string spliced = "cmd" + std::string("e58f97e790862050") + "39" + genuine.substr(genuine.rfind('_'));
    for (const json& ids : {json::array({id_other_card}), json::array({id_other_key}), json::array({spliced}),
                            json::array({"button_1646816888257"}), json::array()}) {
        const auto out = adapters::decode_stream_frame(
            press_frame("press-bad", "cb-outbox-42", "dt-1006", ids), now, button_key);
        EXPECT_FALSE(out.inbound.message) << ids.dump();
        EXPECT_EQ(out.inbound.error, errc::bad_signature) << ids.dump();
        EXPECT_FALSE(out.ack.empty());  // ACKed anyway: redelivery cannot make it valid
    }
}

TEST(DingtalkCard, RefusesMalformedPresses) {
    const auto id = adapters::dingtalk_card_action_id(button_key, "cb-outbox-42", "受理 P1");
    const std::string bad_frames[] = {
        press_frame("p1", "cb-outbox-42", "", {id}),             // no presser
        press_frame("p2", "", "dt-1006", {id}),                  // no card
        press_frame("p3", "cb-outbox-42", "dt-1006", {id}, ""),  // no conversation
        R"({"type":"CALLBACK","headers":{"messageId":"p4","topic":"/v1.0/card/instances/callback"},"data":"not json"})",
        R"({"type":"CALLBACK","headers":{"messageId":"p5","topic":"/v1.0/card/instances/callback"}})",
        R"({"type":"CALLBACK","headers":{"messageId":"p6","topic":"/v1.0/card/instances/callback"},)"
        R"("data":"{\"outTrackId\":\"cb-outbox-42\",\"userId\":\"dt-1006\",\"spaceId\":\"c\",\"content\":\"[1]\"}"})",
    };
    for (const auto& f : bad_frames) {
        const auto out = adapters::decode_stream_frame(f, now, button_key);
        EXPECT_FALSE(out.inbound.message) << f;
        EXPECT_EQ(out.inbound.error, errc::malformed_body) << f;
    }
}

TEST(DingtalkCard, WithoutAButtonKeyCardCallbacksAreIgnored) {
    const auto id = adapters::dingtalk_card_action_id(button_key, "cb-outbox-42", "受理 P1");
    const auto out = adapters::decode_stream_frame(press_frame("p7", "cb-outbox-42", "dt-1006", {id}), now);
    EXPECT_FALSE(out.inbound.message);
    EXPECT_EQ(out.inbound.error, errc::unsupported_event);
    EXPECT_FALSE(out.ack.empty());
}

}  // namespace
