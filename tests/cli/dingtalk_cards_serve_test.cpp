// The real bot in DingTalk Stream mode with interactive cards: a complaint's receipt goes out as a
// card through the (fake) OpenAPI with 受理 and 查询 buttons, and button presses arriving as card
// callbacks over the Stream connection become the presser's commands, role-checked like typed ones.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <string>
#include <thread>

#include "adapters/dingtalk_card.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "support/stream_gateway.hpp"

using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;

namespace {

const std::string complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：華南機電（香港）有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
    "规格及数量：Ｍ８×４０ 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2020年11月23日8时55分";

std::string message_frame(const std::string& frame_id, const std::string& msg_id, const std::string& sender,
                          const std::string& text, const std::string& session = {}) {
    json data = {{"msgtype", "text"},
                 {"text", {{"content", " " + text}}},
                 {"msgId", msg_id},
                 {"conversationId", "cidGROUP=="},
                 {"senderStaffId", sender}};
    if (!session.empty()) data["sessionWebhook"] = session;
    return data_frame(frame_id, data.dump());
}

template <class F>
bool eventually(F f, std::chrono::milliseconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (f()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return f();
}

bool acked(threaded_stream_gateway& g, const std::string& frame_id) {
    for (const auto& a : g.acks()) {
        auto j = json::parse(a, nullptr, false);
        if (j.is_object() && j["headers"].value("messageId", "") == frame_id) return true;
    }
    return false;
}

}  // namespace

TEST(DingtalkCardsServe, ReceiptIsACardAndPressesAreThePressersCommands) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    dingtalk.open_session("s-complaint");
    threaded_stream_gateway gateway(
        "cid-cards-7", app_secret,
        {message_frame("frame-c1", "card-msg-1", "dt-1002", complaint, dingtalk.session_url("s-complaint"))});
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  dingtalk: { mode: stream, gateway: \"" + gateway.url() +
             "\", client_id_env: T_CLIENT_ID, client_secret_env: T_APP_SECRET, webhook_env: T_WEBHOOK, "
             "webhook_secret_env: T_WEBHOOK_SECRET }\n"
             "chats:\n  - { id: group, platform: dingtalk, conversation: \"cidGROUP==\" }\n",
         {{"T_CLIENT_ID", "cid-cards-7"},
          {"T_APP_SECRET", app_secret},
          {"T_WEBHOOK", dingtalk.url()},
          {"T_WEBHOOK_SECRET", robot_secret}},
         {}});
    ASSERT_TRUE(bot.start()) << bot.log();

    // The Stream connection subscribes to card callbacks as well as robot messages.
    ASSERT_TRUE(eventually([&] { return acked(gateway, "frame-c1"); })) << bot.log();

    // The receipt: one card through the OpenAPI (not the session reply, not the custom robot).
    ASSERT_TRUE(eventually([&] { return !gateway.cards().empty(); })) << bot.log();
    const auto card = gateway.cards()[0];
    EXPECT_EQ(card["openConversationId"], "cidGROUP==");
    EXPECT_EQ(card["robotCode"], "cid-cards-7");
    const auto& contents = card["cardData"]["contents"];
    ASSERT_EQ(contents.size(), 2u) << card.dump();
    EXPECT_NE(contents[0]["text"].get<std::string>().find("已登记产品质量投诉 P1"), std::string::npos);
    const auto& buttons = contents[1]["actions"];
    ASSERT_EQ(buttons.size(), 2u) << card.dump();
    EXPECT_EQ(buttons[0]["label"]["text"], "受理");
    EXPECT_EQ(buttons[1]["label"]["text"], "查询");
    const std::string biz = card["cardBizId"];
    const std::string accept_id = buttons[0]["id"];
    EXPECT_EQ(gateway.token_requests(), 1);
    EXPECT_EQ(gateway.card_refusals(), 0);
    EXPECT_TRUE(dingtalk.session_posts("s-complaint").empty());
    EXPECT_EQ(dingtalk.count(), 0u);

    // 王五 (人力资源部) types 受理 P1, then presses the button: both refused, the same way.
    gateway.push(message_frame("frame-t1", "card-msg-2", "dt-1007", "受理 P1"));
    ASSERT_TRUE(dingtalk.wait_for(1, 20s)) << bot.log();
    gateway.push(card_press_frame("press-1", biz, "dt-1007", {accept_id}));
    ASSERT_TRUE(dingtalk.wait_for(2, 20s)) << bot.log();
    auto texts = dingtalk.texts();
    EXPECT_NE(texts[0].find("只有打单部可以受理 P1"), std::string::npos) << texts[0];
    EXPECT_EQ(texts[1], texts[0]);

    // A press naming a button the card never had (another card's id, a made-up one): ACKed, ignored.
    const auto foreign = adapters::dingtalk_card_action_id(app_secret, "cb-outbox-999", "受理 P1");
    gateway.push(card_press_frame("press-2", biz, "dt-1006", {foreign, "button_1646816888257"}));
    ASSERT_TRUE(eventually([&] { return acked(gateway, "press-2"); })) << bot.log();

    // 周敏 (打单部) presses 受理: accepted as her command.
    gateway.push(card_press_frame("press-3", biz, "dt-1006", {accept_id}));
    ASSERT_TRUE(dingtalk.wait_for(3, 20s)) << bot.log();
    texts = dingtalk.texts();
    EXPECT_NE(texts[2].find("P1 已由周敏受理"), std::string::npos) << texts[2];
    ASSERT_TRUE(eventually([&] { return acked(gateway, "press-3"); })) << bot.log();
    // The same press redelivered (same frame id): nothing new.
    gateway.push(card_press_frame("press-3", biz, "dt-1006", {accept_id}));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(dingtalk.count(), 3u) << dingtalk.texts().back();
    EXPECT_EQ(gateway.cards().size(), 1u);

    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    const auto log = bot.log();
    for (const auto& secret : {app_secret, robot_secret, robot_token, std::string("fake-dt-access-1")})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log";
}
