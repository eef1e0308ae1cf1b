// GET /reports (月报季报): the monthly summary HR gets on the first work day and the quarterly quality
// handbook, for the viewer's scope — a month (?month=2026-11, default the last one) as the post reads,
// a quarter (?quarter=2026-Q4, default the one the month is in) as its tables, and the handbook as a
// workbook (?quarter=…&format=xlsx), the same sheets `report quarterly` writes.
#include <cstdio>

#include "dashboard/dashboard.hpp"
#include "dashboard/page.hpp"
#include "dashboard/web.hpp"
#include "pipeline/engine.hpp"
#include "reports/report_xlsx.hpp"
#include "rules/customer.hpp"
#include "rules/periodic.hpp"

namespace app::dashboard {

using adapters::raw_request;
using adapters::raw_response;

namespace {

// "2026-Q4" → its first day.
std::optional<core::local_date> parse_quarter(const std::string& text) {
    int y = 0;
    unsigned q = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-Q%1u%c", &y, &q, &tail) != 2 || q < 1 || q > 4 || y < 2000)
        return std::nullopt;
    return core::local_date{y, (q - 1) * 3 + 1, 1};
}

std::string quarter_key(const rules::period& q) {
    return std::to_string(q.from.year) + "-Q" + std::to_string((q.from.month - 1) / 3 + 1);
}

}  // namespace

raw_response dashboard::reports_page(const raw_request& req, const viewer& v) {
    const auto& tz = tz_;
    auto query = query_of(req);
    auto today = tz.date_of(clock_.now());
    auto bad = [&](const std::string& what) {
        return html(400, layout(v, "/reports", "筛选条件有误",
                                "<p class=\"notice error\">" + html_escape(what) + "</p>\n<p><a href=\"" +
                                    v.base + "/reports\">回到月报季报</a></p>\n"));
    };
    auto month = rules::previous_month(today);
    if (auto it = query.find("month"); it != query.end() && !it->second.empty()) {
        auto first = rules::parse_month(it->second);
        if (!first) return bad("月份“" + it->second + "”无效，请写成 2026-11。");
        month = rules::month_of(*first);
    }
    auto quarter = rules::quarter_of(month.from);
    if (auto it = query.find("quarter"); it != query.end() && !it->second.empty()) {
        auto first = parse_quarter(it->second);
        if (!first) return bad("季度“" + it->second + "”无效，请写成 2026-Q4。");
        quarter = rules::quarter_of(*first);
    }
    auto mine = [&](std::vector<rules::complaint> all) {
        std::vector<rules::complaint> out;
        for (auto& c : all)
            if (v.scope.sees(c)) out.push_back(std::move(c));
        return out;
    };
    auto my_fines = [&](std::vector<rules::fine> all) {
        std::vector<rules::fine> out;
        for (auto& f : all)
            if (v.scope.sees(f)) out.push_back(std::move(f));
        return out;
    };
    auto start = [&](const rules::period& p) { return tz.start_of(p.from); };
    auto end = [&](const rules::period& p) { return tz.start_of(core::add_days(p.to, 1)); };
    int unused = 0;
    rules::context ctx{cfg_, tz, clock_.now(), &unused, &calendar_};

    auto handbook = rules::quarterly_handbook(
        mine(db_.complaints_posted_between(start(quarter), end(quarter))),
        my_fines(db_.fines_issued_between(start(quarter), end(quarter))), quarter, ctx);
    if (query["format"] == "xlsx") {
        auto bytes = form_bytes([&](const std::string& path) {
            std::vector<std::pair<std::string, xlsx_table>> book;
            for (const auto& s : handbook) book.push_back({s.name, {s.title, s.header, s.rows, {}}});
            write_tables_xlsx(book, path);
        });
        return download(std::move(bytes), xlsx_type, "handbook-" + quarter_key(quarter) + ".xlsx");
    }

    auto in = load_month(
        db_, tz, month, clock_.now(), [&](const rules::complaint& c) { return v.scope.sees(c); },
        [&](const rules::fine& f) { return v.scope.sees(f); });
    auto count_supervised = [&](const rules::complaint& c) {
        if (v.scope.sees(c) && rules::supervised(c, ctx.now)) ++in.supervised_open;
    };
    if (live_)
        live_->for_each_held(count_supervised);
    else
        for (const auto& c : db_.all_complaints()) count_supervised(c);
    auto text = rules::monthly_report(in, ctx);

    std::string body = "<form class=\"filters\" method=\"get\" action=\"" + v.base +
                       "/reports\">\n<label>月份 <input type=\"month\" "
                       "name=\"month\" value=\"" +
                       html_escape(month.label) +
                       "\"></label>\n<label>季度 <input name=\"quarter\" size=\"8\" value=\"" +
                       html_escape(quarter_key(quarter)) + "\"></label>\n<button>查看</button>\n</form>\n";
    body += "<p class=\"muted\">范围：" + html_escape(v.scope_text) + "</p>\n";
    body += "<h2>月报（" + html_escape(month.label) + "）</h2>\n<pre class=\"report\">" + html_escape(text) +
            "</pre>\n";
    body += "<h2>季度质量手册（" + html_escape(quarter.label) + "）</h2>\n<p><a href=\"" + v.base +
            "/reports?quarter=" + quarter_key(quarter) +
            "&amp;format=xlsx\">下载 XLSX（每个表一页）</a></p>\n";
    for (const auto& s : handbook) {
        std::vector<row> rows;
        for (const auto& r : s.rows) {
            row cells;
            for (const auto& x : r) cells.emplace_back(x);
            rows.push_back(std::move(cells));
        }
        body += "<h3>" + html_escape(s.name) + "</h3>\n" + table(s.header, rows, "本季度没有记录。");
    }
    return html(200, layout(v, "/reports", "月报季报", body));
}

}  // namespace app::dashboard
