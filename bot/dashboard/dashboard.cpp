#include "dashboard/dashboard.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>
#include <sstream>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "dashboard/password.hpp"
#include "dashboard/web.hpp"
#include "reports/report_query.hpp"
#include "rules/scope.hpp"
#include "transport/coroutine_frames.hpp"

namespace app::dashboard {

namespace asio = boost::asio;
using adapters::raw_request;
using adapters::raw_response;

namespace {

constexpr auto touch_every = std::chrono::minutes(1);  // last_seen is written at most this often
constexpr std::size_t max_session_id = 128;
constexpr std::size_t max_password = 1024;

raw_response method_not_allowed(const char* allow) {
    auto res = html(405, "<!DOCTYPE html>\n<p>method not allowed: use " + std::string(allow) + "</p>\n");
    res.headers["Allow"] = allow;
    return res;
}

// A person id as it may appear in a log line: only one the organization lists (what someone typed
// into the user field may be their password).
std::string loggable(const rules::config& cfg, const std::string& user) {
    return cfg.org.find_person(user) ? user : std::string("<an id not in the organization>");
}

}  // namespace

dashboard::dashboard(asio::io_context& ioc, const rules::config& cfg, storage::database& db,
                     const core::clock& clock, settings s)
    : ioc_(ioc),
      cfg_(cfg),
      db_(db),
      clock_(clock),
      settings_(std::move(s)),
      tz_(cfg.timezone),
      calendar_(cfg.calendar, tz_) {
    (void)decoy_hash();  // computed once at start, not during the first login
    if (settings_.read_facts) read_facts_in_background(std::chrono::milliseconds(0));
    if (!settings_.chart_js.empty()) {
        std::ifstream in(settings_.chart_js, std::ios::binary);
        std::ostringstream bytes;
        if (in) bytes << in.rdbuf();
        chart_js_ = bytes.str();
        if (chart_js_.empty())
            spdlog::warn(
                "dashboard: {} not found: the pages show their tables without charts "
                "(apt-get install libjs-chart.js)",
                settings_.chart_js);
    }
}

// The facts of every complaint come into memory 500 at a time (a few ms each) between the loop's
// other work, once the engine has loaded its open complaints (so the deadlines due meanwhile are
// not kept waiting by both).
void dashboard::read_facts_in_background(std::chrono::milliseconds wait) {
    auto timer = std::make_shared<asio::steady_timer>(ioc_, wait);
    timer->async_wait([this, timer, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || alive.expired()) return;
        if (live_ && live_->loading()) return read_facts_in_background(std::chrono::milliseconds(100));
        try {
            if (!facts_.catch_up(500)) return read_facts_in_background(std::chrono::milliseconds(0));
            spdlog::info("dashboard: the figures of {} complaints are in memory", facts_.table().size());
        } catch (const std::exception& e) {
            spdlog::error(
                "dashboard: reading the complaints' facts failed: {} (the figures read the complaints)",
                db_.explain(e));
        }
    });
}

void dashboard::set_live_state(const live_state* live) {
    live_ = live;
    if (live_) warm_board(std::chrono::milliseconds(100));
}

// 现在's rows, 1,000 at a time (a few ms each) once the live state has loaded (checked every 100 ms).
void dashboard::warm_board(std::chrono::milliseconds wait) {
    auto timer = std::make_shared<asio::steady_timer>(ioc_, wait);
    timer->async_wait([this, timer, alive = std::weak_ptr<int>(alive_)](boost::system::error_code ec) {
        if (ec || alive.expired() || !live_) return;
        if (live_->loading()) return warm_board(std::chrono::milliseconds(100));
        try {
            if (board_cache_.warm_up(*live_, clock_.now(), 1000))
                warm_board(std::chrono::milliseconds(0));
            else
                spdlog::info("dashboard: 现在 has the rows of {} open complaints", board_cache_.size());
        } catch (const std::exception& e) {
            spdlog::error("dashboard: building 现在's rows failed: {} (the first view builds them)",
                          e.what());
        }
    });
}

dashboard::~dashboard() {
    hashing_.stop();
    hashing_.join();
}

