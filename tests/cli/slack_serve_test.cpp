// `complaint-bot serve` with Slack, as a real process against a fake Slack on loopback: in http mode
// the live /hooks/slack checks Slack's published v0 example (refused as stale as published, accepted
// re-signed now), answers url_verification, registers a signed complaint whose receipt reaches
// chat.postMessage in the complaint's thread with <@U…> mentions, takes a retry and the message copy
// as the same message, refuses bad signatures, and turns a button press into the presser's command;
// in socket mode the complaint comes over Socket Mode and its envelope is acknowledged.
#include <gtest/gtest.h>

#include "support/published_vectors.hpp"

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "adapters/crypto.hpp"
#include "adapters/slack.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "support/slack_server.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;

namespace {

// Slack's published signing example (tests/support/published_vectors.hpp).
const std::string& doc_secret = published::slack_doc_secret;
const std::string& doc_timestamp = published::slack_doc_timestamp;
const std::string& doc_body = published::slack_doc_body;
const std::string& doc_signature = published::slack_doc_signature;

const std::string complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2020年11月23日8时55分";

// The sample company with a Slack member id beside each WeCom one: ZhangSan → UZHANGSAN.
std::string slack_organization() {
    auto text = test_support::read_file(test_support::source_path("examples/company.yaml"));
    for (auto pos = text.find("wecom: \""); pos != std::string::npos; pos = text.find("wecom: \"", pos + 1)) {
        const auto start = pos + 8;
        const auto end = text.find('"', start);
        std::string id = text.substr(start, end - start);
        for (auto& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        text.insert(end + 1, ", slack: \"U" + id + "\"");
    }
    return text;
}

std::string now_s(std::int64_t skew_s = 0) {
    return std::to_string(now_ms() / 1000 - skew_s);
}

std::map<std::string, std::string> signed_headers(const std::string& body, const std::string& ts = now_s(),
                                                  const std::string& type = "application/json") {
    return {{"Content-Type", type},
            {"X-Slack-Request-Timestamp", ts},
            {"X-Slack-Signature", adapters::slack_signature(doc_secret, ts, body)}};
}

std::string mention(const std::string& type, const std::string& user, const std::string& ts,
                    const std::string& text, const std::string& event_id) {
    return json{{"type", "event_callback"},
                {"team_id", "T0TEAM"},
                {"api_app_id", "A0APP"},
                {"event_id", event_id},
                {"event_time", now_ms() / 1000},
                {"authorizations", {{{"team_id", "T0TEAM"}, {"user_id", "U0BOT"}, {"is_bot", true}}}},
                {"event",
                 {{"type", type},
                  {"user", user},
                  {"text", "<@U0BOT> " + text},
                  {"ts", ts},
                  {"channel", "C0GROUP01"},
                  {"channel_type", "channel"},
                  {"event_ts", ts}}}}
        .dump();
}

// A press of a button on the message `message_ts` in the thread `thread_ts`.
std::string press(const std::string& user, const std::string& command, const std::string& message_ts,
                  const std::string& thread_ts) {
    json payload = {
        {"type", "block_actions"},
        {"user", {{"id", user}}},
        {"channel", {{"id", "C0GROUP01"}}},
        {"container", {{"type", "message"}, {"message_ts", message_ts}, {"channel_id", "C0GROUP01"}}},
        {"message", {{"type", "message"}, {"ts", message_ts}, {"thread_ts", thread_ts}}},
        {"actions",
         {{{"type", "button"},
           {"action_id", "cmd-0"},
           {"value", command},
           {"action_ts", now_s() + ".4242"}}}}};
    return "payload=" + adapters::crypto::url_encode(payload.dump());
}

}  // namespace

// The published example as published, on a bot whose clock runs from the example's moment
// (serve --clock-from): authentic and in the window, so the live hook takes it (a slash command,
// nothing the bot uses: 200); one byte of the body changed, it is refused.
TEST(SlackServe, ThePublishedExampleAsPublishedPassesTheLiveHookAtItsOwnMoment) {
    test_support::temp_dir dir;
    threaded_slack_server slack;
    slack->set_channels({"C0GROUP01"});
    fake::bot_setup setup{
        "platforms:\n  slack: { mode: http, bot_token_env: S_BOT_TOKEN, signing_secret_env: "
        "S_SIGNING, api: \"" +
            slack->api() + "\" }\nchats:\n  - { id: group, platform: slack, conversation: C0GROUP01 }\n",
        {{"S_BOT_TOKEN", slack_bot_token}, {"S_SIGNING", doc_secret}},
        slack_organization()};
    setup.args = {"--clock-from", "2018-07-12T18:37:28Z"};  // 30 s after the example was signed
    bot_process bot(dir / "bot.db", setup);
    ASSERT_TRUE(bot.start()) << bot.log();
    const std::map<std::string, std::string> headers{{"Content-Type", "application/x-www-form-urlencoded"},
                                                     {"X-Slack-Request-Timestamp", doc_timestamp},
                                                     {"X-Slack-Signature", doc_signature}};
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", doc_body, headers).status, 200) << bot.log();
    auto tampered = doc_body;
    tampered[tampered.find("roadrunner")] = 'R';
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", tampered, headers).status, 401);
}

TEST(SlackServe, HttpModeVerifiesRegistersAndAnswersInTheThreadWithMentions) {
    test_support::temp_dir dir;
    threaded_slack_server slack;
    slack->set_channels({"C0GROUP01"});
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  slack: { mode: http, bot_token_env: S_BOT_TOKEN, signing_secret_env: S_SIGNING, "
         "api: \"" +
             slack->api() +
             "\" }\n"
             "chats:\n  - { id: group, platform: slack, conversation: C0GROUP01 }\n",
         {{"S_BOT_TOKEN", slack_bot_token}, {"S_SIGNING", doc_secret}},
         slack_organization()});
    ASSERT_TRUE(bot.start()) << bot.log();
    const std::string form = "application/x-www-form-urlencoded";

