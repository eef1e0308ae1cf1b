// Every post the real `complaint-bot serve` receives is used or answered, over loopback HTTP with
// signed DingTalk callbacks and encrypted WeCom ones: a complaint sent with a photo (richText) is
// registered with the photo's download code on the record; a photo alone gets one reply and a flood
// of them stays rate-limited; WeCom, configured but bound to no chat, still answers its URL
// verification, and an authentic WeCom callback that is not a post is answered 200 and logged; a
// missing signature is 401 on every route; an unregistered sender is told their id and HR by its
// configured name, and the log names unbound chats and unregistered senders by id (no secrets, no
// download codes). Each refusal leaves the database as it was.
#include <gtest/gtest.h>

#include "adapters/crypto.hpp"
#include "pipeline/engine.hpp"
#include "support/fault_support.hpp"

using namespace fault;

namespace {

constexpr const char* hr_name = "人事行政部";  // the sample company's HR, renamed

std::string fixture(const std::string& name) {
    return test_support::read_file(test_support::source_path("tests/fixtures/" + name));
}

// A DingTalk fixture as the group "cidGROUP==" would send it from `staff_id`.
std::string dingtalk_body(const std::string& name, const std::string& msg_id, const std::string& staff_id,
                          const std::string& conversation = "cidGROUP==") {
    auto j = json::parse(fixture("dingtalk/" + name));
    j["msgId"] = msg_id;
    j["senderStaffId"] = staff_id;
    j["conversationId"] = conversation;
    return j.dump();
}

// `serve` with the sample company (HR renamed), DingTalk in HTTP mode bound to "cidGROUP==", and
// WeCom configured (token, AES key) but bound to no chat and given no webhook.
class two_platform_bot {
  public:
    explicit two_platform_bot(const std::string& webhook_url) : bot_(dir_ / "bot.db", setup(webhook_url)) {
        bot_.launch();
    }
    ~two_platform_bot() { bot_.stop(); }

    bool up() {
        return eventually([&] { return bot_.healthz().status == 200 || !bot_.proc().running(); }, 20s) &&
               bot_.proc().running();
    }
    int dingtalk(const std::string& body) {
        return bot_.request(http::verb::post, "/hooks/dingtalk", body, callback_headers()).status;
    }
    loopback::reply wecom(http::verb verb, const std::string& query, const std::string& body = {}) {
        return bot_.request(verb, "/hooks/wecom" + query, body, {{"Content-Type", "application/json"}});
    }
    // An encrypted, signed WeCom AI-bot callback carrying `plaintext`.
    int wecom_post(const std::string& plaintext) {
        const adapters::crypto::msg_crypt crypt(wecom_token, wecom_aes_key);
        const auto ts = std::to_string(now_ms() / 1000);
        const std::string nonce = "1700000002";
        const auto encrypted = crypt.encrypt(plaintext, "", adapters::crypto::random_prefix());
        return wecom(http::verb::post,
                     "?msg_signature=" + crypt.signature(ts, nonce, encrypted) + "&timestamp=" + ts +
                         "&nonce=" + nonce,
                     json{{"encrypt", encrypted}}.dump())
            .status;
    }
    std::string log() { return bot_.log(); }
    const std::filesystem::path& db() const { return bot_.db(); }
    unsigned short port() const { return bot_.port(); }

  private:
    static bot_setup setup(const std::string& webhook_url) {
        auto s = dingtalk_http(webhook_url, ", per_minute: 100000");
        s.yaml.insert(
            s.yaml.find("chats:"),
            "  wecom: { token_env: T_WECOM_TOKEN, aes_key_env: T_WECOM_KEY, webhook_env: T_WECOM_HOOK }\n");
        s.env.push_back({"T_WECOM_TOKEN", wecom_token});
        s.env.push_back({"T_WECOM_KEY", wecom_aes_key});
        s.organization = test_support::read_file(test_support::source_path("examples/company.yaml"));
        for (auto pos = s.organization.find("人力资源部"); pos != std::string::npos;
             pos = s.organization.find("人力资源部", pos))
            s.organization.replace(pos, std::string("人力资源部").size(), hr_name);
        return s;
    }

    test_support::temp_dir dir_;
    bot_process bot_;
};

// What a refusal must not change: complaints, events, deadlines, fines, the outbox, the inbound log.
std::string snapshot(const std::filesystem::path& db) {
    std::string s;
    for (const char* sql :
         {"SELECT id || '|' || state FROM complaints ORDER BY id", "SELECT COUNT(*) FROM events",
          "SELECT COUNT(*) FROM deadlines WHERE complaint_id <> ''", "SELECT COUNT(*) FROM fines",
          "SELECT COUNT(*) FROM outbox", "SELECT COUNT(*) FROM inbound"})
        for (const auto& v : column(db, sql)) s += v + "\n";
    return s;
}

}  // namespace

