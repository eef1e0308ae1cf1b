// HR's dashboard on the webhooks' port (issue 11, first part): the login (POST /login with `user`
// and `password`; a session cookie, HttpOnly, SameSite=Strict, Path=/, Secure behind https), the
// logout (POST /logout with the session's CSRF token), the pages (routes.cpp, views.hpp: 现在,
// 罚款台账 with HR's 已缴 / 免罚, 准时率, 延误分布, 投诉详情), their static files and the JSON API
// (/api/complaints, /api/fines: exactly `report complaints|penalties --format json`, filtered by the person's
// scope, rules/scope.hpp). Under a group of companies every path, link, redirect and the cookie's
// Path sit below the company's base path (settings::base, "/c/huadong"), and the group centre's
// members come in as visitors (admit(); dashboard/group_board.hpp).
//
// Sessions live in the database under the SHA-256 of their id (a restart keeps them; a copy of the
// file logs nobody in) and end after `idle` without a request. Five failed logins of one person
// within `lockout_window` lock that person out for `lockout` (logged, and recorded in the event
// log). Passwords are verified with scrypt on a helper thread, so the loop keeps answering the
// platforms meanwhile. Nothing secret — password, session id, CSRF token — is ever logged.
//
// Thread-safety: construct and use on the io_context's thread (the database's); only the password
// hashing runs elsewhere.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.hpp"
#include "core/clock.hpp"
#include "dashboard/assets.hpp"
#include "dashboard/board_cache.hpp"
#include "dashboard/facts_cache.hpp"
#include "dashboard/page.hpp"
#include "dashboard/web.hpp"
#include "pipeline/live_state.hpp"
#include "pipeline/service.hpp"
#include "reports/report_query.hpp"
#include "rules/board.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app::dashboard {

inline constexpr const char* session_cookie = "cb_session";

struct settings {
    core::duration idle{std::chrono::hours(12)};
    int lockout_failures = 5;
    core::duration lockout_window{std::chrono::minutes(15)};
    core::duration lockout{std::chrono::minutes(15)};
    int max_verifying = 4;                         // logins being hashed at once; more are answered 503
    std::string chart_js = assets::chart_js_path;  // served as /static/chart.min.js; missing: tables only
    // Under a group (serve of companies:, bot/dashboard/group_board.hpp): every path of the
    // dashboard below `base` ("/c/huadong": its home "/c/huadong/", its login "/c/huadong/login"),
    // the session cookie named `cookie` with Path `cookie_path` (empty: `base`), the login leading
    // to `home` (empty: base + "/"), `brand` ("华东") before 投诉看板. The defaults are a single
    // company's dashboard at "/".
    std::string base;
    std::string cookie = session_cookie;
    std::string cookie_path;
    std::string home;
    std::string brand;
    bool read_facts = true;  // false: the facts are never read (an instance serving logins only)
};

// What a 已缴 / 免罚 from the 罚款台账 came to: `status` is the HTTP status of a refusal (400, 403,
// 404, 409), `message` says in Chinese what happened or what is wrong and how to fix it.
struct action_result {
    bool ok = false;
    int status = 200;
    std::string message;
};
// Marks fine `fine_id` paid (`paid`) or waives it with `reason`, as `person` (bot/dashboard/actions).
using fine_action_fn = std::function<action_result(const std::string& person, const std::string& fine_id,
                                                   bool paid, const std::string& reason)>;

// A viewer the dashboard admits without a session of its own (a member of the group centre, with
// the centre's session): nullopt when the request carries none. May throw (answered 503).
using visitor_fn = std::function<std::optional<viewer>(const adapters::raw_request& req)>;

// 现在's figures of everyone's rows: how many wait (open complaints and open freight) and how many
// of them are late.
struct board_summary {
    std::size_t waiting = 0;
    int late = 0;
};

class dashboard final : public extra_routes {
  public:
    dashboard(boost::asio::io_context& ioc, const rules::config& cfg, storage::database& db,
              const core::clock& clock, settings s = {});
    ~dashboard() override;
    dashboard(const dashboard&) = delete;
    dashboard& operator=(const dashboard&) = delete;

    bool claims(const std::string& path) const override;
    std::string route_label(const std::string& path) const override;
    boost::asio::awaitable<adapters::raw_response> handle_async(adapters::raw_request req) override;

