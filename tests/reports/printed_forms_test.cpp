// The printed forms through the real binary: `report sheet` and `report statement` as XLSX, read
// back from the workbook's XML parts (an .xlsx is a zip), and as text. HR prints the sheet as a
// paper form: names instead of person ids, 发货日期 and 规格及数量, headers from the configured roles,
// rows tall enough for their text, boxes to sign by hand, A4 landscape one page wide.
//
// g++ 12 under -fsanitize at -O1 reports a false -Wmaybe-uninitialized inside libstdc++'s
// std::regex (its std::function states; GCC documents such false positives with sanitizers).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "pipeline/org_snapshot.hpp"
#include "reports/xlsx_layout.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"

namespace {

using test_support::run_command;

std::string bot() {
    return BOT_BINARY;
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// Replays `script` (relative to the repo) with `config` onto a new database in `dir`.
std::string replayed(const test_support::temp_dir& dir, const std::string& config, const std::string& script,
                     const std::string& name = "run.db") {
    auto db = (dir / name).string();
    std::string out;
    EXPECT_EQ(run_command(bot() + " replay --config " + config + " --script " +
                              test_support::source_path(script).string() + " --db " + db,
                          out, true),
              0)
        << out;
    return db;
}

std::string example_config() {
    return test_support::source_path("config.example.yaml").string();
}

// One part of a workbook.
std::string part(const std::string& xlsx, const std::string& name) {
    std::string out;
    EXPECT_EQ(run_command("unzip -p " + xlsx + " " + name, out), 0) << name;
    return out;
}

// The height (points) set for row `r` (1-based, as in the XML), or 0 when not set.
double row_height(const std::string& sheet_xml, int r) {
    std::smatch m;
    std::regex row("<row r=\"" + std::to_string(r) + "\"[^>]* ht=\"([0-9.]+)\"");
    return std::regex_search(sheet_xml, m, row) ? std::atof(m[1].str().c_str()) : 0;
}

std::string report(const std::string& args, int expected_status = 0) {
    std::string out;
    EXPECT_EQ(run_command(bot() + " report " + args, out, true), expected_status) << args << "\n" << out;
    return out;
}

// Every person id of config.example.yaml: none may show on a printed form.
const char* const person_ids[] = {"chenjing", "zhangsan", "huangwei",     "linfang",  "lisi",
                                  "zhoumin",  "wangwu",   "sunli",        "zhaoliu",  "qianqi",
                                  "wujiu",    "zhengshi", "heping",       "fengxiao", "jiangtao",
                                  "xuli",     "wangzong", "dingxiaoling", "liuqiang", "qianduo"};

}  // namespace

TEST(XlsxLayout, ChineseCountsTwiceAndRowsGrowWithTheText) {
    using namespace app::xlsx;
    EXPECT_NEAR(text_width("0000", 11), 4.0, 0.01);
    EXPECT_NEAR(text_width("生产部", 11), 6.3, 0.01);
    EXPECT_NEAR(text_width("生产部", 22), 12.6, 0.01);
    EXPECT_EQ(wrapped_lines("", 20, 10), 1);
    EXPECT_EQ(wrapped_lines("同意退货", 20, 10), 1);
    EXPECT_EQ(wrapped_lines("同意退货\n（钱七 11-23 10:30）", 20, 10), 2);
    // 40 characters at ~1.9 units each in a column 20 wide: four lines.
    std::string long_text;
    for (int i = 0; i < 10; ++i) long_text += "螺纹滑牙";
    EXPECT_EQ(wrapped_lines(long_text, 20, 10), 4);
    EXPECT_GT(height_for(long_text, 20, 10), height_for("同意", 20, 10) * 3);
    EXPECT_GT(height_for(long_text, 10, 10), height_for(long_text, 20, 10));
}

TEST(OrgSnapshot, RoundTripsNamesAndRolesAndRefusesWhatItCannotRead) {
    rules::config cfg;
    cfg.company = "辉煌五金有限公司";
    cfg.org.departments = {{"订单部", "lisi"}};
    cfg.org.people = {{"lisi", "李四", "订单部", {{"dingtalk", "dt-1005"}}}};
    cfg.roles.order_desk = "订单部";
    cfg.roles.general_manager = {"lisi"};
    cfg.roles.vice_presidents = {{"销售一部", "lisi"}};
    auto snapshot = app::org_snapshot(cfg);
    EXPECT_FALSE(has(snapshot, "dt-1005"));  // platform accounts stay in the config

    rules::config back;
    ASSERT_TRUE(app::apply_org_snapshot(snapshot, back));
    EXPECT_EQ(back.company, "辉煌五金有限公司");
    EXPECT_EQ(back.org.display_name("lisi"), "李四");
    EXPECT_EQ(back.roles.order_desk, "订单部");
    EXPECT_EQ(back.roles.general_manager, std::vector<std::string>{"lisi"});
    EXPECT_EQ(back.roles.vice_presidents.at("销售一部"), "lisi");

    for (const auto* bad : {"", "not json", "[]", "{\"version\":2}", "{\"version\":1,\"departments\":[]}"}) {
        rules::config untouched;
        EXPECT_FALSE(app::apply_org_snapshot(bad, untouched)) << bad;
        EXPECT_EQ(untouched.roles.order_desk, "打单部") << bad;
        EXPECT_TRUE(untouched.org.people.empty()) << bad;
    }
}

TEST(PrintedSheet, XlsxIsAPaperFormWithNamesGoodsAndSignatureBoxes) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/management-week.jsonl");
    auto xlsx = (dir / "sheet.xlsx").string();
    report("sheet --db " + db + " --format xlsx --out " + xlsx);

