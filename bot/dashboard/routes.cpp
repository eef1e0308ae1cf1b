// The dashboard's pages (GET /, /fines, /ontime, /lateness, /complaint/ID, /static/…) and the fine
// actions (POST /fines/F1/paid, /fines/F1/waive): the rows are loaded here, filtered by the
// viewer's scope, and handed to the views (dashboard/views.hpp).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dashboard/assets.hpp"
#include "dashboard/dashboard.hpp"
#include "dashboard/password.hpp"
#include "dashboard/views.hpp"
#include "dashboard/web.hpp"
#include "reports/report_forms.hpp"
#include "reports/report_query.hpp"
#include "reports/report_xlsx.hpp"

namespace app::dashboard {

using adapters::raw_request;
using adapters::raw_response;

namespace {

core::local_date month_start(core::local_date d) {
    return {d.year, d.month, 1};
}

core::local_date month_end(core::local_date d) {
    return rules::month_end(month_start(d));
}

std::string xlsx_bytes(const report_table& t) {
    return form_bytes([&](const std::string& path) {
        write_table_xlsx({t.title, t.header, t.rows, t.footer}, path);
    });
}

// `t` as the export `format` asks for (csv or xlsx), named `name`.csv / .xlsx.
raw_response export_of(const report_table& t, const std::string& format, const std::string& name) {
    if (format == "xlsx") return download(xlsx_bytes(t), xlsx_type, name + ".xlsx");
    std::ostringstream out;
    write_csv(t, out);
    return download(out.str(), "text/csv; charset=utf-8", name + ".csv");
}

}  // namespace

std::optional<viewer> dashboard::viewer_of(const raw_request& req) {
    auto s = current(req);
    if (!s) {
        if (!visitors_) return std::nullopt;
        auto visitor = visitors_(req);
        if (visitor) {
            visitor->base = settings_.base;
            visitor->brand = settings_.brand;
        }
        return visitor;
    }
    viewer v;
    v.person = s->person;
    v.name = cfg_.org.display_name(s->person);
    v.scope = rules::scope_of(cfg_.org, cfg_.roles, s->person);
    v.scope_text = rules::describe(v.scope);
    v.csrf = s->csrf;
    v.hr = cfg_.org.is_member(s->person, cfg_.roles.hr);
    v.base = settings_.base;
    v.brand = settings_.brand;
    return v;
}

std::vector<std::string> dashboard::departments_for(const viewer& v) const {
    std::vector<std::string> out;
    for (const auto& d : cfg_.org.departments)
        if (v.scope.what == rules::scope::kind::everything || v.scope.departments.count(d.name))
            out.push_back(d.name);
    return out;
}

std::optional<filter> dashboard::filter_of(const raw_request& req, const viewer& v, bool default_month,
                                           std::string& error) {
    auto query = query_of(req);
    filter f;
    for (const auto* key : {"from", "to"}) {
        auto it = query.find(key);
        if (it == query.end() || it->second.empty()) continue;
        auto d = core::parse_date(it->second);
        if (!d) {
            error = std::string(key == std::string("from") ? "开始" : "结束") + "日期“" + it->second +
                    "”无法识别，请写成 2026-11-23 这样的日期。";
            return std::nullopt;
        }
        (std::string(key) == "from" ? f.from : f.to) = d;
    }
    if (default_month && !f.from && !f.to) {
        auto today = core::zone(cfg_.timezone).date_of(clock_.now());
        f.from = month_start(today);
        f.to = today;
    }
    if (f.from && f.to && *f.to < *f.from) {
        error = "结束日期早于开始日期，请调换。";
        return std::nullopt;
    }
    if (auto it = query.find("department"); it != query.end() && !it->second.empty()) {
        const auto* d = cfg_.org.find_department(it->second);
        auto allowed = departments_for(v);
        if (!d || std::find(allowed.begin(), allowed.end(), d->name) == allowed.end()) {
            error = "部门“" + it->second + "”不存在或不在您的查看范围内。";
            return std::nullopt;
        }
        f.department = d->name;
    }
    return f;
}

board_list dashboard::board_rows(const viewer& v, const std::string& department, std::size_t first) {
    board_list out;
    if (live_ && !live_->loading()) {
        // Held in memory (every open complaint, and every closed one with its freight open).
        std::function<bool(const rules::complaint&)> keep;
        if (v.scope.what != rules::scope::kind::everything)
            keep = [&](const rules::complaint& c) { return v.scope.sees(c); };
        return board_cache_.rows(*live_, clock_.now(), keep, department, first);
    }
    // Still loading them: from the database.
    rules::context ctx{cfg_, tz_, clock_.now(), nullptr, &calendar_};
    auto add = [&](const rules::complaint& c) {
        if (!v.scope.sees(c)) return;
        auto r = rules::board_row_of(c, ctx);
        if (!r) return;
        if (!department.empty() &&
            std::find(r->departments.begin(), r->departments.end(), department) == r->departments.end())
            return;
        out.own.push_back(std::move(*r));
    };
    for (const auto& c : db_.open_complaints()) add(c);
    for (const auto& c : db_.open_freight_complaints())
        if (!c.is_open()) add(c);
    rules::sort_board(out.own);
    for (const auto& r : out.own) out.rows.push_back(&r);
    out.counts = rules::count_board(out.rows);
    return out;
}

raw_response dashboard::now_api(const raw_request& req) {
    auto v = viewer_of(req);
    if (!v) return json_error(401, "not logged in: POST /login first");
    std::string error;
    auto f = filter_of(req, *v, false, error);
    if (!f) return json_error(400, error);
    return {200, "application/json",
            now_json(board_rows(*v, f->department, board_rows_max), cfg_, tz_, settings_.base)};
}

board_summary dashboard::summary() {
    viewer everyone;
    everyone.scope.what = rules::scope::kind::everything;
    auto board = board_rows(everyone, {}, 0);  // counted, none ordered
    return {board.rows.size(), board.counts.late};
}

raw_response dashboard::page(const raw_request& req) {
    auto path = req.path();
    auto v = viewer_of(req);
    if (!v) return redirect(settings_.base + "/login");
    const auto& tz = tz_;
    if (path.rfind("/complaint/", 0) == 0) {
        auto id = path.substr(std::string("/complaint/").size());
        auto c = id.size() <= 16 ? db_.load_complaint(id) : std::nullopt;
        if (!c || !v->scope.sees(*c)) return html(404, not_found_view(*v, id.size() <= 16 ? id : "该投诉"));
        std::vector<rules::fine> fines;
        for (auto& f : db_.fines_of_complaint(c->id))
            if (v->scope.sees(f)) fines.push_back(std::move(f));
        auto audit = db_.verify_complaint_audit(c->id);
        return html(200, complaint_view(*v, *c, db_.events_of(c->id), fines, audit, cfg_, tz));
    }
    if (path == "/reports") return reports_page(req, *v);
    std::string error;
    bool month = path != "/" && path != "/print/sheet";  // the sheet: today
    auto f = filter_of(req, *v, month, error);
    auto departments = departments_for(*v);
    if (!f)
        return html(400, layout(*v, path, "筛选条件有误",
                                "<p class=\"notice error\">" + html_escape(error) + "</p>\n<p><a href=\"" +
                                    v->base + path + "\">清除筛选</a></p>\n"));
    auto format = query_of(req)["format"];
    if (path == "/") {
        bool exporting = format == "csv" || format == "xlsx";  // every row in order; the page: the first
        auto board = board_rows(*v, f->department, exporting ? SIZE_MAX : board_rows_max);
        const auto& rows = board.rows;
        if (format == "csv") return download(now_csv(rows, cfg_, tz), "text/csv; charset=utf-8", "now.csv");
        if (format == "xlsx") {
            report_table t;
            t.title = "待处理投诉";
            t.header = {"编号", "类型", "客户", "当前环节", "待谁处理", "截止", "时钟"};
            for (const auto* r : rows)
                t.rows.push_back({r->id, r->kind, r->customer, r->step, r->who,
                                  r->due ? tz.long_time(*r->due) : "", rules::clock_words(*r)});
            return export_of(t, format, "now");
        }
        return html(200, now_view(*v, board, *f, departments, cfg_, tz));
    }
    if (path == "/print/sheet") {
        if (!f->from && !f->to) f->from = f->to = tz.date_of(clock_.now());
        std::vector<rules::complaint> items;
        for (auto& c : db_.complaints_on_sheet(f->from, f->to))
            if (v->scope.sees(c) && (f->department.empty() || rules::concerns(c, f->department)))
                items.push_back(std::move(c));
        auto form = build_sheet_form(std::move(items), f->from, f->to, db_, tz, cfg_);
        if (format == "xlsx")
            return download(form_bytes([&](const std::string& p) { write_sheet_xlsx(form, p); }), xlsx_type,
                            "sheet.xlsx");
        return html(200, sheet_view(*v, form, *f, departments));
    }
    if (path == "/print/statement") {
        auto fines = select_fines(db_, tz, {f->from, f->to, f->department, 0, {}},
                                  [&](const rules::fine& x) { return v->scope.sees(x); });
        auto today = tz.date_of(clock_.now());
        rules::period p{f->from.value_or(core::local_date{today.year, today.month, 1}), f->to.value_or(today),
                        ""};
        return html(200, statement_view(*v, rules::build_statement(fines, p, tz), tz, cfg_));
    }
    if (path == "/fines") {
        report_query q{f->from, f->to, f->department, 0, {}};
        auto keep = [&](const rules::fine& x) { return v->scope.sees(x); };
        if (format == "csv" || format == "xlsx")
            return export_of(penalties_table(db_, tz, q, keep), format, "fines");
        auto query = query_of(req);
        std::string notice;
        if (auto done = query.find("done"); done != query.end() && query.count("fine")) {
            auto id = query["fine"];
            if (id.size() <= 16 && (done->second == "paid" || done->second == "waived"))
                notice = id + (done->second == "paid" ? " 已标记为已缴。" : " 已免罚。");
        }
        return html(200, fines_view(*v, select_fines(db_, tz, q, keep), *f, departments, tz, notice, false));
    }
    // /ontime, /lateness and /categories: the complaints posted in the period (and, for the trend, in
    // the one as long before it), counted from their facts.
    rules::period p{f->from.value_or(core::local_date{2020, 1, 1}), f->to.value_or(tz.date_of(clock_.now())),
                    ""};
    auto before = rules::previous_period(p);
    bool exporting = format == "csv" || format == "xlsx";
    const auto& facts = facts_for(path == "/ontime" ? before.from : p.from, p.to, v->scope, f->department);
    auto select = [&](const rules::period& q) {
        return facts.select(tz.start_of(q.from), tz.start_of(core::add_days(q.to, 1)), &v->scope,
                            f->department);
    };
    auto rows = select(p);
    if (path == "/categories") {
        auto counted = facts.categories(rows);
        if (exporting) return export_of(categories_table(counted), format, "categories");
        return html(200, categories_view(*v, counted, *f, departments));
    }
    rules::context ctx{cfg_, tz, clock_.now(), nullptr, &calendar_};
    auto figures = facts.ontime(rows, ctx, f->department, path == "/lateness" || exporting);
    if (exporting)
        return path == "/ontime" ? export_of(ontime_table(figures), format, "ontime")
                                 : export_of(lateness_table(figures, tz), format, "lateness");
    if (path == "/ontime") {
        std::vector<std::pair<rules::period, rules::ontime_figures>> weeks;
        for (const auto& w : rules::weeks_of(p))
            if (weeks.size() < 60) weeks.emplace_back(w, facts.ontime(select(w), ctx, f->department, false));
        return html(200, ontime_view(*v, figures, facts.ontime(select(before), ctx, f->department, false),
                                     weeks, *f, departments));
    }
    return html(200, lateness_view(*v, figures, *f, departments, tz));
}

const rules::fact_table& dashboard::facts_for(core::local_date from, core::local_date to,
                                              const rules::scope& who, const std::string& department) {
    if (facts_.catch_up(5000)) return facts_.table();
    // Not read yet (the first seconds after a start with a large database): from the states of the
    // complaints of the period.
    const auto& tz = tz_;
    fallback_ = {};
    for (auto& c : db_.complaints_posted_between(tz.start_of(from), tz.start_of(core::add_days(to, 1))))
        if (who.sees(c) && (department.empty() || rules::concerns(c, department)))
            fallback_.put(rules::facts_of(c));
    return fallback_;
}

raw_response dashboard::static_file(const std::string& path) {
    raw_response res;
    if (path == "/static/app.css") {
        res = {200, "text/css; charset=utf-8", std::string(assets::app_css)};
    } else if (path == "/static/app.js") {
        res = {200, "text/javascript; charset=utf-8", std::string(assets::app_js)};
    } else if (path == "/static/chart.min.js") {
        if (chart_js_.empty())
            return {
                404, "text/plain; charset=utf-8",
                "Chart.js is not installed: apt-get install libjs-chart.js (the pages show tables only)\n"};
        res = {200, "text/javascript; charset=utf-8", chart_js_};
    } else if (path == "/favicon.ico") {
        return {204, "image/x-icon", {}};  // none: the browser stops asking
    } else {
        return {404, "text/plain; charset=utf-8", "no such file\n"};
    }
    // The files change only with the program; a day in the browser's cache is fine.
    res.headers["Cache-Control"] = "public, max-age=86400";
    return res;
}

}  // namespace app::dashboard

