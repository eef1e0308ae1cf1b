// Tests for adapters/feishu_send.cpp: the bodies Feishu's im/v1/messages, reply and custom bot
// APIs take (content a JSON string, real <at> mentions, uuid per part, cards with buttons), the
// splitting under the body limits on UTF-8 boundaries, and the verdicts on Feishu's answers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/feishu.hpp"

namespace {

using namespace adapters;
using json = nlohmann::json;
using verdict = adapter::send_verdict;

const core::instant now = core::from_ms(1'700'000'000'123);

feishu_config config() {
    feishu_config c;
    c.verification_token = "vt";
    c.gateway = "https://open.feishu.cn";
    c.chat_ids["group"] = "oc_5ad11d72b830411d72b836c20";
    return c;
}

core::outbound_post post(const std::string& text, std::int64_t outbox_id = 42) {
    core::outbound_post p;
    p.chat = "group";
    p.text = text;
    p.outbox_id = outbox_id;
    return p;
}

const std::vector<mention_target> people{
    {"lisi", "李四", "ou_lisi"}, {"zhoumin", "周敏", "ou_zhoumin"}, {"wangwu", "王五", ""}};

bool valid_utf8(const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::strict).size() > 0;
}

}  // namespace

TEST(FeishuEncode, TextMessageWithRealMentionsAndUuid) {
    feishu_adapter a(config());
    auto reqs = a.encode(post("已登记产品质量投诉 P1，请 @李四 @周敏 受理；@王五 知悉"), people, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url, "https://open.feishu.cn/open-apis/im/v1/messages?receive_id_type=chat_id");
    EXPECT_EQ(reqs[0].headers.count("Authorization") + reqs[0].headers.count("authorization"), 0u);
    auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["receive_id"], "oc_5ad11d72b830411d72b836c20");
    EXPECT_EQ(body["msg_type"], "text");
    EXPECT_EQ(body["uuid"], "cb-42-0");
    ASSERT_TRUE(body["content"].is_string());  // a JSON document inside a string
    EXPECT_EQ(
        json::parse(body["content"].get<std::string>())["text"],
        "已登记产品质量投诉 P1，请 <at user_id=\"ou_lisi\">李四</at> <at user_id=\"ou_zhoumin\">周敏</at> "
        "受理；@王五 知悉");
    // A person named in mentions but not in the text is still notified, at the end.
    auto appended = a.encode(post("P1 已受理"), {people[1]}, now);
    EXPECT_EQ(json::parse(json::parse(appended[0].body)["content"].get<std::string>())["text"],
              "P1 已受理 <at user_id=\"ou_zhoumin\">周敏</at>");
    // No stored row: no uuid (nothing to keep the part unique by).
    EXPECT_FALSE(json::parse(a.encode(post("P1", 0), {}, now)[0].body).contains("uuid"));
}

TEST(FeishuEncode, ChatsAreMappedToFeishuChatIds) {
    feishu_adapter a(config());
    auto other = post("查询 P1");
    other.chat = "unknown-group";
    EXPECT_TRUE(a.encode(other, {}, now).empty());
    other.chat = "oc_direct";
    ASSERT_EQ(a.encode(other, {}, now).size(), 1u);
    EXPECT_EQ(json::parse(a.encode(other, {}, now)[0].body)["receive_id"], "oc_direct");
    EXPECT_TRUE(a.encode(post(""), {}, now).empty());
}

TEST(FeishuEncode, ButtonsMakeAnInteractiveCard) {
    feishu_adapter a(config());
    auto p = post("已登记产品质量投诉 P3，请 @周敏 受理");
    p.actions = {{"受理", "受理 P3"}, {"查询", "查询 P3"}};
    auto reqs = a.encode(p, {people[1]}, now);
    ASSERT_EQ(reqs.size(), 1u);
    auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["msg_type"], "interactive");
    auto card = json::parse(body["content"].get<std::string>());
    ASSERT_EQ(card["elements"].size(), 2u);
    EXPECT_EQ(card["elements"][0]["tag"], "markdown");
    EXPECT_EQ(card["elements"][0]["content"], "已登记产品质量投诉 P3，请 <at id=ou_zhoumin></at> 受理");
    auto buttons = card["elements"][1]["actions"];
    ASSERT_EQ(buttons.size(), 2u);
    EXPECT_EQ(buttons[0]["tag"], "button");
    EXPECT_EQ(buttons[0]["text"]["content"], "受理");
    EXPECT_EQ(buttons[0]["value"], (json{{"command", "受理 P3"}}));
    EXPECT_EQ(buttons[1]["value"], (json{{"command", "查询 P3"}}));
}

