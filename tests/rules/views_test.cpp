// The views of a complaint (rules/views.cpp): stage names in Chinese, the departments still owing,
// the 待办 line with what is left or how late it is; and the 待办 filter (rules/jobs.cpp).
#include "rules/reports.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

TEST(Views, StageLabelsAreTheRuleBooksWords) {
    EXPECT_EQ(rules::stage_label("accept"), "受理");
    EXPECT_EQ(rules::stage_label("publish"), "公布工艺流程");
    EXPECT_EQ(rules::stage_label("route"), "分流");
    EXPECT_EQ(rules::stage_label("respond"), "回复");
    EXPECT_EQ(rules::stage_label("notify"), "通知投诉人");
    EXPECT_EQ(rules::stage_label("review"), "复核");
    EXPECT_EQ(rules::stage_label("freight"), "freight");  // not a stage: as written
    EXPECT_EQ(rules::stage_label(rules::stage_id::publish), "公布工艺流程");
}

TEST(Views, PendingSummaryShowsWhatIsLeftThenHowLate) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    EXPECT_EQ(rules::pending_summary(c, d.ctx(at("09:01"))), "P1 待受理（打单部） 剩余4分钟");
    EXPECT_EQ(rules::pending_summary(c, d.ctx(at("09:20"))), "P1 待受理（打单部） 已超时15分钟");
    EXPECT_EQ(rules::pending_departments(c, d.cfg()), (std::vector<std::string>{"打单部"}));
}

TEST(Views, TheRespondStageOwesTheSilentDepartmentsOnly) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损", "qianqi", at("10:00"));
    EXPECT_EQ(rules::pending_departments(c, d.cfg()), (std::vector<std::string>{"采购部"}));
    ASSERT_TRUE(rules::reply_due(c, c.departments[1]));
    EXPECT_EQ(*rules::reply_due(c, c.departments[1]), at("11:00"));
    auto todo = rules::todo_list({c}, d.ctx(at("10:30")), "采购部");
    EXPECT_TRUE(has(todo, "📝 待办（采购部）：共 1 件")) << todo;
    EXPECT_EQ(rules::todo_list({c}, d.ctx(at("10:30")), "生产部"), "📝 待办（生产部）：没有未完成的投诉。");
}

TEST(Views, APausedComplaintSaysSoInsteadOfACountdown) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "暂停 P1 等客户寄回样品", "wangwu", at("09:01"));
    EXPECT_EQ(rules::pending_summary(c, d.ctx(at("09:30"))), "P1 待受理（打单部） 已暂停");
}

}  // namespace
