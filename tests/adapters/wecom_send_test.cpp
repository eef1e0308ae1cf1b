// Tests for adapters/wecom.cpp, the sending side: the constructor's key checks, encode (mentioned
// list, fallback webhook, long posts split under the content limit, full webhook URLs) and the
// classification of the platform's replies.
#include "adapters/wecom.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "adapters/wecom_support.hpp"

namespace {

using namespace wecom_test;

TEST(WecomAdapter, ConstructorRejectsBadKeysWithoutEchoingThem) {
    const auto attempt = [](const std::string& key, const std::string& token = test_token) {
        adapters::wecom_config config;
        config.token = token;
        config.encoding_aes_key = key;
        try {
            wecom_adapter wecom(config);
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    const std::string key(test_key);
    const auto short_key = attempt(key.substr(0, 42));
    EXPECT_NE(short_key.find("43"), std::string::npos) << short_key;
    EXPECT_EQ(short_key.find(key.substr(0, 20)), std::string::npos);
    const auto bad_alphabet = attempt(key.substr(0, 40) + "!@#");
    EXPECT_NE(bad_alphabet.find("alphabet"), std::string::npos) << bad_alphabet;
    EXPECT_EQ(bad_alphabet.find(key.substr(0, 20)), std::string::npos);
    EXPECT_NE(attempt(key + "=").find("43"), std::string::npos);
    EXPECT_NE(attempt(key, "").find("token"), std::string::npos);
    EXPECT_EQ(attempt(key), "accepted");
}

TEST(WecomAdapter, EncodesTextWithMentionedList) {
    const auto wecom = make_adapter();
    const core::outbound_post post{"wrTestChat0001", "@李四 请处理投诉 #12", {"p1", "p2"}};
    const auto requests =
        wecom.encode(post, {{"p1", "李四", "lisi"}, {"p2", "无账号", ""}, {"p3", "李四", "lisi"}}, test_now);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=testWebhookKey-0001");
    EXPECT_EQ(requests[0].headers.at("content-type"), "application/json; charset=utf-8");
    const auto body = json::parse(requests[0].body);
    EXPECT_EQ(body["msgtype"], "text");
    EXPECT_EQ(body["text"]["content"], "@李四 请处理投诉 #12");
    EXPECT_EQ(body["text"]["mentioned_list"], json::array({"lisi"}));
}

TEST(WecomAdapter, EncodeUsesFallbackWebhookAndNothingWithoutOne) {
    const auto wecom = make_adapter();
    const auto requests = wecom.encode({"unknownChat", "hi", {}}, {}, test_now);
    ASSERT_EQ(requests.size(), 1U);
    EXPECT_EQ(requests[0].url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=fallbackKey");
    EXPECT_FALSE(json::parse(requests[0].body)["text"].contains("mentioned_list"));
    adapters::wecom_config config;
    config.token = test_token;
    config.encoding_aes_key = test_key;
    EXPECT_TRUE(wecom_adapter(config).encode({"c", "hi", {}}, {}, test_now).empty());
    EXPECT_TRUE(wecom.encode({"unknownChat", "", {}}, {}, test_now).empty());
}

TEST(WecomAdapter, SplitsTenKilobyteChinesePostUnderContentLimit) {
    const auto wecom = make_adapter();
    std::string text;
    for (int line = 0; text.size() < 10 * 1024; ++line) {
        text += "第" + std::to_string(line) + "条：客户投诉订单发货延迟，要求今日内处理完毕并回复客户。\n";
    }
    const auto requests = wecom.encode({"wrTestChat0001", text, {"p1"}}, {{"p1", "李四", "lisi"}}, test_now);
    ASSERT_GE(requests.size(), 5U);
    std::string joined;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto body = json::parse(requests[i].body);  // would throw on invalid UTF-8
        const auto content = body["text"]["content"].get<std::string>();
        EXPECT_LE(content.size(), wecom_adapter::max_content_bytes);
        if (i + 1 < requests.size()) {
            EXPECT_EQ(content.back(), '\n');  // cut after a line break
        }
        EXPECT_EQ(body["text"].contains("mentioned_list"), i == 0);  // notify once
        joined += content;
    }
    EXPECT_EQ(joined, text);
}

TEST(WecomAdapter, AcceptsFullWebhookUrlInsteadOfKey) {
    EXPECT_EQ(adapters::wecom_webhook_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1"),
              "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1");
    EXPECT_EQ(adapters::wecom_webhook_url("k1/+"),
              "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1%2F%2B");
}

TEST(WecomAdapter, ClassifiesPlatformReplies) {
    const auto wecom = make_adapter();
    using v = adapter::send_verdict;
    EXPECT_EQ(wecom.classify(200, R"({"errcode":0,"errmsg":"ok"})"), v::delivered);
    EXPECT_EQ(wecom.classify(200, R"({"errcode":45009,"errmsg":"api freq out of limit"})"), v::rate_limited);
    EXPECT_EQ(wecom.classify(200, R"({"errcode":-1,"errmsg":"system busy"})"), v::retry);
    EXPECT_EQ(wecom.classify(200, R"({"errcode":93000,"errmsg":"invalid webhook url"})"),
              v::permanent_failure);
    EXPECT_EQ(wecom.classify(200, R"({"errcode":40058,"errmsg":"exceed max length 4096"})"),
              v::permanent_failure);
    EXPECT_EQ(wecom.classify(200, R"({"errcode":44004,"errmsg":"empty content"})"), v::permanent_failure);
    EXPECT_EQ(wecom.classify(200, R"({"errcode":40008,"errmsg":"invalid message type"})"),
              v::permanent_failure);
    EXPECT_EQ(wecom.classify(200, "not json"), v::retry);
    EXPECT_EQ(wecom.classify(503, ""), v::retry);
    EXPECT_EQ(wecom.classify(0, ""), v::retry);
    EXPECT_EQ(wecom.classify(429, ""), v::rate_limited);
    EXPECT_EQ(wecom.classify(403, ""), v::permanent_failure);
}

}  // namespace
