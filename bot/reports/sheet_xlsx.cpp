// The 质量投诉处理流程表 (rule book 篇2 一.4) as a paper form: one block of rows per complaint, one
// row per responsible department with its 鉴定结果与处理意见 and a box for its head's signature,
// then the VP's opinion, the general manager's (or assistant's) approval and 打单部's execution,
// each with room to sign and date by hand.
#include <algorithm>
#include <iterator>
#include <numeric>
#include <vector>

#include "reports/report_xlsx.hpp"
#include "reports/xlsx_book.hpp"
#include "reports/xlsx_layout.hpp"

namespace app {

namespace {

using xlsx::put;

constexpr double body_pt = 10;
constexpr double head_pt = 9;
constexpr double note_pt = 8;
constexpr double sign_height = 42;  // points: room for a handwritten name and date (~15 mm)

// Columns, left to right.
enum col : lxw_col_t {
    c_id,
    c_complainant,
    c_customer,
    c_ship_date,
    c_brand,
    c_spec,
    c_problem,
    c_request,
    c_department,
    c_reply,
    c_head_sign,
    c_vp,
    c_vp_sign,
    c_gm,
    c_gm_sign,
    c_execute,
    c_count
};
constexpr double widths[c_count] = {5.5, 8, 10, 8, 6, 10, 14, 12, 7, 20, 11, 14, 9, 12, 9, 10};

// The cells of one item that span all its department rows.
struct spanning {
    col c;
    std::string text;
};

}  // namespace

void write_sheet_xlsx(const sheet_form& f, const std::string& path) {
    xlsx::book wb(path);
    lxw_worksheet* ws = wb.add_sheet("质量投诉处理流程表");
    auto* title = wb.format({.size = 18,
                             .bold = true,
                             .wrap = false,
                             .border = false,
                             .align = LXW_ALIGN_CENTER,
                             .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* info =
        wb.format({.size = body_pt, .wrap = false, .border = false, .valign = LXW_ALIGN_VERTICAL_BOTTOM});
    auto* info_right = wb.format({.size = body_pt,
                                  .wrap = false,
                                  .border = false,
                                  .align = LXW_ALIGN_RIGHT,
                                  .valign = LXW_ALIGN_VERTICAL_BOTTOM});
    auto* head = wb.format({.size = head_pt,
                            .bold = true,
                            .align = LXW_ALIGN_CENTER,
                            .valign = LXW_ALIGN_VERTICAL_CENTER,
                            .fill = 0xEDEDED});
    auto* cell = wb.format({.size = body_pt});
    auto* centered =
        wb.format({.size = body_pt, .align = LXW_ALIGN_CENTER, .valign = LXW_ALIGN_VERTICAL_CENTER});
    auto* note = wb.format({.size = note_pt, .color = 0x595959});
    auto* plain = wb.format({.size = body_pt, .border = false});

    for (lxw_col_t c = 0; c < c_count; ++c) worksheet_set_column(ws, c, c, widths[c], nullptr);
    auto width = [](col from, col to) { return std::accumulate(widths + from, widths + to + 1, 0.0); };

    // Title and the line under it.
    const lxw_col_t last = c_count - 1;
    put(ws, 0, 0, 0, last, (f.company.empty() ? "" : f.company + " ") + "质量投诉处理流程表", title);
    worksheet_set_row(ws, 0, 34, nullptr);
    put(ws, 1, 0, 1, c_spec, "日期：" + f.date, info);
    put(ws, 1, c_problem, 1, c_reply, "编制：" + f.hr, info);
    put(ws, 1, c_head_sign, 1, last, f.items.empty() ? "" : "共 " + std::to_string(f.items.size()) + " 件",
        info_right);
    worksheet_set_row(ws, 1, 22, nullptr);

    // Two header rows, repeated on every page.
    const std::string kinds_customer = f.has_service ? "客户名称\n（投诉对象）" : "客户名称";
    const std::string kinds_problem =
        f.has_service ? "产品存在的\n质量问题\n（投诉事件）" : "产品存在的\n质量问题";
    const std::string kinds_request = f.has_service ? "客户要求\n（投诉目的）" : "客户要求";
    const std::pair<col, std::string> single[] = {
        {c_id, "编号"},
        {c_complainant, "投诉人"},
        {c_customer, kinds_customer},
        {c_ship_date, "发货日期"},
        {c_brand, "品牌"},
        {c_spec, "规格及数量"},
        {c_problem, kinds_problem},
        {c_request, kinds_request},
        {c_head_sign, "责任部门\n负责人\n签字/日期"},
        {c_execute, f.order_desk + "执行\n（经办人\n签字/日期）"},
    };
    double h2 = 0, h3 = 0;
    for (const auto& [c, text] : single) {
        put(ws, 2, c, 3, c, text, head);
        h2 = std::max(h2, xlsx::height_for(text, widths[c], head_pt) / 2);
    }
    const std::string gm_head = f.gm_title + "审批意见";
    const std::string gm_group = gm_head + "\n（" + f.gm_signers + "签名）";
    put(ws, 2, c_department, 2, c_reply, "责任部门鉴定结果与处理意见", head);
    put(ws, 2, c_vp, 2, c_vp_sign, "副总意见", head);
    put(ws, 2, c_gm, 2, c_gm_sign, gm_group, head);
    h2 = std::max(h2, xlsx::height_for(gm_group, width(c_gm, c_gm_sign), head_pt));
    const std::pair<col, std::string> sub[] = {
        {c_department, "责任部门"},
        {c_reply, "鉴定结果与处理意见"},
        {c_vp, "与客户协商后的\n综合处理意见"},
        {c_vp_sign, "副总\n签字/日期"},
        {c_gm, "审批意见"},
        {c_gm_sign, "签字/日期"},
    };
    for (const auto& [c, text] : sub) {
        put(ws, 3, c, text, head);
        h3 = std::max(h3, xlsx::height_for(text, widths[c], head_pt));
    }
    h2 = std::max(h2, 20.0);
    h3 = std::max(h3, 20.0);
    worksheet_set_row(ws, 2, h2, nullptr);
    worksheet_set_row(ws, 3, h3, nullptr);

    // A complaint's rows stay on one page: a page break goes before a block that would not fit at
    // the scale that puts the columns on one page width.
    const int scale = xlsx::one_page_wide_scale({std::begin(widths), std::end(widths)}, true);
    const double page = xlsx::page_height_at(scale, true);
    double used = 34 + 22 + h2 + h3;  // the title lines are on the first page only
    std::vector<lxw_row_t> breaks;

    lxw_row_t r = 4;
    if (f.items.empty()) {
        bool one_day = f.date.find_first_not_of("0123456789-") == std::string::npos;
        put(ws, r, 0, r, last, std::string(one_day ? "当日" : "所选期间") + "无涉及赔款或退/换货的投诉。",
            centered);
        worksheet_set_row(ws, r, 30, nullptr);
        ++r;
    }
    for (const auto& it : f.items) {
        std::vector<sheet_form::reply> replies = it.replies;
        if (replies.empty()) replies.push_back({"", "", ""});
        const auto n = static_cast<lxw_row_t>(replies.size());
        // Each department row: its reply and its head's box.
        std::vector<double> heights;
        for (lxw_row_t k = 0; k < n; ++k) {
            const auto& d = replies[k];
            put(ws, r + k, c_department, d.department, centered);
            put(ws, r + k, c_reply, d.text, cell);
            put(ws, r + k, c_head_sign, d.signed_note, note);
            heights.push_back(
                std::max({sign_height, xlsx::height_for(d.department, widths[c_department], body_pt),
                          xlsx::height_for(d.text, widths[c_reply], body_pt),
                          xlsx::height_for(d.signed_note, widths[c_head_sign], note_pt) + 24}));
        }
        // The cells that span the block, and the height they need together.
        const spanning spans[] = {
            {c_id, it.id},
            {c_complainant, it.complainant},
            {c_customer, it.customer},
            {c_ship_date, it.ship_date},
            {c_brand, it.brand},
            {c_spec, it.spec},
            {c_problem, it.problem},
            {c_request, it.request},
            {c_vp, it.vp_opinion},
            {c_vp_sign, ""},
            {c_gm, it.gm_approval},
            {c_gm_sign, ""},
            {c_execute, it.executed},
        };
        double need = 0;
        for (const auto& s : spans) {
            put(ws, r, s.c, r + n - 1, s.c, s.text, s.c == c_id ? centered : cell);
            need = std::max(need, xlsx::height_for(s.text, widths[s.c], body_pt));
        }
        // Text under a signature box leaves the box's room below it.
        for (const auto* t : {&it.vp_opinion, &it.gm_approval, &it.executed})
            if (!t->empty()) need = std::max(need, xlsx::height_for(*t, 12, body_pt) + 20);
        double have = std::accumulate(heights.begin(), heights.end(), 0.0);
        if (need > have)
            for (auto& h : heights) h += (need - have) / static_cast<double>(n);
        for (lxw_row_t k = 0; k < n; ++k) worksheet_set_row(ws, r + k, heights[k], nullptr);
        double block = std::max(need, have);
        if (used + block > page && used > h2 + h3 && breaks.size() < 1000) {
            breaks.push_back(r);
            used = h2 + h3;
        }
        used += block;
        r += n;
    }

    // How the form travels, in the company's words, and HR's line.
    const std::string flow =
        "流转：责任部门负责人签字后，次日上午转交投诉业务员所在部门副总；副总与客户协商后填写综合处理意见，"
        "报" +
        f.gm_signers + "审批签名；业务员持表到" + f.order_desk + "，由" + f.order_desk + "按“" + gm_head +
        "”执行。";
    ++r;
    put(ws, r, 0, r, last, flow, plain);
    worksheet_set_row(ws, r, xlsx::height_for(flow, width(c_id, static_cast<col>(last)), body_pt), nullptr);
    ++r;
    put(ws, r, 0, r, c_spec, "制表（" + f.hr + "）：", plain);
    put(ws, r, c_problem, r, c_reply, "日期：", plain);
    worksheet_set_row(ws, r, 30, nullptr);
    // Fit to one page wide when one page holds it all; a fixed scale when it needs the breaks.
    xlsx::setup_page(ws, true, breaks.empty() ? 0 : scale, 2, 3, r, last);
    if (!breaks.empty()) {
        breaks.push_back(0);
        worksheet_set_h_pagebreaks(ws, breaks.data());
    }
    wb.close();
}

}  // namespace app
