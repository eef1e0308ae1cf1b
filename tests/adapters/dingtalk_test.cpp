// Tests for adapters/dingtalk.cpp: HTTP-mode header check (published sign examples), robot message
// decoding, Stream frames and ACKs, encode with mentions and signing, classify.
#include "adapters/dingtalk.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "support/test_support.hpp"

namespace {

using adapters::adapter;
using adapters::dingtalk_adapter;
using adapters::errc;
using adapters::raw_request;
using json = nlohmann::json;

// The DingTalk docs' example inputs: timestamp 1577262236757 with the secrets "this is a secret"
// (robot receive-message page) and "this is secret" (custom robot security settings page).
constexpr std::int64_t doc_timestamp = 1577262236757;
constexpr const char* test_secret = "testAppSecret-0123456789";
const core::instant fixture_now = core::from_ms(1767225600000);  // createAt of the fixtures

std::string fixture(const std::string& name) {
    return test_support::read_file(test_support::source_path("tests/fixtures/dingtalk/" + name));
}

dingtalk_adapter make_adapter() {
    adapters::dingtalk_config config;
    config.app_secret = test_secret;
    config.robots["cidTestGroup0001+/="] = {
        "https://oapi.dingtalk.com/robot/send?access_token=testAccessToken", "SECtestRobotSecret"};
    config.robots["*"] = {"https://oapi.dingtalk.com/robot/send?access_token=fallbackToken", ""};
    return dingtalk_adapter(config);
}

raw_request signed_request(const std::string& body, core::instant signed_at) {
    const std::string ts = std::to_string(core::to_ms(signed_at));
    raw_request req{"POST", "/hooks/dingtalk", {}, body};
    req.headers["content-type"] = "application/json; charset=utf-8";
    req.headers["timestamp"] = ts;
    req.headers["sign"] = adapters::dingtalk_sign(ts, test_secret);
    return req;
}

TEST(DingtalkSign, MatchesPublishedInboundExample) {
    // [V:dingtalk-robot-inbound-sign]; value cross-checked with `openssl dgst -sha256 -hmac`.
    EXPECT_EQ(adapters::dingtalk_sign("1577262236757", "this is a secret"),
              "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=");
}

TEST(DingtalkSign, SignedUrlMatchesPublishedCustomRobotExample) {
    // [V:dingtalk-custom-robot-outbound-sign]: the sign contains '+' and '=', so it must be URL-encoded.
    EXPECT_EQ(adapters::dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=abc",
                                            "this is secret", core::from_ms(doc_timestamp)),
              "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1577262236757&sign="
              "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D");
}

TEST(DingtalkAdapter, AcceptsPublishedHeaderPairWithinTheHour) {
    adapters::dingtalk_config config;
    config.app_secret = "this is a secret";
    const dingtalk_adapter dingtalk(config);
    raw_request req{"POST", "/hooks/dingtalk", {}, fixture("robot_text_group.json")};
    req.headers["timestamp"] = "1577262236757";
    req.headers["sign"] = "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=";
    const auto result = dingtalk.decode(req, core::from_ms(doc_timestamp + 3'599'000));
    ASSERT_FALSE(result.error) << adapters::name_of(*result.error);
    ASSERT_TRUE(result.message);

    // Tampered copy: one character of the published sign changed.
    req.headers["sign"] = "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CB=";
    EXPECT_EQ(dingtalk.decode(req, core::from_ms(doc_timestamp)).error, errc::bad_signature);
    // The URL-encoded form is the outbound format, not the inbound one.
    req.headers["sign"] = "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA%3D";
    EXPECT_EQ(dingtalk.decode(req, core::from_ms(doc_timestamp)).error, errc::bad_signature);
}

TEST(DingtalkAdapter, DecodesTextMessage) {
    const auto dingtalk = make_adapter();
    const auto result =
        dingtalk.decode(signed_request(fixture("robot_text_group.json"), fixture_now), fixture_now);
    ASSERT_FALSE(result.error);
    ASSERT_TRUE(result.message);
    const auto& m = *result.message;
    EXPECT_EQ(m.platform, "dingtalk");
    EXPECT_EQ(m.chat, "cidTestGroup0001+/=");
    EXPECT_EQ(m.msg_id, "msgTest0001");
    EXPECT_EQ(m.sender, "zhangsan01");
    EXPECT_EQ(m.text, "投诉 订单123 发货慢");  // leading space left by DingTalk's @-removal trimmed
    EXPECT_EQ(m.received_at, fixture_now);
    EXPECT_EQ(result.message->reply_handle,
              "https://oapi.dingtalk.com/robot/sendBySession?session=testSessionToken0123456789");
    EXPECT_EQ(result.message->reply_until, core::from_ms(1767231000000));
    EXPECT_FALSE(result.reply);
    EXPECT_EQ(result.detail.find("session"), std::string::npos);
}