    // The published example as published (2018): authentic but stale. Re-signed now: accepted, and
    // as a slash command nothing the bot uses.
    auto as_published = bot.request(http::verb::post, "/hooks/slack", doc_body,
                                    {{"Content-Type", form},
                                     {"X-Slack-Request-Timestamp", doc_timestamp},
                                     {"X-Slack-Signature", doc_signature}});
    EXPECT_EQ(as_published.status, 401);
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", doc_body, signed_headers(doc_body, now_s(), form))
                  .status,
              200);
    // url_verification: the challenge back.
    const std::string challenge =
        R"({"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY","type":"url_verification"})";
    auto verified = bot.request(http::verb::post, "/hooks/slack", challenge, signed_headers(challenge));
    EXPECT_EQ(verified.status, 200);
    EXPECT_EQ(verified.body, "3eZbrw1aBm2rZgRNFdxV2595E9CY");

    // A signed complaint: the receipt goes to the complaint's thread with the order desk mentioned.
    const std::string ts = now_s() + ".000100";
    const auto body = mention("app_mention", "UZHANGSAN", ts, complaint, "Ev01");
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", body, signed_headers(body)).status, 200);
    ASSERT_TRUE(slack.wait_for_posts(1, 10s)) << bot.log();
    auto receipt = slack->posts()[0];
    EXPECT_EQ(receipt["channel"], "C0GROUP01");
    EXPECT_EQ(receipt["thread_ts"], ts);
    const auto text = receipt["text"].get<std::string>();
    EXPECT_NE(text.find("已登记产品质量投诉 P1"), std::string::npos) << text;
    EXPECT_NE(text.find("<@ULISI> <@UZHOUMIN>"), std::string::npos) << text;  // 李四, 周敏

    // Slack's retry, and the message event beside app_mention: the same message, nothing new.
    auto retry = signed_headers(body);
    retry["X-Slack-Retry-Num"] = "1";
    retry["X-Slack-Retry-Reason"] = "http_timeout";
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", body, retry).status, 200);
    const auto copy = mention("message", "UZHANGSAN", ts, complaint, "Ev02");
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", copy, signed_headers(copy)).status, 200);
    // Refused: a wrong signature, a stale timestamp, no signature.
    const auto other = mention("app_mention", "UZHANGSAN", now_s() + ".000200", complaint, "Ev03");
    auto wrong = signed_headers(other);
    wrong["X-Slack-Signature"] =
        adapters::slack_signature("another-secret", wrong["X-Slack-Request-Timestamp"], other);
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", other, wrong).status, 401);
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", other, signed_headers(other, now_s(301))).status,
              401);
    EXPECT_EQ(
        bot.request(http::verb::post, "/hooks/slack", other, {{"Content-Type", "application/json"}}).status,
        401);
    EXPECT_EQ(bot.request(http::verb::post, "/hooks/slack", "{", signed_headers("{")).status, 400);
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(slack->posts().size(), 1u) << bot.log();

    // 周敏 presses 受理 under the receipt: her command, answered in the receipt's thread.
    const auto pressed = press("UZHOUMIN", "受理 P1", "1767225700.001001", ts);
    EXPECT_EQ(
        bot.request(http::verb::post, "/hooks/slack", pressed, signed_headers(pressed, now_s(), form)).status,
        200);
    ASSERT_TRUE(slack.wait_for_posts(2, 10s)) << bot.log();
    auto answer = slack->posts()[1];
    EXPECT_NE(answer["text"].get<std::string>().find("P1 已由周敏受理"), std::string::npos) << answer.dump();
    EXPECT_EQ(answer["thread_ts"], ts);
    EXPECT_EQ(slack->posts_in("C0GROUP01"), 2);
    EXPECT_EQ(slack->bad_tokens(), 0);

    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    const auto log = bot.log();
    EXPECT_NE(log.find("stale_timestamp"), std::string::npos);
    for (const auto& secret : {slack_bot_token, doc_secret})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log";
}

