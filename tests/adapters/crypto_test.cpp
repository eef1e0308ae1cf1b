#include "adapters/crypto.hpp"

#include <gtest/gtest.h>

#include "adapters/adapter.hpp"

using namespace adapters;

TEST(Crypto, HmacSha256MatchesRfc4231Case2) {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    auto mac = crypto::hmac_sha256("Jefe", "what do ya want for nothing?");
    EXPECT_EQ(crypto::base64_encode(mac), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(Crypto, Sha1OfAbc) { EXPECT_EQ(crypto::sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d"); }

TEST(Crypto, Base64RoundTripAndStrictDecoding) {
    EXPECT_EQ(crypto::base64_encode("张三"), "5byg5LiJ");
    EXPECT_EQ(crypto::base64_decode("5byg5LiJ"), "张三");
    EXPECT_EQ(crypto::base64_decode("YQ=="), "a");
    EXPECT_EQ(crypto::base64_decode("YWI="), "ab");
    EXPECT_FALSE(crypto::base64_decode("YQ="));
    EXPECT_FALSE(crypto::base64_decode("Y*=="));
    EXPECT_FALSE(crypto::base64_decode("Y=Q="));
}

TEST(Crypto, UrlEncodeAndConstantTimeEqual) {
    EXPECT_EQ(crypto::url_encode("a+b/c=d e"), "a%2Bb%2Fc%3Dd%20e");
    EXPECT_TRUE(crypto::equal("abc", "abc"));
    EXPECT_FALSE(crypto::equal("abc", "abd"));
    EXPECT_FALSE(crypto::equal("abc", "abcd"));
}

TEST(Adapter, QueryParametersAreUrlDecoded) {
    raw_request r;
    r.target = "/hooks/wecom?msg_signature=abc&echostr=a%2Bb%2F%3D&empty=&plus=a+b";
    EXPECT_EQ(r.path(), "/hooks/wecom");
    EXPECT_EQ(r.query("echostr"), "a+b/=");
    EXPECT_EQ(r.query("empty"), "");
    EXPECT_EQ(r.query("plus"), "a b");
    EXPECT_FALSE(r.query("nonce"));
}

TEST(Adapter, SplitsUtf8UnderTheByteLimit) {
    std::string text = "第一行\n第二行很长很长很长\n第三行";
    auto pieces = split_utf8(text, 20);
    std::string joined;
    for (const auto& p : pieces) {
        EXPECT_LE(p.size(), 20u);
        joined += p;
    }
    EXPECT_EQ(joined, text);
    EXPECT_EQ(pieces[0], "第一行\n");  // cut after the line break
    EXPECT_EQ(split_utf8("", 10), std::vector<std::string>{""});
    auto bad = split_utf8(std::string(50, '\x80'), 16);  // invalid UTF-8 still terminates
    EXPECT_EQ(bad.size(), 4u);
}

TEST(Adapter, RedactsCredentialsInUrls) {
    EXPECT_EQ(redact("https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1&sign=xyz%3D"),
              "https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1&sign=***");
    EXPECT_EQ(redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6"),
              "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***");
    EXPECT_EQ(redact("https://example.com/path"), "https://example.com/path");
}
