// 质量投诉处理流程表 to print (/print/sheet?date=): app::build_sheet_form, the model the XLSX of
// `report sheet` is written from, as one table with the same columns, the same two header rows and
// one block of rows per complaint (one row per responsible department with its head's box), laid out
// for A4 landscape by app.css's print rules; the boxes left empty are for handwritten signatures.
#include "dashboard/views.hpp"
#include "dashboard/web.hpp"

namespace app::dashboard {

namespace {

// Escaped, with the model's line breaks as <br>.
std::string lines(const std::string& text) {
    std::string out;
    std::size_t from = 0;
    while (true) {
        auto nl = text.find('\n', from);
        out += html_escape(text.substr(from, nl == std::string::npos ? std::string::npos : nl - from));
        if (nl == std::string::npos) return out;
        out += "<br>";
        from = nl + 1;
    }
}

std::string td(const std::string& text, const std::string& cls, std::size_t rows = 1) {
    std::string s = "<td";
    if (rows > 1) s += " rowspan=\"" + std::to_string(rows) + "\"";
    if (!cls.empty()) s += " class=\"" + cls + "\"";
    return s + ">" + lines(text) + "</td>";
}

std::string th(const std::string& text, int rows, int cols) {
    std::string s = "<th";
    if (rows > 1) s += " rowspan=\"" + std::to_string(rows) + "\"";
    if (cols > 1) s += " colspan=\"" + std::to_string(cols) + "\"";
    return s + ">" + lines(text) + "</th>";
}

// The navigation of a one-day sheet: the day before and after, and the filter.
std::string day_links(const filter& f, const std::string& base) {
    if (!f.from || !f.to || !(*f.from == *f.to)) return {};
    auto link = [&](int days, const char* label) {
        filter g = f;
        g.from = g.to = core::add_days(*f.from, days);
        return "<a href=\"" + base + "/print/sheet?" + html_escape(g.query()) + "\">" + label + "</a>";
    };
    return "<p class=\"screen-only\">" + link(-1, "← 前一天") + "　" + link(1, "后一天 →") + "</p>\n";
}

}  // namespace

std::string sheet_view(const viewer& v, const sheet_form& s, const filter& f,
                       const std::vector<std::string>& departments) {
    std::string body = filter_form(v.base + "/print/sheet", f, departments, false) + day_links(f, v.base);
    auto q = f.query();
    body += "<p class=\"note screen-only\">用浏览器的“打印”（Ctrl+P）打印本页，横向 A4；<a href=\"" + v.base +
            "/print/sheet?" + html_escape(q + (q.empty() ? "" : "&") + "format=xlsx") +
            "\">下载 Excel</a>（与 report sheet 相同）。空白处供手写签字。</p>\n";
    body += "<div class=\"sheet-head\"><span>日期：" + html_escape(s.date) + "</span><span>编制：" +
            html_escape(s.hr) + "</span><span>" +
            (s.items.empty() ? std::string{} : "共 " + std::to_string(s.items.size()) + " 件") +
            "</span></div>\n";
    body += "<table class=\"sheet\">\n<colgroup>";
    for (int c = 0; c < 16; ++c) body += "<col class=\"sc" + std::to_string(c) + "\">";
    body += "</colgroup>\n<thead>\n<tr>";
    body += th("编号", 2, 1) + th("投诉人", 2, 1) +
            th(s.has_service ? "客户名称\n（投诉对象）" : "客户名称", 2, 1) + th("发货日期", 2, 1) +
            th("品牌", 2, 1) + th("规格及数量", 2, 1) +
            th(s.has_service ? "产品存在的质量问题\n（投诉事件）" : "产品存在的质量问题", 2, 1) +
            th(s.has_service ? "客户要求\n（投诉目的）" : "客户要求", 2, 1) +
            th("责任部门鉴定结果与处理意见", 1, 2) + th("责任部门负责人\n签字/日期", 2, 1) +
            th("副总意见", 1, 2) + th(s.gm_title + "审批意见\n（" + s.gm_signers + "签名）", 1, 2) +
            th(s.order_desk + "执行\n（经办人签字/日期）", 2, 1);
    body += "</tr>\n<tr>" + th("责任部门", 1, 1) + th("鉴定结果与处理意见", 1, 1) +
            th("与客户协商后的\n综合处理意见", 1, 1) + th("副总\n签字/日期", 1, 1) + th("审批意见", 1, 1) +
            th("签字/日期", 1, 1) + "</tr>\n</thead>\n";
    if (s.items.empty()) {
        bool one_day = s.date.find_first_not_of("0123456789-") == std::string::npos;
        body += "<tbody><tr><td colspan=\"16\" class=\"muted\">" +
                std::string(one_day ? "当日" : "所选期间") +
                "无涉及赔款或退/换货的投诉。</td></tr></tbody>\n";
    }
    for (const auto& it : s.items) {
        auto replies = it.replies;
        if (replies.empty()) replies.push_back({"", "", ""});
        const auto n = replies.size();
        // One <tbody> per complaint, so that print keeps its rows together on a page.
        body += "<tbody class=\"item\">\n<tr>";
        body += std::string("<td") + (n > 1 ? " rowspan=\"" + std::to_string(n) + "\"" : "") +
                " class=\"id\"><a href=\"" + v.base + "/complaint/" +
                html_escape(it.id.substr(0, it.id.find('\n'))) + "\">" + lines(it.id) + "</a></td>";
        for (const auto* t :
             {&it.complainant, &it.customer, &it.ship_date, &it.brand, &it.spec, &it.problem, &it.request})
            body += td(*t, {}, n);
        for (std::size_t k = 0; k < n; ++k) {
            if (k) body += "<tr>";
            body += td(replies[k].department, "center") + td(replies[k].text, {}) +
                    td(replies[k].signed_note, "sign");
            if (k == 0)
                body += td(it.vp_opinion, {}, n) + td("", "sign", n) + td(it.gm_approval, {}, n) +
                        td("", "sign", n) + td(it.executed, "sign", n);
            body += "</tr>\n";
        }
        body += "</tbody>\n";
    }
    body += "</table>\n";
    return layout(v, "/print/sheet", (s.company.empty() ? "" : s.company + " ") + "质量投诉处理流程表", body);
}

}  // namespace app::dashboard
