#include "dashboard/group_board.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <stdexcept>

#include "dashboard/web.hpp"
#include "pipeline/group_rollup_job.hpp"
#include "transport/coroutine_frames.hpp"

namespace app::dashboard {

namespace asio = boost::asio;
using adapters::raw_request;
using adapters::raw_response;

namespace {

constexpr const char* company_prefix = "/c/";

raw_response refused(int status, const std::string& sentence) {
    return html(status, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                            std::to_string(status) + "</title>\n</head>\n<body>\n<p>" +
                            html_escape(sentence) +
                            "</p>\n<p><a href=\"/group\">集团总览</a></p>\n</body>\n</html>\n");
}

// A path that could mean another one once a proxy or a browser normalizes it: a "." or ".." segment,
// an empty one ("//"), an encoded '.', '/' or '\', a backslash.
bool ambiguous(const std::string& path) {
    if (path.empty() || path.front() != '/' || path.find('\\') != std::string::npos) return true;
    for (std::size_t i = 0; i + 2 < path.size(); ++i) {
        if (path[i] != '%') continue;
        auto code = path.substr(i + 1, 2);
        for (auto& ch : code) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        if (code == "2E" || code == "2F" || code == "5C") return true;
    }
    std::size_t start = 1;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        auto segment = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (segment == "." || segment == "..") return true;
        if (slash == std::string::npos) break;
        if (segment.empty()) return true;  // "//" (a trailing '/' ends the loop above)
        start = slash + 1;
    }
    return false;
}

// "/c/huadong/fines" → "huadong"; "/c/huadong" → "huadong".
std::string company_id_of(const std::string& path) {
    auto rest = path.substr(std::string(company_prefix).size());
    return rest.substr(0, rest.find('/'));
}

bool is_company_path(const std::string& path) {
    return path.rfind(company_prefix, 0) == 0;
}

}  // namespace

settings company_settings(const rules::company& co, settings base) {
    base.base = std::string(company_prefix) + co.id;
    base.brand = co.title();
    return base;
}

group_board::group_board(asio::io_context& ioc, const rules::group_config& g,
                         std::vector<group_company> companies, const core::clock& clock)
    : group_(g), companies_(std::move(companies)), clock_(clock) {
    if (companies_.empty()) throw std::invalid_argument("group_board: no company");
    // The centre's logins and sessions: the first company's database (where passwd puts the
    // members' accounts), with the members as the only people who may log in.
    centre_cfg_ = companies_.front().co->cfg;
    centre_cfg_.org.people = g.group.members;
    settings s;
    s.base = group_home;
    s.cookie = group_cookie;
    s.cookie_path = "/";  // sent to every company's pages too
    s.home = group_home;
    s.brand = g.group.name;
    s.chart_js.clear();
    s.read_facts = false;
    centre_ = std::make_unique<dashboard>(ioc, centre_cfg_, *companies_.front().db, clock, s);
    for (auto& c : companies_) c.board->admit([this](const raw_request& req) { return member_of(req); });
}

group_board::~group_board() {
    for (auto& c : companies_) c.board->admit({});
}

const group_company* group_board::company(const std::string& id) const {
    for (const auto& c : companies_)
        if (c.co->id == id) return &c;
    return nullptr;
}

std::optional<viewer> group_board::member_of(const raw_request& req) {
    if (!cookie(req, group_cookie)) return std::nullopt;
    if (companies_.front().db->in_transaction())
        throw std::runtime_error("the group centre's database is busy");
    auto s = centre_->session_of(req);
    if (!s) return std::nullopt;
    const auto* m = group_.group.find_member(s->person);
    if (!m) return std::nullopt;
    viewer v;
    v.person = m->id;
    v.name = m->name;
    v.scope.what = rules::scope::kind::everything;
    v.scope.person = m->id;
    v.scope_text = group_.group.name + "（全部公司）";
    v.csrf = s->csrf;
    v.hr = false;
    v.group_home = group_home;
    return v;
}

bool group_board::claims(const std::string& path) const {
    return path == "/" || path == "/favicon.ico" || path == group_home ||
           path.rfind(std::string(group_home) + "/", 0) == 0 || is_company_path(path) || path == "/c";
}

std::string group_board::route_label(const std::string& path) const {
    if (path == "/" || path == group_home || path == "/favicon.ico") return path;
    if (path == "/group/login" || path == "/group/logout") return path;
    if (is_company_path(path)) {
        const auto* c = company(company_id_of(path));
        if (c && c->board->claims(path)) return "/c/:company" + c->board->route_label(path);
        return "/c/other";
    }
    return "/group/other";
}

asio::awaitable<raw_response> group_board::handle_async(raw_request req) {
    raw_response res;
    try {
        res = co_await dispatch(std::move(req));
    } catch (const std::exception& e) {
        spdlog::error("group dashboard: {}", companies_.front().db->explain(e));
        res = json_error(503, "storage unavailable, retry later");
    }
    add_security_headers(res);
    co_return res;
}

asio::awaitable<raw_response> group_board::dispatch(raw_request req) {
    auto path = req.path();
    if (ambiguous(path)) {
        spdlog::warn("group dashboard: {} {} refused: an ambiguous path", req.method,
                     path.size() > 200 ? path.substr(0, 200) : path);
        co_return refused(400, "路径无效，已拒绝。");
    }
    if (is_company_path(path) || path == "/c") {
        const auto* c = path == "/c" ? nullptr : company(company_id_of(path));
        if (!c) co_return refused(404, "没有这个公司。");
        if (path == company_prefix + c->co->id) co_return redirect(path + "/");
        if (!c->board->claims(path)) co_return refused(404, "没有这个页面。");
        auto res = co_await c->board->handle_async(std::move(req));
        co_return res;
    }
    if (path == "/favicon.ico") co_return raw_response{204, "image/x-icon", {}};  // none, as a company's
    if (path == "/group/login" || path == "/group/logout" || path == "/group/static/app.css") {
        auto res = co_await centre_->handle_async(std::move(req));
        co_return res;
    }
    if (path != "/" && path != group_home && path != "/group/") co_return refused(404, "没有这个页面。");
    if (req.method != "GET") {
        auto res = refused(405, "只能用 GET 访问。");
        res.headers["Allow"] = "GET";
        co_return res;
    }
    for (const auto& c : companies_)  // the page reads every company's database
        if (c.db->in_transaction()) co_return json_error(503, "busy, retry");
    auto who = member_of(req);
    if (path == "/") co_return redirect(who ? group_home : "/group/login");
    if (!who) co_return redirect("/group/login");
    co_return overview(*who);
}

raw_response group_board::overview(const viewer& who) {
    auto now = clock_.now();
    auto today = core::zone(group_.timezone).date_of(now);
    auto month = rules::month_of(today);
    std::vector<storage::database*> dbs;
    for (const auto& c : companies_) dbs.push_back(c.db);
    auto rollup = load_group_rollup(group_, dbs, month, now);
    std::vector<group_row> rows;
    for (std::size_t i = 0; i < companies_.size(); ++i) {
        group_row r;
        r.id = companies_[i].co->id;
        r.now = companies_[i].board->summary();
        r.month = i < rollup.companies.size() ? &rollup.companies[i] : nullptr;
        rows.push_back(std::move(r));
    }
    auto totals = rollup.total;
    return html(200, group_view(who, group_.group.name, rows, totals, month, today));
}

}  // namespace app::dashboard
