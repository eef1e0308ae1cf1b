// The management layer through the real binary: the weekly report and the month's statement (text,
// JSON, CSV with a BOM, XLSX) and the audit log's verification from the example day, the printed
// sheet read back from its workbook, and the management week replayed from post to 执行.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "storage/sql_console.hpp"
#include "support/harness.hpp"
#include "support/replayed.hpp"

using namespace harness;

namespace {

std::string bot() {
    return BOT_BINARY;
}

std::string replayed_day(const test_support::temp_dir& dir) {
    auto db = (dir / "day.db").string();
    std::string out;
    EXPECT_EQ(test_support::run_command(
                  bot() + " replay --config " + test_support::source_path("examples/company.yaml").string() +
                      " --script " + test_support::source_path("examples/day.jsonl").string() + " --db " + db,
                  out),
              0)
        << out;
    return db;
}

}  // namespace

TEST(Reports, WeeklyAndMonthlyStatementFromTheExampleDay) {
    test_support::temp_dir dir;
    auto db = replayed_day(dir);
    std::string out;
    ASSERT_EQ(test_support::run_command(bot() + " report weekly --db " + db + " --to 2026-11-29", out), 0)
        << out;
    EXPECT_TRUE(contains(out, "📈 投诉周报（2026-11-23 至 2026-11-29）")) << out;
    EXPECT_TRUE(contains(out,
                         "收到投诉：共 2 件（产品质量投诉 1 件，服务质量投诉 1 件）\n按投诉部门：销售一部 1 "
                         "件，销售二部 1 件"))
        << out;
    EXPECT_TRUE(contains(out, "各环节按时率：受理 50%，公布工艺流程 100%，分流 0%，回复 50%，通知投诉人 0%"))
        << out;
    EXPECT_TRUE(contains(out, "罚款：1 次，共 50 元，未缴 50 元")) << out;
    EXPECT_FALSE(contains(out, " 0 件")) << out;  // no "无效投诉 0" or "申诉 0" lines
    ASSERT_EQ(
        test_support::run_command(
            bot() + " report statement --db " + db + " --from 2026-11-01 --to 2026-11-30 --format json", out),
        0)
        << out;
    auto j = nlohmann::json::parse(out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["person"], "wujiu");
    EXPECT_EQ(j[0]["department"], "采购部");
    EXPECT_EQ(j[0]["amount"], 50);
    EXPECT_EQ(j[0]["outstanding"], 50);
    EXPECT_EQ(j[0]["waived"], 0);
    auto csv = (dir / "statement.csv").string();
    ASSERT_EQ(test_support::run_command(bot() + " report statement --db " + db +
                                            " --from 2026-11-01 --to 2026-11-30 --format csv --out " + csv,
                                        out),
              0);
    std::ifstream in(csv, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.substr(0, 3), "\xEF\xBB\xBF");  // BOM for Excel
    EXPECT_TRUE(contains(text, "吴九,wujiu,采购部,1,50,0,0,50")) << text;
    auto xlsx = (dir / "statement.xlsx").string();
    ASSERT_EQ(test_support::run_command(bot() + " report statement --db " + db + " --format xlsx --out " +
                                            xlsx + " --from 2026-11-01 --to 2026-11-30",
                                        out),
              0);
    EXPECT_GT(std::filesystem::file_size(xlsx), 1000u);
}

TEST(AuditCli, VerifiesTheExampleDayAndFindsTampering) {
    test_support::temp_dir dir;
    auto db = replayed_day(dir);
    std::string out;
    ASSERT_EQ(test_support::run_command(bot() + " audit verify --db " + db, out), 0) << out;
    EXPECT_TRUE(contains(out, "the chain is intact and every fine matches the event that issued it")) << out;
    {
        storage::sql_console raw(db);
        raw.exec("DROP TRIGGER events_append_only_update");
        raw.exec("UPDATE events SET detail = 'F1 采购部 负责人 吴九 罚款 20 元' WHERE type = 'fined'");
    }
    EXPECT_EQ(test_support::run_command(bot() + " audit verify --db " + db + " 2>&1", out), 1);
    EXPECT_TRUE(contains(out, "(P1 fined) does not match its hash: it was changed after it was written"))
        << out;
    EXPECT_TRUE(contains(out, "audit failed"));
    EXPECT_EQ(
        test_support::run_command(bot() + " audit verify --db " + (dir / "nope.db").string() + " 2>&1", out),
        2);
    EXPECT_TRUE(contains(out, "does not exist")) << out;
}

