// The dashboard in process over loopback HTTP, as `serve` mounts it: app::service on its loop
// behind the bot's HTTP server on 127.0.0.1, a real SQLite file holding a day of complaints and
// fines (P1 answered late by 采购部: F1; P2 left unanswered by 物流部: F2), and the service's
// manual clock, so the lockout window and the idle expiry are walked through in virtual time.
#include "tests/dashboard/board_fixture.hpp"

using namespace dashboard_fixture;
using harness::at;

namespace {

std::vector<std::string> ids(const std::string& body) {
    std::vector<std::string> out;
    for (const auto& item : json::parse(body)) out.push_back(item["id"]);
    return out;
}

}  // namespace

TEST(Dashboard, LoginSetsAStrictSessionCookieAndTheHomePageShowsWhoIsLoggedIn) {
    board b;
    auto r = b.login("wujiu");
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.headers["location"], "/");
    auto cookie = r.headers["set-cookie"];
    EXPECT_EQ(cookie.rfind("cb_session=", 0), 0u) << cookie;
    for (const auto* flag : {"; HttpOnly", "; SameSite=Strict", "; Path=/"})
        EXPECT_NE(cookie.find(flag), std::string::npos) << flag << " missing: " << cookie;
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "no https public_url: " << cookie;
    auto sid = cookie.substr(11, cookie.find(';') - 11);
    EXPECT_EQ(sid.size(), 43u);
    // Only the SHA-256 of the session id is stored.
    auto stored = b.table("SELECT id_hash, person FROM dashboard_sessions");
    EXPECT_EQ(stored, app::dashboard::sha256_hex(sid) + "|wujiu|\n");
    EXPECT_EQ(stored.find(sid), std::string::npos);

    auto home = b.get("/", "cb_session=" + sid);
    EXPECT_EQ(home.status, 200);
    EXPECT_NE(home.body.find("已登录：吴九（wujiu）"), std::string::npos) << home.body;
    EXPECT_NE(home.body.find("采购部（部门负责人）"), std::string::npos) << home.body;
    EXPECT_NE(home.body.find("action=\"/logout\""), std::string::npos);
    EXPECT_FALSE(b.csrf_of("cb_session=" + sid).empty());
    // Logged in, /login leads home.
    EXPECT_EQ(b.get("/login", "cb_session=" + sid).status, 303);
}

TEST(Dashboard, BehindHttpsTheCookieIsSecure) {
    auto cfg = harness::company();
    cfg.server.public_url = "https://bot.example.com";
    board b(cfg);
    auto r = b.login("wangwu");
    ASSERT_EQ(r.status, 303);
    EXPECT_NE(r.headers["set-cookie"].find("; Secure"), std::string::npos) << r.headers["set-cookie"];
    // A form posted from another site is refused; from the public URL it is not.
    auto foreign = loopback::call(b.port(), http::verb::post, "/login", "user=wangwu&password=x",
                                  {{"Content-Type", form}, {"Origin", "https://evil.example"}});
    EXPECT_EQ(foreign.status, 403);
}

TEST(Dashboard, AWrongPasswordOrAnUnknownUserIs401WithoutACookie) {
    board b;
    for (auto [user, password] : {std::pair<std::string, std::string>{"wujiu", "wrong-password"},
                                  {"nobody", good_password},
                                  {"heping", good_password},  // a person without an account
                                  {"wujiu", ""}}) {
        auto r = b.login(user, password);
        EXPECT_EQ(r.status, 401) << user;
        EXPECT_FALSE(r.headers.count("set-cookie")) << user;
        EXPECT_NE(r.body.find("人员编号或密码错误"), std::string::npos);
    }
    EXPECT_EQ(b.table("SELECT COUNT(*) FROM dashboard_sessions"), "0|\n");
}

