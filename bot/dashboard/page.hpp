// The signed-in pages' frame and their pieces (sans-I/O, HTML as text): the layout with the nav and
// the logout button, tables, number cards, the period/department filter and chart canvases. No
// inline script or style anywhere (the Content-Security-Policy forbids both): a chart is a
// <canvas data-chart='…'> that /static/app.js draws with Chart.js, always next to a table with the
// same numbers, so a page without scripts (or without Chart.js installed) still says everything.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "rules/scope.hpp"

namespace app::dashboard {

// Who is looking: the logged-in person, their scope and their session's CSRF token.
struct viewer {
    std::string person;
    std::string name;
    rules::scope scope;
    std::string scope_text;  // rules::describe(scope)
    std::string csrf;
    bool hr = false;  // may mark fines paid or waived
    // Under a group (serve of companies:): the company's pages are below `base` ("/c/huadong"; ""
    // alone), `brand` names the company in the header ("华东"), and a member of the group centre
    // comes from and logs out at `group_home` ("/group"; "" for the company's own people).
    std::string base;
    std::string brand;
    std::string group_home;
    // Where this viewer logs in again: the company's login, or the group centre's.
    std::string login_path() const { return (group_home.empty() ? base : group_home) + "/login"; }
};

struct nav_item {
    std::string_view path;
    std::string_view label;
};
// 现在, 罚款台账, 准时率, 延误分布, 问题类别, 流程表: the views every signed-in person has.
const std::vector<nav_item>& nav_items();

// The whole page: head (app.css, chart.min.js, app.js), the nav with `active` marked, who is logged
// in and what they see, the logout form, `body`. `body_attributes` (trusted markup, e.g.
// data-live="/api/now") go on the <body> element.
std::string layout(const viewer& v, std::string_view active, const std::string& title,
                   const std::string& body, const std::string& body_attributes = {});

struct cell {
    cell(std::string t = {}, std::string h = {}, std::string c = {}, std::string markup = {})
        : text(std::move(t)), href(std::move(h)), cls(std::move(c)), html(std::move(markup)) {}
    cell(const char* t) : text(t) {}  // NOLINT: a literal is a cell

    std::string text;  // escaped on output
    std::string href;  // a link when not empty
    std::string cls;   // a class of app.css ("late", "num", "muted") when not empty
    std::string html;  // trusted markup used instead of text (forms); empty: text
};
using row = std::vector<cell>;

// A table; `empty` (a sentence) as its only row when there are no rows.
std::string table(const std::vector<std::string>& head, const std::vector<row>& rows,
                  const std::string& empty, const std::string& cls = {});

// A number card: a label and a big figure, "late" class when `alert`.
std::string card(const std::string& label, const std::string& value, bool alert = false);

// A chart: `config` is a Chart.js configuration (type, data, options) as JSON.
std::string chart(const nlohmann::json& config, const std::string& label);

// The period and department filter of a view (GET to `path`): from, to, department (only the
// departments the viewer sees; everyone's for HR), and the export links when `exports`.
struct filter {
    std::optional<core::local_date> from;
    std::optional<core::local_date> to;
    std::string department;
    // "from=2026-11-01&to=2026-11-30&department=…" (URL-encoded; empty parts left out).
    std::string query() const;
};
std::string filter_form(std::string_view path, const filter& f, const std::vector<std::string>& departments,
                        bool exports, bool dates = true);

// Percent-encoding of a query value (UTF-8 bytes as %XX, unreserved characters as they are).
std::string url_encode(std::string_view text);

}  // namespace app::dashboard