adapters::raw_request dashboard::unbased(adapters::raw_request req) const {
    if (settings_.base.empty()) return req;
    auto q = req.target.find('?');
    auto own = below(settings_.base, req.target.substr(0, q));
    if (own) req.target = *own + (q == std::string::npos ? std::string{} : req.target.substr(q));
    return req;
}

bool dashboard::claims(const std::string& full_path) const {
    auto own = below(settings_.base, full_path);
    if (!own) return false;
    const auto& path = *own;
    for (const auto& item : nav_items())
        if (path == item.path) return true;
    if (path == "/print/statement") return true;
    for (const char* prefix : {"/api/", "/complaint/", "/fines/", "/static/"})
        if (path.rfind(prefix, 0) == 0) return true;
    return path == "/login" || path == "/logout" || path == "/favicon.ico";
}

std::string dashboard::route_label(const std::string& full_path) const {
    auto path = below(settings_.base, full_path).value_or(full_path);
    for (const auto& item : nav_items())
        if (path == item.path) return path;
    if (path == "/login" || path == "/logout" || path == "/api/complaints" || path == "/api/fines")
        return path;
    if (path == "/print/statement") return path;
    if (path.rfind("/complaint/", 0) == 0) return "/complaint/:id";
    if (path.rfind("/fines/", 0) == 0) return "/fines/:id/action";
    if (path.rfind("/static/", 0) == 0 || path == "/favicon.ico") return "/static";
    return "/api/other";
}

asio::awaitable<raw_response> dashboard::handle_async(raw_request req) {
    raw_response res;
    try {
        res = co_await dispatch(unbased(std::move(req)));
    } catch (const std::exception& e) {
        spdlog::error("dashboard: {}", db_.explain(e));
        res = json_error(503, "storage unavailable, retry later");
    }
    add_security_headers(res);
    co_return res;
}

asio::awaitable<raw_response> dashboard::dispatch(raw_request req) {
    auto path = req.path();
    if (db_.in_transaction()) co_return json_error(503, "busy, retry");
    if (req.method == "POST" && !origin_allowed(req)) {
        spdlog::warn("dashboard: POST {} from another origin refused", path);
        co_return html(403, "<!DOCTYPE html>\n<p>请求来源不符，已拒绝。</p>\n");
    }
    if (path == "/login") {
        if (req.method == "POST") {
            auto res = co_await login(std::move(req));
            co_return res;
        }
        if (req.method != "GET") co_return method_not_allowed("GET, POST");
        if (current(req)) co_return redirect(home());
        co_return html(200, login_html("", ""));
    }
    if (path == "/logout") {
        if (req.method != "POST") co_return method_not_allowed("POST");
        co_return logout(req);
    }
    if (path.rfind("/fines/", 0) == 0) {
        if (req.method != "POST") co_return method_not_allowed("POST");
        co_return fine_action(req);
    }
    if (req.method != "GET") co_return method_not_allowed("GET");
    if (path.rfind("/static/", 0) == 0 || path == "/favicon.ico") co_return static_file(path);
    if (path.rfind("/api/", 0) == 0) co_return api(req);
    co_return page(req);
}

asio::awaitable<bool> dashboard::verify_off_loop(std::string password, std::string stored) {
    // The helper thread hashes; the answer comes back to the loop as a cancelled timer (the
    // database is used on the loop's thread only). The waiter lives in this coroutine's frame and
    // only the loop touches it: the helper thread holds the hand-back, which forgets the waiter when
    // the frame goes (a loop shut down meanwhile), so nothing is posted to a loop that is gone and no
    // timer outlives its loop on the helper thread.
    struct waiter;
    struct hand_back {
        std::mutex m;
        waiter* w = nullptr;
        asio::io_context* ioc = nullptr;
    };
    struct waiter {
        waiter(asio::io_context& ioc, std::shared_ptr<hand_back> b)
            : timer(ioc, std::chrono::steady_clock::time_point::max()), back(std::move(b)) {
            back->w = this;
            back->ioc = &ioc;
        }
        ~waiter() {
            std::lock_guard lock(back->m);
            back->w = nullptr;
        }
        waiter(const waiter&) = delete;
        waiter& operator=(const waiter&) = delete;
        asio::steady_timer timer;
        std::shared_ptr<hand_back> back;
        bool done = false;
        bool ok = false;
    };
    waiter w(ioc_, std::make_shared<hand_back>());
    asio::post(hashing_, [back = w.back, password = std::move(password), stored = std::move(stored)] {
        bool ok = verify_password(password, stored);
        std::lock_guard lock(back->m);
        if (!back->w) return;  // the coroutine is gone
        asio::post(*back->ioc, [back, ok] {
            std::lock_guard inner(back->m);
            if (!back->w) return;
            back->w->ok = ok;
            back->w->done = true;
            back->w->timer.cancel();
        });
    });
    while (!w.done) co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return w.ok;
}