TEST(Reports, XlsxSheetReadsBackWithChineseAndPrintLayout) {
    test_support::temp_dir dir;
    auto db = replayed_day(dir);
    auto xlsx = (dir / "sheet.xlsx").string();
    std::string out;
    ASSERT_EQ(
        test_support::run_command(bot() + " report sheet --db " + db + " --format xlsx --out " + xlsx, out),
        0)
        << out;
    // Read the workbook back (an .xlsx is a zip of XML parts).
    ASSERT_EQ(test_support::run_command("unzip -p " + xlsx + " xl/sharedStrings.xml", out), 0) << out;
    for (const auto* s : {"质量投诉处理流程表", "签字/日期", "副总意见", "王总审批意见", "打单部执行",
                          "华东五金有限公司", "逾期未回复（已罚款 F1）"})
        EXPECT_TRUE(contains(out, s)) << s;
    ASSERT_EQ(test_support::run_command("unzip -p " + xlsx + " xl/worksheets/sheet1.xml", out), 0);
    EXPECT_TRUE(contains(out, "orientation=\"landscape\"")) << out;
    EXPECT_TRUE(contains(out, "paperSize=\"9\""));  // A4
    EXPECT_TRUE(contains(out, "fitToPage=\"1\""));
    ASSERT_EQ(test_support::run_command("unzip -p " + xlsx + " xl/workbook.xml", out), 0);
    EXPECT_TRUE(contains(out, "_xlnm.Print_Titles")) << out;  // the header row repeats on each page

    auto ledger = (dir / "fines.xlsx").string();
    ASSERT_EQ(test_support::run_command(
                  bot() + " report penalties --db " + db + " --format xlsx --out " + ledger, out),
              0);
    ASSERT_EQ(test_support::run_command("unzip -p " + ledger + " xl/sharedStrings.xml", out), 0);
    EXPECT_TRUE(contains(out, "罚款明细（水果基金）"));
    EXPECT_TRUE(contains(out, "合计"));
    EXPECT_TRUE(contains(out, "吴九"));
}

// The management week (examples/management-week.jsonl) through `replay`: a compensation complaint
// from post to 执行 across two work days, its return freight with a skipped sign-off refused, and
// an appeal that overturns the fine, which HR then waives citing the appeal.
TEST(ManagementWeek, ReplayWalksCompensationFreightAndAppeal) {
    test_support::temp_dir dir;
    auto db = (dir / "week.db").string();
    const test_support::replayed week(bot(), "config.example.yaml", "examples/management-week.jsonl", db);
    auto find = [&](const std::string& needle) { return week.find(needle); };
    auto at_of = [&](const std::string& needle) { return week.at(needle); };
    std::string out;
    EXPECT_EQ(at_of("📄 质量投诉处理流程表（2026-11-23）"), "2026-11-23T17:30:00+08:00");
    EXPECT_EQ(at_of("质量投诉处理流程表（2026-11-23）转交副总"), "2026-11-24T09:00:00+08:00");
    EXPECT_EQ(find("质量投诉处理流程表（2026-11-23）转交副总")["mentions"],
              nlohmann::json::array({"liuqiang"}));
    EXPECT_EQ(at_of("❌ 只有销售一部的副总刘强可以填写 P1 的副总意见"), "2026-11-24T09:30:00+08:00");
    EXPECT_EQ(at_of("❌ 运费P1 当前待生产部负责人签字，请先完成：签字 运费P1"), "2026-11-24T10:15:00+08:00");
    EXPECT_EQ(at_of("🏁 P1 已由周敏按审批意见执行，投诉关闭"), "2026-11-24T11:30:00+08:00");
    EXPECT_EQ(at_of("❌ 只有投诉人张三或销售一部负责人陈静可以申诉 P1"), "2026-11-24T14:00:00+08:00");
    EXPECT_EQ(at_of("F1 经复核撤销，请人力资源部免罚"), "2026-11-24T15:00:00+08:00");
    EXPECT_EQ(at_of("退货运费流程结束"), "2026-11-25T09:00:00+08:00");

    ASSERT_EQ(test_support::run_command(bot() + " report penalties --db " + db + " --format json", out), 0);
    auto fines = nlohmann::json::parse(out);
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(fines[0]["status"], "waived");
    ASSERT_EQ(test_support::run_command(bot() + " report complaints --db " + db + " --format json", out), 0);
    auto complaints = nlohmann::json::parse(out);
    EXPECT_EQ(complaints[0]["status"], "closed");
    EXPECT_EQ(complaints[0]["valid"], true);
    ASSERT_EQ(test_support::run_command(bot() + " audit verify --db " + db, out), 0) << out;
}

