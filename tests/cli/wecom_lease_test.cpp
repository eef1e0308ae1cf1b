// Two `serve` instances on one PostgreSQL database with WeCom's AI-bot long connection, which the
// platform allows once per bot: only the instance holding the lease connects (the fake server never
// has to kick one out), and when that instance is SIGKILLed the other connects within the lease's
// expiry (15 s) plus its 1 s retry — and the complaints pushed to it register as usual.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <thread>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/pg_server.hpp"
#include "support/wecom_ws_server.hpp"

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string bot_id = "aib-lease-test";
const std::string bot_secret = "wecomLeaseSecret-71d2a9";

json group_text(const std::string& msgid, const std::string& userid, const std::string& text) {
    return {{"msgid", msgid},
            {"aibotid", bot_id},
            {"chatid", "wrkGROUP01"},
            {"chattype", "group"},
            {"from", {{"userid", userid}}},
            {"msgtype", "text"},
            {"text", {{"content", text}}}};
}

fake::bot_setup wecom_ws(const std::string& gateway) {
    return {
        "platforms:\n  wecom: { mode: websocket, bot_id_env: W_BOT_ID, secret_env: W_BOT_SECRET, gateway: "
        "\"" +
            gateway +
            "\", bot_name: 投诉机器人 }\n"
            "chats:\n  - { id: group, platform: wecom, conversation: wrkGROUP01 }\n",
        {{"W_BOT_ID", bot_id}, {"W_BOT_SECRET", bot_secret}},
        {}};
}

}  // namespace

TEST(WecomLease, OnlyTheLeaseHolderConnectsAndTheOtherTakesOverAfterAKill) {
    const std::string url = test_support::pg_server::shared().create_database("wecom_lease");
    fake::threaded_wecom_ws_server server(bot_id, bot_secret);
    fake::bot_process a(url, wecom_ws(server.url()), "a");
    fake::bot_process b(url, wecom_ws(server.url()), "b");
    ASSERT_TRUE(a.start()) << a.log();
    ASSERT_TRUE(loopback::eventually([&] { return server.live(); }, 20s)) << a.log();
    ASSERT_TRUE(b.start()) << b.log();
    // B runs beside A for a while without connecting: A holds the lease and renews it.
    std::this_thread::sleep_for(8s);
    EXPECT_EQ(server.server().connections(), 1) << b.log();
    EXPECT_EQ(server.server().kicked(), 0);
    EXPECT_NE(a.log().find("opening the connection on this instance"), std::string::npos) << a.log();
    EXPECT_EQ(b.log().find("opening the connection on this instance"), std::string::npos) << b.log();

    // A dies without giving the lease up: B connects once it has expired.
    auto killed = std::chrono::steady_clock::now();
    a.kill();
    ASSERT_TRUE(
        loopback::eventually([&] { return server.server().connections() == 2 && server.live(); }, 40s))
        << b.log();
    auto took =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed);
    std::cout << "[ failover ] the other instance held the lease and was connected " << took.count()
              << " ms after the holder was killed (lease 15 s)\n";
    EXPECT_LE(took, 15s + 2s + 1s);  // (+1 s: this test's own polling of the fake)
    EXPECT_EQ(server.server().kicked(), 0) << "two connections were open at once";

    // Messages now reach B and register.
    const std::string complaint =
        "@投诉机器人 产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n"
        "品牌：金虎\n规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n"
        "客户要求：退货并补发合格品\n投诉时间：2020年11月23日8时55分";
    ASSERT_TRUE(server.push_message("req-lease-1", group_text("wx-lease-1", "ZhangSan", complaint)));
    storage::database check(url);
    ASSERT_TRUE(loopback::eventually(
        [&] { return storage::sql_console(check).scalar("SELECT COUNT(*) FROM complaints") == 1; }, 20s))
        << b.log();
    EXPECT_EQ(b.stop(), 0) << b.log();
}