asio::awaitable<raw_response> dashboard::login(raw_request req) {
    auto form = parse_form(req.body);
    auto user = form["user"];
    auto password = form["password"];
    while (!user.empty() && user.back() == ' ') user.pop_back();
    while (!user.empty() && user.front() == ' ') user.erase(0, 1);
    const auto* person = cfg_.org.find_person(user);
    auto account = person ? db_.account(user) : std::nullopt;
    auto locked = [&](const std::optional<storage::account_row>& a) {
        return a && a->locked_until && *a->locked_until > clock_.now();
    };
    if (locked(account)) {
        spdlog::warn("dashboard: login of {} refused: locked out until {} after repeated failures", user,
                     core::zone(cfg_.timezone).long_time(*account->locked_until));
        co_return html(
            429, login_html("登录失败次数过多，已暂时锁定，请于 " +
                                core::zone(cfg_.timezone).short_time(*account->locked_until) + " 后再试。",
                            user));
    }
    if (verifying_ >= settings_.max_verifying) {
        spdlog::warn("dashboard: {} logins are being checked already; one more answered 503", verifying_);
        co_return html(503, login_html("服务器繁忙，请稍后再试。", user));
    }
    // Named arguments rather than temporaries made by a conditional inside the co_await
    // expression (g++ 12's coroutines are fragile there; see the note in pipeline/service.cpp).
    std::string candidate = password.size() > max_password ? std::string{} : password;
    std::string stored = account ? account->password_hash : decoy_hash();
    ++verifying_;
    struct done_verifying {
        int& n;
        ~done_verifying() { --n; }
    };
    bool ok = false;
    {
        done_verifying guard{verifying_};
        ok = co_await verify_off_loop(std::move(candidate), std::move(stored));
    }
    // The account as it is now (a parallel attempt may have locked it, passwd may have changed it).
    account = person ? db_.account(user) : std::nullopt;
    if (locked(account)) co_return html(429, login_html("登录失败次数过多，已暂时锁定，请稍后再试。", user));
    if (!ok || !account || password.size() > max_password) co_return failed_login(user, account.has_value());

    auto now = clock_.now();
    auto sid = random_token();
    storage::session_row s{sha256_hex(sid), user, random_token(), now, now};
    {
        auto tx = db_.begin();
        db_.clear_login_failures(user);
        db_.remove_sessions_idle_since(now - settings_.idle);
        db_.add_session(s);
        tx->commit();
    }
    spdlog::info("dashboard: {} ({}) logged in", person->name, user);
    auto res = redirect(home());
    res.headers["Set-Cookie"] = set_cookie(sid, false);
    co_return res;
}

