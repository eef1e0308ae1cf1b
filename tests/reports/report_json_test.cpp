// `report complaints --format json` carries the people (complainant, their department, the
// poster), the replies with their lateness and the pending stage's due; `report sheet --format
// json` carries replies, signatures (who signed for which department, when), the VP's opinion, the
// general manager's approval and the execution; every CSV cell Excel would run as a formula is
// prefixed with '. The real binary replays examples/management-week.jsonl with config.example.yaml.
#include "reports/report_json.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>

#include "support/test_support.hpp"

using json = nlohmann::json;

namespace {

std::string bot() {
    return BOT_BINARY;
}

// The example week's first five lines (P1 registered, accepted, routed to 生产部 and 采购部, 生产部
// on time, 采购部 40 minutes late), then P2 posted by 客服部's 冯晓 for 林芳 with a customer name and
// a problem that begin like spreadsheet formulas.
std::string partial_week() {
    std::ifstream in(test_support::source_path("examples/management-week.jsonl"));
    std::string line, out;
    for (int i = 0; i < 5 && std::getline(in, line); ++i) out += line + "\n";
    json p2 = {
        {"at", "2026-11-23T11:50:00+08:00"},
        {"from", "fengxiao"},
        {"text",
         "产品质量投诉\n投诉人：林芳\n客户名称：=HYPERLINK(\"http://evil.example\",\"点我\")\n"
         "发货日期：2026年11月20日\n品牌：金虎\n规格及数量：M6 螺母 50盒\n"
         "产品存在的质量问题：+1 批次外观发黑\n客户要求：补发合格品\n投诉时间：2026年11月23日11时45分"}};
    return out + p2.dump() + "\n" + R"({"at":"2026-11-23T11:52:00+08:00","end":true})" + "\n";
}

std::string replay(const test_support::temp_dir& dir, const std::string& script_text) {
    test_support::write_file(dir / "script.jsonl", script_text);
    auto db = (dir / "bot.db").string();
    std::string out;
    EXPECT_EQ(test_support::run_command(bot() + " replay --config " +
                                            test_support::source_path("config.example.yaml").string() +
                                            " --script " + (dir / "script.jsonl").string() + " --db " + db,
                                        out),
              0)
        << out;
    return db;
}

json report(const std::string& kind, const std::string& db) {
    std::string out;
    EXPECT_EQ(test_support::run_command(bot() + " report " + kind + " --format json --db " + db, out), 0)
        << out;
    return json::parse(out);
}

}  // namespace

TEST(ReportJson, ComplaintsCarryThePeopleTheRepliesWithTheirLatenessAndThePendingDue) {
    test_support::temp_dir dir;
    auto db = replay(dir, partial_week());
    auto all = report("complaints", db);
    ASSERT_EQ(all.size(), 2u) << all.dump(2);
    const auto& p1 = all[0];
    EXPECT_EQ(p1["id"], "P1");
    EXPECT_EQ(p1["complainant"], "zhangsan");
    EXPECT_EQ(p1["complainant_department"], "销售一部");
    EXPECT_EQ(p1["poster"], "zhangsan");
    EXPECT_EQ(p1["replies"], json::parse(R"([
        {"department": "生产部", "by": "qianqi", "at": "2026-11-23T10:30:00+08:00",
         "text": "搓丝模具磨损导致螺纹不良，责任在生产部，同意退货补发", "late_minutes": 0},
        {"department": "采购部", "by": "wujiu", "at": "2026-11-23T11:40:00+08:00",
         "text": "原材料批次检测合格，采购部无责任", "late_minutes": 40}])"));
    EXPECT_TRUE(p1["due"].is_null());  // every department answered: no clock runs
    const auto& p2 = all[1];
    EXPECT_EQ(p2["id"], "P2");
    EXPECT_EQ(p2["complainant"], "linfang");
    EXPECT_EQ(p2["complainant_department"], "销售二部");
    EXPECT_EQ(p2["poster"], "fengxiao");  // 客服部 posted it for her
    EXPECT_EQ(p2["stage"], "accept");
    EXPECT_EQ(p2["due"], "2026-11-23T11:55:00+08:00");
    EXPECT_EQ(p2["replies"], json::array());
    // The keys that were there before stay.
    for (const char* k : {"kind", "status", "valid", "posted_at", "fields"}) EXPECT_TRUE(p2.contains(k)) << k;
}