TEST(DingtalkAdapter, FallsBackToSenderIdForOutsiders) {
    auto body = json::parse(fixture("robot_text_group.json"));
    body.erase("senderStaffId");
    const auto result = make_adapter().decode(signed_request(body.dump(), fixture_now), fixture_now);
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->sender, "$:LWCP_v1:$senderTest");
}

TEST(DingtalkAdapter, TrimsFullWidthSpaces) {
    auto body = json::parse(fixture("robot_text_group.json"));
    body["text"]["content"] = "\xe3\x80\x80 查询 \xe3\x80\x80";
    const auto result = make_adapter().decode(signed_request(body.dump(), fixture_now), fixture_now);
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->text, "查询");
}

TEST(DingtalkAdapter, RejectsStaleTimestamp) {
    const auto dingtalk = make_adapter();
    const auto signed_at = fixture_now;
    const auto req = signed_request(fixture("robot_text_group.json"), signed_at);
    EXPECT_FALSE(dingtalk.decode(req, signed_at + std::chrono::milliseconds(3'600'000)).error);
    EXPECT_EQ(dingtalk.decode(req, signed_at + std::chrono::milliseconds(3'600'001)).error,
              errc::stale_timestamp);
}

TEST(DingtalkAdapter, RejectsFutureTimestamp) {
    const auto dingtalk = make_adapter();
    const auto req = signed_request(fixture("robot_text_group.json"), fixture_now + std::chrono::hours(2));
    EXPECT_EQ(dingtalk.decode(req, fixture_now).error, errc::stale_timestamp);
}

TEST(DingtalkAdapter, RejectsMissingOrMalformedHeaders) {
    const auto dingtalk = make_adapter();
    const auto good = signed_request(fixture("robot_text_group.json"), fixture_now);
    // A missing signature is 401 (README "no signature … 401"), like a wrong one.
    auto no_sign = good;
    no_sign.headers.erase("sign");
    EXPECT_EQ(dingtalk.decode(no_sign, fixture_now).error, errc::missing_signature);
    EXPECT_EQ(adapters::status_of(errc::missing_signature), 401);
    auto no_ts = good;
    no_ts.headers.erase("timestamp");
    EXPECT_EQ(dingtalk.decode(no_ts, fixture_now).error, errc::missing_signature);
    auto bad_ts = good;
    bad_ts.headers["timestamp"] = "-1767225600000";
    EXPECT_EQ(dingtalk.decode(bad_ts, fixture_now).error, errc::bad_signature);
}

TEST(DingtalkAdapter, RejectsSignFromAnotherSecret) {
    adapters::dingtalk_config config;
    config.app_secret = "anotherSecret";
    const dingtalk_adapter other(config);
    const auto req = signed_request(fixture("robot_text_group.json"), fixture_now);
    const auto result = other.decode(req, fixture_now);
    EXPECT_EQ(result.error, errc::bad_signature);
    EXPECT_EQ(adapters::status_of(*result.error), 401);
    EXPECT_EQ(result.detail.find(test_secret), std::string::npos);
    // No configured secret: nothing can be verified, everything is refused.
    EXPECT_EQ(dingtalk_adapter(adapters::dingtalk_config{}).decode(req, fixture_now).error,
              errc::bad_signature);
}

TEST(DingtalkAdapter, RejectsMalformedJson) {
    const auto dingtalk = make_adapter();
    EXPECT_EQ(dingtalk.decode(signed_request("{\"msgtype\":\"text\",", fixture_now), fixture_now).error,
              errc::malformed_body);
    EXPECT_EQ(dingtalk.decode(signed_request("[1,2]", fixture_now), fixture_now).error, errc::malformed_body);
    auto body = json::parse(fixture("robot_text_group.json"));
    body.erase("conversationId");
    EXPECT_EQ(dingtalk.decode(signed_request(body.dump(), fixture_now), fixture_now).error,
              errc::malformed_body);
    body = json::parse(fixture("robot_text_group.json"));
    body["text"] = "not an object";
    EXPECT_EQ(dingtalk.decode(signed_request(body.dump(), fixture_now), fixture_now).error,
              errc::malformed_body);
}

