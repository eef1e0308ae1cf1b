// `complaint-bot serve` on a PostgreSQL database (`database: postgresql://…`), as a real process
// with a real PostgreSQL 15 (tests/support/pg_server) and the fake DingTalk robot: a signed
// complaint is registered in PostgreSQL and its receipt posted; a second serve on the database runs
// beside it and takes the same message as a duplicate; after SIGKILL and a restart a redelivered message is
// still a duplicate; with the server stopped under it, serve answers 503 and acknowledges nothing,
// and once the server is back the redelivery is registered once without restarting serve.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "support/pg_server.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;
using namespace fake;
using test_support::pg_server;

namespace {

// A product complaint told apart by its customer ("客户<tag>").
std::string complaint(const std::string& tag) {
    return "产品质量投诉\n投诉人：张三\n客户名称：客户" + tag +
           "\n发货日期：2020年11月18日\n品牌：金虎\n规格及数量：M8×40 镀锌螺栓 200盒\n"
           "产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n投诉时间：2020年11月23日8时55分";
}

// SQL over the URL, on a connection of the test's own.
std::int64_t pg_count(const std::string& url, const std::string& sql) {
    storage::database db(url);
    return storage::sql_console(db).scalar(sql);
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// How many of the robot's posts hold `needle`.
std::size_t posts_with(dingtalk_robot& robot, const std::string& needle) {
    std::size_t n = 0;
    for (const auto& t : robot.texts()) n += has(t, needle);
    return n;
}

// Waits (bounded) until `f` holds.
template <class F>
bool eventually(F&& f, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (f()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return f();
}

}  // namespace

TEST(PgServe, RegistersInPostgresqlSharesTheDatabaseWithASecondServeAndSurvivesSigkill) {
    const auto url = pg_server::shared().create_database("pg_serve");
    dingtalk_robot dingtalk;
    bot_process bot(url, dingtalk_http(dingtalk.url()));
    ASSERT_TRUE(bot.start(60s)) << bot.log();
    EXPECT_TRUE(has(bot.log(), "(database " + url + ")")) << bot.log();

    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint("甲"), 30s), 200) << bot.log();
    ASSERT_TRUE(dingtalk.wait_for(1, 30s)) << bot.log();
    EXPECT_TRUE(has(dingtalk.texts().at(0), "已登记产品质量投诉 P1")) << dingtalk.texts().at(0);
    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM complaints WHERE id = 'P1' AND status = 'open'"), 1);
    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM inbound WHERE platform = 'dingtalk' AND msg_id = 'msg-1'"),
              1);
    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'"), 1);

    // A second serve on the same database (another port) runs beside it: the same callback reaching
    // it is a duplicate, a new one is registered as P2 there, and its receipt reaches the robot.
    {
        bot_process second(url, dingtalk_http(dingtalk.url()), "second");
        ASSERT_TRUE(second.start(60s)) << second.log();
        EXPECT_EQ(second.callback("msg-1", "dt-1002", complaint("甲"), 30s), 200) << second.log();
        EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM complaints"), 1);
        EXPECT_EQ(second.callback("msg-1b", "dt-1002", complaint("丙"), 30s), 200) << second.log();
        ASSERT_TRUE(dingtalk.wait_for(2, 30s)) << second.log();
        EXPECT_EQ(posts_with(dingtalk, "已登记产品质量投诉 P2"), 1u);
        EXPECT_EQ(bot.healthz().status, 200);
        EXPECT_EQ(second.stop(), 0) << second.log();
    }

    // SIGKILL, restart, the same message again.
    bot.kill();
    ASSERT_TRUE(bot.start(60s)) << bot.log();
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint("甲"), 30s), 200) << bot.log();
    // A new message after it, to know the redelivery was handled before it.
    EXPECT_EQ(bot.callback("msg-2", "dt-1002", complaint("乙"), 30s), 200) << bot.log();
    ASSERT_TRUE(dingtalk.wait_for(3, 30s)) << bot.log();
    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM complaints"), 3);
    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM inbound WHERE msg_id = 'msg-1'"), 1);
    EXPECT_EQ(posts_with(dingtalk, "已登记产品质量投诉 P1"), 1u);
    EXPECT_EQ(posts_with(dingtalk, "已登记产品质量投诉 P2"), 1u);
    EXPECT_EQ(posts_with(dingtalk, "已登记产品质量投诉 P3"), 1u);
    EXPECT_EQ(bot.stop(), 0) << bot.log();

    std::string audit;
    EXPECT_EQ(test_support::run_command(std::string(BOT_BINARY) + " audit verify --db " + url, audit), 0)
        << audit;
}

TEST(PgServe, TheServerStoppedUnderServeGets503sAndTheRedeliveryIsRegisteredOnceAfterIt) {
    pg_server own;  // this test's own server: it is stopped and started
    const auto url = own.create_database("outage");
    dingtalk_robot dingtalk;
    bot_process bot(url, dingtalk_http(dingtalk.url()));
    ASSERT_TRUE(bot.start(60s)) << bot.log();
    ASSERT_EQ(bot.callback("msg-1", "dt-1002", complaint("甲"), 30s), 200) << bot.log();
    ASSERT_TRUE(dingtalk.wait_for(1, 30s)) << bot.log();

    own.stop();
    // During the outage: not acknowledged (DingTalk will deliver it again).
    for (int i = 0; i < 3; ++i) {
        const int status = bot.callback("msg-2", "dt-1002", complaint("乙"), 60s);
        EXPECT_EQ(status, 503) << bot.log();
    }
    EXPECT_NE(bot.healthz().status, 200);
    EXPECT_TRUE(bot.proc().running()) << bot.log();
    EXPECT_EQ(dingtalk.count(), 1u);  // no receipt for what was not registered

    own.start();
    // DingTalk redelivers until it gets a 2xx: the first ones may still meet the lost connection.
    int status = 0;
    const bool accepted = eventually(
        [&] {
            status = bot.callback("msg-2", "dt-1002", complaint("乙"), 60s);
            EXPECT_TRUE(status == 200 || status == 503) << status;
            return status == 200;
        },
        120s);
    ASSERT_TRUE(accepted) << "serve did not recover without a restart; last status " << status << "\n"
                          << bot.log();
    ASSERT_TRUE(dingtalk.wait_for(2, 60s)) << bot.log();
    EXPECT_EQ(bot.callback("msg-2", "dt-1002", complaint("乙"), 30s), 200);
    EXPECT_TRUE(eventually([&] { return bot.healthz().status == 200; }, 60s)) << bot.health_text();

    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM complaints"), 2);
    EXPECT_EQ(pg_count(url, "SELECT COUNT(*) FROM inbound WHERE msg_id = 'msg-2'"), 1);
    EXPECT_EQ(posts_with(dingtalk, "已登记产品质量投诉 P2"), 1u);
    EXPECT_EQ(posts_with(dingtalk, "已登记产品质量投诉 P3"), 0u);

    EXPECT_EQ(bot.stop(), 0) << bot.log();
}
