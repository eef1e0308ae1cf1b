#include "rules/text.hpp"

#include <gtest/gtest.h>

TEST(Text, FoldsTraditionalAndFullWidth) {
    EXPECT_EQ(rules::fold("產品質量投訴"), "产品质量投诉");
    EXPECT_EQ(rules::fold("服務質量投訴"), "服务质量投诉");
    EXPECT_EQ(rules::fold("Ｐ１：　ａｂｃ"), "P1: abc");
    EXPECT_EQ(rules::fold("罰款匯總 本週"), "罚款汇总 本周");
    EXPECT_EQ(rules::fold("生產部 採購部 打單部 人力資源部 監察部"),
              "生产部 采购部 打单部 人力资源部 监察部");
}

TEST(Text, InvalidUtf8BecomesReplacementCharacters) {
    EXPECT_EQ(rules::fold("a\xFF"
                          "b"),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_FALSE(rules::valid_utf8("\xE5\x8D"));
    EXPECT_FALSE(rules::valid_utf8("\xC0\x80"));  // overlong
    EXPECT_TRUE(rules::valid_utf8("张三\xEF\xBF\xBD"));
}

TEST(Text, TrimsAsciiAndIdeographicSpaces) {
    EXPECT_EQ(rules::trim("　 张三 \t　"), "张三");
    EXPECT_EQ(rules::trim("   "), "");
    EXPECT_EQ(rules::trim(""), "");
}

TEST(Text, SplitsWordsOnChineseSeparators) {
    EXPECT_EQ(rules::split_words("生产部、采购部，物流部 客服部,行政部"),
              (std::vector<std::string>{"生产部", "采购部", "物流部", "客服部", "行政部"}));
}

TEST(Text, StripsMentions) {
    EXPECT_EQ(rules::strip_mentions("@投诉机器人 受理 P1"), "受理 P1");
    EXPECT_EQ(rules::strip_mentions("＠投诉机器人　受理 P1"), "受理 P1");
    EXPECT_EQ(rules::strip_mentions("受理 P1 @投诉机器人"), "受理 P1");
    EXPECT_EQ(rules::strip_mentions("@投诉机器人"), "");
    EXPECT_EQ(rules::strip_mentions("邮箱 a@b.com 已发"), "邮箱 a@b.com 已发");
}

TEST(Text, Utf8Truncate) {
    EXPECT_EQ(rules::utf8_truncate("张三李四", 2), "张三…");
    EXPECT_EQ(rules::utf8_truncate("张三", 5), "张三");
    EXPECT_EQ(rules::utf8_length("张三ab"), 4u);
}
