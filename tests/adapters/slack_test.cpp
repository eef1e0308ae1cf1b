// Tests for adapters/slack.cpp: the v0 request signature (Slack's published example), its window,
// every refusal, url_verification, app_mention and channel message events (one msg_id for a retry,
// the message copy and the Socket Mode copy), button presses, Socket Mode frames, and posts through
// chat.postMessage with mentions, buttons, threads and splitting; classify and Retry-After.
#include "adapters/slack.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "support/published_vectors.hpp"

#include <cctype>
#include <string>

#include "adapters/crypto.hpp"

namespace {

using adapters::adapter;
using adapters::errc;
using adapters::raw_request;
using adapters::slack_adapter;
using json = nlohmann::json;

// Slack's published signing example (tests/support/published_vectors.hpp).
const std::string& doc_secret = published::slack_doc_secret;
const std::string& doc_timestamp = published::slack_doc_timestamp;
const std::string& doc_body = published::slack_doc_body;
const std::string& doc_signature = published::slack_doc_signature;

const std::string secret = "slackTestSigningSecret-5e0c";
const core::instant now = core::from_ms(1767225600000);
const std::string now_s = std::to_string(core::to_ms(now) / 1000);

slack_adapter make_adapter() {
    adapters::slack_config c;
    c.signing_secret = secret;
    c.bot_token = "xoxb-test-bot-token";
    c.api = "https://slack.example/api/";
    c.channels["group"] = "C0GROUP01";
    return slack_adapter(c);
}

raw_request signed_request(const std::string& body, const std::string& ts = now_s,
                           const std::string& content_type = "application/json") {
    raw_request req{"POST", "/hooks/slack", {}, body};
    req.headers["content-type"] = content_type;
    req.headers["x-slack-request-timestamp"] = ts;
    req.headers["x-slack-signature"] = adapters::slack_signature(secret, ts, body);
    return req;
}

json event_body(const std::string& type, const std::string& text,
                const std::string& ts = "1767225599.000100") {
    return {{"token", "verification-token"},
            {"team_id", "T0TEAM"},
            {"api_app_id", "A0APP"},
            {"type", "event_callback"},
            {"event_id", "Ev0001"},
            {"event_time", 1767225599},
            {"authorizations", {{{"team_id", "T0TEAM"}, {"user_id", "U0BOT"}, {"is_bot", true}}}},
            {"event",
             {{"type", type},
              {"user", "UZHANGSAN"},
              {"text", text},
              {"ts", ts},
              {"channel", "C0GROUP01"},
              {"channel_type", "channel"},
              {"event_ts", ts}}}};
}

json press_payload(const std::string& action_ts, const std::string& user = "UZHOUMIN") {
    return {
        {"type", "block_actions"},
        {"user", {{"id", user}, {"username", "zhoumin"}}},
        {"api_app_id", "A0APP"},
        {"container",
         {{"type", "message"}, {"message_ts", "1767225590.000200"}, {"channel_id", "C0GROUP01"}}},
        {"channel", {{"id", "C0GROUP01"}, {"name", "complaints"}}},
        {"message", {{"type", "message"}, {"ts", "1767225590.000200"}, {"text", "已登记产品质量投诉 P3"}}},
        {"actions",
         {{{"type", "button"},
           {"action_id", "cmd-0"},
           {"block_id", "b1"},
           {"value", "受理 P3"},
           {"text", {{"type", "plain_text"}, {"text", "受理"}}},
           {"action_ts", action_ts}}}}};
}

std::string form_payload(const json& payload) {
    // Form encoding as Slack sends it: percent escapes and '+' for a space.
    std::string encoded = adapters::crypto::url_encode(payload.dump());
    for (std::size_t p = encoded.find("%20"); p != std::string::npos; p = encoded.find("%20", p))
        encoded.replace(p, 3, "+");
    return "payload=" + encoded;
}

void expect_refused(const adapters::inbound_result& r, errc e) {
    ASSERT_TRUE(r.error.has_value()) << r.detail;
    EXPECT_EQ(*r.error, e) << r.detail;
    EXPECT_FALSE(r.message.has_value());
    EXPECT_FALSE(r.reply.has_value());
}

}  // namespace