namespace app::dashboard {

raw_response dashboard::fine_action(const raw_request& req) {
    auto v = viewer_of(req);
    if (!v) return redirect(settings_.base + "/login");
    auto form = parse_form(req.body);
    auto token = form.find("csrf");
    if (token == form.end() || !same_secret(token->second, v->csrf)) {
        spdlog::warn("dashboard: POST {} of {} without its CSRF token refused", req.path(), v->person);
        return html(
            403,
            layout(*v, "/fines", "已拒绝",
                   "<p class=\"notice error\">缺少或错误的 CSRF 令牌，已拒绝。请从罚款台账页面操作。</p>\n"));
    }
    // /fines/F12/paid or /fines/F12/waive
    auto rest = req.path().substr(std::string("/fines/").size());
    auto slash = rest.find('/');
    auto id = slash == std::string::npos ? rest : rest.substr(0, slash);
    auto verb = slash == std::string::npos ? std::string{} : rest.substr(slash + 1);
    auto refuse = [&](int status, const std::string& message) {
        core::zone tz(cfg_.timezone);
        auto today = tz.date_of(clock_.now());
        filter f{core::local_date{today.year, today.month, 1}, today, {}};
        report_query q{f.from, f.to, {}, 0, {}};
        auto keep = [&](const rules::fine& x) { return v->scope.sees(x); };
        return html(status, fines_view(*v, select_fines(db_, tz, q, keep), f, departments_for(*v), tz,
                                       message, true));
    };
    if (verb != "paid" && verb != "waive") return refuse(404, "没有这个操作：只能“标记已缴”或“免罚”。");
    if (!fine_actions_)
        return refuse(503, "罚款操作暂不可用（服务未接入规则引擎），请在群内发送 已缴 / 免罚 命令。");
    auto reason = form["reason"];
    auto r = fine_actions_(v->person, id, verb == "paid", reason);
    if (!r.ok) {
        spdlog::info("dashboard: {} of {} by {} refused: {}", verb, id.size() <= 16 ? id : "?", v->person,
                     r.message);
        return refuse(r.status >= 400 ? r.status : 400, r.message);
    }
    spdlog::info("dashboard: {} marked {} {}", v->person, id, verb == "paid" ? "paid" : "waived");
    // Back to the fine's month, with the answer.
    auto fine = db_.load_fine(id);
    std::string back = settings_.base + "/fines?";
    if (fine) {
        auto d = core::zone(cfg_.timezone).date_of(fine->issued_at);
        back += "from=" + core::format_date(month_start(d)) + "&to=" + core::format_date(month_end(d)) + "&";
    }
    return redirect(back + "done=" + (verb == "paid" ? "paid" : "waived") + "&fine=" + url_encode(id));
}

}  // namespace app::dashboard
