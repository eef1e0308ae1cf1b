// 申诉 and 复核 of a complaint (rules/appeal.cpp), in memory: the complainant appeals within the
// window after the last reply, the appeal department reviews; refusals leave the complaint as it was.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

// P1 answered by 生产部 at 10:00 (closed when no compensation is asked).
rules::complaint answered(desk& d) {
    auto text = product_post;
    text.replace(text.find("退货并补发合格品"), std::string("退货并补发合格品").size(), "下次加固包装");
    auto c = d.post(text, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，已更换模具", "qianqi", at("10:00"));
    return c;
}

TEST(Appeal, TheComplainantAppealsAndTheComplaintReopensForReview) {
    desk d;
    auto c = answered(d);
    ASSERT_TRUE(c.status_is(rules::complaint_status::closed));
    ASSERT_TRUE(d.say(c, "申诉 P1 客户不认可，要求重新检测", "zhangsan", at("15:00")));
    EXPECT_TRUE(c.is_open());
    const auto* review = c.find_stage(rules::stage_id::review);
    ASSERT_TRUE(review);
    EXPECT_TRUE(has(d.reply(), "📣 P1 已收到张三的申诉：客户不认可，要求重新检测")) << d.reply();
    EXPECT_TRUE(has(d.reply(), "请监察部于")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.back(), "zhengshi"));
}

TEST(Appeal, SomeoneElseAppealingIsRefusedNamingWhoMayAndChangesNothing) {
    desk d;
    auto c = answered(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "申诉 P1 我觉得不对", "sunba", at("15:00")));
    EXPECT_TRUE(has(d.reply(), "只有投诉人张三或销售一部负责人陈静可以申诉 P1。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Appeal, AppealingBeforeAnyReplyIsRefusedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "申诉 P1 太慢了", "zhangsan", at("09:10")));
    EXPECT_TRUE(has(d.reply(), "P1 尚未答复，暂不能申诉")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Appeal, AppealingAfterTheWindowIsRefusedAndChangesNothing) {
    desk d;
    auto c = answered(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "申诉 P1 客户不认可", "zhangsan", at("10:01", "2026-12-01")));
    EXPECT_TRUE(has(d.reply(), "P1 已超过申诉期限")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Appeal, ASecondAppealIsRefusedAndChangesNothing) {
    desk d;
    auto c = answered(d);
    ASSERT_TRUE(d.say(c, "申诉 P1 客户不认可", "zhangsan", at("15:00")));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "申訴 P1 再申訴一次", "chenjing", at("15:30")));  // Traditional 申訴
    EXPECT_TRUE(has(d.reply(), "不能重复申诉")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Appeal, TheReviewByTheAppealDepartmentClosesItAgain) {
    desk d;
    auto c = answered(d);
    ASSERT_TRUE(d.say(c, "申诉 P1 客户不认可", "zhangsan", at("15:00")));
    ASSERT_TRUE(d.say(c, "复核 P1 维持原处理，检测报告合格", "zhengshi", at("16:00")));
    EXPECT_TRUE(has(d.reply(), "⚖️ P1 复核结论（郑十")) << d.reply();
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
}

TEST(Appeal, AReviewFromOutsideTheAppealDepartmentIsRefusedAndChangesNothing) {
    desk d;
    auto c = answered(d);
    ASSERT_TRUE(d.say(c, "申诉 P1 客户不认可", "zhangsan", at("15:00")));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "复核 P1 维持", "qianqi", at("16:00")));
    EXPECT_TRUE(has(d.reply(), "监察部")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Appeal, AReviewWithoutAnAppealIsRefusedAndChangesNothing) {
    desk d;
    auto c = answered(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "复核 P1 维持", "zhengshi", at("16:00")));
    EXPECT_TRUE(has(d.reply(), "P1 没有申诉，无需复核。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

}  // namespace
