// `complaint-bot serve` with Feishu as a real process against the fake Feishu on loopback: in http
// mode a signed, encrypted complaint on /hooks/feishu is registered and its receipt reaches Feishu
// through the reply API with real <at> mentions and the tenant token; a card button press is the
// presser's command; the published vectors go through the live hook; forged events change
// nothing. In websocket mode the event arrives over the pbbp2 long connection, is acknowledged
// after the commit, and the receipt goes out the same way. No secret reaches the log.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "adapters/crypto.hpp"
#include "adapters/feishu.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/feishu_server.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;

namespace {

const std::string chat = "oc_5ad11d72b830411d72b836c20";
const std::string complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2020年11月23日8时55分";
// The published decrypt vector's key (go-lark/lark crypto_test.go); the bot's Encrypt Key in http mode.
const std::string vector_key = "test key";
const std::string vector_cipher = "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=";

// The sample company with everyone's Feishu open_id: ou_<their WeCom id> (ou_ZhangSan, ou_LiSi…).
// (No <regex>: g++ 12's sanitizer build warns inside it.)
std::string organization() {
    auto text = test_support::read_file(test_support::source_path("examples/company.yaml"));
    for (auto pos = text.find("wecom: \""); pos != std::string::npos; pos = text.find("wecom: \"", pos + 1)) {
        const auto start = pos + 8;
        const auto end = text.find('"', start);
        text.insert(end + 1, ", feishu: \"ou_" + text.substr(start, end - start) + "\"");
    }
    return text;
}

bot_setup feishu_setup(const feishu_server& server, const std::string& mode) {
    std::string yaml = "platforms:\n  feishu: { mode: " + mode + ", domain: \"" + server.url() +
                       "\", app_id_env: F_APP_ID, app_secret_env: F_APP_SECRET";
    if (mode == "http") yaml += ", verification_token_env: F_TOKEN, encrypt_key_env: F_KEY";
    yaml += " }\nchats:\n  - { id: group, platform: feishu, conversation: \"" + chat + "\" }\n";
    return {yaml,
            {{"F_APP_ID", feishu_app_id},
             {"F_APP_SECRET", feishu_app_secret},
             {"F_TOKEN", feishu_token},
             {"F_KEY", vector_key}},
            organization()};
}

// A POST to /hooks/feishu as Feishu sends it: encrypted with the Encrypt Key and signed.
std::map<std::string, std::string> signed_headers(const std::string& body,
                                                  const std::string& key = vector_key) {
    const std::string ts = std::to_string(now_ms() / 1000);
    return {{"Content-Type", "application/json"},
            {"X-Lark-Request-Timestamp", ts},
            {"X-Lark-Request-Nonce", "nonce-81c2"},
            {"X-Lark-Signature", adapters::feishu_signature(ts, "nonce-81c2", key, body)}};
}

std::string encrypted(const std::string& event) {
    return json{{"encrypt", adapters::crypto::feishu_encrypt(vector_key, event, "a1b2c3d4e5f60718")}}.dump();
}

std::string text_of(const feishu_message& m) {
    return m.content.contains("text") ? m.content["text"].get<std::string>() : m.content.dump();
}

bool wait_for(feishu_server& server, std::size_t n) {
    for (int i = 0; i < 1000 && server.messages().size() < n; ++i) std::this_thread::sleep_for(10ms);
    return server.messages().size() >= n;
}

void expect_clean_log(bot_process& bot) {
    const auto log = bot.log();
    for (const auto& secret : {feishu_app_secret, feishu_token, feishu_app_id, std::string("t-g1044fake")})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << log;
}

}  // namespace

