// Tests for adapters/wecom_ws.cpp and the wecom adapter's websocket mode: the frames the client
// sends (subscribe, ping, aibot_send_msg without chat_type, aibot_respond_msg on the callback's
// req_id, the button card), the server frames decoded (receipts, message callbacks through the
// same parser as HTTP mode, button presses turned into the presser's command, disconnected_event),
// every malformed frame refused with nothing accepted, and the HTTP-mode reply paths (response_url
// once as markdown, the legacy robot's WebhookUrl as text).
#include "adapters/wecom_ws.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "adapters/wecom.hpp"
#include "adapters/wecom_support.hpp"

namespace {

using namespace wecom_test;
namespace ws = adapters::wecom_ws;

const std::vector<adapters::mention_target> two_people = {{"lisi", "李四", "LiSi"},
                                                          {"zhoumin", "周敏", "ZhouMin"}};

wecom_adapter websocket_adapter(bool with_webhook = false) {
    adapters::wecom_config c;
    c.long_connection = true;
    c.bot_name = "投诉机器人";
    c.conversations["group"] = "wrkGROUP01";
    c.conversations["unbound"] = "";
    if (with_webhook) c.webhooks["*"] = "testWebhookKey-0001";
    return wecom_adapter(c);
}

std::string message_frame(const std::string& req_id, const json& body) {
    return json{{"cmd", "aibot_msg_callback"}, {"headers", {{"req_id", req_id}}}, {"body", body}}.dump();
}

json group_text(const std::string& msgid, const std::string& text) {
    return {{"msgid", msgid},
            {"aibotid", "aib-test"},
            {"chatid", "wrkGROUP01"},
            {"chattype", "group"},
            {"from", {{"userid", "ZhangSan"}}},
            {"msgtype", "text"},
            {"text", {{"content", text}}}};
}

std::string press_frame(const std::string& req_id, const std::string& msgid, const json& event) {
    json body = {{"msgid", msgid},
                 {"aibotid", "aib-test"},
                 {"chatid", "wrkGROUP01"},
                 {"chattype", "group"},
                 {"from", {{"userid", "ZhouMin"}}},
                 {"create_time", 1767225600},
                 {"msgtype", "event"},
                 {"event", event}};
    return json{{"cmd", "aibot_event_callback"}, {"headers", {{"req_id", req_id}}}, {"body", body}}.dump();
}

TEST(WecomWsFrames, SubscribeAndPingCarryTheirReqId) {
    auto sub = json::parse(ws::subscribe_frame("aibot_subscribe_1", "bot-42", "s3cret"));
    EXPECT_EQ(sub, json::parse(R"({"cmd":"aibot_subscribe","headers":{"req_id":"aibot_subscribe_1"},
                                   "body":{"bot_id":"bot-42","secret":"s3cret"}})"));
    EXPECT_EQ(json::parse(ws::ping_frame("ping_7")),
              json::parse(R"({"cmd":"ping","headers":{"req_id":"ping_7"}})"));
    const auto a = ws::fresh_req_id("ping", test_now), b = ws::fresh_req_id("ping", test_now);
    EXPECT_TRUE(a.starts_with("ping_1767225600000_")) << a;
    EXPECT_NE(a, b);
}

TEST(WecomWsFrames, AMessageCallbackBecomesAMessageAnsweredOnItsReqId) {
    const std::string text =
        "@投诉机器人 產品質量投訴\n投诉人：张三\n规格及数量：Ｍ８×４０ 镀锌螺栓 ２００盒";
    auto f =
        ws::decode_frame(message_frame("req-cb-1", group_text("wx-msg-1", text)), "投诉机器人", test_now);
    EXPECT_EQ(f.kind, ws::frame_kind::message);
    ASSERT_TRUE(f.inbound.message) << f.inbound.detail;
    const auto& m = *f.inbound.message;
    EXPECT_EQ(m.platform, "wecom");
    EXPECT_EQ(m.chat, "wrkGROUP01");
    EXPECT_EQ(m.sender, "ZhangSan");
    EXPECT_EQ(m.msg_id, "wx-msg-1");
    EXPECT_EQ(m.text, "產品質量投訴\n投诉人：张三\n规格及数量：Ｍ８×４０ 镀锌螺栓 ２００盒");
    EXPECT_EQ(m.reply_handle, "req-cb-1");
    EXPECT_EQ(m.received_at, test_now);
}

TEST(WecomWsFrames, AMixedCallbackKeepsItsPictureAndASingleChatIsItsUser) {
    json body = {{"msgid", "wx-msg-2"},
                 {"chattype", "single"},
                 {"from", {{"userid", "LinFang"}}},
                 {"msgtype", "mixed"},
                 {"mixed",
                  {{"msg_item",
                    {{{"msgtype", "text"}, {"text", {{"content", "查询 P1"}}}},
                     {{"msgtype", "image"}, {"image", {{"url", "https://example.invalid/img?x=1"}}}}}}}}};
    auto f = ws::decode_frame(message_frame("req-cb-2", body), "", test_now);
    ASSERT_TRUE(f.inbound.message);
    EXPECT_EQ(f.inbound.message->chat, "LinFang");
    EXPECT_EQ(f.inbound.message->text, "查询 P1");
    ASSERT_EQ(f.inbound.message->attachments.size(), 1u);
    EXPECT_EQ(f.inbound.message->attachments[0].kind, "image");
}

TEST(WecomWsFrames, ReceiptsAreMatchedByReqIdAndJudgedByErrcode) {
    auto ok = ws::decode_frame(R"({"headers":{"req_id":"aibot_send_msg_1"},"errcode":0,"errmsg":"ok"})", "",
                               test_now);
    EXPECT_EQ(ok.kind, ws::frame_kind::receipt);
    EXPECT_EQ(ok.req_id, "aibot_send_msg_1");
    EXPECT_EQ(ok.errcode, 0);
    EXPECT_FALSE(ok.inbound.message);
    auto limited = ws::decode_frame(
        R"({"headers":{"req_id":"r2"},"errcode":45009,"errmsg":"api freq out of limit"})", "", test_now);
    EXPECT_EQ(limited.errcode, 45009);
    auto bare = ws::decode_frame(R"({"headers":{"req_id":"r3"}})", "", test_now);
    EXPECT_EQ(bare.kind, ws::frame_kind::receipt);
    EXPECT_FALSE(bare.errcode);
}

TEST(WecomWsFrames, AButtonPressIsThePressersCommandWithAnIdOfItsOwn) {
    // doc 101027 nests the key in event.template_card_event; the SDK's types put it in event.
    auto nested = ws::decode_frame(
        press_frame(
            "req-ev-1", "ev-1",
            {{"eventtype", "template_card_event"},
             {"template_card_event",
              {{"card_type", "button_interaction"}, {"event_key", "cmd:受理 P3"}, {"task_id", "post9_1"}}}}),
        "", test_now);
    EXPECT_EQ(nested.kind, ws::frame_kind::event);
    ASSERT_TRUE(nested.inbound.message) << nested.inbound.detail;
    EXPECT_EQ(nested.inbound.message->text, "受理 P3");
    EXPECT_EQ(nested.inbound.message->sender, "ZhouMin");
    EXPECT_EQ(nested.inbound.message->chat, "wrkGROUP01");
    EXPECT_EQ(nested.inbound.message->msg_id, "card:ev-1");
    EXPECT_TRUE(nested.inbound.message->reply_handle.empty());
    auto flat = ws::decode_frame(
        press_frame("req-ev-2", "ev-2", {{"eventtype", "template_card_event"}, {"event_key", "cmd:查詢 P3"}}),
        "", test_now);
    ASSERT_TRUE(flat.inbound.message);
    EXPECT_EQ(flat.inbound.message->text, "查詢 P3");
    EXPECT_NE(flat.inbound.message->msg_id, nested.inbound.message->msg_id);
}

TEST(WecomWsFrames, ButtonsNotOursAndOtherEventsAreNotMessages) {
    for (const auto& event : {json{{"eventtype", "template_card_event"}, {"event_key", "approve:token-1"}},
                              json{{"eventtype", "template_card_event"}}, json{{"eventtype", "enter_chat"}},
                              json{{"eventtype", "feedback_event"}}}) {
        auto f = ws::decode_frame(press_frame("req-x", "ev-x", event), "", test_now);
        EXPECT_FALSE(f.inbound.message) << event.dump();
        EXPECT_EQ(f.inbound.error, errc::unsupported_event) << event.dump();
        EXPECT_FALSE(f.disconnected);
    }
    auto kicked =
        ws::decode_frame(press_frame("req-k", "ev-k", {{"eventtype", "disconnected_event"}}), "", test_now);
    EXPECT_TRUE(kicked.disconnected);
    EXPECT_FALSE(kicked.inbound.message);
}

TEST(WecomWsFrames, MalformedFramesAreRefusedAndCarryNothing) {
    for (
        const std::string bad :
        {"", "not json", "[1,2]", R"({"cmd":"aibot_msg_callback","body":{}})",
         R"({"cmd":"aibot_msg_callback","headers":{"req_id":""},"body":{}})",
         R"({"cmd":"aibot_msg_callback","headers":{"req_id":"r"},"body":"x"})",
         R"({"cmd":"aibot_msg_callback","headers":{"req_id":"r"},"body":{"msgtype":"text","text":{"content":"hi"}}})",
         R"({"cmd":"aibot_msg_callback","headers":{"req_id":"r"},"body":{"msgtype":"text","from":{"userid":"u"}}})"}) {
        auto f = ws::decode_frame(bad, "", test_now);
        EXPECT_FALSE(f.inbound.message) << bad;
        EXPECT_TRUE(f.inbound.error) << bad;
    }
    EXPECT_EQ(ws::decode_frame(R"({"cmd":"mystery","headers":{"req_id":"r"}})", "", test_now).kind,
              ws::frame_kind::other);
}

TEST(WecomWsAdapter, PostsGoToTheChatsChatidAsMarkdownWithRealMentionsAndNoChatType) {
    const auto wecom = websocket_adapter();
    core::outbound_post post{"group", "✅ 已登记产品质量投诉 P1\n@李四 @周敏", {"lisi", "zhoumin"}};
    auto reqs = wecom.encode(post, two_people, test_now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url, "wecom-ws:aibot_send_msg");
    EXPECT_FALSE(reqs[0].headers.count("req_id"));
    auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body, json::parse(R"({"chatid":"wrkGROUP01","msgtype":"markdown",
                                    "markdown":{"content":"✅ 已登记产品质量投诉 P1\n<@LiSi> <@ZhouMin>"}})"));
    EXPECT_FALSE(body.contains("chat_type"));
    // The transport's frame: the same body under a fresh req_id.
    auto f = ws::frame_of(reqs[0], "aibot_send_msg_9");
    ASSERT_TRUE(f);
    auto frame = json::parse(f->text);
    EXPECT_EQ(frame["cmd"], "aibot_send_msg");
    EXPECT_EQ(frame["headers"]["req_id"], "aibot_send_msg_9");
    EXPECT_EQ(frame["body"], body);
}

