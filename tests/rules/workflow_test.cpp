// The dispatcher (rules/workflow.cpp): each command goes to its stage or flow; one that has no
// meaning on a complaint is refused with the command's name and changes nothing; the deadline keys
// it fires are typed and an unknown key does nothing.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

TEST(Workflow, ACommandWithoutMeaningOnAComplaintIsRefusedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "帮助", "zhoumin", at("09:01")));
    EXPECT_TRUE(has(d.reply(), "暂不支持用于 P1")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Workflow, AnUnknownDeadlineKeyChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    for (const char* key :
         {"acept:miss", "accept:esc:x", "boss:remind:1", "F1:review:miss", "respond:miss:品管部"}) {
        rules::outcome out;
        rules::fire_deadline(c, key, at("09:05"), d.ctx(at("09:05")), out);
        EXPECT_TRUE(out.events.empty()) << key;
        EXPECT_TRUE(out.posts.empty()) << key;
    }
    EXPECT_EQ(stored(c), before);
}

TEST(Workflow, PendingDeadlinesAreTheKeysTheRulesFire) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    for (const auto& x : rules::pending_deadlines(c)) EXPECT_TRUE(rules::deadline_key::parse(x.key)) << x.key;
    auto ds = rules::pending_deadlines(c);
    ASSERT_FALSE(ds.empty());
    EXPECT_EQ(ds.front().key, "accept:miss");
    EXPECT_EQ(ds.front().due, at("09:05"));
}

TEST(Workflow, TheRespondMissFinesEachSilentHeadOnce) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25"));
    d.advance(c, at("11:00"));
    ASSERT_EQ(d.fines().size(), 2u);
    EXPECT_EQ(d.fines()[0].person, "zhaoliu");
    EXPECT_EQ(d.fines()[1].person, "wujiu");
    bool fine_post = false;
    for (const auto& p : d.last().posts)
        if (has(p.text,
                "💰 P1 回复已超时（截止 11:00），按水果基金处罚：\nF1：生产部负责人@赵六 50 "
                "元\nF2：采购部负责人@吴九 50 元"))
            fine_post = true;
    EXPECT_TRUE(fine_post);
    d.advance(c, at("15:00"));
    EXPECT_EQ(d.fines().size(), 2u);  // once per complaint, stage and department
}

}  // namespace