TEST(FeishuServe, HttpModeEncryptedComplaintIsRegisteredAndAnsweredWithRealMentions) {
    test_support::temp_dir dir;
    feishu_server server;
    bot_process bot(dir / "bot.db", feishu_setup(server, "http"));
    ASSERT_TRUE(bot.start()) << bot.log();

    // The URL verification challenge, encrypted and unsigned as Feishu sends it.
    auto challenge = encrypted(
        json{{"challenge", "c-7d1f"}, {"token", feishu_token}, {"type", "url_verification"}}.dump());
    auto verified =
        bot.request(http::verb::post, "/hooks/feishu", challenge, {{"Content-Type", "application/json"}});
    EXPECT_EQ(verified.status, 200);
    EXPECT_EQ(json::parse(verified.body, nullptr, false), (json{{"challenge", "c-7d1f"}}));

    // The published ciphertext through the live hook: it decrypts ("hello world", not an event).
    const std::string vector_body = R"({"encrypt":")" + vector_cipher + R"("})";
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/feishu", vector_body, signed_headers(vector_body)).status,
              400);
    auto forged = signed_headers(vector_body, "another key");
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/feishu", vector_body, forged).status, 401);

    // The complaint, from 张三 (ou_ZhangSan), the bot @-mentioned first.
    auto body = encrypted(feishu_text_event("om_complaint1", "ou_ZhangSan", chat, complaint));
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/feishu", body, signed_headers(body)).status, 200);
    ASSERT_TRUE(wait_for(server, 1)) << bot.log();
    auto receipt = server.messages()[0];
    EXPECT_EQ(receipt.reply_to, "om_complaint1");  // answered through the reply API
    EXPECT_EQ(receipt.uuid.rfind("cb-", 0), 0u);
    auto text = text_of(receipt);
    EXPECT_NE(text.find("已登记产品质量投诉 P1"), std::string::npos) << text;
    // The receipt carries 受理 and 查询: a card, whose markdown @-mentions by open_id.
    EXPECT_EQ(receipt.msg_type, "interactive") << text;
    EXPECT_NE(text.find("<at id=ou_LiSi></at>"), std::string::npos) << text;
    EXPECT_NE(text.find("\"command\":\"受理 P1\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"command\":\"查询 P1\""), std::string::npos) << text;
    EXPECT_EQ(server.token_requests(), 1);
    EXPECT_EQ(server.bad_tokens(), 0);

    // Feishu pushes the same message again (a retry): 200, nothing new.
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/feishu", body, signed_headers(body)).status, 200);
    // A forged event (wrong token inside, correctly signed) and a tampered signature change nothing.
    auto wrong = encrypted(feishu_text_event("om_forged", "ou_ZhouMin", chat, "受理 P1", true, "vt-wrong"));
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/feishu", wrong, signed_headers(wrong)).status, 401);
    auto press = encrypted(feishu_card_event("ev-press-1", "ou_ZhouMin", chat, "受理 P1"));
    auto tampered = signed_headers(press);
    tampered["X-Lark-Signature"] = std::string(64, '0');
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/feishu", press, tampered).status, 401);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(server.messages().size(), 1u);

    // 周敏 (打单部) presses 受理 on a card: the toast answers, the acceptance is posted.
    auto pressed = bot.request(http::verb::post, "/hooks/feishu", press, signed_headers(press));
    EXPECT_EQ(pressed.status, 200);
    EXPECT_EQ(json::parse(pressed.body, nullptr, false)["toast"]["content"], "已收到");
    ASSERT_TRUE(wait_for(server, 2)) << bot.log();
    EXPECT_NE(text_of(server.messages()[1]).find("P1 已由周敏受理"), std::string::npos)
        << text_of(server.messages()[1]);

    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    expect_clean_log(bot);
}