    auto strings = part(xlsx, "xl/sharedStrings.xml");
    for (const auto* s : {"辉煌五金有限公司 质量投诉处理流程表",
                          "日期：2026-11-23",
                          "编制：人力资源部",
                          "编号",
                          "投诉人",
                          "客户名称",
                          "发货日期",
                          "品牌",
                          "规格及数量",
                          "客户要求",
                          "鉴定结果与处理意见",
                          "责任部门\n负责人\n签字/日期",
                          "副总意见",
                          "副总\n签字/日期",
                          "王总审批意见\n（王总或丁小玲签名）",
                          "打单部执行",
                          "2026年11月18日",
                          "M8×40 镀锌螺栓 200盒",
                          "华东五金有限公司",
                          "张三\n销售一部",
                          "（钱七 11-23 10:30）",
                          "（吴九 11-23 11:40，逾期，已罚款 F1，后免罚）",
                          "赵六 11-23 17:40\n已在群内签字",
                          "已与客户协商：退货200盒并补发合格品，退货运费由生产部承担\n（刘强 11-24 09:35）",
                          "同意，按副总意见办理\n（丁小玲 11-24 10:00）",
                          "已执行\n（周敏 11-24 11:30）",
                          "制表（人力资源部）："})
        EXPECT_TRUE(has(strings, s)) << s;
    for (const auto* id : person_ids) EXPECT_FALSE(has(strings, id)) << id;

    auto sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    EXPECT_TRUE(has(sheet, "orientation=\"landscape\""));
    EXPECT_TRUE(has(sheet, "paperSize=\"9\""));  // A4
    EXPECT_TRUE(has(sheet, "<pageSetUpPr fitToPage=\"1\"/>"));
    EXPECT_TRUE(has(sheet, "fitToHeight=\"0\""));                    // one page wide, as many tall as needed
    EXPECT_TRUE(has(sheet, "<mergeCell ref=\"A5:A6\"/>")) << sheet;  // P1 spans its two departments
    EXPECT_TRUE(has(sheet, "<mergeCell ref=\"M5:M6\"/>"));           // one 副总 signature box for both
    // Both department rows leave room to sign (about 15 mm).
    EXPECT_GE(row_height(sheet, 5), 42);
    EXPECT_GE(row_height(sheet, 6), 42);
    auto workbook = part(xlsx, "xl/workbook.xml");
    EXPECT_TRUE(has(workbook, "_xlnm.Print_Titles")) << workbook;  // the two header rows on every page
    EXPECT_TRUE(has(workbook, "$3:$4"));
    EXPECT_TRUE(has(workbook, "_xlnm.Print_Area"));
}