TEST(WecomWsAdapter, ActionsBecomeAButtonCardWhoseKeysCarryTheCommands) {
    const auto wecom = websocket_adapter();
    core::outbound_post post{"group", "✅ 已登记产品质量投诉 P3\n请打单部受理", {}};
    post.actions = {{"受理", "受理 P3"}, {"查询", "查询 P3"}, {"重复", "受理 P3"}};
    post.outbox_id = 17;
    auto reqs = wecom.encode(post, {}, test_now);
    ASSERT_EQ(reqs.size(), 2u);
    auto card = json::parse(reqs[1].body);
    EXPECT_EQ(reqs[1].url, "wecom-ws:aibot_send_msg");
    EXPECT_EQ(card["chatid"], "wrkGROUP01");
    EXPECT_EQ(card["msgtype"], "template_card");
    EXPECT_EQ(card["template_card"]["card_type"], "button_interaction");
    EXPECT_EQ(card["template_card"]["main_title"]["title"], "✅ 已登记产品质量投诉 P3");
    EXPECT_EQ(card["template_card"]["task_id"], "post17_1767225600000");
    ASSERT_EQ(card["template_card"]["button_list"].size(), 2u);  // keys are unique in a card
    EXPECT_EQ(card["template_card"]["button_list"][0]["key"], "cmd:受理 P3");
    EXPECT_EQ(card["template_card"]["button_list"][1]["text"], "查询");
    // A press on it comes back as the command.
    auto press = ws::decode_frame(
        press_frame(
            "r", "ev-9",
            {{"eventtype", "template_card_event"},
             {"template_card_event", {{"event_key", card["template_card"]["button_list"][0]["key"]}}}}),
        "", test_now);
    ASSERT_TRUE(press.inbound.message);
    EXPECT_EQ(press.inbound.message->text, "受理 P3");
}

