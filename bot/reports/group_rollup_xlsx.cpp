#include "reports/group_rollup_xlsx.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "reports/xlsx_book.hpp"
#include "reports/xlsx_layout.hpp"
#include "rules/statement.hpp"

namespace app {

namespace {

using xlsx::put;
using xlsx::put_number;

constexpr double pt = 10;

struct formats {
    lxw_format *title, *info, *info_right, *section, *head, *text, *center, *number, *percent;
    lxw_format *total_text, *total_number, *total_percent, *alert, *alert_percent;
    explicit formats(xlsx::book& wb) {
        const auto mid = LXW_ALIGN_VERTICAL_CENTER;
        title = wb.format({.size = 16,
                           .bold = true,
                           .wrap = false,
                           .border = false,
                           .align = LXW_ALIGN_CENTER,
                           .valign = mid});
        info = wb.format({.size = pt, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_BOTTOM});
        info_right = wb.format({.size = pt,
                                .wrap = false,
                                .border = false,
                                .align = LXW_ALIGN_RIGHT,
                                .valign = LXW_ALIGN_VERTICAL_BOTTOM});
        section = wb.format(
            {.size = 11, .bold = true, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_BOTTOM});
        head =
            wb.format({.size = pt, .bold = true, .align = LXW_ALIGN_CENTER, .valign = mid, .fill = 0xDDEBF7});
        text = wb.format({.size = pt, .valign = mid});
        center = wb.format({.size = pt, .align = LXW_ALIGN_CENTER, .valign = mid});
        number = wb.format({.size = pt, .align = LXW_ALIGN_CENTER, .valign = mid, .number = "0"});
        percent = wb.format({.size = pt, .align = LXW_ALIGN_CENTER, .valign = mid, .number = "0%"});
        total_text =
            wb.format({.size = pt, .bold = true, .align = LXW_ALIGN_CENTER, .valign = mid, .fill = 0xF2F2F2});
        total_number = wb.format({.size = pt,
                                  .bold = true,
                                  .align = LXW_ALIGN_CENTER,
                                  .valign = mid,
                                  .fill = 0xF2F2F2,
                                  .number = "0"});
        total_percent = wb.format({.size = pt,
                                   .bold = true,
                                   .align = LXW_ALIGN_CENTER,
                                   .valign = mid,
                                   .fill = 0xF2F2F2,
                                   .number = "0%"});
        alert = wb.format(
            {.size = pt, .bold = true, .align = LXW_ALIGN_CENTER, .valign = mid, .color = LXW_COLOR_RED});
        alert_percent = wb.format({.size = pt,
                                   .bold = true,
                                   .align = LXW_ALIGN_CENTER,
                                   .valign = mid,
                                   .color = LXW_COLOR_RED,
                                   .number = "0%"});
    }
};

// A rate as a percentage (Excel computes with it), "—" when nothing was counted.
void put_rate(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, int on_time, int total, lxw_format* pct,
              lxw_format* dash) {
    if (total == 0)
        put(ws, r, c, "—", dash);
    else
        put_number(ws, r, c, static_cast<double>(on_time) / total, pct);
}

void put_target(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::optional<int>& target,
                lxw_format* pct, lxw_format* dash) {
    if (target)
        put_number(ws, r, c, *target / 100.0, pct);
    else
        put(ws, r, c, "—", dash);
}

std::string crisis_list(const rules::company_rollup& c) {
    std::string s;
    for (const auto& x : c.open_crisis) s += (s.empty() ? "" : "、") + x.label;
    return s.empty() ? "—" : s;
}

// Excel's sheet names: at most 31 characters, none of []:*?/\ .
std::string sheet_name(const std::string& title) {
    std::string out;
    for (char ch : title) out += std::string("[]:*?/\\").find(ch) == std::string::npos ? ch : '_';
    std::size_t chars = 0, cut = out.size();
    for (std::size_t i = 0; i < out.size(); ++i)
        if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++chars > 31) {
            cut = i;
            break;
        }
    return out.substr(0, cut);
}

double width_of(const std::vector<double>& widths, lxw_col_t from, lxw_col_t to) {
    return std::accumulate(widths.begin() + from, widths.begin() + to + 1, 0.0);
}

// 集团汇总: one row per company and the total, then the departments fined most and the crisis list.
void summary_sheet(xlsx::book& wb, const formats& f, const rules::group_rollup& r) {
    lxw_worksheet* ws = wb.add_sheet("集团汇总");
    const auto& stages = r.total.stages;
    std::vector<double> widths = {12, 6, 6, 6, 6};
    for (std::size_t i = 0; i <= stages.size(); ++i) widths.push_back(8.5);
    const auto stage0 = static_cast<lxw_col_t>(5);
    const auto fines0 = static_cast<lxw_col_t>(stage0 + stages.size() + 1);
    widths.insert(widths.end(), {6, 8, 6, 7, 6, 18});
    const auto visits0 = static_cast<lxw_col_t>(fines0 + 2);
    const auto crisis_col = static_cast<lxw_col_t>(visits0 + 3);
    const auto last = crisis_col;
    for (lxw_col_t c = 0; c <= last; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);

    put(ws, 0, 0, 0, last, rules::group_rollup_title(r.month), f.title);
    worksheet_set_row(ws, 0, 30, nullptr);
    put(ws, 1, 0, 1, 6, "编制：" + r.group_name, f.info);
    put(ws, 1, 7, 1, last,
        "期间：" + core::format_date(r.month.from) + " 至 " + core::format_date(r.month.to), f.info_right);
    worksheet_set_row(ws, 1, 22, nullptr);
    // Two header rows: the groups, then the columns.
    put(ws, 2, 0, 3, 0, "公司", f.head);
    put(ws, 2, 1, 2, 4, "投诉（件）", f.head);
    put(ws, 2, stage0, 2, static_cast<lxw_col_t>(fines0 - 1), "各环节按时率", f.head);
    put(ws, 2, fines0, 2, static_cast<lxw_col_t>(fines0 + 1), "罚款（不含已免）", f.head);
    put(ws, 2, visits0, 2, static_cast<lxw_col_t>(visits0 + 2), "回访", f.head);
    put(ws, 2, crisis_col, 3, crisis_col, "未结一级投诉", f.head);
    std::vector<std::string> sub = {"合计", "产品质量", "服务质量", "其中无效"};
    for (const auto& [name, rt] : stages) sub.push_back(name);
    sub.push_back("综合");
    sub.insert(sub.end(), {"笔数", "金额（元）", "件数", "满意率", "目标"});
    double sub_height = 20;
    for (lxw_col_t c = 1; c < crisis_col; ++c) {
        put(ws, 3, c, sub[c - 1], f.head);
        sub_height = std::max(sub_height, xlsx::height_for(sub[c - 1], widths[c], pt));
    }
    worksheet_set_row(ws, 2, 20, nullptr);
    worksheet_set_row(ws, 3, sub_height, nullptr);

    lxw_row_t row = 4;
    auto company_row = [&](const rules::company_rollup& c, bool total) {
        auto* t = total ? f.total_text : f.center;
        auto* n = total ? f.total_number : f.number;
        auto* p = total ? f.total_percent : f.percent;
        put(ws, row, 0, c.title, t);
        int col = 1;
        for (int v : {c.complaints, c.product, c.service, c.invalid})
            put_number(ws, row, static_cast<lxw_col_t>(col++), v, n);
        for (const auto& [name, unused] : stages) {
            auto it = std::find_if(c.stages.begin(), c.stages.end(),
                                   [&](const auto& s) { return s.first == name; });
            put_rate(ws, row, static_cast<lxw_col_t>(col++), it == c.stages.end() ? 0 : it->second.on_time,
                     it == c.stages.end() ? 0 : it->second.total, p, t);
        }
        put_rate(ws, row, static_cast<lxw_col_t>(col++), c.all_stages.on_time, c.all_stages.total, p, t);
        put_number(ws, row, fines0, c.fines, n);
        put_number(ws, row, static_cast<lxw_col_t>(fines0 + 1), c.fine_yuan, n);
        put_number(ws, row, visits0, c.satisfaction.total(), n);
        put_rate(ws, row, static_cast<lxw_col_t>(visits0 + 1),
                 c.satisfaction.satisfied + c.satisfaction.basically, c.satisfaction.total(),
                 c.below_target() && !total ? f.alert_percent : p, t);
        put_target(ws, row, static_cast<lxw_col_t>(visits0 + 2), c.target, p, t);
        auto crisis = crisis_list(c);
        put(ws, row, crisis_col, crisis, t);
        worksheet_set_row(ws, row++, std::max(22.0, xlsx::height_for(crisis, widths[crisis_col], pt)),
                          nullptr);
    };
    for (const auto& c : r.companies) company_row(c, false);
    company_row(r.total, true);
    put(ws, row, 0, row, last,
        "注：按时率为各环节按时完成的件数占应办件数的比例；满意率为回访“满意”与“基本满意”占回访件数的比例；红"
        "色为未达目标。",
        f.info);
    worksheet_set_row(ws, row++, 20, nullptr);

    ++row;
    put(ws, row, 0, row, last, "罚款最多的部门（集团前三）", f.section);
    worksheet_set_row(ws, row++, 24, nullptr);
    put(ws, row, 0, "名次", f.head);
    put(ws, row, 1, row, 4, "公司·部门", f.head);
    put(ws, row, 5, "笔数", f.head);
    put(ws, row, 6, row, 7, "金额（元）", f.head);
    worksheet_set_row(ws, row++, 20, nullptr);
    if (r.total.top_departments.empty()) {
        put(ws, row, 0, row, 7, "本月无罚款。", f.center);
        worksheet_set_row(ws, row++, 22, nullptr);
    }
    int rank = 0;
    for (const auto& d : r.total.top_departments) {
        put_number(ws, row, 0, ++rank, f.number);
        put(ws, row, 1, row, 4, d.department, f.center);
        put_number(ws, row, 5, d.count, f.number);
        worksheet_merge_range(ws, row, 6, row, 7, "", f.number);
        put_number(ws, row, 6, d.yuan, f.number);
        worksheet_set_row(ws, row++, 22, nullptr);
    }

    ++row;
    put(ws, row, 0, row, last, "未结一级投诉", f.section);
    worksheet_set_row(ws, row++, 24, nullptr);
    const lxw_col_t level_to = static_cast<lxw_col_t>(3 + (last - 3) / 2);
    put(ws, row, 0, "编号", f.head);
    put(ws, row, 1, row, 2, "登记时间", f.head);
    put(ws, row, 3, row, level_to, "定级", f.head);
    put(ws, row, static_cast<lxw_col_t>(level_to + 1), row, last, "当前待办", f.head);
    worksheet_set_row(ws, row++, 20, nullptr);
    if (r.total.open_crisis.empty()) {
        put(ws, row, 0, row, last, "无。", f.center);
        worksheet_set_row(ws, row++, 22, nullptr);
    }
    for (const auto& x : r.total.open_crisis) {
        put(ws, row, 0, x.label, f.center);
        put(ws, row, 1, row, 2, x.posted, f.center);
        put(ws, row, 3, row, level_to, x.severity, f.text);
        put(ws, row, static_cast<lxw_col_t>(level_to + 1), row, last, x.pending, f.text);
        worksheet_set_row(ws, row++,
                          std::max({22.0, xlsx::height_for(x.severity, width_of(widths, 3, level_to), pt),
                                    xlsx::height_for(x.pending, width_of(widths, level_to + 1, last), pt)}),
                          nullptr);
    }
    xlsx::setup_page(ws, true, 0, 2, 3, row - 1, last);
}

// One company's sheet: its figures, section by section.
void company_sheet(xlsx::book& wb, const formats& f, const rules::group_rollup& r,
                   const rules::company_rollup& c) {
    lxw_worksheet* ws = wb.add_sheet(sheet_name(c.title));
    const std::vector<double> widths = {14, 11, 11, 11, 11, 28};
    const lxw_col_t last = 5;
    for (lxw_col_t col = 0; col <= last; ++col) worksheet_set_column(ws, col, col, widths[col], nullptr);
    put(ws, 0, 0, 0, last,
        (c.name.empty() ? c.title : c.name) + " 客诉月报（" + rules::period_title(r.month) + "）", f.title);
    worksheet_set_row(ws, 0, 30, nullptr);
    put(ws, 1, 0, 1, 2, "报送：" + r.group_name, f.info);
    put(ws, 1, 3, 1, last,
        "期间：" + core::format_date(r.month.from) + " 至 " + core::format_date(r.month.to), f.info_right);
    worksheet_set_row(ws, 1, 22, nullptr);
    lxw_row_t row = 2;
    auto section = [&](const std::string& title) {
        ++row;
        put(ws, row, 0, row, last, title, f.section);
        worksheet_set_row(ws, row++, 24, nullptr);
    };
    auto header = [&](const std::vector<std::string>& cells) {
        for (lxw_col_t col = 0; col < cells.size(); ++col) put(ws, row, col, cells[col], f.head);
        worksheet_set_row(ws, row++, 20, nullptr);
    };
    auto none = [&](const std::string& text) {
        put(ws, row, 0, row, last, text, f.center);
        worksheet_set_row(ws, row++, 22, nullptr);
    };

    section("一、投诉概况（件）");
    header({"合计", "产品质量投诉", "服务质量投诉", "其中无效"});
    lxw_col_t col = 0;
    for (int v : {c.complaints, c.product, c.service, c.invalid}) put_number(ws, row, col++, v, f.number);
    worksheet_set_row(ws, row++, 22, nullptr);

    auto rate_rows = [&](const std::vector<std::pair<std::string, rules::rate>>& rows,
                         const rules::rate* total) {
        for (const auto& [name, rt] : rows) {
            put(ws, row, 0, name, f.center);
            put_number(ws, row, 1, rt.on_time, f.number);
            put_number(ws, row, 2, rt.total, f.number);
            put_number(ws, row, 3, rt.late(), f.number);
            put_rate(ws, row, 4, rt.on_time, rt.total, f.percent, f.center);
            worksheet_set_row(ws, row++, 22, nullptr);
        }
        if (!total) return;
        put(ws, row, 0, "综合", f.total_text);
        put_number(ws, row, 1, total->on_time, f.total_number);
        put_number(ws, row, 2, total->total, f.total_number);
        put_number(ws, row, 3, total->late(), f.total_number);
        put_rate(ws, row, 4, total->on_time, total->total, f.total_percent, f.total_text);
        worksheet_set_row(ws, row++, 22, nullptr);
    };
    section("二、各环节按时率");
    header({"环节", "按时（件）", "应办（件）", "超时（件）", "按时率"});
    if (c.stages.empty()) none("本月无投诉。");
    rate_rows(c.stages, c.stages.empty() ? nullptr : &c.all_stages);

    section("三、各部门按时回复率");
    header({"部门", "按时（次）", "应回复（次）", "超时（次）", "按时率"});
    if (c.departments.empty()) none("本月无须回复的投诉。");
    rate_rows({c.departments.begin(), c.departments.end()}, nullptr);

    section("四、罚款（共 " + std::to_string(c.fines) + " 笔 " + rules::yuan(c.fine_yuan) + "，不含已免）");
    header({"名次", "部门", "笔数", "金额（元）"});
    if (c.top_departments.empty()) none("本月无罚款。");
    int rank = 0;
    for (const auto& d : c.top_departments) {
        put_number(ws, row, 0, ++rank, f.number);
        put(ws, row, 1, d.department, f.center);
        put_number(ws, row, 2, d.count, f.number);
        put_number(ws, row, 3, d.yuan, f.number);
        worksheet_set_row(ws, row++, 22, nullptr);
    }

    section("五、回访满意率");
    header({"满意", "基本满意", "不满意", "满意率", "目标", "是否达标"});
    const auto& s = c.satisfaction;
    col = 0;
    for (int v : {s.satisfied, s.basically, s.unsatisfied}) put_number(ws, row, col++, v, f.number);
    put_rate(ws, row, 3, s.satisfied + s.basically, s.total(), c.below_target() ? f.alert_percent : f.percent,
             f.center);
    put_target(ws, row, 4, c.target, f.percent, f.center);
    put(ws, row, 5,
        s.total() == 0     ? "本月无回访"
        : !c.target        ? "—"
        : c.below_target() ? "未达标"
                           : "达标",
        c.below_target() ? f.alert : f.center);
    worksheet_set_row(ws, row++, 22, nullptr);

    section("六、未结一级投诉");
    header({"编号", "登记时间", "定级", "", "当前待办", ""});
    worksheet_merge_range(ws, row - 1, 2, row - 1, 3, "定级", f.head);
    worksheet_merge_range(ws, row - 1, 4, row - 1, 5, "当前待办", f.head);
    if (c.open_crisis.empty()) none("无。");
    for (const auto& x : c.open_crisis) {
        put(ws, row, 0, x.label, f.center);
        put(ws, row, 1, x.posted, f.center);
        put(ws, row, 2, row, 3, x.severity, f.text);
        put(ws, row, 4, row, 5, x.pending, f.text);
        worksheet_set_row(ws, row++,
                          std::max({22.0, xlsx::height_for(x.severity, widths[2] + widths[3], pt),
                                    xlsx::height_for(x.pending, widths[4] + widths[5], pt)}),
                          nullptr);
    }
    const bool landscape = xlsx::one_page_wide_scale(widths, false) < 100;
    xlsx::setup_page(ws, landscape, 0, 0, 1, row - 1, last);
}

}  // namespace

void write_group_rollup_xlsx(const rules::group_rollup& r, const std::string& path) {
    xlsx::book wb(path);
    formats f(wb);
    summary_sheet(wb, f, r);
    for (const auto& c : r.companies) company_sheet(wb, f, r, c);
    wb.close();
}

}  // namespace app
