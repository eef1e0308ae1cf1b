// The DingTalk adapter: inbound HTTP-mode signature (values computed independently with
// `openssl dgst -sha256 -hmac` and Python's hmac), the time window, decoding, and the signed
// custom-robot request with real @-mentions.
#include "adapters/dingtalk.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"

using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string app_secret = "SECtest-app-secret-0123456789";
const std::string ts = "1795395600000";  // 2026-11-23 09:00 +08:00
// printf '1795395600000\nSECtest-app-secret-0123456789' | openssl dgst -sha256 -hmac '<secret>' -binary | base64
const std::string good_sign = "d18L7o0w5GlFxrPmrxzNdmBg3csfqSKyWohYmPJMD9A=";

core::instant at_ts(std::int64_t offset_ms = 0) { return core::from_ms(std::stoll(ts) + offset_ms); }

adapters::dingtalk_adapter adapter(std::string webhook_secret = "SEC1a2b3c4d5e6f") {
    return adapters::dingtalk_adapter({app_secret, "https://oapi.dingtalk.com/robot/send?access_token=tok123",
                                       std::move(webhook_secret)});
}

std::string robot_message(const std::string& content) {
    return json{{"msgtype", "text"},
                {"text", {{"content", content}}},
                {"msgId", "msgABC123"},
                {"createAt", 1795395600000},
                {"conversationType", "2"},
                {"conversationId", "cidGROUP=="},
                {"conversationTitle", "辉煌同仁群"},
                {"senderId", "$:LWCP_v1:$abc"},
                {"senderStaffId", "dt-1002"},
                {"senderNick", "张三"},
                {"isInAtList", true},
                {"sessionWebhook", "https://oapi.dingtalk.com/robot/sendBySession?session=xyz"}}
        .dump();
}

adapters::raw_request callback(const std::string& body, const std::string& timestamp = ts,
                               const std::string& sign = good_sign) {
    adapters::raw_request r;
    r.method = "POST";
    r.target = "/hooks/dingtalk";
    r.headers["content-type"] = "application/json; charset=utf-8";
    if (!timestamp.empty()) r.headers["timestamp"] = timestamp;
    if (!sign.empty()) r.headers["sign"] = sign;
    r.body = body;
    return r;
}

}  // namespace

TEST(DingtalkAdapter, SignMatchesAnIndependentImplementation) {
    EXPECT_EQ(adapters::dingtalk_adapter::sign(ts, app_secret), good_sign);
    // Python: base64(hmac.new(s, ts+"\n"+s, sha256)) with s = SEC1a2b3c4d5e6f
    EXPECT_EQ(adapters::dingtalk_adapter::sign("1795395600001", "SEC1a2b3c4d5e6f"),
              "NWWmhWHlJ/EZYA0x5mmJQp3h++2f7g/kjQPbkixWDWc=");
}

TEST(DingtalkAdapter, DecodesASignedTextMessage) {
    auto r = adapter().decode(callback(robot_message(" 受理 P1")), at_ts(5000));
    ASSERT_FALSE(r.error) << r.detail;
    ASSERT_TRUE(r.message);
    EXPECT_EQ(r.message->msg_id, "msgABC123");
    EXPECT_EQ(r.message->chat, "cidGROUP==");
    EXPECT_EQ(r.message->sender, "dt-1002");
    EXPECT_EQ(r.message->text, "受理 P1");  // the leading space DingTalk leaves is gone
}

TEST(DingtalkAdapter, RejectsATamperedSign) {
    auto tampered = good_sign;
    tampered[0] = tampered[0] == 'd' ? 'e' : 'd';
    auto r = adapter().decode(callback(robot_message("受理 P1"), ts, tampered), at_ts());
    EXPECT_EQ(r.error, adapters::errc::bad_signature);
    EXPECT_FALSE(r.message);
    // The signature of another timestamp does not fit this one.
    auto other = adapter().decode(callback(robot_message("受理 P1"), "1795395600001", good_sign), at_ts());
    EXPECT_EQ(other.error, adapters::errc::bad_signature);
}

TEST(DingtalkAdapter, RejectsStaleAndFutureTimestamps) {
    auto old = adapter().decode(callback(robot_message("x")), at_ts(3'600'001));
    EXPECT_EQ(old.error, adapters::errc::stale_timestamp);
    auto future = adapter().decode(callback(robot_message("x")), at_ts(-3'600'001));
    EXPECT_EQ(future.error, adapters::errc::stale_timestamp);
    auto edge = adapter().decode(callback(robot_message("x")), at_ts(3'600'000));
    EXPECT_FALSE(edge.error);
}

