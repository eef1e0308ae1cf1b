// Chat commands: every word, id variant, Traditional and full-width spelling, and every refusal
// with its exact reply.
#include "rules/commands.hpp"

#include <gtest/gtest.h>

#include "rules/text.hpp"

namespace {

rules::command ok(const std::string& text) {
    auto r = rules::parse_command(rules::strip_mentions(text));
    auto* c = std::get_if<rules::command>(&r);
    if (!c) {
        ADD_FAILURE() << "not a command: " << text;
        return {rules::command_kind::help, {}, {}, {}, {}, {}};
    }
    return *c;
}

std::string refusal(const std::string& text) {
    auto r = rules::parse_command(text);
    auto* e = std::get_if<rules::command_error>(&r);
    if (!e) {
        ADD_FAILURE() << "expected a refusal for: " << text;
        return {};
    }
    return e->reply;
}

bool not_a_command(const std::string& text) {
    return std::holds_alternative<std::monostate>(rules::parse_command(text));
}

}  // namespace

class IdSpellings : public testing::TestWithParam<std::string> {};

TEST_P(IdSpellings, AllMeanP1) {
    auto c = ok("受理 " + GetParam());
    EXPECT_EQ(c.kind, rules::command_kind::accept);
    EXPECT_EQ(c.target, "P1") << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Variants, IdSpellings,
                         testing::Values("P1", "p1", "#P1", "P-1", "Ｐ１", "＃Ｐ１", "ｐ－１", "P01",
                                         "#p-1"));

TEST(Commands, IdGluedToTheWord) {
    EXPECT_EQ(ok("受理P1").target, "P1");
    EXPECT_EQ(ok("受理#S12").target, "S12");
}

TEST(Commands, MentionsAreStrippedFirst) {
    EXPECT_EQ(ok("@投诉机器人 受理 P1").target, "P1");
    EXPECT_EQ(ok("＠投诉机器人　受理　Ｐ１").target, "P1");
    EXPECT_EQ(ok("受理 P1 @投诉机器人").target, "P1");
    EXPECT_EQ(ok("@机器人 @投诉助手 查询 S3").kind, rules::command_kind::query);
}

TEST(Commands, TraditionalWords) {
    EXPECT_EQ(ok("工藝 P1 批號B2611 調查：生產部、採購部").kind, rules::command_kind::publish);
    EXPECT_EQ(ok("回覆 P1 模具磨損").kind, rules::command_kind::respond);
    EXPECT_EQ(ok("暫停 P1 等客戶回覆").kind, rules::command_kind::pause);
    EXPECT_EQ(ok("恢復 P1").kind, rules::command_kind::resume);
    EXPECT_EQ(ok("查詢 P1").kind, rules::command_kind::query);
    EXPECT_EQ(ok("待辦").kind, rules::command_kind::todo);
    EXPECT_EQ(ok("罰款匯總 本週").kind, rules::command_kind::penalties);
    EXPECT_EQ(ok("罰款彙總").kind, rules::command_kind::penalties);
    EXPECT_EQ(ok("免罰 F1 誤報").kind, rules::command_kind::waive);
    EXPECT_EQ(ok("已繳 F1").kind, rules::command_kind::paid);
    EXPECT_EQ(ok("幫助").kind, rules::command_kind::help);
    EXPECT_EQ(ok("複核 P1 維持原判").kind, rules::command_kind::review);
    EXPECT_EQ(ok("總經理審批 P1 同意").kind, rules::command_kind::gm_approval);
    EXPECT_EQ(ok("副總意見 P1 退貨").kind, rules::command_kind::vp_opinion);
    EXPECT_EQ(ok("已通知 S1").kind, rules::command_kind::notify);
}

TEST(Commands, PublishSplitsTheProcessFlowAndTheInvestigators) {
    auto c = ok("工艺 P1 批号B2611-07，2号冷镦机生产，热处理外协，顺丰干线发货 调查: 生产部 采购部");
    EXPECT_EQ(c.text, "批号B2611-07，2号冷镦机生产，热处理外协，顺丰干线发货");
    EXPECT_EQ(c.departments, (std::vector<std::string>{"生产部", "采购部"}));
    auto d = ok("工艺 P1 批号B2611-07\n2号冷镦机\n调查：生产部、采购部，物流部");
    EXPECT_EQ(d.text, "批号B2611-07\n2号冷镦机");
    EXPECT_EQ(d.departments, (std::vector<std::string>{"生产部", "采购部", "物流部"}));
    auto e = ok("工艺 P1 批号B2611-07");
    EXPECT_TRUE(e.departments.empty());
}

