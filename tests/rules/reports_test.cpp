// The texts HR reads: the penalty summary, the monthly statement, the weekly report and the
// 质量投诉处理流程表 post. Worded as an office writes them: amounts "50 元", statuses 未缴/已缴/已免,
// names instead of person ids, and no line that only says "0 次 0 元".
#include <gtest/gtest.h>

#include "rules/reports.hpp"
#include "rules/statement.hpp"

namespace {

const core::zone& shanghai() {
    static const core::zone tz("Asia/Shanghai");
    return tz;
}

core::instant at(const std::string& day, const std::string& hm = "11:00") {
    return *core::parse_iso8601(day + "T" + hm + ":00+08:00");
}

rules::fine fine_of(std::string id, std::string complaint, std::string person, std::string name,
                    std::string department, std::string status, const std::string& day,
                    std::string reason = {}) {
    rules::fine f;
    f.id = std::move(id);
    f.complaint = std::move(complaint);
    f.stage = "respond";
    f.person = std::move(person);
    f.person_name = std::move(name);
    f.department = std::move(department);
    f.amount = 50;
    f.deadline = at(day);
    f.issued_at = at(day);
    f.status = std::move(status);
    f.status_reason = std::move(reason);
    return f;
}

rules::config company() {
    rules::config cfg;
    cfg.company = "辉煌五金有限公司";
    cfg.org.departments = {{"销售一部", "chenjing"},
                           {"生产部", "zhaoliu"},
                           {"采购部", "wujiu"},
                           {"打单部", "lisi"},
                           {"人力资源部", "wangwu"}};
    cfg.org.people = {{"chenjing", "陈静", "销售一部", {}}, {"zhangsan", "张三", "销售一部", {}},
                      {"zhaoliu", "赵六", "生产部", {}},    {"qianqi", "钱七", "生产部", {}},
                      {"wujiu", "吴九", "采购部", {}},      {"lisi", "李四", "打单部", {}},
                      {"wangwu", "王五", "人力资源部", {}}};
    return cfg;
}

const rules::period november{{2026, 11, 1}, {2026, 11, 30}, "本月"};

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

}  // namespace

TEST(PenaltySummary, WaivedFinesStandApartAndNoLineReadsZero) {
    auto text = rules::penalty_summary(
        {fine_of("F1", "P1", "wujiu", "吴九", "采购部", "waived", "2026-11-23", "客户撤诉")}, november,
        shanghai());
    EXPECT_EQ(text,
              "📊 罚款汇总（本月，2026-11-01 至 2026-11-30）\n"
              "吴九（采购部）：已免罚 F1（P1，50 元）\n"
              "合计：无应缴罚款（已免罚 1 次，50 元）");
    EXPECT_FALSE(has(text, "0 次"));
    EXPECT_FALSE(has(text, " 0 元"));
}

TEST(PenaltySummary, MixedStatusesSayWhatIsOutstandingInChinese) {
    auto text =
        rules::penalty_summary({fine_of("F1", "P1", "wujiu", "吴九", "采购部", "open", "2026-11-23"),
                                fine_of("F2", "P2", "wujiu", "吴九", "采购部", "paid", "2026-11-24"),
                                fine_of("F3", "P3", "zhaoliu", "赵六", "生产部", "waived", "2026-11-24")},
                               november, shanghai());
    EXPECT_EQ(text,
              "📊 罚款汇总（本月，2026-11-01 至 2026-11-30）\n"
              "吴九（采购部）：2 次，共 100 元（F1 P1 未缴，F2 P2 已缴）\n"
              "赵六（生产部）：已免罚 F3（P3，50 元）\n"
              "合计：2 次，共 100 元，其中未缴 50 元、已缴 50 元；另免罚 1 次，50 元");
    EXPECT_FALSE(has(text, "open"));
    EXPECT_FALSE(has(text, "wujiu"));
}