TEST(SlackServe, SocketModeRegistersAComplaintAndAcksTheEnvelope) {
    test_support::temp_dir dir;
    threaded_slack_server slack({{socket_step::send(slack_mention_envelope("env-9", "UZHANGSAN", "C0GROUP01",
                                                                           now_s() + ".000900", complaint)),
                                  socket_step::await_ack("env-9")}});
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  slack: { mode: socket, bot_token_env: S_BOT_TOKEN, app_token_env: S_APP_TOKEN, "
         "api: \"" +
             slack->api() +
             "\" }\n"
             "chats:\n  - { id: group, platform: slack, conversation: C0GROUP01 }\n",
         {{"S_BOT_TOKEN", slack_bot_token}, {"S_APP_TOKEN", slack_app_token}},
         slack_organization()});
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_TRUE(slack.wait_for_posts(1, 10s)) << bot.log();
    const auto text = slack->posts()[0]["text"].get<std::string>();
    EXPECT_NE(text.find("已登记产品质量投诉 P1"), std::string::npos) << text;
    EXPECT_NE(text.find("<@ULISI> <@UZHOUMIN>"), std::string::npos) << text;
    ASSERT_TRUE(loopback::eventually([&] { return !slack->acks().empty(); }, 5s));
    EXPECT_EQ(slack->acks()[0], (std::pair<int, std::string>{1, "env-9"}));
    EXPECT_EQ(slack->urls_issued(), 1);
    EXPECT_EQ(slack->bad_tokens(), 0);
    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    const auto log = bot.log();
    for (const auto& secret : {slack_bot_token, slack_app_token})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log";
}