TEST(Dashboard, FiveFailuresIn15MinutesLockThePersonOutFor15MinutesAndTheEventLogSaysSo) {
    board b;
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(b.login("wujiu", "guess-" + std::to_string(i)).status, 401);
        b.advance(2min);
    }
    EXPECT_EQ(b.login("wujiu", "guess-5").status, 401);  // the fifth within 15 minutes: locked
    auto sixth = b.login("wujiu");                       // the right password, refused
    EXPECT_EQ(sixth.status, 429) << sixth.body;
    EXPECT_FALSE(sixth.headers.count("set-cookie"));
    EXPECT_NE(sixth.body.find("已暂时锁定"), std::string::npos);
    auto events = b.table("SELECT complaint_id, actor, type FROM events WHERE type = 'dashboard_locked'");
    EXPECT_EQ(events, "|wujiu|dashboard_locked|\n");
    EXPECT_TRUE(b.db().verify_audit().ok);
    // Another person is not affected.
    EXPECT_EQ(b.login("zhengshi").status, 303);

    b.advance(14min);
    EXPECT_EQ(b.login("wujiu").status, 429);
    b.advance(1min + 1s);  // 15 minutes after the lock
    EXPECT_EQ(b.login("wujiu").status, 303);
}

TEST(Dashboard, FailuresSpreadOverMoreThan15MinutesDoNotLock) {
    board b;
    for (int i = 0; i < 6; ++i) {
        EXPECT_EQ(b.login("wujiu", "guess").status, 401);
        b.advance(4min);  // never five within 15 minutes
    }
    EXPECT_EQ(b.login("wujiu").status, 303);
}

TEST(Dashboard, WithoutASessionTheApiIs401AndTheHomePageLeadsToTheLoginForm) {
    board b;
    for (const auto* target : {"/api/complaints", "/api/fines", "/api/fines?from=2026-11-01"}) {
        auto r = b.get(target);
        EXPECT_EQ(r.status, 401) << target;
        EXPECT_EQ(r.headers["content-type"], "application/json");
        EXPECT_TRUE(json::parse(r.body).contains("error"));
    }
    EXPECT_EQ(b.get("/api/fines", "cb_session=forged").status, 401);
    auto home = b.get("/");
    EXPECT_EQ(home.status, 303);
    EXPECT_EQ(home.headers["location"], "/login");
    auto page = b.get("/login");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<form method=\"post\" action=\"/login\">"), std::string::npos);
    EXPECT_NE(page.body.find("密码"), std::string::npos);
}

TEST(Dashboard, APostWithoutItsCsrfTokenIs403AndChangesNothing) {
    board b;
    auto cookie = b.session_of("wangwu");
    auto before = b.table("SELECT * FROM dashboard_sessions ORDER BY id_hash");
    EXPECT_EQ(b.post("/logout", "", cookie).status, 403);
    EXPECT_EQ(b.post("/logout", "csrf=forged-token", cookie).status, 403);
    auto other = b.session_of("wujiu");  // another session's token does not do either
    EXPECT_EQ(b.post("/logout", "csrf=" + b.csrf_of(other), cookie).status, 403);
    EXPECT_EQ(b.table("SELECT * FROM dashboard_sessions WHERE person = 'wangwu'"), before);
    EXPECT_EQ(b.get("/api/fines", cookie).status, 200);  // still logged in

    auto out = b.post("/logout", "csrf=" + b.csrf_of(cookie), cookie);
    EXPECT_EQ(out.status, 303);
    EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(b.get("/api/fines", cookie).status, 401);
    EXPECT_EQ(b.get("/api/fines", other).status, 200);  // the other session is untouched
}