TEST(SlackSignature, MatchesThePublishedV0Example) {
    EXPECT_EQ(adapters::slack_signature(doc_secret, doc_timestamp, doc_body), doc_signature);
}

TEST(SlackDecode, ThePublishedRequestIsAuthenticAndTheSlashCommandNotUsed) {
    adapters::slack_config c;
    c.signing_secret = doc_secret;
    slack_adapter a(c);
    raw_request req{"POST", "/hooks/slack", {}, doc_body};
    req.headers["content-type"] = "application/x-www-form-urlencoded";
    req.headers["x-slack-request-timestamp"] = doc_timestamp;
    req.headers["x-slack-signature"] = doc_signature;
    const auto at = core::from_ms(1531420618000);
    expect_refused(a.decode(req, at), errc::unsupported_event);  // authentic: 200, nothing to do
    EXPECT_EQ(adapters::status_of(errc::unsupported_event), 200);
    // One changed byte of the body, or the signature of another secret: 401.
    auto tampered = req;
    tampered.body += "&x=1";
    expect_refused(a.decode(tampered, at), errc::bad_signature);
    expect_refused(make_adapter().decode(req, at), errc::bad_signature);
    // The same request five minutes and one second later (or earlier): stale.
    expect_refused(a.decode(req, at + std::chrono::seconds(301)), errc::stale_timestamp);
    expect_refused(a.decode(req, at - std::chrono::seconds(301)), errc::stale_timestamp);
    EXPECT_FALSE(a.decode(req, at + std::chrono::seconds(300)).error == errc::stale_timestamp);
    EXPECT_EQ(adapters::status_of(errc::stale_timestamp), 401);
}

TEST(SlackDecode, MissingOrBadSignaturesAreRefused) {
    const auto a = make_adapter();
    const auto good = signed_request(event_body("app_mention", "<@U0BOT> 查询 P1").dump());
    for (const char* header : {"x-slack-request-timestamp", "x-slack-signature"}) {
        auto req = good;
        req.headers.erase(header);
        expect_refused(a.decode(req, now), errc::missing_signature);
        req.headers[header] = "";
        expect_refused(a.decode(req, now), errc::missing_signature);
    }
    auto flipped = good;
    auto& sig = flipped.headers["x-slack-signature"];
    sig.back() = sig.back() == '0' ? '1' : '0';
    expect_refused(a.decode(flipped, now), errc::bad_signature);
    auto upper = good;
    for (auto& ch : upper.headers["x-slack-signature"]) ch = static_cast<char>(std::toupper(ch));
    expect_refused(a.decode(upper, now), errc::bad_signature);
    auto v1 = good;
    v1.headers["x-slack-signature"].replace(0, 3, "v1=");
    expect_refused(a.decode(v1, now), errc::bad_signature);
    auto not_number = good;
    not_number.headers["x-slack-request-timestamp"] = "17672256OO";
    expect_refused(a.decode(not_number, now), errc::bad_signature);
    // Signed with the right secret, but the signature is for another timestamp.
    auto moved = good;
    moved.headers["x-slack-request-timestamp"] = std::to_string(core::to_ms(now) / 1000 - 1);
    expect_refused(a.decode(moved, now), errc::bad_signature);
    // No signing secret configured: nothing is authentic.
    adapters::slack_config none;
    expect_refused(slack_adapter(none).decode(good, now), errc::bad_signature);
    EXPECT_TRUE(a.decode(good, now).message.has_value());
}

TEST(SlackDecode, UrlVerificationAnswersTheChallenge) {
    const auto r = make_adapter().decode(
        signed_request(
            R"({"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})"),
        now);
    EXPECT_FALSE(r.error.has_value());
    EXPECT_FALSE(r.message.has_value());
    ASSERT_TRUE(r.reply.has_value());
    EXPECT_EQ(r.reply->status, 200);
    EXPECT_EQ(r.reply->body, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    expect_refused(make_adapter().decode(signed_request(R"({"type":"url_verification"})"), now),
                   errc::malformed_body);
}

