// `complaint-bot serve` as a real process: a fake DingTalk on loopback that checks the custom
// robot's 加签 exactly as DingTalk does (timestamp within 1 h, sign = URL-encoded Base64 HMAC-SHA256),
// signed callbacks in, the receipt out with real @-mentions; SIGTERM stops it cleanly; SIGKILL
// between commit and delivery loses nothing and sends once after the restart; no secret in the log.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <random>
#include <thread>

#include "adapters/crypto.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "support/stream_gateway.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;

namespace {

const std::string complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2020年11月23日8时55分";

}  // namespace

TEST(Serve, SignedCallbackRegistersAndTheReceiptReachesDingtalkWithMentions) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    bot_process bot(dir / "bot.db", dingtalk_http(dingtalk.url()));
    ASSERT_TRUE(bot.start()) << bot.log();
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    ASSERT_TRUE(dingtalk.wait_for(1, 10s)) << bot.log();
    auto post = dingtalk.posts()[0];
    auto text = post["text"]["content"].get<std::string>();
    EXPECT_NE(text.find("已登记产品质量投诉 P1"), std::string::npos) << text;
    EXPECT_NE(text.find("@dt-1005 @dt-1006"), std::string::npos) << text;  // 李四, 周敏 as DingTalk user ids
    EXPECT_EQ(post["at"]["atUserIds"], (json::array({"dt-1005", "dt-1006"})));
    EXPECT_EQ(dingtalk.bad_signatures(), 0);

    // The same message again (DingTalk redelivers): 200, nothing new.
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    // Wrong signature, stale timestamp: refused, nothing happens.
    EXPECT_EQ(bot.callback("msg-2", "dt-1002", complaint, 10s, "SECwrong"), 401);
    EXPECT_EQ(bot.callback("msg-3", "dt-1002", complaint, 10s, app_secret, 3'700'000), 401);
    // A command from the order desk is answered.
    EXPECT_EQ(bot.callback("msg-4", "dt-1006", "受理 P1"), 200);
    ASSERT_TRUE(dingtalk.wait_for(2, 10s));
    std::this_thread::sleep_for(300ms);
    auto all = dingtalk.posts();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_NE(all[1]["text"]["content"].get<std::string>().find("P1 已由周敏受理"), std::string::npos);

    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    // Secrets never reach the log.
    auto log = bot.log();
    for (const auto& secret : {app_secret, robot_secret, robot_token})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << log;
}

TEST(Serve, KilledBetweenCommitAndDeliveryDeliversOnceAfterRestart) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    dingtalk.set_mode(
        dingtalk_robot::mode::fail_500);  // the platform answers 500: the receipt stays in the outbox
    bot_process bot(dir / "bot.db", dingtalk_http(dingtalk.url()));
    ASSERT_TRUE(bot.start()) << bot.log();
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    std::this_thread::sleep_for(500ms);
    bot.proc().signal(SIGKILL);
    bot.proc().wait(5s);
    EXPECT_TRUE(dingtalk.posts().empty());

    dingtalk.set_mode(dingtalk_robot::mode::ok);
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_TRUE(dingtalk.wait_for(1, 15s)) << bot.log();
    std::this_thread::sleep_for(500ms);
    auto all = dingtalk.posts();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_NE(all[0]["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"), std::string::npos);
    // The redelivered callback after the crash is still a duplicate.
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(dingtalk.posts().size(), 1u);
}

TEST(Serve, RefusesToStartWithoutItsSecrets) {
    test_support::temp_dir dir;
    bot_process bot(dir / "bot.db", dingtalk_http("https://oapi.dingtalk.com/robot/send?access_token=x"));
    bot.env() = {{"T_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=x"}};
    bot.launch();
    EXPECT_EQ(bot.proc().wait(10s), 2);
    EXPECT_NE(bot.log().find("environment variable T_APP_SECRET"), std::string::npos) << bot.log();
}

