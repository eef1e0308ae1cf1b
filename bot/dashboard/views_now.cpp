// 现在 (/): the open complaints the viewer sees, overdue first (rules/board.hpp).
#include <sstream>

#include "dashboard/views.hpp"
#include "dashboard/web.hpp"
#include "reports/report_query.hpp"

namespace app::dashboard {

namespace {

std::string clock_class(const rules::board_row& r) {
    if (r.paused || !r.minutes) return "muted";
    if (*r.minutes < 0) return "late";
    if (*r.minutes <= 30) return "soon";
    return "ok";
}

std::string person_words(const rules::config& cfg, const std::string& id) {
    if (id.empty()) return {};
    const auto* p = cfg.org.find_person(id);
    return p ? p->name : id;
}

}  // namespace

std::string now_view(const viewer& v, const std::vector<rules::board_row>& rows, const filter& f,
                     const std::vector<std::string>& departments, const rules::config& cfg,
                     const core::zone& tz) {
    int late = 0, soon = 0, paused = 0, chain = 0, freight = 0;
    for (const auto& r : rows) {
        if (r.minutes && *r.minutes < 0) ++late;
        if (r.minutes && *r.minutes >= 0 && *r.minutes <= 30) ++soon;
        if (r.paused) ++paused;
        if (r.compensation) ++chain;
        if (r.freight) ++freight;
    }
    std::string body = "<div class=\"cards\">\n" + card("待处理", std::to_string(rows.size())) +
                       card("已超时", std::to_string(late), late > 0) +
                       card("30分钟内到期", std::to_string(soon)) + card("已暂停", std::to_string(paused)) +
                       card("赔偿流程中", std::to_string(chain)) + card("运费待办", std::to_string(freight)) +
                       "</div>\n";
    filter only_department{std::nullopt, std::nullopt, f.department};
    body += filter_form("/", only_department, departments, true);
    std::vector<row> table_rows;
    for (std::size_t i = 0; i < rows.size() && i < board_rows_max; ++i) {
        const auto& r = rows[i];
        table_rows.push_back({{r.id, "/complaint/" + r.id},
                              {r.kind},
                              {r.customer},
                              {person_words(cfg, r.complainant)},
                              {r.step},
                              {r.who},
                              {r.due ? tz.short_time(*r.due) : "—", {}, "num"},
                              {rules::clock_words(r), {}, clock_class(r) + " num"}});
    }
    body += table({"编号", "类型", "客户", "投诉人", "当前环节", "待谁处理", "截止", "时钟"}, table_rows,
                  "目前没有待处理的投诉。");
    if (rows.size() > board_rows_max)
        body += "<p class=\"note\">另有 " + std::to_string(rows.size() - board_rows_max) +
                " 件未列出：按部门筛选，或导出 CSV 查看全部。</p>\n";
    body +=
        "<p "
        "class=\"note\">"
        "每分钟自动刷新。时钟：剩余为距截止的时间，超时为已超过的时间；赔偿流程与运费各步无时限。</p>\n";
    return layout(v, "/", "现在", body, 60);
}

std::string now_csv(const std::vector<rules::board_row>& rows, const rules::config& cfg,
                    const core::zone& tz) {
    report_table t;
    t.header = {"编号", "类型", "客户", "投诉人", "当前环节", "待谁处理", "截止", "剩余/超时（分钟）",
                "状态"};
    for (const auto& r : rows)
        t.rows.push_back({r.id, r.kind, r.customer, person_words(cfg, r.complainant), r.step, r.who,
                          r.due ? tz.long_time(*r.due) : "", r.minutes ? std::to_string(*r.minutes) : "",
                          rules::clock_words(r)});
    std::ostringstream out;
    write_csv(t, out);
    return out.str();
}

std::string not_found_view(const viewer& v, const std::string& what) {
    return layout(
        v, "", "未找到",
        "<p>没有 " + html_escape(what) + "，或不在您的查看范围内。</p>\n<p><a href=\"/\">返回现在</a></p>\n");
}

}  // namespace app::dashboard
