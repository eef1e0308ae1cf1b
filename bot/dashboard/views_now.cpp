// 现在 (/): the open complaints the viewer sees, overdue first (rules/board.hpp).
#include <nlohmann/json.hpp>

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

namespace {

std::string live_card(const char* key, const std::string& label, int value, bool alert = false) {
    return std::string("<div class=\"card") + (alert ? " alert" : "") + "\" data-count=\"" + key +
           "\"><span class=\"label\">" + html_escape(label) + "</span><span class=\"value\">" +
           std::to_string(value) + "</span></div>\n";
}

row board_cells(const rules::board_row& r, const rules::config& cfg, const core::zone& tz,
                const std::string& base) {
    return {{r.id, base + "/complaint/" + r.id},
            {r.kind},
            {r.customer},
            {person_words(cfg, r.complainant)},
            {r.step},
            {r.who},
            {r.due ? tz.short_time(*r.due) : "—", {}, "num"},
            {rules::clock_words(r), {}, clock_class(r) + " num"}};
}

}  // namespace

std::string now_view(const viewer& v, const board_list& board, const filter& f,
                     const std::vector<std::string>& departments, const rules::config& cfg,
                     const core::zone& tz) {
    const auto& rows = board.rows;
    const auto& n = board.counts;
    std::string body =
        "<div class=\"cards\">\n" + live_card("count", "待处理", static_cast<int>(rows.size())) +
        live_card("late", "已超时", n.late, n.late > 0) + live_card("soon", "30分钟内到期", n.soon) +
        live_card("paused", "已暂停", n.paused) + live_card("compensation", "赔偿流程中", n.chain) +
        live_card("freight", "运费待办", n.freight) + "</div>\n";
    filter only_department{std::nullopt, std::nullopt, f.department};
    body += filter_form(v.base + "/", only_department, departments, true, false);
    std::vector<row> table_rows;
    for (std::size_t i = 0; i < rows.size() && i < board_rows_max; ++i)
        table_rows.push_back(board_cells(*rows[i], cfg, tz, v.base));
    body += table({"编号", "类型", "客户", "投诉人", "当前环节", "待谁处理", "截止", "时钟"}, table_rows,
                  "目前没有待处理的投诉。", "board");
    body += "<p class=\"note\" data-more>" +
            (rows.size() > board_rows_max ? "另有 " + std::to_string(rows.size() - board_rows_max) +
                                                " 件未列出：按部门筛选，或导出 CSV 查看全部。"
                                          : std::string{}) +
            "</p>\n";
    auto q = only_department.query();
    body +=
        "<p class=\"note\">每 30 秒自动更新<span "
        "data-updated></span>。时钟：剩余为距截止的时间，超时为已超过的时间；"
        "赔偿流程与运费各步无时限。</p>\n";
    // app.js polls /api/now for the rows and the counts (the table works without it).
    // Under a group, app.js also needs where to log in again (a single company's: /login).
    std::string login = v.base.empty() && v.group_home.empty()
                            ? std::string{}
                            : " data-login=\"" + html_escape(v.login_path()) + "\"";
    return layout(
        v, "/", "现在", body,
        "data-live=\"" + html_escape(v.base + "/api/now" + (q.empty() ? "" : "?" + q)) + "\"" + login);
}

std::string now_json(const board_list& board, const rules::config& cfg, const core::zone& tz,
                     const std::string& base) {
    const auto& rows = board.rows;
    const auto& n = board.counts;
    nlohmann::json j = {{"count", rows.size()},
                        {"late", n.late},
                        {"soon", n.soon},
                        {"paused", n.paused},
                        {"compensation", n.chain},
                        {"freight", n.freight},
                        {"more", rows.size() > board_rows_max ? rows.size() - board_rows_max : 0},
                        {"rows", nlohmann::json::array()}};
    for (std::size_t i = 0; i < rows.size() && i < board_rows_max; ++i) {
        const auto& r = *rows[i];
        auto cells = nlohmann::json::array();
        for (const auto& c : board_cells(r, cfg, tz, base))
            cells.push_back({{"text", c.text}, {"href", c.href}, {"cls", c.cls}});
        j["rows"].push_back({{"id", r.id},
                             {"minutes", r.minutes ? nlohmann::json(*r.minutes) : nlohmann::json()},
                             {"paused", r.paused},
                             {"who", r.who_ids},
                             {"cells", cells}});
    }
    return j.dump() + "\n";
}

std::string now_csv(const std::vector<const rules::board_row*>& rows, const rules::config& cfg,
                    const core::zone& tz) {
    report_table t;
    t.header = {"编号", "类型", "客户", "投诉人", "当前环节", "待谁处理", "截止", "剩余/超时（分钟）",
                "状态"};
    for (const auto* p : rows) {
        const auto& r = *p;
        t.rows.push_back({r.id, r.kind, r.customer, person_words(cfg, r.complainant), r.step, r.who,
                          r.due ? tz.long_time(*r.due) : "", r.minutes ? std::to_string(*r.minutes) : "",
                          rules::clock_words(r)});
    }
    std::ostringstream out;
    write_csv(t, out);
    return out.str();
}

std::string not_found_view(const viewer& v, const std::string& what) {
    return layout(v, "", "未找到",
                  "<p>没有 " + html_escape(what) + "，或不在您的查看范围内。</p>\n<p><a href=\"" + v.base +
                      "/\">返回现在</a></p>\n");
}

}  // namespace app::dashboard