TEST(WecomWsAdapter, ARepliesOnTheCallbacksReqIdAndAChatWithoutChatidUsesItsWebhook) {
    const auto wecom = websocket_adapter(/*with_webhook=*/true);
    core::outbound_post post{"group", "P1 已由周敏受理\n@周敏", {"zhoumin"}};
    const std::vector<adapters::mention_target> zhoumin = {two_people[1]};
    auto reqs = wecom.encode_reply("req-cb-1", post, zhoumin, test_now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url, "wecom-ws:aibot_respond_msg");
    EXPECT_EQ(reqs[0].headers.at("req_id"), "req-cb-1");
    EXPECT_EQ(json::parse(reqs[0].body),
              json::parse(R"({"msgtype":"markdown","markdown":{"content":"P1 已由周敏受理\n<@ZhouMin>"}})"));
    auto f = ws::frame_of(reqs[0], "unused");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->req_id, "req-cb-1");
    // A chat bound to no conversation: the webhook; without one, nothing.
    auto fallback = wecom.encode({"unbound", "提醒", {}}, {}, test_now);
    ASSERT_EQ(fallback.size(), 1u);
    EXPECT_TRUE(fallback[0].url.starts_with("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key="));
    EXPECT_TRUE(websocket_adapter().encode({"unbound", "提醒", {}}, {}, test_now).empty());
}

