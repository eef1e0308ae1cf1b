// The group roll-up's workbook (bot/reports/group_rollup_xlsx.cpp), read back from its XML parts
// (an .xlsx is a zip): the sheet 集团汇总 with a row per company and the total, then one sheet per
// company, the figures as numbers Excel can compute with.
#include "reports/group_rollup_xlsx.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "support/test_support.hpp"
#include "tests/rules/group_month.hpp"

namespace {

using test_support::run_command;

std::string part(const std::string& xlsx, const std::string& name) {
    std::string out;
    EXPECT_EQ(run_command("unzip -p " + xlsx + " " + name, out), 0) << name;
    return out;
}

// The text between `open` and `close` from `from` on; npos-safe.
std::string between(const std::string& s, const std::string& open, const std::string& close,
                    std::size_t& from) {
    auto a = s.find(open, from);
    if (a == std::string::npos) {
        from = std::string::npos;
        return {};
    }
    a += open.size();
    auto b = s.find(close, a);
    from = b;
    return s.substr(a, b - a);
}

// The shared strings in their order (<si><t>…</t></si>).
std::vector<std::string> shared_strings(const std::string& xml) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at != std::string::npos;) {
        auto si = between(xml, "<si>", "</si>", at);
        if (at == std::string::npos) break;
        std::size_t t = 0;
        auto open = si.find("<t");
        t = si.find('>', open) + 1;
        out.push_back(si.substr(t, si.find("</t>", t) - t));
    }
    return out;
}

// The value of cell `ref` ("B5") of a sheet: a number as written, a string resolved; "" when empty.
std::string cell(const std::string& sheet, const std::vector<std::string>& strings, const std::string& ref) {
    auto at = sheet.find("<c r=\"" + ref + "\"");
    if (at == std::string::npos) return {};
    auto end = sheet.find("</c>", at);
    auto self_closed = sheet.find("/>", at);
    if (self_closed < end && sheet.find('>', at) == self_closed + 1) return {};  // a blank cell
    auto c = sheet.substr(at, end - at);
    std::size_t from = 0;
    auto v = between(c, "<v>", "</v>", from);
    if (c.find("t=\"s\"") != std::string::npos)
        return strings.at(static_cast<std::size_t>(std::atoi(v.c_str())));
    return v;
}

double number(const std::string& sheet, const std::vector<std::string>& strings, const std::string& ref) {
    auto v = cell(sheet, strings, ref);
    EXPECT_FALSE(v.empty()) << ref;
    return std::atof(v.c_str());
}

}  // namespace

TEST(GroupRollupXlsx, TheSummaryAndOneSheetPerCompany) {
    auto hd = group_month::huadong();
    auto hn = group_month::huanan();
    auto r = group_month::november_rollup(hd, hn);
    test_support::temp_dir dir;
    auto path = (dir / "集团客诉月报-2026-11.xlsx").string();
    app::write_group_rollup_xlsx(r, path);
    auto quoted = "'" + path + "'";

    auto workbook = part(quoted, "xl/workbook.xml");
    auto s1 = workbook.find("name=\"集团汇总\""), s2 = workbook.find("name=\"华东\""),
         s3 = workbook.find("name=\"华南\"");
    ASSERT_NE(s1, std::string::npos) << workbook;
    ASSERT_NE(s2, std::string::npos) << workbook;
    ASSERT_NE(s3, std::string::npos) << workbook;
    EXPECT_LT(s1, s2);
    EXPECT_LT(s2, s3);

    auto strings = shared_strings(part(quoted, "xl/sharedStrings.xml"));
    auto summary = part(quoted, "xl/worksheets/sheet1.xml");
    EXPECT_EQ(cell(summary, strings, "A1"), "集团客诉月报 2026年11月");
    EXPECT_EQ(cell(summary, strings, "A2"), "编制：集团客户关系中心");
    // Columns: A 公司, B–E 投诉, F–J the five stages, K 综合, L–M 罚款, N–P 回访, Q 一级投诉.
    EXPECT_EQ(cell(summary, strings, "F4"), "受理");
    EXPECT_EQ(cell(summary, strings, "I4"), "回复");
    EXPECT_EQ(cell(summary, strings, "K4"), "综合");
    EXPECT_EQ(cell(summary, strings, "Q3"), "未结一级投诉");

    EXPECT_EQ(cell(summary, strings, "A5"), "华东");
    EXPECT_EQ(number(summary, strings, "B5"), 4);
    EXPECT_EQ(number(summary, strings, "C5"), 3);
    EXPECT_EQ(number(summary, strings, "D5"), 1);
    EXPECT_DOUBLE_EQ(number(summary, strings, "F5"), 0.75);
    EXPECT_DOUBLE_EQ(number(summary, strings, "I5"), 0.5);
    EXPECT_NEAR(number(summary, strings, "K5"), 10.0 / 13, 1e-9);
    EXPECT_EQ(number(summary, strings, "L5"), 2);
    EXPECT_EQ(number(summary, strings, "M5"), 100);
    EXPECT_EQ(number(summary, strings, "N5"), 2);
    EXPECT_DOUBLE_EQ(number(summary, strings, "O5"), 0.5);
    EXPECT_DOUBLE_EQ(number(summary, strings, "P5"), 0.85);
    EXPECT_EQ(cell(summary, strings, "Q5"), "华东 P2");

    EXPECT_EQ(cell(summary, strings, "A6"), "华南");
    EXPECT_EQ(cell(summary, strings, "H6"), "—");  // no service complaint: nothing routed
    EXPECT_EQ(number(summary, strings, "M6"), 60);
    EXPECT_DOUBLE_EQ(number(summary, strings, "O6"), 1);
    EXPECT_DOUBLE_EQ(number(summary, strings, "P6"), 0.9);
    EXPECT_EQ(cell(summary, strings, "Q6"), "—");

    EXPECT_EQ(cell(summary, strings, "A7"), "集团合计");
    EXPECT_EQ(number(summary, strings, "B7"), 6);
    EXPECT_NEAR(number(summary, strings, "K7"), 15.0 / 19, 1e-9);
    EXPECT_EQ(number(summary, strings, "L7"), 3);
    EXPECT_EQ(number(summary, strings, "M7"), 160);
    EXPECT_NEAR(number(summary, strings, "O7"), 2.0 / 3, 1e-9);
    EXPECT_EQ(cell(summary, strings, "P7"), "—");  // the companies' targets differ
    // The departments fined most, and the crisis complaints, below.
    EXPECT_EQ(cell(summary, strings, "B12"), "华南 生产部");
    EXPECT_EQ(number(summary, strings, "G12"), 60);
    EXPECT_EQ(cell(summary, strings, "A18"), "华东 P2");
    EXPECT_EQ(cell(summary, strings, "B18"), "11-25 09:00");

    auto east = part(quoted, "xl/worksheets/sheet2.xml");
    EXPECT_EQ(cell(east, strings, "A1"), "华东辉煌五金有限公司 客诉月报（2026年11月）");
    EXPECT_EQ(cell(east, strings, "A4"), "一、投诉概况（件）");
    EXPECT_EQ(number(east, strings, "A6"), 4);
    bool fines_title = false, unmet = false;
    for (const auto& s : strings) {
        fines_title = fines_title || s == "四、罚款（共 2 笔 100 元，不含已免）";
        unmet = unmet || s == "未达标";
    }
    EXPECT_TRUE(fines_title);
    EXPECT_TRUE(unmet);
    auto south = part(quoted, "xl/worksheets/sheet3.xml");
    EXPECT_EQ(cell(south, strings, "A1"), "华南辉煌建材有限公司 客诉月报（2026年11月）");
}