TEST(PrintedSheet, LongRepliesGetTallRowsAndEveryDepartmentItsOwnBox) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/compensation-day.jsonl");
    auto xlsx = (dir / "sheet.xlsx").string();
    report("sheet --db " + db + " --format xlsx --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    EXPECT_TRUE(has(strings, "共 2 件"));
    EXPECT_TRUE(has(strings, "客户名称\n（投诉对象）"));  // a service complaint is on the sheet too
    EXPECT_TRUE(has(strings, "物流部 司机小李"));
    EXPECT_TRUE(has(strings, "逾期未回复（已罚款 F1）"));
    for (const auto* id : person_ids) EXPECT_FALSE(has(strings, id)) << id;
    auto sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    // P1: 生产部 (a 100-character reply), 采购部 (silent), 物流部 (short) on rows 5-7; S1 on row 8.
    EXPECT_TRUE(has(sheet, "<mergeCell ref=\"A5:A7\"/>"));
    EXPECT_TRUE(has(sheet, "<c r=\"K5\""));  // a signature box per department
    EXPECT_TRUE(has(sheet, "<c r=\"K6\""));
    EXPECT_TRUE(has(sheet, "<c r=\"K7\""));
    auto long_row = row_height(sheet, 5), short_row = row_height(sheet, 6);
    EXPECT_GE(short_row, 42);
    // Eleven lines of 10 pt text in the reply column: the row is at least that tall.
    EXPECT_GE(long_row, 11 * 13.0) << long_row;
    EXPECT_GT(long_row, short_row * 2);
    EXPECT_GE(row_height(sheet, 8),
              app::xlsx::height_for("司机停岗培训三天，摔坏的两箱由物流部承担货款，重新发货的运费由物流部承担"
                                    "，并向客户书面致歉\n（郑十 11-23 14:00）",
                                    20, 10));
}