TEST(DingtalkAdapter, KeepsAPictureAsAnUnreadableMessageWithItsDownloadCode) {
    const auto result =
        make_adapter().decode(signed_request(fixture("robot_picture.json"), fixture_now), fixture_now);
    ASSERT_FALSE(result.error) << result.detail;
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->text, "");
    EXPECT_EQ(result.message->unreadable, "picture");
    // downloadCode is what the robot file-download API takes; pictureDownloadCode is the fallback.
    EXPECT_EQ(result.message->attachments, (std::vector<core::attachment>{{"picture", "testDownloadCode"}}));
    auto body = json::parse(fixture("robot_picture.json"));
    body["content"].erase("downloadCode");
    const auto older = make_adapter().decode(signed_request(body.dump(), fixture_now), fixture_now);
    ASSERT_TRUE(older.message);
    EXPECT_EQ(older.message->attachments, (std::vector<core::attachment>{{"picture", "testPictureCode"}}));
    EXPECT_EQ(result.detail.find("testDownloadCode"), std::string::npos) << "codes stay out of the log";
}

TEST(DingtalkAdapter, UsesTheTextOfARichTextPostAndKeepsItsPicture) {
    const auto result =
        make_adapter().decode(signed_request(fixture("robot_richtext.json"), fixture_now), fixture_now);
    ASSERT_FALSE(result.error) << result.detail;
    ASSERT_TRUE(result.message);
    const auto& m = *result.message;
    EXPECT_EQ(m.msg_id, "msgRich0001");
    EXPECT_EQ(m.sender, "zhangsan01");
    EXPECT_EQ(m.chat, "cidTestGroup0001+/=");
    EXPECT_TRUE(m.text.starts_with("产品质量投诉\n投诉人：张三\n")) << m.text;  // leading space trimmed
    EXPECT_TRUE(m.text.ends_with("投诉时间：2026年11月23日8时55分")) << m.text;
    EXPECT_TRUE(m.unreadable.empty());
    EXPECT_EQ(m.attachments, (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0001"}}));
    EXPECT_EQ(result.message->reply_handle,
              "https://oapi.dingtalk.com/robot/sendBySession?session=testSessionToken0123456789");
}

TEST(DingtalkAdapter, ReadsARichTextPostWhosePictureComesFirst) {
    const auto result = make_adapter().decode(
        signed_request(fixture("robot_richtext_picture_first.json"), fixture_now), fixture_now);
    ASSERT_TRUE(result.message) << result.detail;
    // The robot's own @-mention inside the text is left for the engine, which strips a leading one.
    EXPECT_TRUE(result.message->text.starts_with("@投诉机器人 产品质量投诉\n")) << result.message->text;
    EXPECT_EQ(result.message->attachments,
              (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0002"}}));
}

TEST(DingtalkAdapter, JoinsRichTextPartsAndBreaksTheLineWhereAPictureSat) {
    const auto result =
        make_adapter().decode(signed_request(fixture("robot_richtext_parts.json"), fixture_now), fixture_now);
    ASSERT_TRUE(result.message) << result.detail;
    // Traditional characters and full-width digits are passed on as typed (the rules fold them).
    EXPECT_EQ(result.message->text,
              "【服務質量投訴】\n投訴人：林芳\n投訴對象：物流部 司機小王\n"
              "投訴事件（時間、起因、過程、結果）：１１月２０日下午送貨遲到三小時\n"
              "未提前通知客戶，客戶倉庫已下班，只能次日重新卸貨。\n"
              "投訴目的：改進服務質量，書面道歉\n投訴時間：２０２６－１１－２３　０７：５０");
    EXPECT_EQ(result.message->attachments,
              (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0003a"},
                                             {"picture", "testDownloadCodeRich0003b"}}));
}

TEST(DingtalkAdapter, ARichTextPostWithOnlyAPictureIsMarkedUnreadable) {
    const auto result = make_adapter().decode(
        signed_request(fixture("robot_richtext_picture_only.json"), fixture_now), fixture_now);
    ASSERT_TRUE(result.message) << result.detail;
    EXPECT_EQ(result.message->text, "");
    EXPECT_EQ(result.message->unreadable, "richText");
    EXPECT_EQ(result.message->attachments.size(), 1u);
}

TEST(DingtalkAdapter, AcceptsRichTextContentSentAsAJsonString) {
    auto body = json::parse(fixture("robot_richtext.json"));
    body["content"] = body["content"].dump();
    const auto result = make_adapter().decode(signed_request(body.dump(), fixture_now), fixture_now);
    ASSERT_TRUE(result.message) << result.detail;
    EXPECT_TRUE(result.message->text.starts_with("产品质量投诉")) << result.message->text;
    EXPECT_EQ(result.message->attachments.size(), 1u);
}

TEST(DingtalkAdapter, KeepsVoiceFilesAndUnknownTypesAsUnreadableMessages) {
    const auto dingtalk = make_adapter();
    const auto audio = dingtalk.decode(signed_request(fixture("robot_audio.json"), fixture_now), fixture_now);
    ASSERT_TRUE(audio.message) << audio.detail;
    // DingTalk's speech recognition is not taken for a complaint: the person is asked for text.
    EXPECT_EQ(audio.message->text, "");
    EXPECT_EQ(audio.message->unreadable, "audio");
    EXPECT_EQ(audio.message->attachments,
              (std::vector<core::attachment>{{"audio", "testAudioDownloadCode0001"}}));
    const auto file = dingtalk.decode(signed_request(fixture("robot_file.json"), fixture_now), fixture_now);
    ASSERT_TRUE(file.message) << file.detail;
    EXPECT_EQ(file.message->unreadable, "file");
    EXPECT_EQ(file.message->attachments,
              (std::vector<core::attachment>{{"file", "testFileDownloadCode0001"}}));
    auto body = json::parse(fixture("robot_picture.json"));
    body["msgtype"] = "interactiveCard";
    body.erase("content");
    const auto card = dingtalk.decode(signed_request(body.dump(), fixture_now), fixture_now);
    ASSERT_TRUE(card.message) << card.detail;
    EXPECT_EQ(card.message->unreadable, "interactiveCard");
    EXPECT_TRUE(card.message->attachments.empty());
}

TEST(DingtalkAdapter, RefusesANonTextMessageWithoutItsIds) {
    for (const char* field : {"msgId", "conversationId", "senderStaffId"}) {
        auto body = json::parse(fixture("robot_picture.json"));
        body.erase(field);
        EXPECT_EQ(make_adapter().decode(signed_request(body.dump(), fixture_now), fixture_now).error,
                  errc::malformed_body)
            << field;
    }
}

TEST(DingtalkStream, DecodesCallbackFrameAndAcksIt) {
    const auto out = adapters::decode_stream_frame(fixture("stream_callback_frame.json"), fixture_now);
    ASSERT_TRUE(out.inbound.message);
    EXPECT_EQ(out.inbound.message->msg_id, "msgTest0001");
    EXPECT_EQ(out.inbound.message->text, "投诉 订单123 发货慢");
    EXPECT_FALSE(out.disconnect);
    const auto ack = json::parse(out.ack);
    EXPECT_EQ(ack["code"], 200);
    EXPECT_EQ(ack["headers"]["messageId"], "streamMsg-0001");
    EXPECT_EQ(ack["headers"]["contentType"], "application/json");
    EXPECT_EQ(ack["message"], "OK");
    ASSERT_TRUE(ack["data"].is_string());  // a JSON document inside a string
    EXPECT_EQ(json::parse(ack["data"].get<std::string>()), json::parse(R"({"response":null})"));
}

TEST(DingtalkStream, EchoesPingData) {
    const auto out = adapters::decode_stream_frame(fixture("stream_ping_frame.json"), fixture_now);
    EXPECT_EQ(out.inbound.error, errc::unsupported_event);
    const auto ack = json::parse(out.ack);
    EXPECT_EQ(ack["headers"]["messageId"], "ping-0001");
    EXPECT_EQ(ack["data"], R"({"opaque":"test-opaque-1"})");
}

TEST(DingtalkStream, ReportsDisconnectWithoutAck) {
    const auto out = adapters::decode_stream_frame(
        R"({"specVersion":"1.0","type":"SYSTEM","headers":{"messageId":"d1","topic":"disconnect"},)"
        R"("data":"{\"reason\":\"connection is expired\"}"})",
        fixture_now);
    EXPECT_TRUE(out.disconnect);
    EXPECT_TRUE(out.ack.empty());
    EXPECT_EQ(out.inbound.error, errc::unsupported_event);
}

TEST(DingtalkStream, AcksEventsWithSuccess) {
    const auto out = adapters::decode_stream_frame(
        R"({"type":"EVENT","headers":{"messageId":"e1","topic":"*","eventType":"chat_update_title"},"data":"{}"})",
        fixture_now);
    EXPECT_EQ(out.inbound.error, errc::unsupported_event);
    const auto data = json::parse(json::parse(out.ack)["data"].get<std::string>());
    EXPECT_EQ(data["status"], "SUCCESS");
}

TEST(DingtalkStream, HandsOverARichTextCallbackLikeHttpMode) {
    auto frame = json::parse(fixture("stream_callback_frame.json"));
    frame["data"] = fixture("robot_richtext.json");
    const auto out = adapters::decode_stream_frame(frame.dump(), fixture_now);
    ASSERT_TRUE(out.inbound.message) << out.inbound.detail;
    EXPECT_TRUE(out.inbound.message->text.starts_with("产品质量投诉"));
    EXPECT_EQ(out.inbound.message->attachments,
              (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0001"}}));
    EXPECT_FALSE(out.ack.empty());
    frame["data"] = fixture("robot_picture.json");
    const auto picture = adapters::decode_stream_frame(frame.dump(), fixture_now);
    ASSERT_TRUE(picture.inbound.message);
    EXPECT_EQ(picture.inbound.message->unreadable, "picture");
    EXPECT_FALSE(picture.ack.empty());
}

TEST(DingtalkStream, RejectsMalformedFrames) {
    EXPECT_EQ(adapters::decode_stream_frame("not json", fixture_now).inbound.error, errc::malformed_body);
    EXPECT_EQ(adapters::decode_stream_frame(R"({"type":"CALLBACK","headers":{}})", fixture_now).inbound.error,
              errc::malformed_body);
    // Known messageId but unusable data: ACKed anyway so it is not redelivered forever.
    const auto out = adapters::decode_stream_frame(
        R"({"type":"CALLBACK","headers":{"messageId":"m","topic":"/v1.0/im/bot/messages/get"},"data":"{oops"})",
        fixture_now);
    EXPECT_EQ(out.inbound.error, errc::malformed_body);
    EXPECT_FALSE(out.ack.empty());
}

TEST(DingtalkAdapter, EncodesMentionsAsUserIdsInTextAndAtList) {
    const auto dingtalk = make_adapter();
    const core::outbound_post post{
        "cidTestGroup0001+/=", "@张三 请在30分钟内处理投诉，@李四 跟进", {"p1", "p2", "p3"}};
    const std::vector<adapters::mention_target> mentions{
        {"p1", "张三", "zhangsan01"}, {"p2", "李四", ""}, {"p3", "王五", "wangwu01"}};
    const auto requests = dingtalk.encode(post, mentions, core::from_ms(doc_timestamp));
    ASSERT_EQ(requests.size(), 1U);
    const auto& req = requests[0];
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.headers.at("content-type"), "application/json; charset=utf-8");
    EXPECT_TRUE(
        req.url.starts_with("https://oapi.dingtalk.com/robot/send?access_token=testAccessToken&timestamp="
                            "1577262236757&sign="));
    const auto body = json::parse(req.body);
    EXPECT_EQ(body["msgtype"], "text");
    // 张三 highlighted via his userid; 李四 has no DingTalk account and stays plain text; 王五 is
    // not named in the text, so his @ is appended.
    EXPECT_EQ(body["text"]["content"], "@zhangsan01 请在30分钟内处理投诉，@李四 跟进 @wangwu01");
    EXPECT_EQ(body["at"]["atUserIds"], json::array({"zhangsan01", "wangwu01"}));
    EXPECT_EQ(body["at"]["isAtAll"], false);
}

TEST(DingtalkAdapter, EncodeUsesFallbackRobotAndNothingWithoutOne) {
    const auto dingtalk = make_adapter();
    const auto requests = dingtalk.encode({"otherChat", "hello", {}}, {}, fixture_now);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].url,
              "https://oapi.dingtalk.com/robot/send?access_token=fallbackToken");  // unsigned robot
    EXPECT_TRUE(
        dingtalk_adapter(adapters::dingtalk_config{}).encode({"x", "hello", {}}, {}, fixture_now).empty());
    EXPECT_TRUE(dingtalk.encode({"otherChat", "", {}}, {}, fixture_now).empty());
}

TEST(DingtalkAdapter, SplitsLongPostsUnderTheBodyLimit) {
    const auto dingtalk = make_adapter();
    std::string text;
    while (text.size() < 50 * 1024)
        text += "客户\"投诉\"：\t订单发货延迟，请尽快处理。\n";  // escapes grow in JSON
    text += "@张三";
    const auto requests =
        dingtalk.encode({"cidTestGroup0001+/=", text, {"p1"}}, {{"p1", "张三", "zhangsan01"}}, fixture_now);
    ASSERT_GE(requests.size(), 3U);
    std::string joined;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        EXPECT_LE(requests[i].body.size(), dingtalk_adapter::max_body_bytes);
        const auto body = json::parse(requests[i].body);  // throws on invalid UTF-8
        joined += body["text"]["content"].get<std::string>();
        // Only the piece that carries the @ lists the user.
        const bool last = i + 1 == requests.size();
        EXPECT_EQ(body["at"]["atUserIds"].size(), last ? 1U : 0U);
    }
    EXPECT_EQ(joined, text.substr(0, text.size() - std::string("@张三").size()) + "@zhangsan01");
}

TEST(DingtalkAdapter, ListsMentionCutBySplitterOnTheLastPiece) {
    const auto dingtalk = make_adapter();
    // Slide the mention across the split point: whatever the cut, the user is listed exactly once.
    for (std::size_t n = 19'880; n < 19'960; ++n) {
        const std::string text = std::string(n, 'a') + "@张三";
        const auto requests =
            dingtalk.encode({"x", text, {"p1"}}, {{"p1", "张三", "zhangsan01"}}, fixture_now);
        ASSERT_FALSE(requests.empty()) << n;
        std::size_t listed = 0;
        for (const auto& req : requests) {
            EXPECT_LE(req.body.size(), dingtalk_adapter::max_body_bytes);
            listed += json::parse(req.body)["at"]["atUserIds"].size();
        }
        EXPECT_EQ(listed, 1U) << n;
    }
}

TEST(DingtalkAdapter, SessionReplyPostsToTheSessionWebhookUnsigned) {
    const auto dingtalk = make_adapter();
    const auto requests = dingtalk.encode_reply("https://oapi.dingtalk.com/robot/sendBySession?session=s1",
                                                {"c", "收到", {}}, {}, core::instant{});
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].url, "https://oapi.dingtalk.com/robot/sendBySession?session=s1");
    EXPECT_EQ(json::parse(requests[0].body)["text"]["content"], "收到");
}