TEST(Dashboard, EachPersonSeesTheirScopeOnlyAndTheApiIsTheReportsJson) {
    board b;
    auto hr = b.session_of("wangwu");
    EXPECT_EQ(ids(b.get("/api/fines", hr).body), (std::vector<std::string>{"F1", "F2"}));
    EXPECT_EQ(ids(b.get("/api/complaints", hr).body), (std::vector<std::string>{"P1", "P2"}));
    // HR sees everything: exactly what `report … --format json` prints (the same functions).
    EXPECT_EQ(b.get("/api/complaints", hr).body, app::complaints_report_json(b.db(), {}));
    EXPECT_EQ(b.get("/api/fines", hr).body, app::penalties_report_json(b.db(), {}));

    auto purchasing = b.session_of("wujiu");  // head of 采购部
    auto fines = b.get("/api/fines", purchasing);
    EXPECT_EQ(fines.status, 200);
    EXPECT_EQ(ids(fines.body), (std::vector<std::string>{"F1"}));
    for (const auto& f : json::parse(fines.body)) EXPECT_EQ(f["department"], "采购部");
    EXPECT_EQ(ids(b.get("/api/complaints", purchasing).body), (std::vector<std::string>{"P1"}));
    // Asking for another department shows nothing of it.
    EXPECT_EQ(b.get("/api/fines?department=%E7%89%A9%E6%B5%81%E9%83%A8", purchasing).body, "[]\n");
    EXPECT_EQ(ids(b.get("/api/fines?department=%E7%89%A9%E6%B5%81%E9%83%A8", hr).body),
              (std::vector<std::string>{"F2"}));

    EXPECT_EQ(ids(b.get("/api/fines", b.session_of("zhengshi")).body), (std::vector<std::string>{"F2"}));
    auto production = b.session_of("zhaoliu");  // 生产部 answered P1 in time: no fine
    EXPECT_EQ(b.get("/api/fines", production).body, "[]\n");
    EXPECT_EQ(ids(b.get("/api/complaints", production).body), (std::vector<std::string>{"P1"}));
    auto vp = b.session_of("liuqiang");  // VP of both sales departments
    EXPECT_EQ(ids(b.get("/api/complaints", vp).body), (std::vector<std::string>{"P1", "P2"}));
    EXPECT_EQ(b.get("/api/fines", vp).body, "[]\n");
    auto salesman = b.session_of("zhangsan");  // his own complaint, no fines
    EXPECT_EQ(ids(b.get("/api/complaints", salesman).body), (std::vector<std::string>{"P1"}));
    EXPECT_EQ(b.get("/api/fines", salesman).body, "[]\n");
    EXPECT_EQ(ids(b.get("/api/complaints", b.session_of("linfang")).body), (std::vector<std::string>{"P2"}));

    // The period and bad parameters.
    EXPECT_EQ(b.get("/api/fines?from=2026-11-24", hr).body, "[]\n");
    EXPECT_EQ(ids(b.get("/api/fines?from=2026-11-23&to=2026-11-23", hr).body),
              (std::vector<std::string>{"F1", "F2"}));
    EXPECT_EQ(b.get("/api/fines?from=23.11.2026", hr).status, 400);
    EXPECT_EQ(b.get("/api/fines?from=2026-11-24&to=2026-11-23", hr).status, 400);
    EXPECT_EQ(b.get("/api/fines?department=nowhere", hr).status, 400);
    EXPECT_EQ(b.get("/api/other", hr).status, 404);
}