TEST(SlackDecode, AnAppMentionBecomesTheSendersMessage) {
    const auto r = make_adapter().decode(
        signed_request(
            event_body("app_mention", "<@U0BOT>\u3000產品質量投訴 投訴人：張三，客戶要求：退貨").dump()),
        now);
    ASSERT_TRUE(r.message.has_value()) << r.detail;
    const auto& m = *r.message;
    EXPECT_EQ(m.platform, "slack");
    EXPECT_EQ(m.chat, "C0GROUP01");
    EXPECT_EQ(m.sender, "UZHANGSAN");
    EXPECT_EQ(m.msg_id, "C0GROUP01:1767225599.000100");
    EXPECT_EQ(m.text, "產品質量投訴 投訴人：張三，客戶要求：退貨");
    EXPECT_EQ(m.reply_handle, "C0GROUP01:1767225599.000100");
    EXPECT_EQ(m.received_at, now);

    // In a thread: the reply goes to the thread's parent.
    auto threaded = event_body("app_mention", "<@U0BOT> 查询 Ｐ１");
    threaded["event"]["thread_ts"] = "1767225000.000001";
    const auto t = make_adapter().decode(signed_request(threaded.dump()), now);
    ASSERT_TRUE(t.message.has_value());
    EXPECT_EQ(t.message->text, "查询 Ｐ１");  // full-width kept for the rules to read
    EXPECT_EQ(t.message->reply_handle, "C0GROUP01:1767225000.000001");
}

TEST(SlackDecode, ARetryTheMessageCopyAndTheSocketCopyAreOneMessage) {
    const auto a = make_adapter();
    auto body = event_body("app_mention", "<@U0BOT> 受理 P1");
    const auto first = a.decode(signed_request(body.dump()), now);
    ASSERT_TRUE(first.message.has_value());
    auto retry = signed_request(body.dump());
    retry.headers["x-slack-retry-num"] = "1";
    retry.headers["x-slack-retry-reason"] = "http_timeout";
    const auto second = a.decode(retry, now + std::chrono::seconds(60));
    ASSERT_TRUE(second.message.has_value());
    EXPECT_EQ(second.message->msg_id, first.message->msg_id);
    // The `message` event Slack sends beside app_mention for the same post (another event_id).
    auto copy = event_body("message", "<@U0BOT> 受理 P1");
    copy["event_id"] = "Ev0002";
    const auto third = a.decode(signed_request(copy.dump()), now);
    ASSERT_TRUE(third.message.has_value());
    EXPECT_EQ(third.message->msg_id, first.message->msg_id);
    EXPECT_EQ(third.message->text, "受理 P1");
    json envelope = {{"envelope_id", "57d6a792-4d35"},    {"type", "events_api"}, {"payload", body},
                     {"accepts_response_payload", false}, {"retry_attempt", 0},   {"retry_reason", ""}};
    const auto socket = a.decode_socket_frame(envelope.dump(), now);
    ASSERT_TRUE(socket.inbound.message.has_value());
    EXPECT_EQ(socket.inbound.message->msg_id, first.message->msg_id);
}

TEST(SlackDecode, OtherMentionsStayReadable) {
    const auto r = make_adapter().decode(
        signed_request(event_body("message",
                                  "<@U0BOT> 转交 P2 给 <@ULISI|李四> 和 <@UZHOUMIN>，抄送 <#C0HR|人力资源部> "
                                  "<!here> 见 <https://example.com/p2|工单> &lt;紧急&gt; A&amp;B")
                           .dump()),
        now);
    ASSERT_TRUE(r.message.has_value());
    EXPECT_EQ(r.message->text, "转交 P2 给 @李四 和 @UZHOUMIN，抄送 #人力资源部 @here 见 工单 <紧急> A&B");
    // A mention of someone else at the start is not the bot's.
    EXPECT_EQ(adapters::slack_readable("<@ULISI> 你好", "U0BOT", true), "@ULISI 你好");
    // Without a known bot id, an app_mention's leading mention is the bot's.
    EXPECT_EQ(adapters::slack_readable("<@U0BOT> 查询 P1", "", true), "查询 P1");
    EXPECT_EQ(adapters::slack_readable("<@U0BOT> 查询 P1", "", false), "@U0BOT 查询 P1");
    EXPECT_EQ(adapters::slack_readable("未闭合 <@U1", "", false), "未闭合 <@U1");
}

