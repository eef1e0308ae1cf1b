// Every published protocol example goes through the live hooks of a running `complaint-bot serve`,
// byte for byte, not only through the library: the bot runs with its clock at the example's moment
// (serve --clock-from), configured with the example's token, key and receive id. WeCom's URL
// verifications answer the bare plaintext, its encrypted messages are taken (200); DingTalk's
// event-subscription examples are answered with the encrypted "success" the console expects.
// Slack's and Feishu's examples are in slack_serve_test.cpp and feishu_serve_test.cpp.
#include <gtest/gtest.h>

#include "adapters/crypto.hpp"
#include "support/fault_support.hpp"
#include "support/published_vectors.hpp"

using namespace fault;

namespace {

std::string iso_of_seconds(std::int64_t s) {
    std::time_t t = static_cast<std::time_t>(s);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

// A bot whose WeCom (or DingTalk event subscription) holds the sample's secrets.
bot_setup setup_for(const published::published_sample& s, bool dingtalk_event) {
    auto b = dingtalk_http("http://127.0.0.1:9/robot/send?access_token=unused");
    b.env.push_back({"T_V_TOKEN", s.token});
    b.env.push_back({"T_V_KEY", s.encoding_aes_key});
    if (dingtalk_event) {
        b.yaml.insert(b.yaml.find(" }\n"),
                      std::string(", events_token_env: T_V_TOKEN, events_aes_key_env: T_V_KEY, "
                                  "events_receive_id: ") +
                          s.receive_id);
    } else {
        b.yaml.insert(b.yaml.find("chats:"),
                      std::string("  wecom: { token_env: T_V_TOKEN, aes_key_env: T_V_KEY, "
                                  "receive_id: ") +
                          s.receive_id + ", webhook_env: T_WEBHOOK }\n");
    }
    std::string ts = s.timestamp;
    std::int64_t seconds = std::stoll(ts.size() > 11 ? ts.substr(0, ts.size() - 3) : ts);
    b.args = {"--clock-from", iso_of_seconds(seconds)};
    return b;
}

TEST(PublishedVectors, EveryMessageCryptSampleThroughTheLiveHooks) {
    for (const auto& s : published::samples) {
        SCOPED_TRACE(s.name);
        const std::string name = s.name;
        const bool dingtalk_event = name.rfind("dingtalk", 0) == 0;
        memory_dir dir;
        bot_process bot(dir / "bot.db", setup_for(s, dingtalk_event));
        ASSERT_TRUE(bot.start()) << bot.log();
        const std::string query = std::string("?msg_signature=") + s.msg_signature +
                                  "&timestamp=" + s.timestamp + "&nonce=" + s.nonce;
        if (dingtalk_event) {
            auto r =
                bot.request(http::verb::post,
                            std::string("/hooks/dingtalk/events?signature=") + s.msg_signature +
                                "&timestamp=" + s.timestamp + "&nonce=" + s.nonce,
                            json{{"encrypt", s.encrypted}}.dump(), {{"Content-Type", "application/json"}});
            ASSERT_EQ(r.status, 200) << r.body << bot.log();
            auto answer = json::parse(r.body);
            adapters::crypto::msg_crypt crypt(s.token, s.encoding_aes_key);
            EXPECT_TRUE(crypt.verify(
                answer["msg_signature"].get<std::string>(), answer["timeStamp"].get<std::string>(),
                answer["nonce"].get<std::string>(), answer["encrypt"].get<std::string>()));
            auto plain = crypt.decrypt(answer["encrypt"].get<std::string>());
            ASSERT_TRUE(plain);
            EXPECT_EQ(plain->msg, "success");
            EXPECT_EQ(plain->receive_id, s.receive_id);
        } else if (name.find("url verify") != std::string::npos) {
            auto r =
                bot.request(http::verb::get,
                            "/hooks/wecom" + query + "&echostr=" + adapters::crypto::url_encode(s.encrypted));
            EXPECT_EQ(r.status, 200) << bot.log();
            EXPECT_EQ(r.body, s.msg);
        } else {
            const bool xml = name.find("xml") != std::string::npos;
            auto body = xml ? std::string("<xml><ToUserName><![CDATA[") + s.receive_id +
                                  "]]></ToUserName><Encrypt><![CDATA[" + s.encrypted + "]]></Encrypt></xml>"
                            : json{{"encrypt", s.encrypted}}.dump();
            auto r = bot.request(http::verb::post, "/hooks/wecom" + query, body,
                                 {{"Content-Type", xml ? "text/xml" : "application/json"}});
            EXPECT_EQ(r.status, 200) << r.body << bot.log();
            // A forged copy (one signature digit changed) is refused on the same live hook.
            std::string forged = query;
            forged[forged.find('=') + 1] = forged[forged.find('=') + 1] == 'a' ? 'b' : 'a';
            EXPECT_EQ(bot.request(http::verb::post, "/hooks/wecom" + forged, body).status, 401);
        }
        bot.stop();
    }
}

}  // namespace

namespace {

// [V:dingtalk-robot-inbound-sign]: DingTalk's receive-message example (timestamp 1577262236757,
// secret "this is a secret") on the live /hooks/dingtalk at that moment: taken; the same headers a
// second past the hour's window are refused.
TEST(PublishedVectors, DingtalksInboundSignExampleThroughTheLiveHook) {
    const std::map<std::string, std::string> headers{{"timestamp", "1577262236757"},
                                                     {"sign", "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="},
                                                     {"Content-Type", "application/json"}};
    const auto body = callback_body("vector-1", "dt-1002", "帮助");
    for (const auto& [clock, status] :
         {std::pair{"2019-12-25T08:23:57Z", 200}, std::pair{"2019-12-25T09:23:58Z", 401}}) {
        SCOPED_TRACE(clock);
        memory_dir dir;
        auto setup = dingtalk_http("http://127.0.0.1:9/robot/send?access_token=unused");
        for (auto& [k, v] : setup.env)
            if (k == "T_APP_SECRET") v = "this is a secret";
        setup.args = {"--clock-from", clock};
        bot_process bot(dir / "bot.db", setup);
        ASSERT_TRUE(bot.start()) << bot.log();
        EXPECT_EQ(bot.request(http::verb::post, "/hooks/dingtalk", body, headers).status, status)
            << bot.log();
        bot.stop();
    }
}

}  // namespace