// The customer week (examples/customer-week.jsonl) through `replay` with config.example.yaml: a
// department's 延期 granted by its head (no fine at the old deadline, the reply in time at the new
// one), 已答复客户 in time for P1 and missed for P2 (its head told), and P2, still in the
// compensation flow a week later, supervised by the VP, then the general manager, and on 督办's list.
TEST(CustomerWeek, ReplayShowsTheCustomersClock) {
    test_support::temp_dir dir;
    auto db = (dir / "week.db").string();
    const test_support::replayed week(bot(), "config.example.yaml", "examples/customer-week.jsonl", db);
    auto find = [&](const std::string& needle) { return week.find(needle); };
    auto at_of = [&](const std::string& needle) { return week.at(needle); };
    std::string out;
    EXPECT_EQ(at_of("⏳ P1 生产部申请将回复时间延至 11-24 17:00（原截止 11:00）"),
              "2026-11-23T10:10:00+08:00");
    EXPECT_EQ(find("⏳ P1 生产部申请")["mentions"], nlohmann::json::array({"qianqi", "zhaoliu"}));
    EXPECT_EQ(at_of("✅ P1 同意延期：生产部回复截止由 11:00 延至 11-24 17:00（赵六批准）"),
              "2026-11-23T10:15:00+08:00");
    EXPECT_EQ(at_of("✅ P1 已记录答复客户：已电话告知客户"), "2026-11-23T10:20:00+08:00");
    EXPECT_EQ(at_of("📨 P1 已收到生产部的回复（钱七，按时）"), "2026-11-24T16:30:00+08:00");
    EXPECT_EQ(at_of("🔔 P2 请林芳于 14:00 前答复客户"), "2026-11-24T12:00:00+08:00");
    EXPECT_EQ(at_of("⏫ P2 登记已满 1天（截止 14:00），林芳仍未确认答复客户，请销售二部负责人督促"),
              "2026-11-24T14:00:00+08:00");
    EXPECT_EQ(find("林芳仍未确认答复客户")["mentions"], nlohmann::json::array({"huangwei", "linfang"}));
    EXPECT_EQ(at_of("延期：生产部延至 11-24 17:00（赵六批准）"), "2026-11-24T17:00:00+08:00");  // 查询 P1
    EXPECT_EQ(at_of("🚩 督办：P2 登记已满 7天仍未办结"), "2026-11-30T14:00:00+08:00");
    EXPECT_EQ(find("🚩 督办：P2 登记已满 7天")["mentions"], nlohmann::json::array({"liuqiang"}));
    EXPECT_EQ(at_of("🚩 督办：P2 登记已满 8天仍未办结"), "2026-12-01T14:00:00+08:00");
    EXPECT_EQ(find("🚩 督办：P2 登记已满 8天")["mentions"],
              nlohmann::json::array({"wangzong", "dingxiaoling"}));
    EXPECT_EQ(at_of("🚩 督办（登记满 7天 仍未办结）共 1 件：\n· P2"), "2026-12-01T14:30:00+08:00");
    EXPECT_TRUE(find("各环节按时率：受理 100%，公布工艺流程 100%，回复 100%").is_object());

    ASSERT_EQ(test_support::run_command(bot() + " report penalties --db " + db + " --format json", out), 0);
    EXPECT_EQ(nlohmann::json::parse(out).size(), 0u);  // the old deadline fined nobody
    ASSERT_EQ(test_support::run_command(bot() + " audit verify --db " + db, out), 0) << out;
}