TEST(SlackDecode, EditsBotsOurOwnPostsAndOtherEventsAreNotMessages) {
    const auto a = make_adapter();
    auto edited = event_body("message", "改过的");
    edited["event"]["subtype"] = "message_changed";
    expect_refused(a.decode(signed_request(edited.dump()), now), errc::unsupported_event);
    auto bot = event_body("message", "已登记产品质量投诉 P1");
    bot["event"]["bot_id"] = "B0OTHER";
    expect_refused(a.decode(signed_request(bot.dump()), now), errc::unsupported_event);
    auto own = event_body("message", "已登记");
    own["event"]["user"] = "U0BOT";
    expect_refused(a.decode(signed_request(own.dump()), now), errc::unsupported_event);
    auto dm = event_body("message", "受理 P1");
    dm["event"]["channel_type"] = "im";
    expect_refused(a.decode(signed_request(dm.dump()), now), errc::unsupported_event);
    expect_refused(a.decode(signed_request(event_body("reaction_added", "").dump()), now),
                   errc::unsupported_event);
    expect_refused(a.decode(signed_request(R"({"type":"app_rate_limited","minute_rate_limited":1})"), now),
                   errc::unsupported_event);
}

TEST(SlackDecode, FilesCountOnlyInPostsToTheBot) {
    const auto a = make_adapter();
    auto photo = event_body("app_mention", "<@U0BOT>");
    photo["event"]["files"] = {{{"id", "F0PHOTO1"}, {"name", "螺栓.jpg"}}};
    const auto r = a.decode(signed_request(photo.dump()), now);
    ASSERT_TRUE(r.message.has_value());
    EXPECT_EQ(r.message->attachments, (std::vector<core::attachment>{{"file", "F0PHOTO1"}}));
    EXPECT_EQ(r.message->unreadable, "file");
    // The same picture shared in the channel without mentioning the bot: only its text.
    auto shared = event_body("message", "");
    shared["event"]["subtype"] = "file_share";
    shared["event"]["files"] = {{{"id", "F0PHOTO2"}}};
    const auto s = a.decode(signed_request(shared.dump()), now);
    ASSERT_TRUE(s.message.has_value());
    EXPECT_TRUE(s.message->attachments.empty());
    EXPECT_TRUE(s.message->unreadable.empty());
}

TEST(SlackDecode, MalformedBodiesAreRefused) {
    const auto a = make_adapter();
    expect_refused(a.decode(signed_request("投诉 P1"), now), errc::malformed_body);
    expect_refused(a.decode(signed_request("[1,2]"), now), errc::malformed_body);
    expect_refused(a.decode(signed_request(R"({"event":{}})"), now), errc::malformed_body);
    expect_refused(a.decode(signed_request(R"({"type":"event_callback"})"), now), errc::malformed_body);
    for (const char* field : {"user", "channel", "ts"}) {
        auto body = event_body("app_mention", "<@U0BOT> 查询 P1");
        body["event"].erase(field);
        expect_refused(a.decode(signed_request(body.dump()), now), errc::malformed_body);
    }
    const std::string form = "application/x-www-form-urlencoded";
    expect_refused(a.decode(signed_request("payload=%7B%22type", now_s, form), now), errc::malformed_body);
    expect_refused(a.decode(signed_request("foo=bar", now_s, form), now), errc::malformed_body);
    expect_refused(a.decode(signed_request("payload=%zz", now_s, form), now), errc::malformed_body);
    EXPECT_EQ(adapters::status_of(errc::malformed_body), 400);
}

