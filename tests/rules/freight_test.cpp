// 退货运费 (rules/freight.cpp), in memory: the order follower opens the record, then the bearing
// head, 打单部, 财务部 and 人力资源部 sign off strictly in order; each out-of-turn or wrong-person
// step is refused and changes nothing.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

rules::complaint opened(desk& d) {
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    EXPECT_TRUE(d.say(c, "运费 P1 120 生产部", "heqi", at("09:30")));
    return c;
}

TEST(Freight, OpeningNamesTheBearingHeadAndTheOrderOfSignOffs) {
    desk d;
    auto c = opened(d);
    ASSERT_TRUE(c.freight);
    EXPECT_EQ(c.freight->amount, "120");
    EXPECT_EQ(c.freight->department, "生产部");
    EXPECT_EQ(rules::freight_pending_step(c), rules::freight_step::head);
    EXPECT_EQ(rules::freight_pending(c), "head");
    EXPECT_TRUE(has(d.reply(), "🚚 运费P1 已登记退货运费 120 元，由生产部承担。")) << d.reply();
    EXPECT_TRUE(has(d.reply(), "之后由打单部经理签字、财务部付款、人力资源部核销。")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.back(), "zhaoliu"));
    EXPECT_EQ(rules::freight_summary(c, d.cfg()), "运费P1 120 元（生产部承担） 待生产部负责人签字");
}

TEST(Freight, EverySignOffInOrderEndsTheFlow) {
    desk d;
    auto c = opened(d);
    ASSERT_TRUE(d.say(c, "签字 运费P1", "zhaoliu", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "下一步：打单部经理签字（签字 运费P1）")) << d.reply();
    ASSERT_TRUE(d.say(c, "签字 运费P1", "zhoumin", at("10:10")));
    ASSERT_TRUE(d.say(c, "付款 运费P1", "fengyi", at("10:20")));
    EXPECT_EQ(rules::freight_pending_step(c), rules::freight_step::write_off);
    ASSERT_TRUE(d.say(c, "核销 运费P1", "wangwu", at("10:30")));
    EXPECT_TRUE(has(d.reply(), "退货运费流程结束。")) << d.reply();
    EXPECT_FALSE(rules::freight_pending_step(c));
    EXPECT_EQ(rules::freight_pending(c), "");
    EXPECT_EQ(d.last().events.back().type, "freight_write_off");
}

TEST(Freight, PayingBeforeTheSignaturesIsRefusedAndChangesNothing) {
    desk d;
    auto c = opened(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "付款 运费P1", "fengyi", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "运费P1 当前待生产部负责人签字，请先完成：签字 运费P1。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Freight, ASignatureFromTheWrongPersonIsRefusedAndChangesNothing) {
    desk d;
    auto c = opened(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "签字 运费P1", "qianqi", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "只有生产部负责人赵六可以办理，钱七不能代办。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Freight, OpeningTwiceOrFromOutsideTheOrderFollowersIsRefusedAndChangesNothing) {
    desk d;
    auto c = opened(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "运费 P1 80 物流部", "heqi", at("09:40")));
    EXPECT_TRUE(has(d.reply(), "不能重复登记")) << d.reply();
    EXPECT_EQ(stored(c), before);

    auto c2 = d.post(product_post, "zhangsan", at("09:00"), 2);
    auto before2 = stored(c2);
    EXPECT_FALSE(d.say(c2, "运费 P2 80 物流部", "zhangsan", at("09:40")));
    EXPECT_TRUE(has(d.reply(), "客服部")) << d.reply();
    EXPECT_EQ(stored(c2), before2);
}

TEST(Freight, AnUnknownBearingDepartmentIsRefusedListingTheDepartments) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "运费 P1 120 品管部", "heqi", at("09:30")));
    EXPECT_TRUE(has(d.reply(), "未知部门：品管部。可用的部门：销售一部、打单部")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Freight, TheWaitingStepIsRemindedAndTheReminderKeyIsTyped) {
    desk d;
    auto c = opened(d);
    auto ds = rules::pending_deadlines(c);
    bool found = false;
    for (const auto& x : ds)
        if (x.key == "freight:head:remind:1") {
            found = true;
            EXPECT_EQ(x.due, at("09:30", "2026-11-24"));
        }
    EXPECT_TRUE(found);
    d.advance(c, at("09:30", "2026-11-24"));
    bool reminded = false;
    for (const auto& p : d.last().posts)
        if (has(p.text, "⏰ 提醒（第1次）：运费P1 待生产部负责人签字（签字 运费P1）")) reminded = true;
    EXPECT_TRUE(reminded);
    EXPECT_EQ(c.reminded["freight:head"], 1);
}

}  // namespace