TEST(DingtalkAdapter, ClassifiesPlatformReplies) {
    const auto dingtalk = make_adapter();
    using v = adapter::send_verdict;
    EXPECT_EQ(dingtalk.classify(200, R"({"errcode":0,"errmsg":"ok"})"), v::delivered);
    EXPECT_EQ(
        dingtalk.classify(200, R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})"),
        v::rate_limited);
    EXPECT_EQ(dingtalk.classify(200, R"({"errcode":-1,"errmsg":"系统繁忙"})"), v::retry);
    EXPECT_EQ(dingtalk.classify(200, R"({"errcode":300001,"errmsg":"token is not exist"})"),
              v::permanent_failure);
    EXPECT_EQ(dingtalk.classify(200, R"({"errcode":310000,"errmsg":"sign not match"})"),
              v::permanent_failure);
    EXPECT_EQ(dingtalk.classify(200, R"({"errcode":310000,"errmsg":"keywords not in content"})"),
              v::permanent_failure);
    EXPECT_EQ(dingtalk.classify(200, R"({"errcode":400999,"errmsg":"unknown"})"), v::permanent_failure);
    EXPECT_EQ(dingtalk.classify(200, "<html>gateway</html>"), v::retry);
    EXPECT_EQ(dingtalk.classify(502, ""), v::retry);
    EXPECT_EQ(dingtalk.classify(0, ""), v::retry);  // timeout / no response
    EXPECT_EQ(dingtalk.classify(429, ""), v::rate_limited);
    EXPECT_EQ(dingtalk.classify(404, ""), v::permanent_failure);
}

}  // namespace