TEST(InboundService, ARichTextComplaintIsRegisteredEndToEndWithItsPictureCode) {
    fake_robot robot;
    two_platform_bot bot(robot.url());
    ASSERT_TRUE(bot.up()) << bot.log();
    ASSERT_EQ(bot.dingtalk(dingtalk_body("robot_richtext_picture_first.json", "rich-1", "dt-1002")), 200);
    // Committed before the 200: the complaint and the code are on disk.
    EXPECT_EQ(count(bot.db(),
                    "SELECT COUNT(*) FROM complaints WHERE id = 'P1' AND "
                    "state LIKE '%testDownloadCodeRich0002%'"),
              1);
    EXPECT_EQ(column(bot.db(), "SELECT text FROM inbound WHERE msg_id = 'rich-1'")
                      .at(0)
                      .find("[picture] testDownloadCodeRich0002") != std::string::npos,
              true);
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s)) << bot.log();
    EXPECT_NE(robot.texts()[0].find("已登记产品质量投诉 P1"), std::string::npos) << robot.texts()[0];
    ASSERT_EQ(bot.dingtalk(callback_body("rich-q", "dt-1002", "查询 P1")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 2; }, 10s)) << bot.log();
    EXPECT_NE(robot.texts()[1].find("随附：图片 1 张"), std::string::npos) << robot.texts()[1];
    EXPECT_EQ(bot.log().find("testDownloadCodeRich0002"), std::string::npos) << "no download code in the log";
}