TEST(Commands, RouteTakesEveryWordAsADepartment) {
    auto c = ok("分流 S1 物流部 客服部");
    EXPECT_EQ(c.departments, (std::vector<std::string>{"物流部", "客服部"}));
    EXPECT_EQ(ok("分流 S1 物流部、客服部").departments.size(), 2u);
}

TEST(Commands, RespondAndPlanKeepTheTextAsTyped) {
    auto c = ok("回复 P1 冷镦模具磨损导致螺纹不良，同意退货补发");
    EXPECT_EQ(c.kind, rules::command_kind::respond);
    EXPECT_EQ(c.word, "回复");
    EXPECT_EQ(c.text, "冷镦模具磨损导致螺纹不良，同意退货补发");
    auto p = ok("方案 S1 司機停崗培訓一天");
    EXPECT_EQ(p.kind, rules::command_kind::respond);
    EXPECT_EQ(p.word, "方案");
    EXPECT_EQ(p.text, "司機停崗培訓一天");
}

TEST(Commands, PenaltyPeriods) {
    EXPECT_TRUE(ok("罚款汇总").args.empty());
    EXPECT_EQ(ok("罚款汇总 今天").args, std::vector<std::string>{"今天"});
    EXPECT_EQ(ok("罚款汇总 2026-11-01 2026-11-30").args.size(), 2u);
}

TEST(Commands, FineAndFreightIds) {
    auto w = ok("免罚 F3 客户撤诉");
    EXPECT_EQ(w.target, "F3");
    EXPECT_EQ(w.text, "客户撤诉");
    EXPECT_EQ(ok("已缴 f3").target, "F3");
    EXPECT_EQ(ok("签字 运费P1").target, "运费P1");
    EXPECT_EQ(ok("签字 P1").target, "P1");
    EXPECT_EQ(ok("付款 运费-P1").target, "运费P1");
    EXPECT_EQ(ok("核销 運費P1").target, "运费P1");
    auto f = ok("运费 P1 320元 物流部");
    EXPECT_EQ(f.kind, rules::command_kind::freight);
    EXPECT_EQ(f.target, "P1");
    EXPECT_EQ(f.args, std::vector<std::string>{"320"});
    EXPECT_EQ(f.departments, std::vector<std::string>{"物流部"});
}

TEST(Commands, TheExactRefusals) {
    EXPECT_EQ(refusal("受理"), "缺少投诉编号（如 P1、S1）。格式：受理 P1");
    EXPECT_EQ(refusal("受理 X1"), "缺少投诉编号（如 P1、S1）。格式：受理 P1");
    EXPECT_EQ(refusal("受理 F1"), "缺少投诉编号（如 P1、S1）。格式：受理 P1");
    EXPECT_EQ(refusal("受理 P0"), "缺少投诉编号（如 P1、S1）。格式：受理 P1");
    EXPECT_EQ(refusal("受理 P1x"), "缺少投诉编号（如 P1、S1）。格式：受理 P1");
    EXPECT_EQ(refusal("工艺 P1"), "缺少工艺流程信息。格式：工艺 P1 <工艺流程信息> [调查: <部门> <部门> …]");
    EXPECT_EQ(refusal("工艺 P1 批号B2611 调查:"),
              "“调查:”后没有写部门。格式：工艺 P1 <工艺流程信息> [调查: <部门> <部门> …]");
    EXPECT_EQ(refusal("分流 S1"), "缺少分流的部门。格式：分流 S1 <部门> [<部门> …]");
    EXPECT_EQ(refusal("回复 P1"), "缺少回复内容。格式：回复 P1 <鉴定结果与处理意见> 或 方案 S1 <处理方案>");
    EXPECT_EQ(refusal("暂停 P1"), "请写明暂停原因。格式：暂停 P1 <原因>");
    EXPECT_EQ(refusal("免罚 F1"), "请写明免罚原因。格式：免罚 F1 <原因>");
    EXPECT_EQ(refusal("免罚 P1 原因"), "缺少罚款编号（如 F1）。格式：免罚 F1 <原因>");
    EXPECT_EQ(refusal("已缴"), "缺少罚款编号（如 F1）。格式：已缴 F1");
    EXPECT_EQ(refusal("付款 P1"), "缺少运费编号（如 运费P1）。格式：付款 运费P1");
    EXPECT_EQ(refusal("运费 P1 三百 物流部"), "金额“三百”不是正数。格式：运费 P1 <金额> <承担部门>");
    EXPECT_EQ(refusal("运费 P1 300"), "缺少金额或承担部门。格式：运费 P1 <金额> <承担部门>");
    EXPECT_EQ(refusal("罚款汇总 2026-11-01 2026-11-15 2026-11-30"),
              "时间段最多两个日期。格式：罚款汇总 [今天|本周|本月|2026-11|2026-11-01 2026-11-30]");
    EXPECT_EQ(refusal("待办 生产部 采购部"), "待办只接受一个部门。格式：待办 [部门]");
    EXPECT_EQ(refusal("申诉 P1"), "请写明申诉理由。格式：申诉 P1 <理由> 或 申诉 F1 <理由>");
    EXPECT_EQ(refusal("无效 P1"), "请写明判为无效的理由。格式：无效 P1 <理由>");
}