TEST(SlackDecode, AButtonPressIsThePressersCommand) {
    const auto a = make_adapter();
    const std::string form = "application/x-www-form-urlencoded";
    const auto r =
        a.decode(signed_request(form_payload(press_payload("1767225601.123456")), now_s, form), now);
    ASSERT_TRUE(r.message.has_value()) << r.detail;
    EXPECT_EQ(r.message->text, "受理 P3");
    EXPECT_EQ(r.message->sender, "UZHOUMIN");
    EXPECT_EQ(r.message->chat, "C0GROUP01");
    EXPECT_EQ(r.message->msg_id, "press:1767225601.123456:UZHOUMIN");
    EXPECT_EQ(r.message->reply_handle, "C0GROUP01:1767225590.000200");
    // Another press of the same button (or by someone else) is another message.
    const auto again =
        a.decode(signed_request(form_payload(press_payload("1767225609.000001")), now_s, form), now);
    ASSERT_TRUE(again.message.has_value());
    EXPECT_NE(again.message->msg_id, r.message->msg_id);
    const auto other =
        a.decode(signed_request(form_payload(press_payload("1767225601.123456", "ULISI")), now_s, form), now);
    ASSERT_TRUE(other.message.has_value());
    EXPECT_NE(other.message->msg_id, r.message->msg_id);
    // A press whose form was altered after signing.
    auto tampered = signed_request(form_payload(press_payload("1767225601.123456")), now_s, form);
    tampered.body = form_payload(press_payload("1767225601.123456", "UWANGZONG"));
    expect_refused(a.decode(tampered, now), errc::bad_signature);
    // Other interactions and actions without our command.
    auto modal = press_payload("1767225601.1");
    modal["type"] = "view_submission";
    expect_refused(a.decode(signed_request(form_payload(modal), now_s, form), now), errc::unsupported_event);
    auto select = press_payload("1767225601.2");
    select["actions"][0].erase("value");
    expect_refused(a.decode(signed_request(form_payload(select), now_s, form), now), errc::unsupported_event);
    auto no_user = press_payload("1767225601.3");
    no_user.erase("user");
    expect_refused(a.decode(signed_request(form_payload(no_user), now_s, form), now), errc::malformed_body);
}

TEST(SlackSocketFrames, HelloDisconnectAndEnvelopes) {
    const auto a = make_adapter();
    const auto hello = a.decode_socket_frame(
        R"({"type":"hello","num_connections":2,"debug_info":{"host":"applink-111-xxx"},"connection_info":{"app_id":"A111"}})",
        now);
    EXPECT_EQ(hello.kind, adapters::slack_frame_kind::hello);
    EXPECT_TRUE(hello.ack.empty());
    EXPECT_FALSE(hello.inbound.message.has_value());
    for (const char* reason : {"warning", "refresh_requested", "link_disabled", "too_many_websockets"}) {
        const auto d = a.decode_socket_frame(json{{"type", "disconnect"}, {"reason", reason}}.dump(), now);
        EXPECT_EQ(d.kind, adapters::slack_frame_kind::disconnect);
        EXPECT_EQ(d.reason, reason);
        EXPECT_TRUE(d.ack.empty());
    }
    const auto press = a.decode_socket_frame(json{{"envelope_id", "env-press-1"},
                                                  {"type", "interactive"},
                                                  {"payload", press_payload("1767225601.5")}}
                                                 .dump(),
                                             now);
    EXPECT_EQ(press.kind, adapters::slack_frame_kind::interactive);
    EXPECT_EQ(json::parse(press.ack), (json{{"envelope_id", "env-press-1"}}));
    ASSERT_TRUE(press.inbound.message.has_value());
    EXPECT_EQ(press.inbound.message->text, "受理 P3");
    // A slash command is acknowledged but not used; a frame without envelope_id or JSON is refused.
    const auto slash = a.decode_socket_frame(
        R"({"envelope_id":"env-s","payload":{"command":"/hello","text":""},"type":"slash_commands","accepts_response_payload":true})",
        now);
    EXPECT_EQ(slash.kind, adapters::slack_frame_kind::other);
    EXPECT_EQ(json::parse(slash.ack)["envelope_id"], "env-s");
    expect_refused(slash.inbound, errc::unsupported_event);
    const auto bare = a.decode_socket_frame(R"({"type":"events_api","payload":{}})", now);
    expect_refused(bare.inbound, errc::malformed_body);
    EXPECT_TRUE(bare.ack.empty());
    expect_refused(a.decode_socket_frame("not json", now).inbound, errc::malformed_body);
    const auto no_payload = a.decode_socket_frame(R"({"envelope_id":"env-x","type":"events_api"})", now);
    expect_refused(no_payload.inbound, errc::malformed_body);
    EXPECT_FALSE(no_payload.ack.empty());  // acknowledged all the same: a redelivery cannot help
}

