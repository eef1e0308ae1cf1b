// DingTalk's encrypted event subscription through the real `complaint-bot serve`
// (/hooks/dingtalk/events): the console's check_url is answered with the encrypted "success"; a
// department head leaving warns HR in the group (once, however often DingTalk pushes the event);
// someone with nothing open leaving is answered and posts nothing; a forged call is refused.
#include <gtest/gtest.h>

#include "adapters/crypto.hpp"
#include "support/fault_support.hpp"

using namespace fault;

namespace {

const std::string events_token = "evTestToken77";
const std::string events_key = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";
const std::string app_key = "dingTestAppKey01";

bot_setup with_events(const std::string& robot_url) {
    auto s = dingtalk_http(robot_url);
    auto pos = s.yaml.find(" }\n");
    s.yaml.insert(
        pos, ", events_token_env: T_EV_TOKEN, events_aes_key_env: T_EV_KEY, events_receive_id: " + app_key);
    s.env.push_back({"T_EV_TOKEN", events_token});
    s.env.push_back({"T_EV_KEY", events_key});
    return s;
}

loopback::reply push(bot_process& bot, const std::string& plain, const std::string& receive_id = app_key) {
    adapters::crypto::msg_crypt crypt(events_token, events_key);
    auto enc = crypt.encrypt(plain, receive_id, adapters::crypto::random_prefix());
    auto ts = std::to_string(now_ms());
    const std::string nonce = "n0nce42";
    return bot.request(http::verb::post,
                       "/hooks/dingtalk/events?signature=" + crypt.signature(ts, nonce, enc) +
                           "&timestamp=" + ts + "&nonce=" + nonce,
                       json{{"encrypt", enc}}.dump(), {{"Content-Type", "application/json"}});
}

std::string opened(const loopback::reply& r) {
    adapters::crypto::msg_crypt crypt(events_token, events_key);
    auto body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.contains("encrypt")) return "(not an encrypted answer: " + r.body + ")";
    auto plain = crypt.decrypt(body["encrypt"].get<std::string>());
    return plain ? plain->msg : "(undecryptable)";
}

TEST(StaffEvents, CheckUrlAndAHeadLeavingWarnHrOnceThroughTheLiveHook) {
    memory_dir dir;
    fake_robot robot;
    bot_process bot(dir / "bot.db", with_events(robot.url()));
    ASSERT_TRUE(bot.start()) << bot.log();

    auto check = push(bot, R"({"EventType":"check_url"})");
    EXPECT_EQ(check.status, 200) << check.body;
    EXPECT_EQ(opened(check), "success");

    // 李四 (dt-1005) heads 打单部; a complaint is open and waits for 打单部's 受理.
    ASSERT_EQ(bot.request(http::verb::post, "/hooks/dingtalk",
                          callback_body("se-1", "dt-1002", complaint_text("离职")), callback_headers())
                  .status,
              200);
    ASSERT_TRUE(robot.wait_for(1, 10s)) << bot.log();
    const std::string leave = R"({"EventType":"user_leave_org","UserId":["dt-1005"],"eventId":"ev-1"})";
    auto r = push(bot, leave);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(opened(r), "success");
    ASSERT_TRUE(robot.wait_for(2, 10s)) << bot.log();
    auto warning = robot.texts().back();
    EXPECT_NE(warning.find("李四（打单部）已离职"), std::string::npos) << warning;
    EXPECT_NE(warning.find("打单部负责人"), std::string::npos) << warning;
    EXPECT_NE(warning.find("P1"), std::string::npos) << warning;
    auto at = robot.posts().back()["at"]["atUserIds"];
    EXPECT_NE(std::find(at.begin(), at.end(), "dt-1007"), at.end())
        << robot.posts().back().dump();  // 王五, HR head

    // DingTalk pushes the same event again: answered, not posted twice.
    EXPECT_EQ(opened(push(bot, leave)), "success");
    // Someone with nothing open and no department to head: answered, nothing posted.
    EXPECT_EQ(opened(push(bot, R"({"EventType":"user_leave_org","UserId":["dt-1014"],"eventId":"ev-2"})")),
              "success");
    // A call encrypted for another app is refused and records nothing.
    auto forged =
        push(bot, R"({"EventType":"user_leave_org","UserId":["dt-1006"],"eventId":"ev-3"})", "dingOther");
    EXPECT_EQ(forged.status, 400);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(robot.count(), 2U) << "a repeated or forged event posted";
    EXPECT_EQ(count(dir / "bot.db", "SELECT COUNT(*) FROM inbound WHERE msg_id LIKE 'event:%'"), 2);
    bot.stop();
    for (const auto& secret : {events_token, events_key})
        EXPECT_EQ(bot.log().find(secret), std::string::npos) << "a secret was logged";
}

}  // namespace