TEST(Serve, WecomUrlVerificationAndAnEncryptedCallback) {
    test_support::temp_dir dir;
    wecom_webhook webhook;
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  wecom: { token_env: W_TOKEN, aes_key_env: W_AES_KEY, webhook_env: W_WEBHOOK }\n"
         "chats:\n  - { id: group, platform: wecom }\n",
         {{"W_TOKEN", wecom_token}, {"W_AES_KEY", wecom_aes_key}, {"W_WEBHOOK", webhook.url()}},
         {}});
    ASSERT_TRUE(bot.start()) << bot.log();
    adapters::crypto::msg_crypt crypt(wecom_token, wecom_aes_key);
    auto ts = std::to_string(now_ms() / 1000);
    const std::string nonce = "1372623149";

    // URL verification: the bare plaintext echo within the request.
    auto echo = crypt.encrypt("4523851186389571234", "", "0123456789abcdef");
    auto target = "/hooks/wecom?msg_signature=" + crypt.signature(ts, nonce, echo) + "&timestamp=" + ts +
                  "&nonce=" + nonce + "&echostr=" + adapters::crypto::url_encode(echo);
    auto verified = bot.request(http::verb::get, target);
    EXPECT_EQ(verified.status, 200);
    EXPECT_EQ(verified.body, "4523851186389571234");

    // An AI-bot callback with a complaint, encrypted and signed as WeCom does.
    json msg = {{"msgid", "wecom-msg-1"},
                {"aibotid", "aib-1"},
                {"chatid", "wrkGROUP"},
                {"chattype", "group"},
                {"from", {{"userid", "ZhangSan"}}},
                {"msgtype", "text"},
                {"text", {{"content", "@投诉机器人 " + complaint}}}};
    auto enc = crypt.encrypt(msg.dump(), "", "fedcba9876543210");
    auto post_target = "/hooks/wecom?msg_signature=" + crypt.signature(ts, nonce, enc) + "&timestamp=" + ts +
                       "&nonce=" + nonce;
    auto posted = bot.request(http::verb::post, post_target, json{{"encrypt", enc}}.dump());
    EXPECT_EQ(posted.status, 200) << posted.body;
    for (int i = 0; i < 500 && webhook.posts().empty(); ++i) std::this_thread::sleep_for(20ms);
    auto posts = webhook.posts();
    ASSERT_EQ(posts.size(), 1u) << bot.log();
    EXPECT_NE(posts[0]["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"),
              std::string::npos);
    EXPECT_EQ(posts[0]["text"]["mentioned_list"], (json::array({"LiSi", "ZhouMin"})));

    // A tampered signature changes nothing.
    auto bad_target =
        "/hooks/wecom?msg_signature=" + std::string(40, '0') + "&timestamp=" + ts + "&nonce=" + nonce;
    EXPECT_EQ(bot.request(http::verb::post, bad_target, json{{"encrypt", enc}}.dump()).status, 401);
    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0);
    auto log = bot.log();
    for (const auto& secret : {wecom_token, wecom_aes_key, wecom_key})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << log;
}

TEST(Serve, DingtalkStreamModeRegistersAComplaintAndAcksTheFrame) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    // A plain-ws Stream gateway: hands out a ticket to the app's credentials, pushes one robot
    // message frame and records the ACK.
    threaded_stream_gateway gateway("cid-7", app_secret, {robot_frame("frame-9", "stream-msg-1", complaint)});
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  dingtalk: { mode: stream, gateway: \"" + gateway.url() +
             "\", client_id_env: T_CLIENT_ID, client_secret_env: T_APP_SECRET, webhook_env: T_WEBHOOK, "
             "webhook_secret_env: T_WEBHOOK_SECRET }\n"
             "chats:\n  - { id: group, platform: dingtalk }\n",
         {{"T_CLIENT_ID", "cid-7"},
          {"T_APP_SECRET", app_secret},
          {"T_WEBHOOK", dingtalk.url()},
          {"T_WEBHOOK_SECRET", robot_secret}},
         {}});
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_TRUE(dingtalk.wait_for(1, 10s)) << bot.log();
    EXPECT_NE(dingtalk.posts()[0]["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"),
              std::string::npos);
    for (int i = 0; i < 200 && gateway.acks().empty(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(gateway.acks().size(), 1u);
    EXPECT_EQ(json::parse(gateway.acks()[0])["headers"]["messageId"], "frame-9");
    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
}

// Fault: the bot SIGKILLed ten times at random while complaints arrive over DingTalk Stream; each
// new connection gets every frame again (DingTalk redelivers what was not ACKed, and sometimes what
// was). Every complaint is registered exactly once, the last connection ACKs all of them.
TEST(Serve, DingtalkStreamKilledAtRandomLosesNothingAndRegistersEachOnce) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    constexpr int frames = 10;
    std::vector<std::string> script;
    for (int i = 0; i < frames; ++i) {
        auto text = complaint;
        text.replace(text.find("华东五金有限公司"), std::string("华东五金有限公司").size(),
                     "客户丁" + std::to_string(i));
        script.push_back(
            robot_frame("frame-k" + std::to_string(i), "stream-kill-" + std::to_string(i), text));
    }
    threaded_stream_gateway gateway("cid-7", app_secret, script);
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  dingtalk: { mode: stream, gateway: \"" + gateway.url() +
             "\", client_id_env: T_CLIENT_ID, client_secret_env: T_APP_SECRET, webhook_env: T_WEBHOOK, "
             "webhook_secret_env: T_WEBHOOK_SECRET, per_minute: 100000 }\n"
             "chats:\n  - { id: group, platform: dingtalk }\n",
         {{"T_CLIENT_ID", "cid-7"},
          {"T_APP_SECRET", app_secret},
          {"T_WEBHOOK", dingtalk.url()},
          {"T_WEBHOOK_SECRET", robot_secret}},
         {}});
    std::mt19937 rng(std::random_device{}());
    for (int round = 0; round < 10; ++round) {
        const int before = gateway.connections();
        ASSERT_TRUE(bot.start()) << bot.log();
        for (int i = 0; i < 1000 && gateway.connections() == before; ++i) std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(rng)));
        bot.kill();
    }
    ASSERT_TRUE(bot.start()) << bot.log();
    for (int i = 0; i < 3000 && !gateway.done(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(gateway.done()) << "the last connection did not ACK every frame\n" << bot.log();
    bot.stop();
    storage::sql_console db((dir / "bot.db").string());
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM complaints"), frames);
    for (int i = 0; i < frames; ++i)
        EXPECT_EQ(
            db.scalar("SELECT COUNT(*) FROM inbound WHERE msg_id = 'stream-kill-" + std::to_string(i) + "'"),
            1);
}