TEST(Commands, OrdinaryChatIsNotACommand) {
    EXPECT_TRUE(not_a_command("大家好"));
    EXPECT_TRUE(not_a_command("受理的流程是什么？"));
    EXPECT_TRUE(not_a_command("回复得太慢了"));
    EXPECT_TRUE(not_a_command("产品质量投诉\n投诉人：张三"));
    EXPECT_TRUE(not_a_command(""));
    EXPECT_TRUE(not_a_command("运费怎么算"));
    EXPECT_TRUE(not_a_command("\xFF\xFE\xFD"));
}

TEST(Commands, NormalizeId) {
    EXPECT_EQ(rules::normalize_id("#p-12"), "P12");
    EXPECT_EQ(rules::normalize_id("Ｆ３"), "F3");
    EXPECT_EQ(rules::normalize_id("P 1"), std::nullopt);
    EXPECT_EQ(rules::normalize_id("Q1"), std::nullopt);
    EXPECT_EQ(rules::normalize_id("P1234567890"), std::nullopt);
}

TEST(Commands, HelpListsEveryEverydayCommandAndBothTemplates) {
    auto h = rules::help_text();
    for (auto k : {rules::command_kind::accept, rules::command_kind::publish, rules::command_kind::route,
                   rules::command_kind::respond, rules::command_kind::notify, rules::command_kind::query,
                   rules::command_kind::todo, rules::command_kind::penalties, rules::command_kind::waive,
                   rules::command_kind::paid})
        EXPECT_NE(h.find(rules::usage(k)), std::string::npos) << rules::usage(k);
    EXPECT_NE(h.find("投诉时间：*年*月*日*时*分"), std::string::npos);
    EXPECT_EQ(ok("help").kind, rules::command_kind::help);
    EXPECT_EQ(ok("？").kind, rules::command_kind::help);
}

// ---------------------------------------------------------------------------------------------
// Corrections: 投诉人, 调查, 撤销, and a fine's own 申诉 / 复核

TEST(Commands, ComplainantCorrectionKeepsTheNameAsTyped) {
    auto c = ok("投诉人 P3 叶文（营销二部）");
    EXPECT_EQ(c.kind, rules::command_kind::complainant);
    EXPECT_EQ(c.target, "P3");
    EXPECT_EQ(c.text, "叶文（营销二部）");
    auto t = ok("投訴人　Ｐ３　葉文");  // Traditional word, full-width id and spaces
    EXPECT_EQ(t.kind, rules::command_kind::complainant);
    EXPECT_EQ(t.target, "P3");
    EXPECT_EQ(t.text, "葉文");
    EXPECT_EQ(refusal("投诉人 P3"), "缺少投诉人姓名。格式：投诉人 P1 <姓名>");
    EXPECT_EQ(refusal("投诉人 叶文"), "缺少投诉编号（如 P1、S1）。格式：投诉人 P1 <姓名>");
    // A complaint form's own 投诉人 line is never taken for the command.
    EXPECT_TRUE(not_a_command("投诉人：叶文\n客户名称：华东五金"));
}