TEST(PenaltySummary, AllPaidSaysSoAndNoFinesSaysNone) {
    EXPECT_TRUE(
        has(rules::penalty_summary({fine_of("F1", "P1", "wujiu", "吴九", "采购部", "paid", "2026-11-23")},
                                   november, shanghai()),
            "合计：1 次，共 50 元，已全部缴纳"));
    EXPECT_EQ(rules::penalty_summary({}, november, shanghai()),
              "📊 罚款汇总（本月，2026-11-01 至 2026-11-30）：无罚款。");
}

TEST(Statement, ListsEachFineWithComplaintDateAmountAndStatus) {
    auto cfg = company();
    auto s = rules::build_statement(
        {fine_of("F2", "P3", "zhaoliu", "赵六", "生产部", "paid", "2026-11-25"),
         fine_of("F1", "P1", "wujiu", "吴九", "采购部", "waived", "2026-11-23", "申诉复核撤销"),
         fine_of("F3", "P4", "wujiu", "吴九", "采购部", "open", "2026-11-27"),
         fine_of("F9", "P9", "lisi", "李四", "打单部", "open", "2026-10-30")},  // October: not on it
        november, shanghai());
    ASSERT_EQ(s.fines.size(), 3u);
    EXPECT_EQ(s.fines[0].id, "F1");  // in order of their number
    EXPECT_EQ(s.total.amount, 150);
    EXPECT_EQ(s.total.open, 50);
    auto text = rules::statement_text(s, shanghai(), cfg);
    EXPECT_EQ(text,
              "辉煌五金有限公司 罚款月结单（水果基金，2026年11月）\n"
              "一、各部门负责人罚款汇总\n"
              "吴九（采购部）：罚款 2 次，共 100 元，其中未缴 50 元、已免 50 元\n"
              "赵六（生产部）：罚款 1 次，共 50 元，已缴\n"
              "二、罚款明细\n"
              "F1　P1　2026-11-23　采购部 吴九　回复超时　50 元　已免：申诉复核撤销\n"
              "F2　P3　2026-11-25　生产部 赵六　回复超时　50 元　已缴\n"
              "F3　P4　2026-11-27　采购部 吴九　回复超时　50 元　未缴\n"
              "合计：罚款 3 次，共 150 元，其中未缴 50 元、已缴 50 元、已免 50 元\n"
              "人力资源部制表：__________　　负责人签字：__________　　日期：__________");
    EXPECT_FALSE(has(text, "李四"));  // no fine this month: not listed at all
}

TEST(Statement, NoFinesReadsNoFinesForTheMonthOrThePeriod) {
    auto cfg = company();
    auto month = rules::statement_text(rules::build_statement({}, november, shanghai()), shanghai(), cfg);
    EXPECT_EQ(month, "辉煌五金有限公司 罚款月结单（水果基金，2026年11月）\n本月无罚款。");
    rules::period week{{2026, 11, 23}, {2026, 11, 29}, ""};
    auto other = rules::statement_text(
        rules::build_statement({fine_of("F1", "P1", "wujiu", "吴九", "采购部", "open", "2026-11-30")}, week,
                               shanghai()),
        shanghai(), cfg);
    EXPECT_EQ(other, "辉煌五金有限公司 罚款月结单（水果基金，2026-11-23 至 2026-11-29）\n本期无罚款。");
}

TEST(Statement, PeriodTitleNamesAWholeMonth) {
    EXPECT_EQ(rules::period_title(november), "2026年11月");
    EXPECT_EQ(rules::period_title({{2026, 12, 1}, {2026, 12, 31}, ""}), "2026年12月");
    EXPECT_EQ(rules::period_title({{2026, 11, 2}, {2026, 11, 30}, ""}), "2026-11-02 至 2026-11-30");
    EXPECT_EQ(rules::period_title({{2026, 11, 1}, {2026, 12, 31}, ""}), "2026-11-01 至 2026-12-31");
    EXPECT_EQ(rules::period_title({{2026, 11, 23}, {2026, 11, 23}, ""}), "2026-11-23");
    EXPECT_EQ(rules::fine_status_label("open"), "未缴");
    EXPECT_EQ(rules::fine_status_label("paid"), "已缴");
    EXPECT_EQ(rules::fine_status_label("waived"), "已免");
}

