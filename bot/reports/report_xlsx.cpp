#include "reports/report_xlsx.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "reports/report.hpp"
#include "reports/xlsx_book.hpp"
#include "reports/xlsx_layout.hpp"

namespace app {

namespace {

void add_table_sheet(xlsx::book& wb, const std::string& name, const xlsx_table& t) {
    constexpr double pt = 10;
    lxw_worksheet* ws = wb.add_sheet(name);
    auto* title = wb.format(
        {.size = 14, .bold = true, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* head = wb.format({.size = pt, .bold = true, .valign = LXW_ALIGN_VERTICAL_CENTER, .fill = 0xDDEBF7});
    auto* cell = wb.format({.size = pt});
    std::vector<double> widths;
    for (std::size_t c = 0; c < t.header.size(); ++c) widths.push_back(c + 1 == t.header.size() ? 30 : 16);
    // Portrait when the columns fit a portrait page at full size (the weekly report), else landscape.
    const bool landscape = xlsx::one_page_wide_scale(widths, false) < 100;
    for (std::size_t c = 0; c < widths.size(); ++c)
        worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), widths[c], nullptr);
    worksheet_write_string(ws, 0, 0, t.title.c_str(), title);
    worksheet_set_row(ws, 0, 24, nullptr);
    lxw_row_t r = 1;
    auto put = [&](const std::vector<std::string>& cells, lxw_format* f) {
        double height = 18;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto& v = cells[c];
            auto col = static_cast<lxw_col_t>(c);
            char* end = nullptr;
            double num = v.empty() ? 0 : std::strtod(v.c_str(), &end);
            if (f == cell && !v.empty() && end && *end == '\0' &&
                v.find_first_not_of("0123456789.") == std::string::npos)
                worksheet_write_number(ws, r, col, num, f);
            else
                xlsx::put(ws, r, col, v, f);
            if (c < widths.size()) height = std::max(height, xlsx::height_for(v, widths[c], pt));
        }
        worksheet_set_row(ws, r++, height, nullptr);
    };
    put(t.header, head);
    for (const auto& row : t.rows) put(row, cell);
    if (!t.footer.empty()) put(t.footer, cell);
    xlsx::setup_page(ws, landscape, 0, 1, 1, r == 0 ? 0 : r - 1,
                     static_cast<lxw_col_t>(t.header.empty() ? 0 : t.header.size() - 1));
}

}  // namespace

void write_table_xlsx(const xlsx_table& t, const std::string& path) {
    xlsx::book wb(path);
    add_table_sheet(wb, "", t);
    wb.close();
}

void write_tables_xlsx(const std::vector<std::pair<std::string, xlsx_table>>& sheets,
                       const std::string& path) {
    xlsx::book wb(path);
    for (const auto& [name, t] : sheets) add_table_sheet(wb, name, t);
    wb.close();
}

