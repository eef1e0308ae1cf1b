// The scheduled jobs' rules and 待办's filter (rules/jobs.cpp), in memory: which complaints the
// 17:30 sheet takes and whom it @-mentions, which sheets the 09:00 forward sends, the department a
// 待办 filter names, HR's scheduled posts, and which record a command is about.
#include "rules/jobs.hpp"
#include "rules/reports.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

rules::command parsed(const std::string& text) {
    auto r = rules::parse_command(text);
    return std::get<rules::command>(r);
}

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

TEST(Jobs, TheSheetJobMarksTheAnsweredComplaintAndMentionsHrAndTheHeads) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，同意退货并补发", "qianqi", at("10:00"));
    auto waiting = d.post(product_post, "zhangsan", at("09:10"), 2);  // not answered: stays off
    std::vector<rules::complaint> open{c, waiting};
    rules::outcome out;
    auto marked = rules::sheet_job(open, {2026, 11, 23}, d.ctx(at("17:30")), out);
    ASSERT_EQ(marked.size(), 1u);
    EXPECT_EQ(marked.front()->id, "P1");
    EXPECT_EQ(open[0].sheet_date, (core::local_date{2026, 11, 23}));
    EXPECT_FALSE(open[1].sheet_date);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].type, "sheet");
    EXPECT_EQ(out.events[0].detail, "列入质量投诉处理流程表（2026-11-23）");
    ASSERT_EQ(out.posts.size(), 1u);
    const auto& p = out.posts[0];
    EXPECT_TRUE(has(p.text, "📄 质量投诉处理流程表（2026-11-23）")) << p.text;
    EXPECT_TRUE(has(p.text, "请人力资源部核对存档，请以上责任部门负责人签字。\n@王五 @赵六")) << p.text;
    EXPECT_EQ(p.mentions, (std::vector<std::string>{"wangwu", "zhaoliu"}));
}

TEST(Jobs, NoComplaintReadyMeansNoSheetPost) {
    desk d;
    std::vector<rules::complaint> open{d.post(product_post, "zhangsan", at("09:00"))};
    rules::outcome out;
    EXPECT_TRUE(rules::sheet_job(open, {2026, 11, 23}, d.ctx(at("17:30")), out).empty());
    EXPECT_TRUE(out.posts.empty());
    EXPECT_TRUE(out.events.empty());
}

TEST(Jobs, TheForwardTakesOnlyEarlierDaysSheets) {
    desk d;
    auto c = on_sheet(d);
    EXPECT_FALSE(rules::due_for_forward(c, {2026, 11, 23}));  // the same evening
    EXPECT_TRUE(rules::due_for_forward(c, {2026, 11, 24}));
    std::vector<rules::complaint> open{c};
    rules::outcome out;
    auto sent = rules::forward_job(open, {2026, 11, 24}, d.ctx(at("09:00", "2026-11-24")), out);
    ASSERT_EQ(sent.size(), 1u);
    ASSERT_EQ(out.posts.size(), 1u);
    EXPECT_TRUE(has(out.posts[0].text, "📄 P1 质量投诉处理流程表（2026-11-23）转交副总")) << out.posts[0].text;
    EXPECT_TRUE(mentions(out.posts[0], "liuzong"));
    EXPECT_FALSE(rules::due_for_forward(open[0], {2026, 11, 25}));  // forwarded once
}

TEST(Jobs, TheTodoFilterTakesTraditionalNamesAndRefusesUnknownOnes) {
    desk d;
    std::string refusal;
    EXPECT_EQ(rules::todo_department(parsed("待办"), d.cfg(), refusal), "");
    EXPECT_EQ(rules::todo_department(parsed("待辦 採購部"), d.cfg(), refusal), "采购部");
    EXPECT_TRUE(refusal.empty());
    EXPECT_FALSE(rules::todo_department(parsed("待办 品管部"), d.cfg(), refusal));
    EXPECT_EQ(refusal,
              "❌ 未知部门：品管部。可用的部门：销售一部、打单部、人力资源部、生产部、采购部、物流部、"
              "监察部、财务部、客服部、总经办。");
}

TEST(Jobs, HrPostsMentionHrsHeadWhenThereIsOne) {
    auto cfg = company();
    auto p = rules::hr_post("group", "📊 今日罚款汇总：无", cfg);
    EXPECT_EQ(p.text, "📊 今日罚款汇总：无\n@王五");
    cfg.org.departments[2].head.clear();  // 人力资源部 without a head
    EXPECT_EQ(rules::hr_post("group", "📊 今日罚款汇总：无", cfg).text, "📊 今日罚款汇总：无");
}

TEST(Jobs, FineCommandsAreToldApartFromComplaintCommands) {
    EXPECT_TRUE(rules::is_fine_command(parsed("免罚 F1 客户撤诉")));
    EXPECT_TRUE(rules::is_fine_command(parsed("已缴 F2")));
    EXPECT_TRUE(rules::is_fine_command(parsed("申诉 F1 当天停电")));
    EXPECT_TRUE(rules::is_fine_command(parsed("復核 F1 撤销 停电属实")));  // Traditional 復核
    EXPECT_FALSE(rules::is_fine_command(parsed("申诉 P1 客户不认可")));
    EXPECT_FALSE(rules::is_fine_command(parsed("受理 P1")));
}

TEST(Jobs, AFreightTargetNamesItsComplaint) {
    EXPECT_EQ(rules::complaint_id_of(parsed("签字 运费P1")), "P1");
    EXPECT_EQ(rules::complaint_id_of(parsed("付款 运费S12")), "S12");
    EXPECT_EQ(rules::complaint_id_of(parsed("受理 P3")), "P3");
}

}  // namespace