raw_response dashboard::failed_login(const std::string& user, bool known) {
    if (!known) {
        spdlog::info("dashboard: failed login for {}: no such account", loggable(cfg_, user));
        return html(401, login_html("人员编号或密码错误。", user.size() > 64 ? std::string{} : user));
    }
    auto now = clock_.now();
    auto tx = db_.begin();
    auto failures = db_.add_login_failure(user, now, now - settings_.lockout_window);
    if (failures >= settings_.lockout_failures) {
        auto until = now + settings_.lockout;
        core::zone tz(cfg_.timezone);
        db_.lock_account(user, until);
        db_.clear_login_failures(user);
        db_.append_events(
            {{"", now, user, "dashboard_locked", "",
              std::to_string(failures) + " 次看板登录失败（" +
                  core::format_duration_zh(settings_.lockout_window) + "内），锁定至 " + tz.long_time(until),
              std::nullopt, core::duration{0}}});
        tx->commit();
        spdlog::warn(
            "dashboard: {} failed logins for {} within {}: locked out until {} (recorded in the event log)",
            failures, user, core::format_duration(settings_.lockout_window), tz.long_time(until));
        return html(401, login_html("人员编号或密码错误。登录失败次数过多，已暂时锁定。", user));
    }
    tx->commit();
    spdlog::info("dashboard: failed login for {}: wrong password ({} within {})", user, failures,
                 core::format_duration(settings_.lockout_window));
    return html(401, login_html("人员编号或密码错误。", user));
}

std::optional<storage::session_row> dashboard::current(const raw_request& req) {
    auto sid = cookie(req, settings_.cookie);
    if (!sid || sid->empty() || sid->size() > max_session_id) return std::nullopt;
    auto hash = sha256_hex(*sid);
    auto s = db_.session(hash);
    if (!s) return std::nullopt;
    auto now = clock_.now();
    if (now - s->last_seen >= settings_.idle || !cfg_.org.find_person(s->person) || !db_.account(s->person)) {
        db_.remove_session(hash);
        spdlog::info("dashboard: a session of {} ended ({})", s->person,
                     now - s->last_seen >= settings_.idle ? "idle too long" : "no account any more");
        return std::nullopt;
    }
    if (now - s->last_seen >= touch_every) {
        db_.touch_session(hash, now);
        s->last_seen = now;
    }
    return s;
}

raw_response dashboard::logout(const raw_request& req) {
    auto s = current(req);
    if (!s) return redirect(settings_.base + "/login");
    auto form = parse_form(req.body);
    auto token = form.find("csrf");
    if (token == form.end() || !same_secret(token->second, s->csrf)) {
        spdlog::warn("dashboard: POST /logout of {} without its CSRF token refused", s->person);
        return html(403, "<!DOCTYPE html>\n<p>缺少或错误的 CSRF 令牌，已拒绝。请从看板页面操作。</p>\n");
    }
    db_.remove_session(s->id_hash);
    spdlog::info("dashboard: {} logged out", s->person);
    auto res = redirect(settings_.base + "/login");
    res.headers["Set-Cookie"] = set_cookie("", true);
    return res;
}

raw_response dashboard::api(const raw_request& req) {
    auto path = req.path();
    if (path == "/api/now") return now_api(req);
    auto v = viewer_of(req);
    if (!v) return json_error(401, "not logged in: POST /login first");
    if (path != "/api/complaints" && path != "/api/fines") return json_error(404, "no such API: " + path);
    auto query = query_of(req);
    report_query q;
    for (const auto* key : {"from", "to"}) {
        auto it = query.find(key);
        if (it == query.end() || it->second.empty()) continue;
        auto d = core::parse_date(it->second);
        if (!d) return json_error(400, std::string("bad ") + key + ": write a date like 2026-11-23");
        (std::string(key) == "from" ? q.from : q.to) = d;
    }
    if (q.from && q.to && *q.to < *q.from) return json_error(400, "to is before from");
    if (auto it = query.find("department"); it != query.end() && !it->second.empty()) {
        const auto* d = cfg_.org.find_department(it->second);
        if (!d) return json_error(400, "no department '" + it->second + "' in the organization");
        q.department = d->name;
    }
    const auto& scope = v->scope;
    raw_response res{200, "application/json", {}};
    if (path == "/api/fines") {
        res.body = penalties_report_json(db_, q, [&](const rules::fine& f) { return scope.sees(f); });
        return res;
    }
    // Complaints a page at a time: `limit` (1–1000, default 100) after `after` (the last id of the
    // previous page), as `report complaints --limit N --after ID`; the Link header names the next page.
    q.limit = 100;
    if (auto it = query.find("limit"); it != query.end() && !it->second.empty()) {
        int n = 0;
        auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), n);
        if (ec != std::errc() || end != it->second.data() + it->second.size() || n < 1 || n > 1000)
            return json_error(400, "bad limit: write a number from 1 to 1000");
        q.limit = static_cast<std::size_t>(n);
    }
    if (auto it = query.find("after"); it != query.end() && !it->second.empty()) {
        if (it->second.size() > 16 || !db_.complaint_key_of(it->second))
            return json_error(400, "bad after: no complaint '" + it->second.substr(0, 16) +
                                       "'; pass the id of the last complaint of the previous page");
        q.after = it->second;
    }
    auto page = complaint_page_of(q, scope);
    res.body = page.json;
    if (page.total) res.headers["X-Total-Count"] = std::to_string(*page.total);
    if (page.more) {
        std::string next = settings_.base + "/api/complaints?limit=" + std::to_string(q.limit) +
                           "&after=" + url_encode(page.last);
        for (const auto* key : {"from", "to", "department"})
            if (auto it = query.find(key); it != query.end() && !it->second.empty())
                next += std::string("&") + key + "=" + url_encode(it->second);
        res.headers["Link"] = "<" + next + ">; rel=\"next\"";
    }
    return res;
}