// The monthly statement, portrait A4: 一、per head with a box for the head's signature, 二、each
// fine, then HR's signature line. Zero amounts print as "—".
void write_statement_xlsx(const rules::statement& s, const std::string& company, const std::string& hr,
                          const core::zone& tz, const std::string& path) {
    using xlsx::put;
    using xlsx::put_number;
    constexpr double pt = 10;
    constexpr double widths[] = {9, 9, 11, 10, 10, 10, 10, 9, 18};
    constexpr lxw_col_t last = 8;
    xlsx::book wb(path);
    lxw_worksheet* ws = wb.add_sheet("罚款月结单");
    auto* title = wb.format({.size = 16,
                             .bold = true,
                             .wrap = false,
                             .border = false,
                             .align = LXW_ALIGN_CENTER,
                             .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* info = wb.format({.size = pt, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_BOTTOM});
    auto* info_right = wb.format({.size = pt,
                                  .wrap = false,
                                  .border = false,
                                  .align = LXW_ALIGN_RIGHT,
                                  .valign = LXW_ALIGN_VERTICAL_BOTTOM});
    auto* section = wb.format(
        {.size = 11, .bold = true, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_BOTTOM});
    auto* head = wb.format({.size = pt,
                            .bold = true,
                            .align = LXW_ALIGN_CENTER,
                            .valign = LXW_ALIGN_VERTICAL_CENTER,
                            .fill = 0xEDEDED});
    auto* text = wb.format({.size = pt, .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* center = wb.format({.size = pt, .align = LXW_ALIGN_CENTER, .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* money = wb.format(
        {.size = pt, .align = LXW_ALIGN_RIGHT, .valign = LXW_ALIGN_VERTICAL_CENTER, .number = "0;-0;\"—\""});
    auto* total_text =
        wb.format({.size = pt, .bold = true, .align = LXW_ALIGN_CENTER, .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* total_money = wb.format({.size = pt,
                                   .bold = true,
                                   .align = LXW_ALIGN_RIGHT,
                                   .valign = LXW_ALIGN_VERTICAL_CENTER,
                                   .number = "0;-0;\"—\""});
    auto* plain =
        wb.format({.size = pt, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_BOTTOM});
    for (lxw_col_t c = 0; c <= last; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);

    auto period = rules::period_title(s.p);
    bool month = period.find("月") != std::string::npos;
    put(ws, 0, 0, 0, last, (company.empty() ? "" : company + " ") + "罚款月结单（水果基金）", title);
    worksheet_set_row(ws, 0, 30, nullptr);
    std::string range = core::format_date(s.p.from) + " 至 " + core::format_date(s.p.to);
    put(ws, 1, 0, 1, 5, "期间：" + period + (period == range ? "" : "（" + range + "）"), info);
    put(ws, 1, 6, 1, last, "编制：" + hr, info_right);
    worksheet_set_row(ws, 1, 22, nullptr);
    lxw_row_t r = 2;
    auto header = [&](const std::vector<std::string>& cells) {
        double h = 20;
        for (lxw_col_t c = 0; c < cells.size(); ++c) {
            put(ws, r, c, cells[c], head);
            h = std::max(h, xlsx::height_for(cells[c], widths[c], pt));
        }
        worksheet_set_row(ws, r++, h, nullptr);
    };

    if (s.fines.empty()) {
        put(ws, r, 0, r, last, month ? "本月无罚款。" : "本期无罚款。", center);
        worksheet_set_row(ws, r++, 30, nullptr);
    } else {
        put(ws, r, 0, r, last, "一、各部门负责人汇总", section);
        worksheet_set_row(ws, r++, 24, nullptr);
        header({"序号", "部门", "负责人", "罚款次数", "罚款金额\n（元）", "已免（元）", "已缴（元）",
                "未缴（元）", "负责人签字/日期"});
        int n = 0;
        for (const auto& h : s.heads) {
            put_number(ws, r, 0, ++n, center);
            put(ws, r, 1, h.department, center);
            put(ws, r, 2, h.name, center);
            put_number(ws, r, 3, h.count, center);
            put_number(ws, r, 4, h.amount, money);
            put_number(ws, r, 5, h.waived, money);
            put_number(ws, r, 6, h.paid, money);
            put_number(ws, r, 7, h.open, money);
            put(ws, r, 8, "", text);
            worksheet_set_row(ws, r++, 36, nullptr);  // room to sign
        }
        put(ws, r, 0, r, 2, "合计", total_text);
        put_number(ws, r, 3, s.total.count, total_text);
        put_number(ws, r, 4, s.total.amount, total_money);
        put_number(ws, r, 5, s.total.waived, total_money);
        put_number(ws, r, 6, s.total.paid, total_money);
        put_number(ws, r, 7, s.total.open, total_money);
        put(ws, r, 8, "", text);
        worksheet_set_row(ws, r++, 24, nullptr);

        ++r;
        put(ws, r, 0, r, last, "二、罚款明细", section);
        worksheet_set_row(ws, r++, 24, nullptr);
        header({"罚款编号", "投诉编号", "罚款日期", "部门", "负责人", "事由", "金额（元）", "状态", "备注"});
        for (const auto& f : s.fines) {
            auto reason = rules::stage_label(f.stage) + "超时";
            auto remark = f.status == "open" ? std::string{} : f.status_reason;
            put(ws, r, 0, f.id, center);
            put(ws, r, 1, f.complaint, center);
            put(ws, r, 2, core::format_date(tz.date_of(f.issued_at)), center);
            put(ws, r, 3, f.department, center);
            put(ws, r, 4, f.person_name.empty() ? f.person : f.person_name, center);
            put(ws, r, 5, reason, center);
            put_number(ws, r, 6, f.amount, money);
            put(ws, r, 7, rules::fine_status_label(f.status), center);
            put(ws, r, 8, remark, text);
            worksheet_set_row(ws, r++,
                              std::max({22.0, xlsx::height_for(remark, widths[8], pt),
                                        xlsx::height_for(reason, widths[5], pt)}),
                              nullptr);
        }
        put(ws, r, 0, r, 5, "合计 " + std::to_string(s.total.count) + " 次", total_text);
        put_number(ws, r, 6, s.total.amount, total_money);
        put(ws, r, 7, r, last, "", text);
        worksheet_set_row(ws, r++, 24, nullptr);
    }
    ++r;
    put(ws, r, 0, r, 3, "制表（" + hr + "）：", plain);
    put(ws, r, 4, r, 5, "日期：", plain);
    if (!s.fines.empty()) put(ws, r, 6, r, last, "部门负责人确认：见上表签字", plain);
    worksheet_set_row(ws, r, 30, nullptr);
    xlsx::setup_page(ws, false, 0, 0, 1, r, last);
    wb.close();
}

}  // namespace app