TEST(SlackEncode, PostsWithMentionsThroughChatPostMessage) {
    const auto a = make_adapter();
    core::outbound_post post{"group",
                             "已登记产品质量投诉 P1（華東五金）<请处理> & 回复\n@李四 @周敏 @王五",
                             {"lisi", "zhoumin", "wangwu"}};
    const auto reqs = a.encode(
        post, {{"lisi", "李四", "ULISI"}, {"zhoumin", "周敏", "UZHOUMIN"}, {"wangwu", "王五", ""}}, now);
    ASSERT_EQ(reqs.size(), 1u);
    EXPECT_EQ(reqs[0].method, "POST");
    EXPECT_EQ(reqs[0].url, "https://slack.example/api/chat.postMessage");
    EXPECT_EQ(reqs[0].headers.at("Authorization"), "Bearer xoxb-test-bot-token");
    EXPECT_EQ(reqs[0].headers.at("Content-Type"), "application/json; charset=utf-8");
    const auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["channel"], "C0GROUP01");
    EXPECT_EQ(body["text"],
              "已登记产品质量投诉 P1（華東五金）&lt;请处理&gt; &amp; 回复\n<@ULISI> <@UZHOUMIN> @王五");
    EXPECT_FALSE(body.contains("thread_ts"));
    EXPECT_FALSE(body.contains("blocks"));
    // A person whose name is not in the text is appended; a chat without a channel gets nothing.
    const auto appended = a.encode({"group", "请尽快处理", {"lisi"}}, {{"lisi", "李四", "ULISI"}}, now);
    ASSERT_EQ(appended.size(), 1u);
    EXPECT_EQ(json::parse(appended[0].body)["text"], "请尽快处理 <@ULISI>");
    EXPECT_TRUE(a.encode({"elsewhere", "你好", {}}, {}, now).empty());
    EXPECT_TRUE(a.encode({"group", "", {}}, {}, now).empty());
    // A channel id as the chat itself.
    ASSERT_EQ(a.encode({"C0OTHER9", "你好", {}}, {}, now).size(), 1u);
    EXPECT_EQ(json::parse(a.encode({"C0OTHER9", "你好", {}}, {}, now)[0].body)["channel"], "C0OTHER9");
}

TEST(SlackEncode, ActionsBecomeButtonsAndRepliesGoToTheThread) {
    const auto a = make_adapter();
    core::outbound_post post{"group", "已登记产品质量投诉 P3", {}};
    post.actions = {{"受理", "受理 P3"}, {"查询", "查询 P3"}};
    const auto reqs = a.encode_reply("C0GROUP01:1767225599.000100", post, {}, now);
    ASSERT_EQ(reqs.size(), 1u);
    const auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["channel"], "C0GROUP01");
    EXPECT_EQ(body["thread_ts"], "1767225599.000100");
    EXPECT_EQ(body["text"], "已登记产品质量投诉 P3");  // the notification's fallback
    ASSERT_EQ(body["blocks"].size(), 2u);
    EXPECT_EQ(body["blocks"][0]["type"], "section");
    EXPECT_EQ(body["blocks"][0]["text"], (json{{"type", "mrkdwn"}, {"text", "已登记产品质量投诉 P3"}}));
    const auto& buttons = body["blocks"][1]["elements"];
    EXPECT_EQ(body["blocks"][1]["type"], "actions");
    ASSERT_EQ(buttons.size(), 2u);
    EXPECT_EQ(buttons[0]["type"], "button");
    EXPECT_EQ(buttons[0]["text"]["text"], "受理");
    EXPECT_EQ(buttons[0]["value"], "受理 P3");
    EXPECT_EQ(buttons[1]["value"], "查询 P3");
    EXPECT_NE(buttons[0]["action_id"], buttons[1]["action_id"]);
    for (const char* bad : {"", "C0GROUP01", ":1767225599.000100", "C0GROUP01:"})
        EXPECT_TRUE(a.encode_reply(bad, post, {}, now).empty()) << bad;
}