    // The 已缴 / 免罚 buttons of the 罚款台账 (HR only); unset: the buttons answer 503.
    void set_fine_actions(fine_action_fn fn) { fine_actions_ = std::move(fn); }
    // 现在 reads the open complaints from the engine's memory (once it holds them all) instead of
    // the database; `live` must outlive the dashboard (nullptr: the database).
    // Once it has loaded, 现在's rows are built a page at a time in the background.
    void set_live_state(const live_state* live);
    // Admits the viewers `fn` names when a request has no session of this dashboard (unset: none).
    void admit(visitor_fn fn) { visitors_ = std::move(fn); }
    // The request's live session of this dashboard, as every page checks it (idle ones end here).
    std::optional<storage::session_row> session_of(const adapters::raw_request& req) { return current(req); }
    // 现在's counts over every complaint (as HR sees them).
    board_summary summary();
    const settings& options() const { return settings_; }

  private:
    boost::asio::awaitable<adapters::raw_response> dispatch(adapters::raw_request req);
    boost::asio::awaitable<adapters::raw_response> login(adapters::raw_request req);
    boost::asio::awaitable<bool> verify_off_loop(std::string password, std::string stored);
    adapters::raw_response failed_login(const std::string& user, bool known);
    adapters::raw_response logout(const adapters::raw_request& req);
    adapters::raw_response api(const adapters::raw_request& req);
    struct api_page {
        std::string json;
        bool more = false;
        std::string last;                  // the id of the page's last complaint
        std::optional<std::size_t> total;  // of every page, when known
    };
    api_page complaint_page_of(const report_query& q, const rules::scope& scope);
    // The request's live session (idle ones are ended here), or nullopt.
    std::optional<storage::session_row> current(const adapters::raw_request& req);
    // routes.cpp: the pages, the static files, the fine actions.
    std::optional<viewer> viewer_of(const adapters::raw_request& req);
    std::vector<std::string> departments_for(const viewer& v) const;
    std::optional<filter> filter_of(const adapters::raw_request& req, const viewer& v, bool default_month,
                                    std::string& error);
    adapters::raw_response page(const adapters::raw_request& req);
    adapters::raw_response reports_page(const adapters::raw_request& req, const viewer& v);  // /reports
    // The 现在 rows the viewer sees (of `department` when not empty), overdue first (only the first
    // `first` in order: board_cache::rows); GET /api/now.
    board_list board_rows(const viewer& v, const std::string& department, std::size_t first = SIZE_MAX);
    adapters::raw_response now_api(const adapters::raw_request& req);
    // The facts of every complaint once read (and caught up), else those of the complaints posted
    // from..to that `who` sees and that concern `department`.
    const rules::fact_table& facts_for(core::local_date from, core::local_date to, const rules::scope& who,
                                       const std::string& department);
    void read_facts_in_background(std::chrono::milliseconds wait);
    void warm_board(std::chrono::milliseconds wait);
    adapters::raw_response static_file(const std::string& path);
    adapters::raw_response fine_action(const adapters::raw_request& req);
    bool origin_allowed(const adapters::raw_request& req) const;
    std::string set_cookie(const std::string& value, bool expire) const;
    std::string home() const { return settings_.home.empty() ? settings_.base + "/" : settings_.home; }
    std::string login_html(const std::string& notice, const std::string& user) const {
        return login_page(notice, user, settings_.base + "/login", settings_.brand);
    }
    // The request with `settings_.base` taken off its target ("/c/a/fines?x" → "/fines?x").
    adapters::raw_request unbased(adapters::raw_request req) const;

    boost::asio::io_context& ioc_;
    const rules::config& cfg_;
    storage::database& db_;
    const core::clock& clock_;
    settings settings_;
    core::zone tz_;
    core::calendar calendar_;
    std::string chart_js_;  // the file's bytes; empty when not installed
    fine_action_fn fine_actions_;
    visitor_fn visitors_;
    const live_state* live_ = nullptr;
    board_cache board_cache_{cfg_, tz_, &calendar_};
    facts_cache facts_{db_};
    rules::fact_table fallback_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // a posted page of facts_ checks it
    boost::asio::thread_pool hashing_{1};
    int verifying_ = 0;
};

}  // namespace app::dashboard
