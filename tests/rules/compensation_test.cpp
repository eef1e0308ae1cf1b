// The compensation flow (rules/compensation.cpp), in memory (the jobs that drive it: jobs_test): 17:30 the
// answered complaint goes on the 质量投诉处理流程表, its heads sign, 09:00 the sheet goes to the
// complainant's VP, 副总意见, 总经理审批, 打单部 执行 closes it. Each step out of turn or by the wrong person
// is refused and changes nothing.
#include "rules/jobs.hpp"
#include "rules/reports.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

// P1 (退货) answered by 生产部 at 10:00 and put on the 17:30 sheet.
rules::complaint on_sheet(desk& d) {
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，同意退货并补发", "qianqi", at("10:00"));
    EXPECT_TRUE(rules::ready_for_sheet(c));
    std::vector<rules::complaint> open{c};
    rules::outcome out;
    auto marked = rules::sheet_job(open, {2026, 11, 23}, d.ctx(at("17:30")), out);
    EXPECT_EQ(marked.size(), 1u);
    return open.front();
}

TEST(Compensation, TheWholeFlowClosesTheComplaint) {
    desk d;
    auto c = on_sheet(d);
    ASSERT_TRUE(d.say(c, "签字 P1", "zhaoliu", at("17:40")));
    EXPECT_TRUE(has(d.reply(), "✍️ P1 生产部负责人赵六已签字。")) << d.reply();
    std::vector<rules::complaint> open{c};
    rules::outcome out;
    rules::forward_job(open, {2026, 11, 24}, d.ctx(at("09:00", "2026-11-24")), out);
    c = open.front();
    ASSERT_TRUE(d.say(c, "副总意见 P1 同意退货，补发200盒", "liuzong", at("10:00", "2026-11-24")));
    ASSERT_TRUE(d.say(c, "总经理审批 P1 同意", "huangzong", at("11:00", "2026-11-24")));
    ASSERT_TRUE(d.say(c, "执行 P1", "zhoumin", at("14:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "🏁 P1 已由周敏按审批意见执行，投诉关闭。")) << d.reply();
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
}

TEST(Compensation, SigningBeforeTheSheetIsRefusedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "簽字 P1", "zhaoliu", at("09:30")));  // Traditional 簽字
    EXPECT_TRUE(has(d.reply(), "P1 尚未列入质量投诉处理流程表，无需签字。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Compensation, ASignatureFromSomeoneNotAResponsibleHeadIsRefusedAndChangesNothing) {
    desk d;
    auto c = on_sheet(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "签字 P1", "qianqi", at("17:40")));
    EXPECT_TRUE(has(d.reply(), "只有生产部负责人可以为 P1 签字。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Compensation, ApprovalBeforeTheVpsOpinionIsRefusedAndChangesNothing) {
    desk d;
    auto c = on_sheet(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "总经理审批 P1 同意", "huangzong", at("17:45")));
    EXPECT_FALSE(d.reply().empty());
    EXPECT_EQ(stored(c), before);
}

TEST(Compensation, ExecutingBeforeApprovalIsRefusedAndChangesNothing) {
    desk d;
    auto c = on_sheet(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "执行 P1", "zhoumin", at("17:45")));
    EXPECT_FALSE(d.reply().empty());
    EXPECT_EQ(stored(c), before);
}

TEST(Compensation, AnUnsignedSheetIsRemindedNextMorning) {
    desk d;
    auto c = on_sheet(d);
    d.advance(c, at("08:30", "2026-11-24"));
    bool reminded = false;
    for (const auto& p : d.last().posts)
        if (has(p.text, "⏰ 提醒（第1次）：P1 质量投诉处理流程表待生产部负责人签字（签字 P1）"))
            reminded = true;
    EXPECT_TRUE(reminded);
    EXPECT_EQ(c.reminded["sign"], 1);
}

}  // namespace