TEST(WecomWsAdapter, LongPostsSplitUnderTheMarkdownLimit) {
    std::string text;
    for (int i = 0; i < 600; ++i) text += "投诉内容第" + std::to_string(i) + "行\n";
    auto reqs = websocket_adapter().encode({"group", text, {}}, {}, test_now);
    ASSERT_GT(reqs.size(), 1u);
    std::string joined;
    for (const auto& r : reqs) {
        auto content = json::parse(r.body)["markdown"]["content"].get<std::string>();
        EXPECT_LE(content.size(), wecom_adapter::max_markdown_bytes);
        joined += content;
    }
    EXPECT_EQ(joined, text);
}

TEST(WecomWsAdapter, FrameOfRefusesWhatIsNotAFrameOfOurs) {
    adapters::outbound_request https;
    https.url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k";
    https.body = "{}";
    EXPECT_FALSE(ws::frame_of(https, "r"));
    auto subscribe = ws::send_markdown("c", "x");
    subscribe.url = "wecom-ws:aibot_subscribe";  // never through send()
    EXPECT_FALSE(ws::frame_of(subscribe, "r"));
    auto reply = ws::respond_markdown("req-1", "x");
    reply.headers.clear();  // a reply must name its callback
    EXPECT_FALSE(ws::frame_of(reply, "r"));
    auto garbage = ws::send_markdown("c", "x");
    garbage.body = "not json";
    EXPECT_FALSE(ws::frame_of(garbage, "r"));
}

TEST(WecomWsAdapter, ReceiptsAreClassifiedLikeWecomAnswers) {
    const auto wecom = websocket_adapter();
    using v = adapter::send_verdict;
    EXPECT_EQ(wecom.classify(200, R"({"headers":{"req_id":"r"},"errcode":0,"errmsg":"ok"})"), v::delivered);
    EXPECT_EQ(wecom.classify(200, R"({"headers":{"req_id":"r"},"errcode":45009,"errmsg":"freq"})"),
              v::rate_limited);
    EXPECT_EQ(wecom.classify(200, R"({"headers":{"req_id":"r"},"errcode":846605,"errmsg":"invalid req_id"})"),
              v::permanent_failure);
    EXPECT_EQ(wecom.classify(200, R"({"headers":{"req_id":"r"},"errcode":-1})"), v::retry);
}

TEST(WecomWsAdapter, WebsocketModeTakesNoHttpCallbacks) {
    const auto wecom = websocket_adapter();
    auto result = wecom.decode(encrypted_post(group_text("m", "投诉").dump()), test_now);
    EXPECT_EQ(result.error, errc::missing_signature);
    EXPECT_FALSE(result.message);
}

TEST(WecomHttpReplies, AResponseUrlTakesOneMarkdownAndAWebhookUrlTheRobotsText) {
    const auto wecom = make_adapter();
    core::outbound_post post{"wrTestChat0001", "P1 已由周敏受理\n@周敏", {"zhoumin"}};
    const std::string response_url =
        "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=testResponseCode0123456789";
    auto reqs = wecom.encode_reply(response_url, post, {two_people[1]}, test_now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url, response_url);
    EXPECT_EQ(json::parse(reqs[0].body),
              json::parse(R"({"msgtype":"markdown","markdown":{"content":"P1 已由周敏受理\n<@ZhouMin>"}})"));
    const std::string legacy = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=testLegacyKey0123456789";
    auto robot = wecom.encode_reply(legacy, post, {two_people[1]}, test_now);
    ASSERT_EQ(robot.size(), 1u);
    EXPECT_EQ(robot[0].url, legacy);
    auto body = json::parse(robot[0].body);
    EXPECT_EQ(body["msgtype"], "text");
    EXPECT_EQ(body["text"]["mentioned_list"], json::array({"ZhouMin"}));
    // Too long for its one use: left to the group robot; a req_id means nothing in HTTP mode.
    EXPECT_TRUE(wecom.encode_reply(response_url, {"c", std::string(30000, 'x'), {}}, {}, test_now).empty());
    EXPECT_TRUE(wecom.encode_reply("req-cb-1", post, two_people, test_now).empty());
    EXPECT_TRUE(wecom.encode_reply("", post, two_people, test_now).empty());
}

}  // namespace
