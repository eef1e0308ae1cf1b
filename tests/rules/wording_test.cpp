// The wording in one place (rules/wording.cpp): the @-mention line every post ends with, the reply
// to the sender, the reply to an unregistered sender with HR named from the config.
#include "rules/wording.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

TEST(Wording, MentionsEndThePostAsOneLineInOrder) {
    auto cfg = company();
    auto p = rules::with_mentions({"group", "📄 流程表", {"wangwu", "zhaoliu"}}, cfg);
    EXPECT_EQ(p.text, "📄 流程表\n@王五 @赵六");
    EXPECT_EQ(p.mentions, (std::vector<std::string>{"wangwu", "zhaoliu"}));
    EXPECT_EQ(rules::with_mentions({"group", "无人", {}}, cfg).text, "无人");
}

TEST(Wording, ARepliedToPersonIsMentionedOnlyWhenKnown) {
    auto cfg = company();
    auto known = rules::reply_to_sender("group", "zhangsan", "❌ 没有找到投诉 P9", cfg);
    EXPECT_EQ(known.text, "❌ 没有找到投诉 P9\n@张三");
    EXPECT_EQ(known.mentions, (std::vector<std::string>{"zhangsan"}));
    auto stranger = rules::reply_to_sender("group", "unregistered:0233", "❌ 未登记", cfg);
    EXPECT_EQ(stranger.text, "❌ 未登记");
    EXPECT_TRUE(stranger.mentions.empty());
}

TEST(Wording, AnUnregisteredSenderIsToldTheirIdAndTheConfiguredHr) {
    auto cfg = company();
    EXPECT_EQ(rules::unregistered_sender_reply(cfg, "dingtalk", "unregistered:manager4012"),
              "❌ 你的钉钉账号尚未在投诉机器人中登记（账号 ID：manager4012）。请把这个 ID "
              "发给人力资源部，登记后再发送。");
    cfg.roles.hr = "行政人事部";
    EXPECT_TRUE(has(rules::unregistered_sender_reply(cfg, "wecom", "wx_li"), "企业微信账号"));
    EXPECT_TRUE(has(rules::unregistered_sender_reply(cfg, "wecom", "wx_li"), "发给行政人事部"));
    cfg.roles.hr.clear();
    EXPECT_TRUE(has(rules::unregistered_sender_reply(cfg, "replay", "x"), "发给管理员"));
}

}  // namespace
