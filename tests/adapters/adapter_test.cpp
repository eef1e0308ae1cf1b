// Tests for adapters/adapter.cpp: request helpers, errc mapping, split_utf8 and redact.
#include "adapters/adapter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using adapters::errc;
using adapters::raw_request;

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1fU;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0fU;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07U;
        } else {
            return false;
        }
        if (i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3fU);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += len;
    }
    return true;
}

TEST(RawRequest, QueryPercentDecodesAndKeepsPlus) {
    const raw_request req{"GET", "/hooks/wecom?echostr=a%2Bb%2Fc%3D%3D&plus=a+b&empty=&flag&x=1&x=2", {}, {}};
    EXPECT_EQ(req.query("echostr"), "a+b/c==");
    EXPECT_EQ(req.query("plus"), "a+b");  // '+' is not a space on our platforms
    EXPECT_EQ(req.query("empty"), "");
    EXPECT_EQ(req.query("flag"), "");
    EXPECT_EQ(req.query("x"), "1");  // first occurrence wins
    EXPECT_EQ(req.query("missing"), std::nullopt);
    EXPECT_EQ(req.query("echo"), std::nullopt);
}

TEST(RawRequest, QueryKeepsMalformedEscapesLiterally) {
    const raw_request req{"GET", "/p?a=%zz&b=%4&c=%e4%bd%a0#frag", {}, {}};
    EXPECT_EQ(req.query("a"), "%zz");
    EXPECT_EQ(req.query("b"), "%4");
    EXPECT_EQ(req.query("c"), "\xe4\xbd\xa0");
}

TEST(RawRequest, PathStripsQueryAndHeaderLooksUpLowerCaseNames) {
    raw_request req{"POST", "/hooks/dingtalk?x=1", {{"timestamp", "1"}}, {}};
    EXPECT_EQ(req.path(), "/hooks/dingtalk");
    const raw_request plain{"GET", "/plain", {}, {}};
    EXPECT_EQ(plain.path(), "/plain");
    ASSERT_NE(req.header("timestamp"), nullptr);
    EXPECT_EQ(*req.header("timestamp"), "1");
    EXPECT_EQ(req.header("sign"), nullptr);
}

TEST(Errc, MapsToStatusAndName) {
    EXPECT_EQ(adapters::status_of(errc::missing_parameter), 400);
    EXPECT_EQ(adapters::status_of(errc::missing_signature), 401);
    EXPECT_EQ(adapters::status_of(errc::stale_timestamp), 401);
    EXPECT_EQ(adapters::status_of(errc::bad_signature), 401);
    EXPECT_EQ(adapters::status_of(errc::decrypt_failed), 400);
    EXPECT_EQ(adapters::status_of(errc::malformed_body), 400);
    EXPECT_EQ(adapters::status_of(errc::unsupported_event), 200);
    EXPECT_EQ(adapters::name_of(errc::bad_signature), "bad_signature");
    EXPECT_EQ(adapters::name_of(errc::missing_signature), "missing_signature");
    EXPECT_EQ(adapters::name_of(errc::unsupported_event), "unsupported_event");
}

TEST(SplitUtf8, KeepsShortTextWholeAndEmptyTextEmpty) {
    EXPECT_EQ(adapters::split_utf8("hello", 2048), std::vector<std::string>{"hello"});
    EXPECT_TRUE(adapters::split_utf8("", 2048).empty());
    EXPECT_THROW(adapters::split_utf8("abc", 3), std::invalid_argument);
}

TEST(SplitUtf8, SplitsTenKilobyteChinesePostIntoValidPieces) {
    std::string text;
    while (text.size() < 10 * 1024) text += "客户投诉：订单发货延迟，请尽快处理并回复。";  // no line breaks
    const auto pieces = adapters::split_utf8(text, 2048);
    ASSERT_GE(pieces.size(), 5U);
    std::string joined;
    for (const auto& p : pieces) {
        EXPECT_LE(p.size(), 2048U);
        if (&p != &pieces.back()) {
            EXPECT_GE(p.size(), 2046U);  // at most one 3-byte character short
        }
        EXPECT_TRUE(valid_utf8(p));
        joined += p;
    }
    EXPECT_EQ(joined, text);
}

TEST(SplitUtf8, PrefersCuttingAfterALineBreak) {
    const std::string line = std::string(30, 'a') + "\n";
    const auto pieces = adapters::split_utf8(line + line + line, 70);
    ASSERT_EQ(pieces.size(), 2U);
    EXPECT_EQ(pieces[0], line + line);
    EXPECT_EQ(pieces[1], line);
    // A line break early in the window is ignored (pieces would be too small).
    const auto early = adapters::split_utf8("ab\n" + std::string(100, 'c'), 50);
    EXPECT_EQ(early[0].size(), 50U);
}

TEST(SplitUtf8, HandlesInvalidUtf8WithoutLooping) {
    std::string junk;
    for (int i = 0; i < 300; ++i) junk += "\x80\xff\xe4\xbd";  // stray continuations, bad leads, truncated
    const auto pieces = adapters::split_utf8(junk, 7);
    std::string joined;
    for (const auto& p : pieces) {
        EXPECT_LE(p.size(), 7U);
        EXPECT_FALSE(p.empty());
        joined += p;
    }
    EXPECT_EQ(joined, junk);
}

TEST(SplitUtf8, NeverCutsFourByteCharacters) {
    std::string emoji;
    for (int i = 0; i < 100; ++i) emoji += "\xf0\x9f\x98\x80";  // U+1F600
    for (const auto& p : adapters::split_utf8(emoji, 10)) {
        EXPECT_EQ(p.size(), 8U);
        EXPECT_TRUE(valid_utf8(p));
    }
}

TEST(Redact, HidesCredentialsInUrls) {
    EXPECT_EQ(adapters::redact(
                  "https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1577262236757&sign="
                  "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D"),
              "https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=***&sign=***");
    EXPECT_EQ(adapters::redact("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx"),
              "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***");
    EXPECT_EQ(adapters::redact("https://oapi.dingtalk.com/robot/sendBySession?session=xyz"),
              "https://oapi.dingtalk.com/robot/sendBySession?session=***");
    EXPECT_EQ(adapters::redact("https://open.feishu.cn/open-apis/bot/v2/hook/0123-abcd"),
              "https://open.feishu.cn/open-apis/bot/v2/hook/***");
    EXPECT_EQ(adapters::redact("https://user:pw@example.com/x?corpsecret=s&corpid=ww1"),
              "https://***@example.com/x?corpsecret=***&corpid=ww1");
    // Unknown names with long opaque values are hidden too; ordinary parameters stay readable.
    EXPECT_EQ(adapters::redact(
                  "https://example.com/cb?response_code=AbCdEfGhIjKlMnOpQrStUvWx&type=file&timestamp=5"),
              "https://example.com/cb?response_code=***&type=file&timestamp=5");
    EXPECT_EQ(adapters::redact("https://example.com/r?opaque=AbCdEfGhIjKlMnOpQrStUvWxYz"),
              "https://example.com/r?opaque=***");
}

}  // namespace