TEST(DingtalkAdapter, RejectsMissingHeadersAndMalformedBodies) {
    EXPECT_EQ(adapter().decode(callback(robot_message("x"), "", good_sign), at_ts()).error,
              adapters::errc::missing_parameter);
    EXPECT_EQ(adapter().decode(callback(robot_message("x"), ts, ""), at_ts()).error, adapters::errc::missing_parameter);
    EXPECT_EQ(adapter().decode(callback(robot_message("x"), "17953956x", good_sign), at_ts()).error,
              adapters::errc::missing_parameter);
    EXPECT_EQ(adapter().decode(callback("{not json"), at_ts()).error, adapters::errc::malformed_body);
    EXPECT_EQ(adapter().decode(callback("[1,2]"), at_ts()).error, adapters::errc::malformed_body);
    auto no_id = json::parse(robot_message("x"));
    no_id.erase("msgId");
    EXPECT_EQ(adapter().decode(callback(no_id.dump()), at_ts()).error, adapters::errc::malformed_body);
    auto picture = json::parse(robot_message("x"));
    picture["msgtype"] = "picture";
    auto r = adapter().decode(callback(picture.dump()), at_ts());
    EXPECT_EQ(r.error, adapters::errc::unsupported_event);
    EXPECT_EQ(adapters::status_of(*r.error), 200);  // acknowledged, ignored
}

TEST(DingtalkAdapter, OutsidersFallBackToTheSenderId) {
    auto j = json::parse(robot_message("受理 P1"));
    j.erase("senderStaffId");
    auto r = adapter().decode(callback(j.dump()), at_ts());
    ASSERT_TRUE(r.message);
    EXPECT_EQ(r.message->sender, "$:LWCP_v1:$abc");
}

TEST(DingtalkAdapter, EncodesASignedRobotPostWithRealMentions) {
    core::outbound_post post{"group", "⏰ P1 受理已超时\n@李四 @周敏", {"lisi", "zhoumin"}};
    auto reqs = adapter().encode(post, {{"lisi", "李四", "dt-1005"}, {"zhoumin", "周敏", ""}}, at_ts(1));
    ASSERT_EQ(reqs.size(), 1u);
    // The sign of ts 1795395600001 contains '+' and '/': they must be URL-encoded.
    EXPECT_EQ(reqs[0].url,
              "https://oapi.dingtalk.com/robot/send?access_token=tok123&timestamp=1795395600001&sign="
              "NWWmhWHlJ%2FEZYA0x5mmJQp3h%2B%2B2f7g%2FkjQPbkixWDWc%3D");
    auto body = json::parse(reqs[0].body);
    EXPECT_EQ(body["msgtype"], "text");
    EXPECT_EQ(body["text"]["content"], "⏰ P1 受理已超时\n@dt-1005 @周敏");
    EXPECT_EQ(body["at"]["atUserIds"], json::array({"dt-1005"}));
    EXPECT_EQ(body["at"]["isAtAll"], false);
}

TEST(DingtalkAdapter, SplitsLongPostsOnCharacterBoundaries) {
    std::string text;
    while (text.size() < 50'000) text += "质量投诉处理流程表第一行内容，";
    auto reqs = adapter().encode({"group", text, {}}, {}, at_ts());
    ASSERT_GE(reqs.size(), 3u);
    std::string joined;
    for (const auto& r : reqs) {
        auto content = json::parse(r.body)["text"]["content"].get<std::string>();
        EXPECT_LE(content.size(), adapters::dingtalk_adapter::max_content_bytes);
        EXPECT_LE(r.body.size(), 20'000u);
        joined += content;
    }
    EXPECT_EQ(joined, text);
}

TEST(DingtalkAdapter, ClassifiesThePlatformsAnswers) {
    using v = adapters::adapter::send_verdict;
    auto a = adapter();
    EXPECT_EQ(a.classify(200, R"({"errcode":0,"errmsg":"ok"})"), v::delivered);
    EXPECT_EQ(a.classify(200, R"({"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"})"),
              v::rate_limited);
    EXPECT_EQ(a.classify(200, R"({"errcode":-1,"errmsg":"系统繁忙"})"), v::retry);
    EXPECT_EQ(a.classify(200, R"({"errcode":310000,"errmsg":"sign not match"})"), v::permanent_failure);
    EXPECT_EQ(a.classify(200, R"({"errcode":300001,"errmsg":"token is not exist"})"), v::permanent_failure);
    EXPECT_EQ(a.classify(502, "<html>bad gateway</html>"), v::retry);
    EXPECT_EQ(a.classify(429, ""), v::rate_limited);
    EXPECT_EQ(a.classify(404, ""), v::permanent_failure);
}

TEST(DingtalkAdapter, RefusesIncompleteSettingsWithoutEchoingSecrets) {
    EXPECT_THROW(adapters::dingtalk_adapter({"", "https://x", ""}), std::invalid_argument);
    try {
        adapters::dingtalk_adapter({"s3cr3t", "ftp://oapi.dingtalk.com/robot/send?access_token=tok123", ""});
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_EQ(std::string(e.what()).find("tok123"), std::string::npos);
        EXPECT_EQ(std::string(e.what()).find("s3cr3t"), std::string::npos);
    }
}
