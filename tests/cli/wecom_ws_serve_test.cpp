// `complaint-bot serve` with platforms.wecom in websocket mode against the fake WeCom long-connection
// server: the bot subscribes with its BotID and Secret from the environment, a complaint pushed as a
// callback is registered and its receipt comes back as aibot_respond_msg on the callback's req_id
// with real <@userid> mentions; a command from the order desk is answered the same way; no secret
// reaches the log.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <csignal>
#include <thread>

#include "support/bot_process.hpp"
#include "support/wecom_ws_server.hpp"

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string bot_id = "aib-serve-test";
const std::string bot_secret = "wecomWsSecret-5e8b1c";

const std::string complaint =
    "@投诉机器人 "
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2020年11月23日8时55分";

json group_text(const std::string& msgid, const std::string& userid, const std::string& text) {
    return {{"msgid", msgid},
            {"aibotid", bot_id},
            {"chatid", "wrkGROUP01"},
            {"chattype", "group"},
            {"from", {{"userid", userid}}},
            {"msgtype", "text"},
            {"text", {{"content", text}}}};
}

std::vector<fake::wecom_ws_server::frame> responds(fake::threaded_wecom_ws_server& server) {
    std::vector<fake::wecom_ws_server::frame> out;
    for (auto& f : server.server().frames())
        if (f.cmd == "aibot_respond_msg") out.push_back(f);
    return out;
}

}  // namespace

TEST(ServeWecomWebsocket, AComplaintPushedInIsAnsweredOnItsReqIdWithMentions) {
    test_support::temp_dir dir;
    fake::threaded_wecom_ws_server server(bot_id, bot_secret);
    fake::bot_process bot(
        dir / "bot.db",
        {"platforms:\n  wecom: { mode: websocket, bot_id_env: W_BOT_ID, secret_env: W_BOT_SECRET, "
         "gateway: \"" +
             server.url() +
             "\", bot_name: 投诉机器人 }\n"
             "chats:\n  - { id: group, platform: wecom, conversation: wrkGROUP01 }\n",
         {{"W_BOT_ID", bot_id}, {"W_BOT_SECRET", bot_secret}},
         {}});
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_TRUE(loopback::eventually([&] { return server.live(); }, 20s)) << bot.log();

    ASSERT_TRUE(server.push_message("req-cb-1", group_text("wx-msg-1", "ZhangSan", complaint)));
    ASSERT_TRUE(loopback::eventually([&] { return responds(server).size() == 1; }, 20s)) << bot.log();
    auto receipt = responds(server)[0];
    EXPECT_EQ(receipt.req_id, "req-cb-1");
    EXPECT_EQ(receipt.errcode, 0);
    EXPECT_EQ(receipt.body["msgtype"], "markdown");
    auto text = receipt.body["markdown"]["content"].get<std::string>();
    EXPECT_NE(text.find("已登记产品质量投诉 P1"), std::string::npos) << text;
    EXPECT_NE(text.find("<@LiSi> <@ZhouMin>"), std::string::npos) << text;  // 李四, 周敏 as WeCom userids

    // The same callback again is a duplicate; the order desk's 受理 is answered on its own req_id.
    ASSERT_TRUE(server.push_message("req-cb-1b", group_text("wx-msg-1", "ZhangSan", complaint)));
    ASSERT_TRUE(server.push_message("req-cb-2", group_text("wx-msg-2", "ZhouMin", "@投诉机器人 受理 P1")));
    ASSERT_TRUE(loopback::eventually([&] { return responds(server).size() == 2; }, 20s)) << bot.log();
    std::this_thread::sleep_for(300ms);
    auto all = responds(server);
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].req_id, "req-cb-2");
    EXPECT_NE(all[1].body["markdown"]["content"].get<std::string>().find("P1 已由周敏受理"),
              std::string::npos)
        << all[1].body.dump();
    EXPECT_EQ(server.server().bad_req_ids(), 0);
    EXPECT_EQ(server.server().violations(), 0);
    EXPECT_EQ(server.server().refused(), 0);

    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    auto log = bot.log();
    EXPECT_EQ(log.find(bot_secret), std::string::npos) << "secret in the log: " << log;
}