TEST(Commands, InvestigateTakesTheNewListOfDepartments) {
    auto c = ok("调查 P2 生产部、物流部");
    EXPECT_EQ(c.kind, rules::command_kind::investigate);
    EXPECT_EQ(c.target, "P2");
    EXPECT_EQ(c.departments, (std::vector<std::string>{"生产部", "物流部"}));
    EXPECT_EQ(ok("調查 #P-2 物流部").departments, std::vector<std::string>{"物流部"});
    EXPECT_EQ(refusal("调查 P2"), "缺少调查的部门。格式：调查 P1 <部门> [<部门> …]");
    // "调查:" inside 工艺 stays part of 工艺.
    EXPECT_EQ(ok("工艺 P2 批号C01 调查: 物流部").kind, rules::command_kind::publish);
    EXPECT_TRUE(not_a_command("调查:生产部在查"));
}

TEST(Commands, UndoIsForFinesOnlyAndNeedsAReason) {
    auto c = ok("撤销 F2 误登记为已缴");
    EXPECT_EQ(c.kind, rules::command_kind::undo);
    EXPECT_EQ(c.target, "F2");
    EXPECT_EQ(c.text, "误登记为已缴");
    EXPECT_EQ(ok("撤銷Ｆ２ 錯點了").target, "F2");
    EXPECT_EQ(refusal("撤销 F2"), "请写明撤销原因。格式：撤销 F1 <原因>");
    EXPECT_EQ(refusal("撤销 P1 点错了"), "撤销只用于罚款编号（如 F1）。格式：撤销 F1 <原因>");
}

TEST(Commands, AFineHasItsOwnAppealAndReview) {
    auto a = ok("申诉 F4 当天系统停机，无法回复");
    EXPECT_EQ(a.kind, rules::command_kind::appeal);
    EXPECT_EQ(a.target, "F4");
    EXPECT_EQ(a.text, "当天系统停机，无法回复");
    EXPECT_EQ(ok("申诉 P4 处理结果不合理").target, "P4");

    auto keep = ok("复核 F4 维持 停机期间仍可电话报备");
    EXPECT_EQ(keep.kind, rules::command_kind::review);
    EXPECT_EQ(keep.target, "F4");
    EXPECT_EQ(keep.args, std::vector<std::string>{"维持"});
    EXPECT_EQ(keep.text, "停机期间仍可电话报备");
    auto drop = ok("複核 Ｆ４ 撤銷，停机属实");
    EXPECT_EQ(drop.args, std::vector<std::string>{"撤销"});
    EXPECT_EQ(drop.text, "停机属实");
    EXPECT_EQ(ok("复核 F4 維持：理由充分").args, std::vector<std::string>{"维持"});
    // A complaint's review keeps its free text, 撤销 F1 included.
    auto p = ok("复核 P4 撤销 F4，其余维持");
    EXPECT_EQ(p.target, "P4");
    EXPECT_TRUE(p.args.empty());
    EXPECT_EQ(p.text, "撤销 F4，其余维持");

    EXPECT_EQ(refusal("申诉 F4"), "请写明申诉理由。格式：申诉 P1 <理由> 或 申诉 F1 <理由>");
    EXPECT_EQ(refusal("复核 F4 同意"),
              "请写明维持还是撤销罚款。格式：复核 P1 <复核结论> 或 复核 F1 维持|撤销 <结论>");
    EXPECT_EQ(refusal("复核 F4 撤销"), "缺少复核结论。格式：复核 P1 <复核结论> 或 复核 F1 维持|撤销 <结论>");
}

TEST(Commands, HelpNamesNoDepartmentAndListsTheCorrections) {
    auto h = rules::help_text();
    for (auto k : {rules::command_kind::complainant, rules::command_kind::investigate,
                   rules::command_kind::undo, rules::command_kind::appeal, rules::command_kind::review})
        EXPECT_NE(h.find(rules::usage(k)), std::string::npos) << rules::usage(k);
    for (const char* dept : {"生产部", "采购部", "物流部", "人力资源部", "打单部", "监察部"})
        EXPECT_EQ(h.find(dept), std::string::npos) << dept;
}