TEST(FeishuServe, WebsocketModeCommitsThenAcksAndAnswers) {
    test_support::temp_dir dir;
    feishu_server server;
    bot_process bot(dir / "bot.db", feishu_setup(server, "websocket"));
    ASSERT_TRUE(bot.start()) << bot.log();
    for (int i = 0; i < 1000 && server.connections() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(server.connections(), 1) << bot.log();
    const auto frame_id = server.push(feishu_text_event("om_ws1", "ou_ZhangSan", chat, complaint), 2);
    for (int i = 0; i < 1000 && server.acks().empty(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(server.acks().size(), 1u) << bot.log();
    std::string acked_id;
    const auto acks = server.acks();
    for (const auto& h : acks[0].headers())
        if (h.key() == "message_id") acked_id = h.value();
    EXPECT_EQ(acked_id, frame_id);
    EXPECT_EQ(json::parse(acks[0].payload())["code"], 200);
    ASSERT_TRUE(wait_for(server, 1)) << bot.log();
    auto receipt = server.messages()[0];
    EXPECT_EQ(receipt.reply_to, "om_ws1");
    EXPECT_EQ(receipt.chat, chat);
    EXPECT_NE(text_of(receipt).find("已登记产品质量投诉 P1"), std::string::npos) << text_of(receipt);
    EXPECT_NE(text_of(receipt).find("<at id=ou_ZhouMin></at>"), std::string::npos) << text_of(receipt);
    // In websocket mode the hook has no token to check anything with: it accepts no event.
    auto body = feishu_text_event("om_http", "ou_ZhangSan", chat, "受理 P1");
    EXPECT_EQ(
        bot.request(http::verb::post, "/hooks/feishu", body, {{"Content-Type", "application/json"}}).status,
        401);
    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    expect_clean_log(bot);
}

namespace {

std::string customer_complaint(int i) {
    std::string text = complaint;
    text.replace(text.find("华东五金有限公司"), std::string("华东五金有限公司").size(),
                 "客户甲" + std::to_string(i));
    return text;
}

std::int64_t scalar(const std::filesystem::path& db, const std::string& sql) {
    storage::sql_console d(db.string());
    d.set_busy_timeout(5000);
    return d.scalar(sql);
}

}  // namespace

// Fault: the bot is SIGKILLed at random moments while complaints arrive over the long connection;
// after each restart Feishu pushes again what was not acknowledged. Every complaint is registered
// exactly once, every event is acknowledged in the end, nothing acknowledged was lost.
TEST(FeishuServe, KilledAtRandomOverTheLongConnectionLosesNothingAndRegistersEachOnce) {
    test_support::temp_dir dir;
    feishu_server server;
    bot_process bot(dir / "bot.db", feishu_setup(server, "websocket"));
    std::mt19937 rng(std::random_device{}());
    constexpr int events = 12;
    auto acked = [&] {
        std::set<std::string> ids;
        for (const auto& f : server.acks())
            for (const auto& h : f.headers())
                if (h.key() == "message_id") ids.insert(h.value());
        return ids;
    };
    std::map<int, std::vector<std::string>> frames;  // event → the frame ids it was pushed as
    auto done = [&](int i) {
        auto a = acked();
        for (const auto& f : frames[i])
            if (a.count(f)) return true;
        return false;
    };
    for (int round = 0; round < 11; ++round) {
        const int before = server.connections();
        ASSERT_TRUE(bot.start()) << bot.log();
        for (int i = 0; i < 1000 && server.connections() == before; ++i) std::this_thread::sleep_for(10ms);
        ASSERT_GT(server.connections(), before) << bot.log();
        for (int i = 0; i < events; ++i)
            if (!done(i))
                frames[i].push_back(server.push(feishu_text_event(
                    "om_fault_" + std::to_string(i), "ou_ZhangSan", chat, customer_complaint(i))));
        if (round == 10) break;  // the last run is left to finish
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 120)(rng)));
        bot.kill();
    }
    for (int i = 0; i < 1500; ++i) {
        bool all = true;
        for (int e = 0; e < events; ++e) all = all && done(e);
        if (all) break;
        std::this_thread::sleep_for(10ms);
    }
    for (int e = 0; e < events; ++e) EXPECT_TRUE(done(e)) << "event " << e << " never acknowledged";
    bot.stop();
    EXPECT_EQ(scalar(dir / "bot.db", "SELECT COUNT(*) FROM complaints"), events);
    for (int e = 0; e < events; ++e)
        EXPECT_EQ(scalar(dir / "bot.db",
                         "SELECT COUNT(*) FROM inbound WHERE msg_id = 'om_fault_" + std::to_string(e) + "'"),
                  1);
}

// A burst of 200 complaints over four groups: their 200 receipts keep to Feishu's five messages a
// second per group (the fake answers 230020 to a sixth within a second, and counts), none lost,
// none sent twice (each part's uuid is seen once).
TEST(FeishuServe, ABurstOfTwoHundredReceiptsKeepsToFiveASecondPerGroup) {
    test_support::temp_dir dir;
    feishu_server server;
    std::string chats;
    for (int c = 0; c < 4; ++c)
        chats += "  - { id: g" + std::to_string(c) + ", platform: feishu, conversation: oc_burst" +
                 std::to_string(c) + " }\n";
    bot_setup setup{
        "platforms:\n  feishu: { mode: websocket, domain: \"" + server.url() +
            "\", app_id_env: F_APP_ID, app_secret_env: F_APP_SECRET }\ndefault_chat: g0\nchats:\n" + chats,
        {{"F_APP_ID", feishu_app_id}, {"F_APP_SECRET", feishu_app_secret}},
        organization()};
    bot_process bot(dir / "bot.db", setup);
    ASSERT_TRUE(bot.start()) << bot.log();
    for (int i = 0; i < 1000 && server.connections() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(server.connections(), 1) << bot.log();
    for (int i = 0; i < 200; ++i)
        server.push(feishu_text_event("om_burst_" + std::to_string(i), "ou_ZhangSan",
                                      "oc_burst" + std::to_string(i % 4), customer_complaint(1000 + i)));
    for (int i = 0; i < 6000 && server.messages().size() < 200; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(server.messages().size(), 200U) << bot.log();
    EXPECT_EQ(server.rate_limited(), 0) << "a group got more than five messages in a second";
    EXPECT_EQ(server.duplicates(), 0);
    std::map<std::string, int> per_chat;
    for (const auto& m : server.messages()) ++per_chat[m.chat];
    EXPECT_EQ(per_chat, (std::map<std::string, int>{
                            {"oc_burst0", 50}, {"oc_burst1", 50}, {"oc_burst2", 50}, {"oc_burst3", 50}}));
}
