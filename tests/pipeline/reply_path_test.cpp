// The robot people @ answers (issue: "the robot people @ answers"): the real `complaint-bot serve`
// with DingTalk in HTTP mode answers a message through the sessionWebhook that came with it — real
// @-mentions, no second robot — and falls back to the group's custom robot once DingTalk says the
// session is gone (300001). Posts nobody's message asked for go through the custom robot.
#include <gtest/gtest.h>

#include "support/fault_support.hpp"

using namespace fault;

namespace {

std::vector<std::string> at_ids(const json& post) {
    std::vector<std::string> out;
    if (post.contains("at") && post["at"].contains("atUserIds"))
        for (const auto& id : post["at"]["atUserIds"]) out.push_back(id.get<std::string>());
    return out;
}

int send(bot_process& bot, const std::string& body) {
    return bot.request(http::verb::post, "/hooks/dingtalk", body, callback_headers()).status;
}

TEST(ReplyPath, TheReceiptGoesBackThroughTheMessagesSessionWebhookWithRealMentions) {
    memory_dir dir;
    fake_robot robot;
    robot.open_session("s1");
    bot_process bot(dir / "bot.db", robot.url());
    ASSERT_TRUE(bot.start());
    ASSERT_EQ(send(bot, callback_body("rp-1", "dt-1002", complaint_text("会话"), robot.session_url("s1"))),
              200);
    ASSERT_TRUE(eventually([&] { return !robot.session_posts("s1").empty(); }, 10s)) << bot.log();
    auto post = robot.session_posts("s1").front();
    EXPECT_NE(post["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"), std::string::npos)
        << post.dump();
    // The order desk (李四 dt-1005, 周敏 dt-1006) is @-ed for real.
    auto ids = at_ids(post);
    EXPECT_NE(std::find(ids.begin(), ids.end(), "dt-1005"), ids.end()) << post.dump();
    EXPECT_NE(std::find(ids.begin(), ids.end(), "dt-1006"), ids.end()) << post.dump();
    EXPECT_EQ(robot.count(), 0U) << "the receipt also went through the custom robot";
    EXPECT_EQ(count(dir / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'sent'"), 1);
    bot.stop();
    EXPECT_EQ(bot.log().find("sendBySession?session=s1"), std::string::npos) << "the session URL was logged";
}

TEST(ReplyPath, AnExpiredSessionFallsBackToTheGroupRobotOnceAndLosesNothing) {
    memory_dir dir;
    fake_robot robot;  // no session open: DingTalk answers 300001
    bot_process bot(dir / "bot.db", robot.url());
    ASSERT_TRUE(bot.start());
    ASSERT_EQ(send(bot, callback_body("rp-2", "dt-1002", complaint_text("过期"), robot.session_url("old"))),
              200);
    ASSERT_TRUE(robot.wait_for(1, 10s)) << bot.log();
    EXPECT_EQ(robot.closed_session_hits(), 1);
    EXPECT_NE(robot.texts().front().find("已登记产品质量投诉 P1"), std::string::npos);
    EXPECT_EQ(at_ids(robot.posts().front()).empty(), false);
    EXPECT_EQ(count(dir / "bot.db", "SELECT attempts FROM outbox"), 0)
        << "the fallback counted as a failed try";
    // A later message carrying the same dead session: tried once, refused, then the robot.
    ASSERT_EQ(send(bot, callback_body("rp-3", "dt-1002", "查询 P1", robot.session_url("old"))), 200);
    ASSERT_TRUE(robot.wait_for(2, 10s)) << bot.log();
    EXPECT_EQ(robot.closed_session_hits(), 2);
    EXPECT_EQ(count(dir / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'sent'"), 2);
    auto metrics = bot.request(http::verb::get, "/metrics").body;
    EXPECT_NE(metrics.find("complaint_bot_outbox_reply_fallbacks_total 2"), std::string::npos) << metrics;
    EXPECT_NE(metrics.find("complaint_bot_outbox_replies_total 0"), std::string::npos) << metrics;
}

}  // namespace