TEST(PrintedSheet, HeadersFollowTheConfiguredGeneralManagerAndOrderDesk) {
    test_support::temp_dir dir;
    // Another company: the order desk is called 订单部, the general manager 孙总 with assistant 钱秘书,
    // and no company name is configured.
    auto text = test_support::read_file(test_support::source_path("config.example.yaml"));
    auto replace_all = [&](const std::string& from, const std::string& to) {
        for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
            text.replace(pos, from.size(), to);
    };
    replace_all("打单部", "订单部");
    replace_all("name: 王总", "name: 孙总");
    replace_all("name: 丁小玲", "name: 钱秘书");
    replace_all("company: 辉煌五金有限公司", "# company: none");
    auto renamed = (dir / "renamed.yaml").string();
    test_support::write_file(renamed, text);
    auto db = replayed(dir, example_config(), "examples/management-week.jsonl");
    // The operator edits the config and restarts: the next run stores the new names.
    test_support::write_file(dir / "later.jsonl", "{\"at\": \"2026-11-26T09:00:00+08:00\", \"end\": true}\n");
    std::string out;
    ASSERT_EQ(run_command(bot() + " replay --config " + renamed + " --script " +
                              (dir / "later.jsonl").string() + " --db " + db,
                          out, true),
              0)
        << out;

    auto xlsx = (dir / "sheet.xlsx").string();
    report("sheet --db " + db + " --format xlsx --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    EXPECT_TRUE(has(strings, "孙总审批意见\n（孙总或钱秘书签名）")) << strings;
    EXPECT_TRUE(has(strings, "订单部执行"));
    EXPECT_TRUE(has(strings, "报孙总或钱秘书审批签名"));
    EXPECT_TRUE(has(strings, "（钱秘书 11-24 10:00）"));
    EXPECT_TRUE(has(strings, "<t>质量投诉处理流程表</t>"));  // no company configured: the title alone
    EXPECT_FALSE(has(strings, "王总"));
    EXPECT_FALSE(has(strings, "丁小玲"));
    EXPECT_FALSE(has(strings, "打单部"));
    EXPECT_FALSE(has(strings, "辉煌"));
    auto sheet_text = report("sheet --db " + db + " --format text");
    EXPECT_TRUE(has(sheet_text, "订单部执行：已办理（周敏 11-24 11:30）")) << sheet_text;
}

TEST(PrintedSheet, TextListsTheWholeFlowByName) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/management-week.jsonl");
    auto text = report("sheet --db " + db + " --format text");
    EXPECT_EQ(text,
              "📄 质量投诉处理流程表（2026-11-23）\n"
              "1. P1 产品质量投诉　投诉人：张三（销售一部）　客户：华东五金有限公司\n"
              "   发货日期：2026年11月18日　品牌：金虎　规格及数量：M8×40 镀锌螺栓 200盒\n"
              "   质量问题：约三成螺纹滑牙，客户装配时无法拧紧\n"
              "   客户要求：退货并补发合格品，运费由我方承担\n"
              "   生产部：搓丝模具磨损导致螺纹不良，责任在生产部，同意退货补发（钱七 11-23 10:30）\n"
              "   采购部：原材料批次检测合格，采购部无责任（吴九 11-23 11:40）\n"
              "   责任部门负责人签字：生产部 赵六（已签）、采购部 吴九（已签）\n"
              "   副总意见：已与客户协商：退货200盒并补发合格品，退货运费由生产部承担（刘强 11-24 09:35）\n"
              "   总经理审批：同意，按副总意见办理（丁小玲 11-24 10:00）\n"
              "   打单部执行：已办理（周敏 11-24 11:30）\n");
    auto none = report("sheet --db " + db + " --format text --from 2026-11-24 --to 2026-11-24");
    EXPECT_EQ(none, "📄 质量投诉处理流程表（2026-11-24）：无涉及赔款或退/换货的投诉。\n");
    auto xlsx = (dir / "empty.xlsx").string();
    report("sheet --db " + db + " --format xlsx --from 2026-11-24 --to 2026-11-24 --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    EXPECT_TRUE(has(strings, "当日无涉及赔款或退/换货的投诉。"));
    EXPECT_FALSE(has(strings, "共 0 件"));
}

TEST(PrintedStatement, XlsxListsEachFineAndHasTheLinesToSign) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/compensation-day.jsonl");
    auto xlsx = (dir / "statement.xlsx").string();
    report("statement --db " + db + " --from 2026-11-01 --to 2026-11-30 --format xlsx --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    for (const auto* s :
         {"辉煌五金有限公司 罚款月结单（水果基金）", "期间：2026年11月（2026-11-01 至 2026-11-30）",
          "一、各部门负责人汇总", "负责人签字/日期", "二、罚款明细", "罚款编号", "投诉编号", "罚款日期",
          "金额（元）", "F1", "P1", "2026-11-23", "采购部", "吴九", "回复超时", "未缴", "合计 1 次",
          "制表（人力资源部）："})
        EXPECT_TRUE(has(strings, s)) << s;
    for (const auto* id : person_ids) EXPECT_FALSE(has(strings, id)) << id;
    auto sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    EXPECT_TRUE(has(sheet, "<v>50</v>"));  // the amount is a number, in 元
    EXPECT_TRUE(has(sheet, "paperSize=\"9\""));
    EXPECT_TRUE(has(sheet, "orientation=\"portrait\""));
    EXPECT_TRUE(has(sheet, "<pageSetUpPr fitToPage=\"1\"/>"));

    auto text = report("statement --db " + db + " --from 2026-11-01 --to 2026-11-30");
    EXPECT_TRUE(has(text, "F1　P1　2026-11-23　采购部 吴九　回复超时　50 元　未缴\n")) << text;
    EXPECT_TRUE(has(text, "吴九（采购部）：罚款 1 次，共 50 元，未缴\n")) << text;
    EXPECT_FALSE(has(text, "0 次")) << text;
    EXPECT_FALSE(has(text, " 0 元")) << text;
}

