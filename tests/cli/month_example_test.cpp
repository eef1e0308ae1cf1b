// The replayed month (examples/month.jsonl with examples/month.yaml) through the real binary: every
// item of the company's other documents in one November — the head's 批准 before the clock, 首问,
// 已答复客户, 延期 granted, 赔偿 below the limit executed and countersigned and above it approved,
// 一级投诉 with its status posts and closing report, 问题类别 and 分类, 回访 满意 and 不满意 (review),
// 整改, 案例, 督办 of a paused complaint, the weekly reports and the monthly report of 12-01 — then
// report monthly, quarterly (XLSX with a sheet per table) and crisis read from its database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/replayed.hpp"
#include "support/test_support.hpp"

namespace {

std::string bot() {
    return BOT_BINARY;
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

struct month {
    test_support::temp_dir dir;
    std::string db = (dir / "month.db").string();
    test_support::replayed replay{bot(), "examples/month.yaml", "examples/month.jsonl", db};

    // When the first post holding `needle` went out ("missing: …" when none did).
    std::string at(const std::string& needle) const { return replay.at(needle); }
    std::string report(const std::string& args) const {
        std::string out;
        EXPECT_EQ(test_support::run_command(bot() + " report " + args + " --db " + db, out), 0) << out;
        return out;
    }
};

}  // namespace

TEST(MonthExample, EveryItemOfTheDocumentsShowsInTheReplay) {
    month m;
    EXPECT_EQ(m.at("✅ 已登记产品质量投诉 P1（待批准）"), "2026-11-02T09:00:00+08:00");
    EXPECT_EQ(m.at("❌ P1 尚待销售一部负责人陈静批准"), "2026-11-02T09:02:00+08:00");
    EXPECT_EQ(m.at("✅ P1 已由陈静批准，开始计时。请打单部于 09:10 前受理"), "2026-11-02T09:05:00+08:00");
    EXPECT_EQ(m.at("⏰ 提醒（第1次）：S1 待销售二部负责人黄伟批准后开始计时"), "2026-11-03T14:05:00+08:00");
    EXPECT_EQ(m.at("💴 P1 赔偿金额：300 元。低于 500 元"), "2026-11-02T11:00:00+08:00");
    EXPECT_EQ(m.at("🏁 P1 已由周敏执行（赔偿 300 元，低于 500 元"), "2026-11-03T09:30:00+08:00");
    EXPECT_EQ(m.at("✅ P1 已补签（王总）：同意。"), "2026-11-03T10:00:00+08:00");
    EXPECT_EQ(m.at("🏷 S1 问题类别：服务态度。"), "2026-11-03T15:10:00+08:00");
    EXPECT_EQ(m.at("✅ P1 回访已记录：满意（客户认可补发批次）"), "2026-11-04T15:00:00+08:00");
    EXPECT_EQ(m.at("📣 S1 已收到林芳的申诉：回访不满意：客户反映司机态度仍然很差"),
              "2026-11-05T10:00:00+08:00");
    EXPECT_EQ(m.at("内容提到“媒体”，可能属一级投诉"), "2026-11-05T10:00:00+08:00");
    EXPECT_EQ(m.at("🚨 P2 定为一级投诉（危机事件）"), "2026-11-05T10:10:00+08:00");
    EXPECT_EQ(m.at("请生产部、采购部于 11:20 前回复"), "2026-11-05T10:20:00+08:00");  // within crisis.respond
    EXPECT_EQ(m.at("🚨 一级投诉 P2 进展通报（第1次）"), "2026-11-05T11:10:00+08:00");
    EXPECT_EQ(m.at("🚨 一级投诉 P2 已办结"), "2026-11-05T12:30:00+08:00");
    EXPECT_EQ(m.at("📚 P2 已列为分享案例"), "2026-11-05T15:00:00+08:00");
    EXPECT_EQ(m.at("✅ P3 同意延期：采购部回复截止由 11:02 延至 11-10 17:00（王总批准）"),
              "2026-11-09T10:30:00+08:00");
    EXPECT_EQ(m.at("📄 质量投诉处理流程表（2026-11-10）"),
              "2026-11-10T17:30:00+08:00");  // after the moved reply
    EXPECT_EQ(m.at("💴 P3 赔偿金额：1200 元。不低于 500 元"), "2026-11-10T16:30:00+08:00");
    EXPECT_EQ(m.at("🏁 P3 已由周敏按审批意见执行"), "2026-11-11T14:00:00+08:00");
    EXPECT_EQ(m.at("⏫ P3 回访已超时"), "2026-11-17T14:00:00+08:00");
    EXPECT_EQ(m.at("⏫ P4 登记已满 1天（截止 09:00），林芳仍未确认答复客户"), "2026-11-13T09:00:00+08:00");
    EXPECT_EQ(m.at("🗂 P5 已由王五判为无效投诉"), "2026-11-16T10:00:00+08:00");
    EXPECT_EQ(
        m.at("🚩 督办：P4 登记已满 7天仍未办结（待回复（物流部） 已暂停：等客户寄回生锈样品），请副总督办"),
        "2026-11-19T09:00:00+08:00");
    EXPECT_EQ(m.at("🚩 督办：P4 登记已满 8天"), "2026-11-20T09:00:00+08:00");
    EXPECT_EQ(m.at("🚩 督办（登记满 7天 仍未办结）共 1 件：\n· P4"), "2026-11-20T10:00:00+08:00");
    EXPECT_EQ(m.at("首问负责人：周敏（打单部）"), "2026-11-23T11:00:00+08:00");  // 查询 P2
    EXPECT_EQ(m.at("📈 投诉周报（2026-10-31 至 2026-11-06）"), "2026-11-06T17:00:00+08:00");
    EXPECT_EQ(m.at("📊 投诉月报（2026年11月，对比10月）"), "2026-12-01T09:00:00+08:00");
    EXPECT_EQ(m.at("🚩 督办：没有登记满 7天 仍未办结的投诉。"), "2026-12-01T10:00:00+08:00");
}

TEST(MonthExample, TheReportsOfTheMonthAndTheQuarter) {
    month m;
    auto monthly = m.report("monthly --from 2026-11-01");
    EXPECT_TRUE(has(
        monthly, "收到投诉：共 7 件（产品质量投诉 6 件，服务质量投诉 1 件），上月 0 件（+7）；其中无效 1 件"))
        << monthly;
    EXPECT_TRUE(has(monthly, "罚款：共 1 笔 50 元（上月 无）；按负责人：吴九 1 笔 50 元")) << monthly;
    EXPECT_TRUE(has(monthly, "回访满意率：50%（满意 1，基本满意 0，不满意 1），上月 —；目标 85%，未达标"))
        << monthly;
    EXPECT_TRUE(has(monthly, "重复问题：金虎·性能 3 件（P1、P2、P3）")) << monthly;
    EXPECT_TRUE(has(monthly, "一级投诉：1 件（P2）")) << monthly;

    auto crisis = nlohmann::json::parse(m.report("crisis --format json"));
    ASSERT_EQ(crisis.size(), 1U);
    EXPECT_EQ(crisis[0]["id"], "P2");
    EXPECT_EQ(crisis[0]["graded_by"], "wangwu");
    EXPECT_EQ(crisis[0]["minutes"], 150);
    EXPECT_EQ(crisis[0]["status_posts"], 2);

    auto q = nlohmann::json::parse(m.report("quarterly --from 2026-11-01 --format json"));
    EXPECT_EQ(q["quarter"], "2026年第4季度");
    std::vector<std::string> sheets;
    for (const auto& s : q["sheets"]) sheets.push_back(s["sheet"]);
    EXPECT_EQ(sheets, (std::vector<std::string>{"概览", "按品牌", "按规格", "按问题类别", "按客户",
                                                "按责任部门", "重复问题", "分享案例", "经验教训"}));
    EXPECT_EQ(q["sheets"][7]["rows"].size(), 1U);  // 案例 P2
    EXPECT_EQ(q["sheets"][7]["rows"][0][0], "P2");

    auto xlsx = (m.dir / "q.xlsx").string();
    m.report("quarterly --from 2026-11-01 --format xlsx --out " + xlsx);
    std::string out;
    ASSERT_EQ(test_support::run_command("unzip -l " + xlsx, out), 0) << out;
    EXPECT_TRUE(has(out, "xl/worksheets/sheet9.xml")) << out;  // a sheet per table
    ASSERT_EQ(test_support::run_command("unzip -p " + xlsx + " xl/workbook.xml", out), 0);
    EXPECT_TRUE(has(out, "name=\"分享案例\"")) << out;

    std::string refused;
    EXPECT_EQ(
        test_support::run_command(bot() + " report quarterly --format csv --db " + m.db + " 2>&1", refused),
        2);
    EXPECT_TRUE(has(refused, "several tables: use xlsx, text or json")) << refused;
    EXPECT_EQ(test_support::run_command(
                  bot() + " report monthly --format xlsx --out x.xlsx --db " + m.db + " 2>&1", refused),
              2);
    EXPECT_TRUE(has(refused, "the monthly report is text or json")) << refused;
    std::string audit;
    EXPECT_EQ(test_support::run_command(bot() + " audit verify --db " + m.db, audit), 0) << audit;
}