TEST(FeishuEncode, LongTextSplitsOnCharacterBoundariesUnderTheLimits) {
    feishu_adapter a(config());
    std::string text;
    while (text.size() < 200 * 1024) text += "螺纹滑牙，約三成「不合格」\"品\"\n";
    auto reqs = a.encode(post(text), {}, now);
    ASSERT_GE(reqs.size(), 2u);
    std::string joined;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_LE(reqs[i].body.size(), feishu_adapter::max_text_body);
        auto body = json::parse(reqs[i].body);
        EXPECT_EQ(body["uuid"], "cb-42-" + std::to_string(i));
        auto piece = json::parse(body["content"].get<std::string>())["text"].get<std::string>();
        EXPECT_TRUE(valid_utf8(piece));
        joined += piece;
    }
    EXPECT_EQ(joined, text);
    // A card's limit is 30 KB; the buttons ride on the last part only.
    auto p = post(text.substr(0, 90 * 1024 - 90 * 1024 % 40));
    p.actions = {{"受理", "受理 P3"}};
    auto cards = a.encode(p, {}, now);
    ASSERT_GE(cards.size(), 3u);
    for (std::size_t i = 0; i < cards.size(); ++i) {
        EXPECT_LE(cards[i].body.size(), feishu_adapter::max_card_body);
        auto card = json::parse(json::parse(cards[i].body)["content"].get<std::string>());
        EXPECT_EQ(card["elements"].size(), i + 1 == cards.size() ? 2u : 1u);
    }
}

TEST(FeishuEncode, ReplyGoesToTheMessagesReplyApi) {
    feishu_adapter a(config());
    auto reqs = a.encode_reply("om_dc13264520392913993dd051dba21dcf", post("P1 已由周敏受理"), people, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url,
              "https://open.feishu.cn/open-apis/im/v1/messages/om_dc13264520392913993dd051dba21dcf/reply");
    auto body = json::parse(reqs[0].body);
    EXPECT_FALSE(body.contains("receive_id"));
    EXPECT_EQ(body["msg_type"], "text");
    EXPECT_EQ(body["uuid"], "cb-42-r0");  // not the uuid a fallback create would use
    EXPECT_TRUE(a.encode_reply("", post("P1"), {}, now).empty());
}

TEST(FeishuEncode, CustomBotWebhookWhenThereIsNoApp) {
    auto c = config();
    c.app = false;
    c.webhook_url = "https://open.feishu.cn/open-apis/bot/v2/hook/5f1a8c2e-0000-4a7b-9c55-feishu-test";
    c.webhook_secret = "feishu-bot-secret-33ab";
    feishu_adapter a(c);
    auto reqs = a.encode(post("已登记产品质量投诉 P1，请 @李四 受理"), {people[0]}, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].url, c.webhook_url);
    auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["timestamp"], "1700000000");  // seconds
    EXPECT_EQ(body["sign"], feishu_bot_sign("1700000000", "feishu-bot-secret-33ab"));
    EXPECT_EQ(body["msg_type"], "text");
    EXPECT_EQ(body["content"]["text"], "已登记产品质量投诉 P1，请 <at user_id=\"ou_lisi\">李四</at> 受理");
    EXPECT_TRUE(a.encode_reply("om_1", post("P1"), {}, now).empty());  // a custom bot cannot reply
    c.webhook_secret.clear();
    EXPECT_FALSE(json::parse(feishu_adapter(c).encode(post("P1"), {}, now)[0].body).contains("sign"));
}

TEST(FeishuEncode, Verdicts) {
    feishu_adapter a(config());
    EXPECT_EQ(a.classify(200, R"({"code":0,"msg":"success","data":{}})"), verdict::delivered);
    EXPECT_EQ(a.classify(200, R"({"StatusCode":0,"StatusMessage":"success"})"), verdict::delivered);
    EXPECT_EQ(a.classify(400, R"({"code":230020,"msg":"This operation triggers the frequency limit."})"),
              verdict::rate_limited);
    EXPECT_EQ(a.classify(200, R"({"code":11232,"msg":"rate limit"})"), verdict::rate_limited);
    EXPECT_EQ(a.classify(200, R"({"code":9499,"msg":"too many request"})"), verdict::rate_limited);
    EXPECT_EQ(a.classify(429, ""), verdict::rate_limited);
    for (int code : {99991663, 99991661, 99991668})
        EXPECT_EQ(a.classify(400, R"({"code":)" + std::to_string(code) + "}"), verdict::retry) << code;
    for (int code : {19021, 230025, 230006, 230002, 230028})
        EXPECT_EQ(a.classify(400, R"({"code":)" + std::to_string(code) + "}"), verdict::permanent_failure)
            << code;
    EXPECT_EQ(a.classify(503, "<html>bad gateway</html>"), verdict::retry);
    EXPECT_EQ(a.classify(500, R"({"code":1,"msg":"internal"})"), verdict::retry);
    EXPECT_EQ(a.classify(0, ""), verdict::retry);
    EXPECT_EQ(a.classify(200, "<html>portal</html>"), verdict::retry);
    EXPECT_EQ(a.classify(404, "not found"), verdict::permanent_failure);
    EXPECT_EQ(a.wait_after({{"x-ogw-ratelimit-reset", "7"}}, ""), std::chrono::seconds(7));
    EXPECT_EQ(a.wait_after({{"x-ogw-ratelimit-reset", "soon"}}, ""), std::chrono::seconds(0));
    EXPECT_EQ(a.wait_after({}, ""), std::chrono::seconds(0));
}
