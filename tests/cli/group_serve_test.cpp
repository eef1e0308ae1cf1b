// `complaint-bot serve` of a group of companies (examples/group.yaml) as a real process: 华东 and
// 华南 behind one port, each chat's callbacks registered in its own company's database and answered
// through its own chat's robot; nothing crosses over; a conversation nobody owns changes nothing.
// Then what the group hears of: an escalation at or above escalate_from_level copied to the group
// chat, and the monthly roll-up posted there once.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <thread>

#include "core/time.hpp"
#include "storage/database.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "tests/cli/group_bot.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;
using namespace group_fixture;

TEST(GroupServe, EachCompanysChatRegistersInItsOwnDatabaseAndIsAnsweredThroughItsOwnRobot) {
    group_robots robots;
    group_bot g(robots);
    auto& bot = *g.bot;
    ASSERT_TRUE(bot.start()) << bot.log();

    EXPECT_EQ(callback_in(bot, "cidHuaDong01==", "hd-msg-1", "dt-1002", huadong_complaint), 200);
    ASSERT_TRUE(robots.huadong.wait_for(1, 10s)) << bot.log();
    EXPECT_EQ(callback_in(bot, "cidHuaNan01==", "hn-msg-1", "hn-2002", huanan_complaint), 200);
    ASSERT_TRUE(robots.huanan.wait_for(1, 10s)) << bot.log();
    // A conversation nobody owns: acknowledged, nothing registered, nothing posted, its id logged.
    EXPECT_EQ(callback_in(bot, "cidStranger99==", "x-msg-1", "dt-1002", huadong_complaint), 200);
    // The group centre's own chat takes no complaints.
    EXPECT_EQ(callback_in(bot, "cidJiTuan01==", "jt-msg-1", "jt-9001", huadong_complaint), 200);
    std::this_thread::sleep_for(500ms);

    auto hd = robots.huadong.posts();
    ASSERT_EQ(hd.size(), 1u);
    EXPECT_NE(text_of(hd[0]).find("已登记产品质量投诉 P1"), std::string::npos) << text_of(hd[0]);
    EXPECT_EQ(hd[0]["at"]["atUserIds"], (json::array({"dt-1005", "dt-1006"})));  // 华东's 打单部
    auto hn = robots.huanan.posts();
    ASSERT_EQ(hn.size(), 1u);
    EXPECT_NE(text_of(hn[0]).find("已登记产品质量投诉 P1"), std::string::npos) << text_of(hn[0]);
    EXPECT_EQ(hn[0]["at"]["atUserIds"], (json::array({"hn-2003", "hn-2004"})));  // 华南's 跟单部
    EXPECT_TRUE(robots.centre.posts().empty());
    EXPECT_EQ(robots.huadong.bad_signatures() + robots.huanan.bad_signatures(), 0);
    EXPECT_NE(bot.log().find("cidStranger99=="), std::string::npos) << bot.log();

    // /healthz and /metrics name both companies.
    auto health = json::parse(bot.healthz().body);
    EXPECT_EQ(health["status"], "ok") << health.dump();
    EXPECT_TRUE(health["companies"].contains("huadong") && health["companies"].contains("huanan"));
    auto metrics = bot.request(http::verb::get, "/metrics").body;
    EXPECT_NE(metrics.find("complaint_bot_open_complaints{company=\"huadong\",stage=\"accept\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("complaint_bot_open_complaints{company=\"huanan\",stage=\"accept\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_EQ(bot.stop(), 0) << bot.log();

    storage::database huadong(g.huadong_db().string()), huanan(g.huanan_db().string());
    EXPECT_EQ(huadong.complaint_count(), 1);
    EXPECT_EQ(huanan.complaint_count(), 1);
    EXPECT_EQ(huadong.inbound_count(), 1);  // nothing of the stranger's, nor the group chat's
    EXPECT_EQ(huanan.inbound_count(), 1);
    auto p1 = huadong.load_complaint("P1");
    ASSERT_TRUE(p1);
    EXPECT_NE(p1->field("客户名称")->find("杭州万达"), std::string::npos);
    auto q1 = huanan.load_complaint("P1");
    ASSERT_TRUE(q1);
    EXPECT_NE(q1->field("客户名称")->find("佛山顺德"), std::string::npos);
}

// 华东's 受理 escalates to its general managers 30 minutes after the miss (level 2, which the group
// hears of): the bot, down over it, fires it when it starts again; the copy reaches the group
// chat's robot with 【华东】 and the centre's members @-mentioned, 华南's robot nothing.
TEST(GroupServe, AnEscalationTheGroupHearsOfReachesTheGroupChat) {
    group_robots robots;
    const std::string workflow =
        "workflow:\n  stages:\n    accept: { due: 5m, escalation: [ { after: 0m, notify: head }, "
        "{ after: 30m, notify: general_manager } ] }\n";
    group_bot g(robots, workflow);
    ASSERT_TRUE(g.bot->start()) << g.bot->log();
    EXPECT_EQ(callback_in(*g.bot, "cidHuaDong01==", "hd-msg-1", "dt-1002", huadong_complaint), 200);
    ASSERT_TRUE(robots.huadong.wait_for(1, 10s)) << g.bot->log();
    EXPECT_EQ(g.bot->stop(), 0);
    EXPECT_TRUE(robots.centre.posts().empty());

    // 40 minutes on (the robots take a signature within the hour): the miss (level 1: 华东's chat
    // alone) and level 2 are overdue.
    auto later = std::chrono::system_clock::now() + 40min;
    g.make({"--clock-from",
            core::zone("Asia/Shanghai").iso(std::chrono::time_point_cast<core::duration>(later))});
    ASSERT_TRUE(g.bot->start()) << g.bot->log();
    ASSERT_TRUE(robots.centre.wait_for(1, 10s)) << g.bot->log();
    std::this_thread::sleep_for(500ms);
    auto centre = robots.centre.posts();
    ASSERT_EQ(centre.size(), 1u);
    auto text = text_of(centre[0]);
    EXPECT_EQ(text.rfind("【华东】⏫ P1 受理已超时", 0), 0u) << text;
    EXPECT_NE(text.find("打单部仍未处理，升级提醒：王总、丁小玲\n@jt-9001 @jt-9002 @dt-1017"),
              std::string::npos)
        << text;  // the centre: 周杰 吴敏 王总
    EXPECT_EQ(centre[0]["at"]["atUserIds"], (json::array({"jt-9001", "jt-9002", "dt-1017"})));
    bool level_two_own = false;
    for (const auto& t : robots.huadong.texts())
        level_two_own = level_two_own || t.rfind("⏫ P1 受理已超时", 0) == 0;
    EXPECT_TRUE(level_two_own);
    EXPECT_TRUE(robots.huanan.posts().empty());
    EXPECT_EQ(g.bot->stop(), 0);
}

// The roll-up's moment passed while the bot was down (its record in the first company's database
// says so): at the start the month's roll-up goes to the group chat's robot, once; a restart posts
// nothing more.
TEST(GroupServe, TheMonthlyRollupReachesTheGroupChatOnceAcrossRestarts) {
    group_robots robots;
    group_bot g(robots);
    {
        storage::database first(g.huadong_db().string());
        auto due = std::chrono::time_point_cast<core::duration>(std::chrono::system_clock::now()) - 1min;
        first.set_meta("group_rollup_next", std::to_string(due.time_since_epoch().count()));
    }
    ASSERT_TRUE(g.bot->start()) << g.bot->log();
    ASSERT_TRUE(robots.centre.wait_for(1, 10s)) << g.bot->log();
    auto post = robots.centre.posts()[0];
    EXPECT_EQ(text_of(post).rfind("📊 集团客诉月报 ", 0), 0u) << text_of(post);
    EXPECT_NE(text_of(post).find("\n1. 华东：投诉 0 件"), std::string::npos) << text_of(post);
    EXPECT_NE(text_of(post).find("\n2. 华南：投诉 0 件"), std::string::npos) << text_of(post);
    EXPECT_EQ(post["at"]["atUserIds"], (json::array({"jt-9001", "jt-9002", "dt-1017"})));
    EXPECT_EQ(g.bot->stop(), 0);

    g.make({});
    ASSERT_TRUE(g.bot->start()) << g.bot->log();
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(robots.centre.count(), 1u);
    EXPECT_EQ(g.bot->stop(), 0);
}