TEST(SlackEncode, LongPostsSplitOnCharacterBoundariesKeepingMentionsWhole) {
    const auto a = make_adapter();
    std::string text;
    for (int i = 0; i < 700; ++i) text += "處理進度：第" + std::to_string(i) + "項，";  // ~14 KB
    text += "@李四";
    const auto reqs = a.encode({"group", text, {"lisi"}}, {{"lisi", "李四", "ULISI"}}, now);
    ASSERT_GE(reqs.size(), 4u);
    std::string joined;
    for (const auto& r : reqs) {
        const auto piece = json::parse(r.body)["text"].get<std::string>();
        EXPECT_LE(piece.size(), slack_adapter::max_text_bytes);
        joined += piece;
    }
    EXPECT_TRUE(joined.ends_with("<@ULISI>"));
    EXPECT_EQ(joined.substr(0, joined.size() - 8), text.substr(0, text.size() - 7));
    // A mention at a cut is moved whole to the next piece.
    std::string edge(3995, 'x');
    edge += "@李四 请回复";
    const auto cut = a.encode({"group", edge, {"lisi"}}, {{"lisi", "李四", "ULISI"}}, now);
    ASSERT_EQ(cut.size(), 2u);
    EXPECT_EQ(json::parse(cut[1].body)["text"], "<@ULISI> 请回复");
    // With buttons the pieces fit a section block, the buttons on the last.
    core::outbound_post with_buttons{"group", text, {}};
    with_buttons.actions = {{"查询", "查询 P1"}};
    const auto sections = a.encode(with_buttons, {}, now);
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const auto body = json::parse(sections[i].body);
        EXPECT_LE(body["text"].get<std::string>().size(), slack_adapter::section_bytes);
        EXPECT_EQ(body.contains("blocks"), i + 1 == sections.size());
    }
}

TEST(SlackClassify, VerdictsAndRetryAfter) {
    const auto a = make_adapter();
    using v = adapter::send_verdict;
    EXPECT_EQ(a.classify(200, R"({"ok":true,"channel":"C0GROUP01","ts":"1767225600.000200"})"), v::delivered);
    EXPECT_EQ(a.classify(429, R"({"ok":false,"error":"ratelimited"})"), v::rate_limited);
    EXPECT_EQ(a.classify(200, R"({"ok":false,"error":"rate_limited"})"), v::rate_limited);
    for (const char* e : {"not_in_channel", "channel_not_found", "invalid_auth", "msg_too_long", "no_text",
                          "account_inactive", "invalid_blocks"})
        EXPECT_EQ(a.classify(200, json{{"ok", false}, {"error", e}}.dump()), v::permanent_failure) << e;
    EXPECT_EQ(a.classify(200, R"({"ok":false,"error":"internal_error"})"), v::retry);
    EXPECT_EQ(a.classify(500, ""), v::retry);
    EXPECT_EQ(a.classify(503, "<html>"), v::retry);
    EXPECT_EQ(a.classify(0, ""), v::retry);
    EXPECT_EQ(a.classify(200, "<html>proxy</html>"), v::retry);
    EXPECT_EQ(a.classify(404, ""), v::permanent_failure);
    EXPECT_EQ(a.wait_after({{"retry-after", "30"}}, ""), std::chrono::seconds(30));
    EXPECT_EQ(a.wait_after({{"retry-after", "soon"}}, ""), std::chrono::milliseconds(0));
    EXPECT_EQ(a.wait_after({}, ""), std::chrono::milliseconds(0));
}