TEST(InboundService, APictureAloneGetsExactlyOneReplyAndAFloodOfThemStaysRateLimited) {
    fake_robot robot;
    two_platform_bot bot(robot.url());
    ASSERT_TRUE(bot.up()) << bot.log();
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(bot.dingtalk(dingtalk_body("robot_richtext_picture_only.json", "pic-0", "dt-1002")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s)) << bot.log();
    EXPECT_NE(robot.texts()[0].find("机器人读不了图片"), std::string::npos) << robot.texts()[0];
    EXPECT_NE(robot.texts()[0].find("@dt-1002"), std::string::npos) << "the sender is @-mentioned";
    // The same callback redelivered: still one reply.
    ASSERT_EQ(bot.dingtalk(dingtalk_body("robot_richtext_picture_only.json", "pic-0", "dt-1002")), 200);
    for (int i = 1; i <= 20; ++i)
        ASSERT_EQ(bot.dingtalk(dingtalk_body("robot_picture.json", "pic-" + std::to_string(i), "dt-1002")),
                  200);
    EXPECT_TRUE(eventually(
        [&] { return count(bot.db(), "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0; }, 10s));
    auto minutes =
        std::chrono::duration_cast<std::chrono::minutes>(std::chrono::steady_clock::now() - start).count();
    EXPECT_GE(robot.count(), 1u);
    EXPECT_LE(robot.count(),
              app::engine::bad_post_replies_per_minute * static_cast<std::size_t>(minutes + 1));
    EXPECT_EQ(
        count(bot.db(), "SELECT COUNT(*) FROM inbound WHERE msg_id LIKE 'pic-%' AND text LIKE '[picture] %'"),
        21);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints"), 0);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM events"), 0);
}

TEST(InboundService, WecomWithNoChatBoundAnswersItsUrlVerification) {
    fake_robot robot;
    two_platform_bot bot(robot.url());
    ASSERT_TRUE(bot.up()) << bot.log();
    const adapters::crypto::msg_crypt crypt(wecom_token, wecom_aes_key);
    const auto ts = std::to_string(now_ms() / 1000);
    const auto echostr = crypt.encrypt("5927782489442352469", "", adapters::crypto::random_prefix());
    auto answer = bot.wecom(
        http::verb::get, "?msg_signature=" + crypt.signature(ts, "1700000003", echostr) + "&timestamp=" + ts +
                             "&nonce=1700000003&echostr=" + adapters::crypto::url_encode(echostr));
    EXPECT_EQ(answer.status, 200) << bot.log();
    EXPECT_EQ(answer.body, "5927782489442352469");  // the bare plaintext
    EXPECT_NE(bot.log().find("platform wecom: no chat is bound"), std::string::npos) << bot.log();
}

TEST(InboundService, AnAuthenticWecomCallbackThatIsNotAPostIsAnswered200AndLogged) {
    fake_robot robot;
    two_platform_bot bot(robot.url());
    ASSERT_TRUE(bot.up()) << bot.log();
    const auto before = snapshot(bot.db());
    EXPECT_EQ(bot.wecom_post(fixture("wecom/aibot_event_enter_chat.json")), 200);
    EXPECT_EQ(bot.wecom_post("{\"msgtype\":\"text\","), 200);  // decrypts, but is no message
    // A real post from a WeCom group no chat is bound to: 200, ignored, its ids in the log.
    EXPECT_EQ(bot.wecom_post(fixture("wecom/aibot_mixed_form.json")), 200);
    EXPECT_TRUE(eventually(
        [&] {
            return bot.log().find("unbound chat 'wrTestChat0001' (sender 'ZhangSan')") != std::string::npos;
        },
        5s))
        << bot.log();
    const auto log = bot.log();
    EXPECT_NE(log.find("wecom callback answered 200, not a post the bot uses: msgtype event"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("not a post the bot uses: decrypted JSON is malformed"), std::string::npos) << log;
    EXPECT_NE(log.find("platform: wecom, conversation: \"wrTestChat0001\""), std::string::npos) << log;
    EXPECT_EQ(log.find("example.invalid"), std::string::npos) << "no media URL in the log";
    EXPECT_EQ(snapshot(bot.db()), before);
    EXPECT_EQ(robot.count(), 0u);
}

TEST(InboundService, AMissingSignatureIs401OnEveryRouteAndChangesNothing) {
    fake_robot robot;
    two_platform_bot bot(robot.url());
    ASSERT_TRUE(bot.up()) << bot.log();
    const auto before = snapshot(bot.db());
    const auto body = callback_body("nosig-1", "dt-1002", complaint_text("N1"));
    EXPECT_EQ(call(bot.port(), http::verb::post, "/hooks/dingtalk", body, {}).status, 401);
    auto ts = std::to_string(now_ms());
    EXPECT_EQ(call(bot.port(), http::verb::post, "/hooks/dingtalk", body, {{"timestamp", ts}}).status, 401);
    EXPECT_EQ(bot.wecom(http::verb::post, "", R"({"encrypt":"abc"})").status, 401);
    EXPECT_EQ(bot.wecom(http::verb::post, "?timestamp=1&nonce=2", R"({"encrypt":"abc"})").status, 401);
    EXPECT_EQ(bot.wecom(http::verb::get, "?echostr=abc").status, 401);
    EXPECT_EQ(snapshot(bot.db()), before);
    EXPECT_EQ(robot.count(), 0u);
}

TEST(InboundService, AnUnregisteredSenderIsToldTheirIdAndHrByNameAndBothAreLogged) {
    fake_robot robot;
    two_platform_bot bot(robot.url());
    ASSERT_TRUE(bot.up()) << bot.log();
    const auto before = column(bot.db(), "SELECT COUNT(*) FROM complaints");
    ASSERT_EQ(bot.dingtalk(dingtalk_body("robot_richtext.json", "stranger-1", "dt-9999")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s)) << bot.log();
    const auto reply = robot.texts()[0];
    EXPECT_EQ(reply,
              std::string("❌ 你的钉钉账号尚未在投诉机器人中登记（账号 ID：dt-9999）。请把这个 ID 发给") +
                  hr_name + "，登记后再发送。");
    EXPECT_EQ(reply.find("人力资源部"), std::string::npos) << "no department the config does not have";
    EXPECT_EQ(column(bot.db(), "SELECT COUNT(*) FROM complaints"), before);
    // A message from a group that is not bound: ignored, nothing recorded, its ids logged.
    const auto inbound = count(bot.db(), "SELECT COUNT(*) FROM inbound");
    ASSERT_EQ(bot.dingtalk(dingtalk_body("robot_richtext.json", "elsewhere-1", "dt-1002", "cidOTHER==")),
              200);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM inbound"), inbound);
    EXPECT_TRUE(eventually([&] { return bot.log().find("cidOTHER==") != std::string::npos; }, 5s));
    const auto log = bot.log();
    EXPECT_NE(log.find("dingtalk sender 'dt-9999' in chat 'group' is not registered"), std::string::npos)
        << log;
    EXPECT_NE(log.find("unbound chat 'cidOTHER==' (sender 'dt-1002')"), std::string::npos) << log;
    EXPECT_EQ(log.find("testDownloadCodeRich0001"), std::string::npos) << "no download code in the log";
}