dashboard::api_page dashboard::complaint_page_of(const report_query& q, const rules::scope& scope) {
    auto tz = report_zone(db_);
    api_page out;
    std::vector<rules::complaint> items;
    const auto& t = facts_.table();
    std::optional<std::uint32_t> cursor;
    if (!q.after.empty()) {
        int seq = -1;
        std::from_chars(q.after.data() + 1, q.after.data() + q.after.size(), seq);
        cursor = t.row_of(q.after[0] == rules::kind_prefix(rules::complaint_kind::service)
                              ? rules::complaint_kind::service
                              : rules::complaint_kind::product,
                          seq);
    }
    if (facts_.catch_up(5000) && (q.after.empty() || cursor)) {
        // Which complaints from the facts in memory; only the page's own states are read.
        auto rows =
            t.select(q.from ? tz.start_of(*q.from) : core::instant{},
                     q.to ? tz.start_of(core::add_days(*q.to, 1)) : core::instant{core::duration::max()},
                     &scope, q.department);
        std::size_t start = 0;
        if (cursor)
            start = static_cast<std::size_t>(
                std::upper_bound(rows.begin(), rows.end(), *cursor,
                                 [&](std::uint32_t a, std::uint32_t b) { return t.before(a, b); }) -
                rows.begin());
        auto end = std::min(rows.size(), start + q.limit);
        for (auto i = start; i < end; ++i)
            if (auto c = db_.load_complaint(t.id_of(rows[i]))) items.push_back(std::move(*c));
        out.more = end < rows.size();
        out.total = rows.size();
    } else {
        auto page =
            select_complaint_page(db_, tz, q, [&](const rules::complaint& c) { return scope.sees(c); });
        items = std::move(page.items);
        out.more = page.more;
    }
    if (!items.empty()) out.last = items.back().id;
    out.json = complaints_json_text(items, tz);
    return out;
}

bool dashboard::origin_allowed(const raw_request& req) const {
    const auto* origin = req.header("origin");
    if (!origin) return true;  // not sent by every browser for same-origin forms; SameSite guards the rest
    if (!cfg_.server.public_url.empty()) {
        auto u = cfg_.server.public_url;
        auto slash = u.find('/', u.find("://") + 3);
        if (*origin == u.substr(0, slash)) return true;
    }
    const auto* host = req.header("host");
    return host && (*origin == "http://" + *host || *origin == "https://" + *host);
}

std::string dashboard::set_cookie(const std::string& value, bool expire) const {
    auto path = !settings_.cookie_path.empty() ? settings_.cookie_path
                : settings_.base.empty()       ? std::string("/")
                                               : settings_.base;
    std::string c = settings_.cookie + "=" + value + "; Path=" + path + "; HttpOnly; SameSite=Strict";
    if (cfg_.server.public_url.rfind("https://", 0) == 0) c += "; Secure";
    if (expire) c += "; Max-Age=0";
    return c;
}

}  // namespace app::dashboard