TEST(WeeklyReport, AQuietWeekHasNoZeroLines) {
    auto cfg = company();
    int unused = 0;
    rules::context ctx{cfg, shanghai(), at("2026-11-27", "17:00"), &unused};
    auto text = rules::weekly_report({}, {}, {{2026, 11, 23}, {2026, 11, 29}, "本周"}, ctx);
    EXPECT_EQ(text,
              "📈 投诉周报（2026-11-23 至 2026-11-29）\n"
              "本期没有收到投诉。\n"
              "罚款：无\n"
              "未结退货运费：无");
}

TEST(WeeklyReport, CountsOnlyFinesToPayAndNamesTheWaivedApart) {
    auto cfg = company();
    int unused = 0;
    rules::context ctx{cfg, shanghai(), at("2026-11-27", "17:00"), &unused};
    auto text = rules::weekly_report({},
                                     {fine_of("F1", "P1", "wujiu", "吴九", "采购部", "waived", "2026-11-23"),
                                      fine_of("F2", "P2", "wujiu", "吴九", "采购部", "open", "2026-11-24")},
                                     {{2026, 11, 23}, {2026, 11, 29}, "本周"}, ctx);
    EXPECT_TRUE(has(text, "\n罚款：1 次，共 50 元，未缴 50 元；免罚 1 次，50 元\n")) << text;
}

TEST(SheetText, ShowsGoodsComplainantSignaturesAndLaterStepsByName) {
    auto cfg = company();
    int unused = 0;
    rules::context ctx{cfg, shanghai(), at("2026-11-24", "12:00"), &unused};
    rules::complaint c;
    c.id = "P1";
    c.kind = rules::complaint_kind::product;
    c.complainant = "zhangsan";
    c.complainant_department = "销售一部";
    c.fields = {{"投诉人", "张三"},
                {"客户名称", "华东五金有限公司"},
                {"发货日期", "2026年11月18日"},
                {"品牌", "金虎"},
                {"规格及数量", "M8×40 镀锌螺栓 200盒"},
                {"产品存在的质量问题", "约三成螺纹滑牙"},
                {"客户要求", "退货并补发合格品"}};
    c.departments = {{"生产部", at("2026-11-23", "10:30"), "qianqi", "模具磨损，同意退货补发", false},
                     {"采购部", std::nullopt, "", "", true}};
    c.sheet_signed = {"生产部"};
    c.vp_opinion = {"退货并补发", "chenjing", at("2026-11-24", "09:35")};
    auto text = rules::sheet_text({c}, {2026, 11, 23}, ctx);
    EXPECT_EQ(text,
              "📄 质量投诉处理流程表（2026-11-23）\n"
              "1. P1 产品质量投诉　投诉人：张三（销售一部）　客户：华东五金有限公司\n"
              "   发货日期：2026年11月18日　品牌：金虎　规格及数量：M8×40 镀锌螺栓 200盒\n"
              "   质量问题：约三成螺纹滑牙\n"
              "   客户要求：退货并补发合格品\n"
              "   生产部：模具磨损，同意退货补发（钱七 11-23 10:30）\n"
              "   采购部：未回复（已罚款）\n"
              "   责任部门负责人签字：生产部 赵六（已签）、采购部 吴九（签字 P1）\n"
              "   副总意见：退货并补发（陈静 11-24 09:35）");
    for (const auto* id : {"zhangsan", "qianqi", "chenjing", "zhaoliu", "wujiu"})
        EXPECT_FALSE(has(text, id)) << id;
}