TEST(PrintedStatement, AMonthWithoutFinesSaysSo) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/compensation-day.jsonl");
    EXPECT_EQ(report("statement --db " + db + " --from 2026-10-01 --to 2026-10-31"),
              "辉煌五金有限公司 罚款月结单（水果基金，2026年10月）\n本月无罚款。\n");
    auto xlsx = (dir / "october.xlsx").string();
    report("statement --db " + db + " --from 2026-10-01 --to 2026-10-31 --format xlsx --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    EXPECT_TRUE(has(strings, "本月无罚款。"));
    EXPECT_FALSE(has(strings, "合计"));
    EXPECT_FALSE(has(strings, "见上表签字"));  // no table to sign
}

TEST(PrintedForms, AnUnwritableOutputIsRefusedWithTheFixAndWritesNothing) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/management-week.jsonl");
    auto missing = (dir / "no-such-dir" / "sheet.xlsx").string();
    for (const auto* kind : {"sheet", "statement"}) {
        auto out = report(std::string(kind) + " --db " + db + " --format xlsx --out " + missing, 2);
        EXPECT_TRUE(has(out, "cannot create '" + missing + "': check that the directory exists")) << out;
        out = report(std::string(kind) + " --db " + db + " --format text --out " + missing, 2);
        EXPECT_TRUE(has(out, "cannot write '" + missing + "': check that the directory exists")) << out;
    }
    EXPECT_FALSE(std::filesystem::exists(dir / "no-such-dir"));
}

TEST(PrintedForms, ADatabaseWithoutStoredNamesStillPrints) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/management-week.jsonl");
    {
        storage::sql_console raw(db);
        raw.exec("DELETE FROM meta WHERE key = 'organization'");  // written by an older version
    }
    auto xlsx = (dir / "sheet.xlsx").string();
    report("sheet --db " + db + " --format xlsx --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    EXPECT_TRUE(has(strings, "总经理审批意见"));  // the default role names
    EXPECT_TRUE(has(strings, "打单部执行"));
    EXPECT_TRUE(has(strings, "M8×40 镀锌螺栓 200盒"));
}

TEST(PrintedSheet, AComplaintIsNeverSplitAcrossPages) {
    test_support::temp_dir dir;
    // Eight compensation complaints in one day, two departments each: two pages.
    std::string script;
    for (int i = 1; i <= 8; ++i) {
        auto hh = std::to_string(8 + i);
        if (hh.size() == 1) hh = "0" + hh;
        auto day = "2026-11-23T" + hh;
        auto id = "P" + std::to_string(i);
        script += "{\"at\": \"" + day +
                  ":00:00+08:00\", \"from\": \"zhangsan\", \"text\": \"产品质量投诉\\n投诉人：张三\\n"
                  "客户名称：客户" +
                  std::to_string(i) +
                  "号五金商行\\n发货日期：2026年11月18日\\n品牌：金虎\\n"
                  "规格及数量：M8×40 镀锌螺栓 "
                  "200盒\\n产品存在的质量问题：螺纹滑牙，部分螺栓头部开裂，客户装配时无法拧紧\\n"
                  "客户要求：退货并补发合格品\\n投诉时间：2026年11月23日8时50分\"}\n";
        script +=
            "{\"at\": \"" + day + ":02:00+08:00\", \"from\": \"zhoumin\", \"text\": \"受理 " + id + "\"}\n";
        script += "{\"at\": \"" + day + ":05:00+08:00\", \"from\": \"zhoumin\", \"text\": \"工艺 " + id +
                  " 批号B2611-07 调查: 生产部 采购部\"}\n";
        script += "{\"at\": \"" + day + ":30:00+08:00\", \"from\": \"qianqi\", \"text\": \"回复 " + id +
                  " 模具磨损导致螺纹不良，责任在生产部，同意退货补发，已更换模具并加强首件检验\"}\n";
        script += "{\"at\": \"" + day + ":40:00+08:00\", \"from\": \"wujiu\", \"text\": \"回复 " + id +
                  " 原材料检测合格，采购部无责任\"}\n";
    }
    script += "{\"at\": \"2026-11-23T18:30:00+08:00\", \"end\": true}\n";
    test_support::write_file(dir / "eight.jsonl", script);
    auto db = (dir / "eight.db").string();
    std::string out;
    ASSERT_EQ(run_command(bot() + " replay --config " + example_config() + " --script " +
                              (dir / "eight.jsonl").string() + " --db " + db,
                          out, true),
              0)
        << out;
    auto xlsx = (dir / "sheet.xlsx").string();
    report("sheet --db " + db + " --format xlsx --out " + xlsx);
    auto sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(sheet, m, std::regex("<brk id=\"([0-9]+)\""))) << sheet;
    // The break falls before a complaint's first row (row id + 1 in 1-based terms).
    auto first_row = std::to_string(std::atoi(m[1].str().c_str()) + 1);
    EXPECT_TRUE(has(sheet, "<mergeCell ref=\"A" + first_row + ":A")) << first_row;
    // With manual breaks the sheet prints at a fixed scale (Excel ignores breaks under "fit to").
    ASSERT_TRUE(std::regex_search(sheet, m, std::regex("<pageSetup[^>]* scale=\"([0-9]+)\""))) << sheet;
    EXPECT_EQ(
        std::atoi(m[1].str().c_str()),
        app::xlsx::one_page_wide_scale({5.5, 8, 10, 8, 6, 10, 14, 12, 7, 20, 11, 14, 9, 12, 9, 10}, true));
    EXPECT_FALSE(has(sheet, "fitToPage"));
}