// Fault: the bot is SIGKILLed at random moments while complaints arrive over Socket Mode; each new
// socket gets every envelope again (Slack redelivers what was not acknowledged; the ones that were
// come again too, as retries can). Every complaint is registered exactly once, the last socket
// acknowledges all of them, nothing acknowledged was lost.
TEST(SlackServe, KilledAtRandomOverSocketModeLosesNothingAndRegistersEachOnce) {
    test_support::temp_dir dir;
    constexpr int events = 10, rounds = 11;
    std::vector<std::vector<socket_step>> scripts(rounds);
    for (auto& script : scripts)
        for (int i = 0; i < events; ++i) {
            auto text = complaint;
            text.replace(text.find("华东五金有限公司"), std::string("华东五金有限公司").size(),
                         "客户乙" + std::to_string(i));
            auto id = "env-k" + std::to_string(i);
            script.push_back(socket_step::send(slack_mention_envelope(
                id, "UZHANGSAN", "C0GROUP01", "1767225600.00" + std::to_string(100 + i), text)));
            script.push_back(socket_step::await_ack(id));
        }
    threaded_slack_server slack(scripts);
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  slack: { mode: socket, bot_token_env: S_BOT_TOKEN, app_token_env: S_APP_TOKEN, api: "
         "\"" +
             slack->api() + "\" }\nchats:\n  - { id: group, platform: slack, conversation: C0GROUP01 }\n",
         {{"S_BOT_TOKEN", slack_bot_token}, {"S_APP_TOKEN", slack_app_token}},
         slack_organization()});
    std::mt19937 rng(std::random_device{}());
    for (int round = 0; round < rounds - 1; ++round) {
        const int before = slack->sockets();
        ASSERT_TRUE(bot.start()) << bot.log();
        ASSERT_TRUE(loopback::eventually([&] { return slack->sockets() > before; }, 10s)) << bot.log();
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(rng)));
        bot.kill();
    }
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_TRUE(loopback::eventually([&] { return slack->done(); }, 30s))
        << "the last socket was not acknowledged";
    bot.stop();
    storage::sql_console db((dir / "bot.db").string());
    EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM complaints"), events);
    for (int i = 0; i < events; ++i)
        EXPECT_EQ(db.scalar("SELECT COUNT(*) FROM inbound WHERE msg_id = 'C0GROUP01:1767225600.00" +
                            std::to_string(100 + i) + "'"),
                  1);
}

// A burst of 200 complaints over ten channels: their 200 receipts keep to Slack's one post a second
// per channel (the fake answers 429 to a faster one, and counts), each channel's in order, none lost.
TEST(SlackServe, ABurstOfTwoHundredReceiptsKeepsToOnePostASecondPerChannel) {
    test_support::temp_dir dir;
    threaded_slack_server slack;
    std::set<std::string> channels;
    std::string chats;
    for (int c = 0; c < 10; ++c) {
        auto id = "C0BURST0" + std::to_string(c);
        channels.insert(id);
        chats += "  - { id: g" + std::to_string(c) + ", platform: slack, conversation: " + id + " }\n";
    }
    slack->set_channels(channels);
    bot_process bot(
        dir / "bot.db",
        {"platforms:\n  slack: { mode: http, bot_token_env: S_BOT_TOKEN, signing_secret_env: S_SIGNING, "
         "api: \"" +
             slack->api() + "\" }\ndefault_chat: g0\nchats:\n" + chats,
         {{"S_BOT_TOKEN", slack_bot_token}, {"S_SIGNING", doc_secret}},
         slack_organization()});
    ASSERT_TRUE(bot.start()) << bot.log();
    for (int i = 0; i < 200; ++i) {
        auto text = complaint;
        text.replace(text.find("华东五金有限公司"), std::string("华东五金有限公司").size(),
                     "客户丙" + std::to_string(i));
        auto body =
            json::parse(mention("app_mention", "UZHANGSAN", now_s() + "." + std::to_string(100000 + i), text,
                                "EvBURST" + std::to_string(i)));
        body["event"]["channel"] = "C0BURST0" + std::to_string(i % 10);
        auto raw = body.dump();
        ASSERT_EQ(bot.request(http::verb::post, "/hooks/slack", raw, signed_headers(raw)).status, 200) << i;
    }
    ASSERT_TRUE(slack.wait_for_posts(200, 90s)) << slack->posts().size() << " posts\n" << bot.log();
    EXPECT_EQ(slack->rate_limited(), 0) << "a channel got more than one post a second";
    std::map<std::string, int> last;
    for (const auto& p : slack->posts()) {
        auto text = p["text"].get<std::string>();
        auto at = text.find("投诉 P");
        ASSERT_NE(at, std::string::npos) << text;
        int n = std::stoi(text.substr(at + std::string("投诉 P").size()));
        auto channel = p["channel"].get<std::string>();
        EXPECT_GT(n, last[channel]) << "out of order in " << channel;
        last[channel] = n;
    }
    EXPECT_EQ(last.size(), 10U);
}