TEST(ReportJson, TheSheetCarriesRepliesSignaturesTheOpinionsAndTheExecution) {
    test_support::temp_dir dir;
    auto db =
        replay(dir, test_support::read_file(test_support::source_path("examples/management-week.jsonl")));
    auto sheet = report("sheet", db);
    ASSERT_EQ(sheet.size(), 1u) << sheet.dump(2);
    const auto& p1 = sheet[0];
    EXPECT_EQ(p1["sheet_date"], "2026-11-23");
    EXPECT_EQ(p1["replies"].size(), 2u);
    EXPECT_EQ(p1["replies"][1]["late_minutes"], 40);
    EXPECT_EQ(p1["signatures"], json::parse(R"([
        {"department": "生产部", "signed": true, "by": "zhaoliu", "at": "2026-11-23T17:40:00+08:00"},
        {"department": "采购部", "signed": true, "by": "wujiu", "at": "2026-11-23T17:45:00+08:00"}])"));
    EXPECT_EQ(p1["forwarded_at"], "2026-11-24T09:00:00+08:00");
    EXPECT_EQ(p1["vp_opinion"]["by"], "liuqiang");
    EXPECT_EQ(p1["vp_opinion"]["at"], "2026-11-24T09:35:00+08:00");
    EXPECT_EQ(p1["vp_opinion"]["text"], "已与客户协商：退货200盒并补发合格品，退货运费由生产部承担");
    EXPECT_EQ(p1["gm_approval"], json::parse(R"({"text": "同意，按副总意见办理", "by": "dingxiaoling",
                                                 "at": "2026-11-24T10:00:00+08:00"})"));
    EXPECT_EQ(p1["executed"]["by"], "zhoumin");
}

TEST(ReportJson, AnUnsignedSheetShowsWhoStillHasToSign) {
    test_support::temp_dir dir;
    std::ifstream in(test_support::source_path("examples/management-week.jsonl"));
    std::string line, script;
    for (int i = 0; i < 6 && std::getline(in, line); ++i)
        script += line + "\n";  // 生产部 signs, 采购部 not yet
    auto db = replay(dir, script + R"({"at":"2026-11-23T17:50:00+08:00","end":true})" + "\n");
    auto sheet = report("sheet", db);
    ASSERT_EQ(sheet.size(), 1u) << sheet.dump(2);
    EXPECT_EQ(sheet[0]["signatures"][0]["signed"], true);
    EXPECT_EQ(sheet[0]["signatures"][1],
              json::parse(R"({"department": "采购部", "signed": false, "by": null, "at": null})"));
    EXPECT_TRUE(sheet[0]["vp_opinion"].is_null());
    EXPECT_TRUE(sheet[0]["gm_approval"].is_null());
    EXPECT_TRUE(sheet[0]["executed"].is_null());
}

TEST(ReportCsv, CellsThatExcelWouldRunAsAFormulaArePrefixed) {
    EXPECT_EQ(app::csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
    EXPECT_EQ(app::csv_cell("+86 138 0000 0000"), "'+86 138 0000 0000");
    EXPECT_EQ(app::csv_cell("-50"), "'-50");
    EXPECT_EQ(app::csv_cell("@SUM(A1:A9)"), "'@SUM(A1:A9)");
    EXPECT_EQ(app::csv_cell("\tcmd"), "'\tcmd");
    EXPECT_EQ(app::csv_cell("\rcmd"), "\"'\rcmd\"");
    // Only the first character matters; ordinary cells are unchanged.
    EXPECT_EQ(app::csv_cell("a=b"), "a=b");
    EXPECT_EQ(app::csv_cell("华东五金有限公司"), "华东五金有限公司");
    EXPECT_EQ(app::csv_cell("—"), "—");
    EXPECT_EQ(app::csv_cell(""), "");
    EXPECT_EQ(app::csv_cell("50"), "50");
}

TEST(ReportCsv, AComplaintWhoseFieldsBeginLikeFormulasIsWrittenAsText) {
    test_support::temp_dir dir;
    auto db = replay(dir, partial_week());
    std::string out;
    ASSERT_EQ(test_support::run_command(bot() + " report complaints --format csv --db " + db, out), 0);
    EXPECT_NE(out.find(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",'+1 批次外观发黑,\r\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find(",=HYPERLINK"), std::string::npos);
    // The sheet's CSV goes through the same cells.
    ASSERT_EQ(test_support::run_command(bot() + " report sheet --format csv --db " + db, out), 0);
    EXPECT_EQ(out.find(",=HYPERLINK"), std::string::npos);
}