TEST(XlsxLayout, TheScalePutsTheColumnsOnOnePageWidth) {
    using namespace app::xlsx;
    std::vector<double> sheet{5.5, 8, 10, 8, 6, 10, 14, 12, 7, 20, 11, 14, 9, 12, 9, 10};
    int scale = one_page_wide_scale(sheet, true);
    double pixels = 0;
    for (double w : sheet) pixels += std::floor(7 * w + 5);  // Excel: a column w units wide, in pixels
    double paper = 841.9 - 2 * margin_side * 72;
    EXPECT_LE(pixels * 0.75 * scale / 100, paper * 0.9);
    EXPECT_GT(pixels * 0.75 * (scale + 1) / 100, paper * 0.9);
    EXPECT_EQ(one_page_wide_scale({10, 10}, false), 100);  // narrow tables print at full size
    EXPECT_GT(page_height_at(50, true), page_height_at(100, true) * 1.9);
}

TEST(PrintedWeekly, TextOutIsTheReportAndTheWorkbookIsTitledWithThePeriod) {
    test_support::temp_dir dir;
    auto db = replayed(dir, example_config(), "examples/management-week.jsonl");
    auto printed = report("weekly --db " + db + " --to 2026-11-29");
    auto txt = (dir / "weekly.txt").string();
    report("weekly --db " + db + " --to 2026-11-29 --out " + txt);
    EXPECT_EQ(test_support::read_file(txt), printed);
    EXPECT_TRUE(has(printed, "罚款：免罚 1 次，50 元\n")) << printed;  // the only fine was waived
    EXPECT_TRUE(has(printed, "收到投诉：共 1 件（产品质量投诉 1 件），其中申诉 1 件\n")) << printed;

    auto xlsx = (dir / "weekly.xlsx").string();
    report("weekly --db " + db + " --to 2026-11-29 --format xlsx --out " + xlsx);
    auto strings = part(xlsx, "xl/sharedStrings.xml");
    EXPECT_TRUE(has(strings, "投诉周报（2026-11-23 至 2026-11-29）"));
    EXPECT_FALSE(has(strings, "📈"));  // the headline is the title, not a row
    auto sheet = part(xlsx, "xl/worksheets/sheet1.xml");
    EXPECT_TRUE(has(sheet, "orientation=\"portrait\""));  // two columns: portrait
    EXPECT_GE(row_height(sheet, 7), 30);                  // the on-time rates wrap to two lines
}