TEST(Dashboard, TheComplaintsApiPagesAsTheReportsLimitAndAfter) {
    board b;
    auto hr = b.session_of("wangwu");
    auto first = b.get("/api/complaints?limit=1&from=2026-11-23", hr);
    ASSERT_EQ(first.status, 200);
    EXPECT_EQ(ids(first.body), (std::vector<std::string>{"P1"}));
    EXPECT_EQ(first.headers["x-total-count"], "2");
    EXPECT_EQ(first.headers["link"], "</api/complaints?limit=1&after=P1&from=2026-11-23>; rel=\"next\"");
    auto next = b.get("/api/complaints?limit=1&after=P1&from=2026-11-23", hr);
    EXPECT_EQ(ids(next.body), (std::vector<std::string>{"P2"}));
    EXPECT_TRUE(next.headers["link"].empty());  // the last page
    // Each page is what `report complaints --format json --limit 1 [--after P1]` prints.
    app::report_query q;
    q.from = core::local_date{2026, 11, 23};
    q.limit = 1;
    EXPECT_EQ(first.body, app::complaints_report_json(b.db(), q));
    q.after = "P1";
    EXPECT_EQ(next.body, app::complaints_report_json(b.db(), q));
    // A head pages through their own scope only.
    auto purchasing = b.get("/api/complaints?limit=1", b.session_of("wujiu"));
    EXPECT_EQ(ids(purchasing.body), (std::vector<std::string>{"P1"}));
    EXPECT_EQ(purchasing.headers["x-total-count"], "1");
    EXPECT_TRUE(purchasing.headers["link"].empty());
    EXPECT_EQ(b.get("/api/complaints?after=P1", b.session_of("wujiu")).body, "[]\n");
    // Bad pages are refused with what to write.
    for (const char* bad :
         {"limit=0", "limit=1001", "limit=ten", "limit=5x", "after=P99", "after=%E6%97%A0"}) {
        auto r = b.get(std::string("/api/complaints?") + bad, hr);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_TRUE(r.body.find(bad[0] == 'l' ? "1 to 1000" : "last complaint of the previous page") !=
                    std::string::npos)
            << bad << ": " << r.body;
    }
}

TEST(Dashboard, EveryResponseCarriesTheSecurityHeaders) {
    board b;
    auto cookie = b.session_of("wangwu");
    std::vector<loopback::reply> replies{b.get("/login"),
                                         b.get("/"),
                                         b.get("/", cookie),
                                         b.get("/api/fines"),
                                         b.get("/api/fines", cookie),
                                         b.login("wangwu", "wrong"),
                                         b.post("/logout", "", cookie),
                                         b.post("/", "", cookie),
                                         b.login("wangwu")};
    for (const auto& r : replies) {
        auto h = r.headers;
        EXPECT_NE(h["content-security-policy"].find("default-src 'self'"), std::string::npos) << r.status;
        EXPECT_EQ(h["content-security-policy"].find("unsafe-inline"), std::string::npos);
        EXPECT_EQ(h["x-frame-options"], "DENY") << r.status;
        EXPECT_EQ(h["x-content-type-options"], "nosniff") << r.status;
        EXPECT_EQ(h["referrer-policy"], "same-origin") << r.status;
        EXPECT_EQ(h["cache-control"], "no-store") << r.status;
    }
    EXPECT_EQ(replies[7].status, 405);
    EXPECT_EQ(replies[7].allow, "GET");
}

TEST(Dashboard, SessionsSurviveARestartAndEndAfter12HoursWithoutARequest) {
    board b;
    auto cookie = b.session_of("wangwu");
    b.stop();
    b.start();  // a new service and dashboard on the same file
    EXPECT_EQ(b.get("/api/fines", cookie).status, 200);
    b.advance(11h);
    EXPECT_EQ(b.get("/api/fines", cookie).status, 200);  // active: the idle time starts again
    b.advance(11h + 59min);
    EXPECT_EQ(b.get("/api/fines", cookie).status, 200);
    b.advance(12h);
    EXPECT_EQ(b.get("/api/fines", cookie).status, 401);
    EXPECT_EQ(b.table("SELECT COUNT(*) FROM dashboard_sessions WHERE person = 'wangwu'"), "0|\n");
}

TEST(Dashboard, ANewPasswordOrARemovedAccountEndsTheSessions) {
    board b;
    auto cookie = b.session_of("wujiu");
    b.db().set_account("wujiu", app::dashboard::hash_password("another-password"), at("14:00"));
    EXPECT_EQ(b.get("/api/fines", cookie).status, 401);
    EXPECT_EQ(b.login("wujiu").status, 401);
    EXPECT_EQ(b.login("wujiu", "another-password").status, 303);
    auto again = b.session_of("zhengshi");
    EXPECT_TRUE(b.db().remove_account("zhengshi"));
    EXPECT_EQ(b.get("/api/fines", again).status, 401);
    EXPECT_EQ(b.login("zhengshi").status, 401);
}
