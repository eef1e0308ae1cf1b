// 集团总览 (/group): one row per company — 待处理 and 已超时 now (its 现在), and the month so far
// of the group roll-up (rules/group_rollup: 准时率 of every stage, fines, 满意率, open 一级
// complaints) — each linking to that company's pages, the group's total, then the open 一级
// complaints one by one. The same CSS as the other pages, no script, no inline style.
#include "dashboard/group_board.hpp"
#include "dashboard/page.hpp"
#include "dashboard/web.hpp"
#include "rules/followup.hpp"
#include "rules/reports.hpp"
#include "rules/statement.hpp"

namespace app::dashboard {

namespace {

std::string frame(const viewer& who, const std::string& group_name, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>集团总览 · " +
           html_escape(group_name) + "</title>\n<link rel=\"stylesheet\" href=\"" + std::string(group_home) +
           "/static/app.css\">\n</head>\n<body>\n<header>\n<strong class=\"brand\">" +
           html_escape(group_name) + "</strong>\n<nav>\n<a href=\"" + group_home +
           "\" class=\"active\" aria-current=\"page\">集团总览</a>\n</nav>\n<div class=\"who\">已登录：" +
           html_escape(who.name) + "（" + html_escape(who.person) + "）· 可查看：" +
           html_escape(who.scope_text) + "\n<form method=\"post\" action=\"" + group_home +
           "/logout\" class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"" +
           html_escape(who.csrf) +
           "\"><button "
           "type=\"submit\">退出登录</button></form>\n</div>\n</header>\n<main>\n<h1>集团总览</h1>\n" +
           body + "</main>\n</body>\n</html>\n";
}

cell number(long n, bool alert = false) {
    return {std::to_string(n), {}, alert && n > 0 ? "num late" : "num"};
}

cell satisfaction(const rules::company_rollup& r) {
    if (r.satisfaction.total() == 0) return {"—（本月无回访）", {}, "num muted"};
    auto text =
        rules::satisfaction_rate(r.satisfaction) + "（" + std::to_string(r.satisfaction.total()) + " 次";
    if (r.target) text += "，目标 " + std::to_string(*r.target) + "%";
    text += "）";
    return {text, {}, r.below_target() ? "num late" : "num"};
}

row figures(cell name, const board_summary& now, const rules::company_rollup& m) {
    return {std::move(name),
            number(static_cast<long>(now.waiting)),
            number(now.late, true),
            {rules::percent_text(m.all_stages) + (m.all_stages.total > 0
                                                      ? "（" + std::to_string(m.all_stages.on_time) + "/" +
                                                            std::to_string(m.all_stages.total) + "）"
                                                      : std::string{}),
             {},
             "num"},
            number(m.fines),
            {rules::yuan(m.fine_yuan), {}, "num"},
            satisfaction(m),
            number(static_cast<long>(m.open_crisis.size()), true)};
}

std::string period_words(const rules::period& month, core::local_date today) {
    return std::to_string(month.from.year) + "年" + std::to_string(month.from.month) + "月1日至" +
           std::to_string(today.month) + "月" + std::to_string(today.day) + "日";
}

}  // namespace

std::string group_view(const viewer& who, const std::string& group_name, const std::vector<group_row>& rows,
                       const rules::company_rollup& total, const rules::period& month,
                       core::local_date today) {
    board_summary all;
    std::vector<row> table_rows;
    for (const auto& r : rows) {
        all.waiting += r.now.waiting;
        all.late += r.now.late;
        if (!r.month) continue;
        table_rows.push_back(figures({r.month->title, "/c/" + r.id + "/"}, r.now, *r.month));
    }
    std::string body =
        "<div class=\"cards\">\n" + card("待处理", std::to_string(all.waiting)) +
        card("已超时", std::to_string(all.late), all.late > 0) +
        card("本月准时率", rules::percent_text(total.all_stages)) +
        card("本月罚款", std::to_string(total.fines) + " 笔 " + rules::yuan(total.fine_yuan)) +
        card("未结一级投诉", std::to_string(total.open_crisis.size()), !total.open_crisis.empty()) +
        "</div>\n";
    if (rows.size() > 1) table_rows.push_back(figures({"集团合计"}, all, total));
    body +=
        table({"公司", "待处理", "已超时", "本月准时率", "罚款（笔）", "罚款金额", "满意率", "未结一级投诉"},
              table_rows, "没有公司。");
    body += "<p class=\"note\">待处理、已超时为此刻的数字；准时率、罚款、满意率为本月（" +
            html_escape(period_words(month, today)) +
            "）的数字，与集团客诉月报同一口径，罚款不含免罚。点公司名进入该公司看板（只读）。</p>\n";
    std::vector<row> crisis;
    for (const auto& r : rows) {
        if (!r.month) continue;
        for (const auto& c : r.month->open_crisis)
            crisis.push_back(
                {{c.label, "/c/" + r.id + "/complaint/" + c.id}, {c.posted}, {c.severity}, {c.pending}});
    }
    body += "<h2>未结一级投诉</h2>\n" +
            table({"投诉", "登记时间", "等级", "当前环节"}, crisis, "目前没有未结的一级投诉。");
    return frame(who, group_name, body);
}

}  // namespace app::dashboard
