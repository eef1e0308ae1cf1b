// The dashboard of a group (examples/group.yaml) through the real program over loopback HTTP: 华东
// replays examples/day.jsonl and 华南 a complaint nobody accepts into their own SQLite files,
// `passwd` sets the accounts (a member of the group centre in the first company's database), then
// one `serve` answers /group (the centre's members: one row per company, the figures of
// `report group-rollup` for the month and of each company's 现在) and each company's pages under
// /c/<id>/ (its own people, or a member reading everything); a company's person stays inside their
// company, and every bad input is refused without changing anything.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include <thread>

#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"
#include "tests/cli/group_bot.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;
using namespace group_fixture;

namespace {

// Also in tests/support/test_secrets.txt: no log of the suite may hold it.
const std::string password = "Group-Dashboard-Passw0rd-51e9";
const std::string bot_binary = BOT_BINARY;
const std::map<std::string, std::string> form{{"Content-Type", "application/x-www-form-urlencoded"}};

// 华南's 郭欣 posts a complaint on Monday morning, 跟单部 accepts it and asks 生产部, which never
// answers: 60 yuan to its head 黄强.
const std::string huanan_script =
    R"({"at": "2026-11-23T09:10:00+08:00", "from": "guoxin", "msg_id": "hn1", "text": "产品质量投诉\n投诉人：郭欣\n客户名称：佛山顺德建材商行\n发货日期：2026年11月16日\n品牌：金虎\n规格及数量：PVC 排水管 110mm 300根\n产品存在的质量问题：管壁厚薄不均，部分开裂\n客户要求：换货\n投诉时间：2026年11月23日9时10分"}
{"at": "2026-11-23T09:12:00+08:00", "from": "chenxia", "text": "受理 P1"}
{"at": "2026-11-23T09:20:00+08:00", "from": "chenxia", "text": "工艺 P1 批号H2611-03，3号挤出线生产 调查: 生产部"}
{"at": "2026-11-23T18:30:00+08:00", "end": true}
)";

int run(const std::string& command, std::string& out) {
    return test_support::run_command(command, out, true);
}

std::string cookie_of(const loopback::reply& r) {
    auto it = r.headers.find("set-cookie");
    return it == r.headers.end() ? std::string{} : it->second.substr(0, it->second.find(';'));
}

// The CSRF token of a signed-in page (its logout form).
std::string csrf_of(const std::string& page) {
    auto at = page.find("name=\"csrf\" value=\"");
    if (at == std::string::npos) return {};
    at += 19;
    return page.substr(at, page.find('"', at) - at);
}

// The group with both companies' days replayed and the accounts set, serving its dashboards on a
// clock right after the day.
struct group_dashboard {
    group_robots robots;
    group_bot g{robots, {}, {"--clock-from", "2026-11-23T18:31:00+08:00"}, true};
    std::string out;

    group_dashboard() {
        auto config = g.bot->config().string();
        auto script = g.dir / "huanan.jsonl";
        test_support::write_file(script, huanan_script);
        EXPECT_EQ(run(bot_binary + " replay --config " + config + " --company huadong --script " +
                          test_support::source_path("examples/day.jsonl").string() + " --db " +
                          g.huadong_db().string() + " --format jsonl",
                      out),
                  0)
            << out;
        EXPECT_EQ(run(bot_binary + " replay --config " + config + " --company huanan --script " +
                          script.string() + " --db " + g.huanan_db().string() + " --format jsonl",
                      out),
                  0)
            << out;
        for (const auto* who : {"zhoujie", "huadong wangwu", "huadong zhangsan", "huanan zhouyan"}) {
            std::string w = who;
            auto space = w.find(' ');
            auto flags = space == std::string::npos
                             ? " " + w
                             : " --company " + w.substr(0, space) + " " + w.substr(space + 1);
            EXPECT_EQ(run("printf '%s\\n' '" + password + "' | " + bot_binary + " passwd --config " + config +
                              flags,
                          out),
                      0)
                << out;
        }
        EXPECT_TRUE(g.bot->start()) << g.bot->log();
        std::this_thread::sleep_for(500ms);  // the deadlines due at the start have fired
    }
    bot_process& bot() { return *g.bot; }

    loopback::reply get(const std::string& target, const std::string& cookie = {}) {
        std::map<std::string, std::string> h;
        if (!cookie.empty()) h["Cookie"] = cookie;
        return bot().request(http::verb::get, target, {}, h);
    }
    loopback::reply post(const std::string& target, const std::string& body, const std::string& cookie = {}) {
        auto h = form;
        if (!cookie.empty()) h["Cookie"] = cookie;
        return bot().request(http::verb::post, target, body, h);
    }
    // The session cookie of `user` logged in at `login` ("/group/login", "/c/huadong/login").
    std::string login(const std::string& at, const std::string& user) {
        auto r = post(at, "user=" + user + "&password=" + password);
        EXPECT_EQ(r.status, 303) << at << " " << user << ": " << r.body;
        return cookie_of(r);
    }
    std::string report(const std::string& company, const std::string& kind) {
        std::string text;
        EXPECT_EQ(run(bot_binary + " report " + kind + " --config " + bot().config().string() +
                          " --company " + company + " --format json",
                      text),
                  0)
            << text;
        return text;
    }
    // Both companies' complaints and fines.
    std::string data() {
        std::string s;
        for (const auto* co : {"huadong", "huanan"}) s += report(co, "complaints") + report(co, "penalties");
        return s;
    }
    // What a refusal must leave as it was: the data and every session.
    std::string state() {
        auto s = data();
        for (const auto& db : {g.huadong_db(), g.huanan_db()})
            for (const auto& row :
                 storage::sql_console(db.string())
                     .rows("SELECT id_hash, person FROM dashboard_sessions ORDER BY id_hash"))
                s += row[0] + " " + row[1] + "\n";
        return s;
    }
};

// The text between `from` and the next `to` after it in `page`.
std::string between(const std::string& page, const std::string& from, const std::string& to) {
    auto at = page.find(from);
    if (at == std::string::npos) return {};
    at += from.size();
    return page.substr(at, page.find(to, at) - at);
}

// The cells of the row of /group whose first cell links to `href`, as text without tags.
std::vector<std::string> row_of(const std::string& page, const std::string& href) {
    auto row = between(page, "<a href=\"" + href + "\">", "</tr>");
    std::vector<std::string> cells;
    std::size_t at = 0;
    while ((at = row.find("<td", at)) != std::string::npos) {
        auto open = row.find('>', at) + 1;
        auto close = row.find("</td>", open);
        cells.push_back(row.substr(open, close - open));
        at = close;
    }
    return cells;
}

}  // namespace

TEST(GroupDashboard, AMemberSeesEveryCompanysRowWithTheRollupsFiguresAndReadsEachCompany) {
    group_dashboard d;
    auto home = d.get("/");
    EXPECT_EQ(home.status, 303);
    EXPECT_EQ(home.headers["location"], "/group/login");
    auto login_page = d.get("/group/login");
    EXPECT_EQ(login_page.status, 200);
    EXPECT_NE(login_page.body.find("action=\"/group/login\""), std::string::npos) << login_page.body;
    EXPECT_EQ(login_page.headers["x-frame-options"], "DENY");

    auto ok = d.post("/group/login", "user=zhoujie&password=" + password);
    ASSERT_EQ(ok.status, 303) << ok.body;
    EXPECT_EQ(ok.headers["location"], "/group");
    EXPECT_NE(ok.headers["set-cookie"].find("; Path=/; HttpOnly; SameSite=Strict"), std::string::npos)
        << ok.headers["set-cookie"];
    auto member = cookie_of(ok);
    ASSERT_EQ(member.rfind("cb_group=", 0), 0u) << member;
    EXPECT_EQ(d.get("/", member).headers["location"], "/group");

    auto page = d.get("/group", member);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.headers["content-security-policy"].rfind("default-src 'self'", 0), 0u);
    EXPECT_NE(page.body.find("已登录：周杰（zhoujie）"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("href=\"/group/static/app.css\""), std::string::npos);
    EXPECT_EQ(page.body.find("<script"), std::string::npos);
    EXPECT_EQ(page.body.find("style="), std::string::npos);

    // Each row: 待处理 and 已超时 as that company's own 现在 counts them, the month's on-time rate,
    // fines and 满意率 as `report group-rollup` words them for 2026-11.
    std::string rollup;
    ASSERT_EQ(
        run(bot_binary + " report group-rollup --config " + d.bot().config().string() + " --month 2026-11",
            rollup),
        0)
        << rollup;
    for (const auto* id : {"huadong", "huanan"}) {
        auto cells = row_of(page.body, std::string("/c/") + id + "/");
        ASSERT_EQ(cells.size(), 7u) << id << "\n" << page.body;
        auto now = d.get(std::string("/c/") + id + "/api/now", member);
        ASSERT_EQ(now.status, 200) << now.body;
        auto counts = json::parse(now.body);
        EXPECT_EQ(cells[0], std::to_string(counts["count"].get<int>())) << id;
        EXPECT_EQ(cells[1], std::to_string(counts["late"].get<int>())) << id;
        auto line = between(rollup, std::string(id) == "huadong" ? "华东：" : "华南：", "\n");
        auto rate = cells[2].substr(0, cells[2].find("（"));
        EXPECT_NE(line.find("各环节按时率 " + rate), std::string::npos)
            << id << ": " << rate << " / " << line;
        EXPECT_NE(line.find("罚款 " + cells[3] + " 笔 " + cells[4]), std::string::npos)
            << id << ": " << cells[3] << " " << cells[4] << " / " << line;
    }
    auto huanan = row_of(page.body, "/c/huanan/");
    ASSERT_EQ(huanan.size(), 7u);
    EXPECT_EQ(huanan[0], "1");      // 郭欣's complaint
    EXPECT_EQ(huanan[3], "1");      // 生产部's 回复 missed
    EXPECT_EQ(huanan[4], "60 元");  // 华南's fine is 60 yuan
    EXPECT_EQ(huanan[5], "—（本月无回访）");
    EXPECT_EQ(huanan[6], "0");
    auto huadong = row_of(page.body, "/c/huadong/");
    ASSERT_EQ(huadong.size(), 7u);
    EXPECT_NE(huadong[3], "0");  // the day's fines
    EXPECT_NE(page.body.find("<td>集团合计</td>"), std::string::npos);

    // The link into 华南: its pages, its complaints only, read by the member.
    auto south = d.get("/c/huanan/", member);
    ASSERT_EQ(south.status, 200) << south.body;
    EXPECT_NE(south.body.find("华南 投诉看板"), std::string::npos);
    EXPECT_NE(south.body.find("href=\"/c/huanan/complaint/P1\""), std::string::npos) << south.body;
    EXPECT_NE(south.body.find("href=\"/c/huanan/static/app.css\""), std::string::npos);
    EXPECT_NE(south.body.find("action=\"/group/logout\""), std::string::npos);
    EXPECT_NE(south.body.find("href=\"/group\">集团总览</a>"), std::string::npos);
    EXPECT_EQ(south.body.find("佛山顺德") == std::string::npos, false) << "华南's customer on its board";
    EXPECT_EQ(south.body.find("华东五金"), std::string::npos) << "华东's customer on 华南's board";
    auto complaints = d.get("/c/huanan/api/complaints", member);
    EXPECT_EQ(complaints.status, 200);
    EXPECT_EQ(complaints.body, d.report("huanan", "complaints"));
    EXPECT_EQ(d.get("/c/huadong/api/complaints", member).body, d.report("huadong", "complaints"));
    EXPECT_EQ(d.get("/c/huadong/api/fines", member).body, d.report("huadong", "penalties"));
    EXPECT_EQ(d.get("/c/huanan/complaint/P1", member).status, 200);
    EXPECT_EQ(d.get("/c/huadong/static/app.css").status, 200);

    // The 已缴 button stays 华南's HR's: none on the member's ledger, and a POST is refused.
    auto fines = d.get("/c/huanan/fines?from=2026-11-01&to=2026-11-30", member);
    ASSERT_EQ(fines.status, 200);
    EXPECT_NE(fines.body.find("F1"), std::string::npos);
    EXPECT_EQ(fines.body.find("标记已缴"), std::string::npos);
    auto before = d.state();
    auto paid = d.post("/c/huanan/fines/F1/paid", "csrf=" + csrf_of(fines.body), member);
    EXPECT_EQ(paid.status, 403) << paid.body;
    EXPECT_EQ(d.state(), before);

    auto east_fines = d.report("huadong", "penalties");
    // 华南's HR marks it paid on its own ledger: through 华南's engine, in 华南's database only.
    auto hr = d.login("/c/huanan/login", "zhouyan");
    auto ledger = d.get("/c/huanan/fines?from=2026-11-01&to=2026-11-30", hr);
    ASSERT_NE(ledger.body.find("action=\"/c/huanan/fines/F1/paid\""), std::string::npos) << ledger.body;
    auto marked = d.post("/c/huanan/fines/F1/paid", "csrf=" + csrf_of(ledger.body), hr);
    EXPECT_EQ(marked.status, 303) << marked.body;
    EXPECT_EQ(marked.headers["location"].rfind("/c/huanan/fines?", 0), 0u) << marked.headers["location"];
    EXPECT_EQ(json::parse(d.report("huanan", "penalties"))[0]["status"], "paid");
    EXPECT_EQ(d.report("huadong", "penalties"), east_fines);

    // Logging out at /group ends the member's pages everywhere.
    auto out = d.post("/group/logout", "csrf=" + csrf_of(page.body), member);
    EXPECT_EQ(out.status, 303);
    EXPECT_EQ(out.headers["location"], "/group/login");
    EXPECT_EQ(d.get("/group", member).headers["location"], "/group/login");
    EXPECT_EQ(d.get("/c/huanan/", member).headers["location"], "/c/huanan/login");
    EXPECT_EQ(d.bot().stop(), 0) << d.bot().log();
}

TEST(GroupDashboard, ACompanysPersonLoggedInAtTheirCompanyIsRefusedAtTheOtherAndAtTheGroup) {
    group_dashboard d;
    auto r = d.post("/c/huadong/login", "user=wangwu&password=" + password);
    ASSERT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.headers["location"], "/c/huadong/");
    EXPECT_NE(r.headers["set-cookie"].find("; Path=/c/huadong; HttpOnly; SameSite=Strict"), std::string::npos)
        << r.headers["set-cookie"];
    auto east = cookie_of(r);
    auto board = d.get("/c/huadong/", east);
    ASSERT_EQ(board.status, 200) << board.body;
    EXPECT_NE(board.body.find("已登录：王五（wangwu）"), std::string::npos);
    EXPECT_NE(board.body.find("action=\"/c/huadong/logout\""), std::string::npos);
    EXPECT_EQ(board.body.find("集团总览"), std::string::npos);
    EXPECT_EQ(d.get("/c/huadong/api/complaints", east).body, d.report("huadong", "complaints"));
    // 华南's people and 华南's database do not know the session: its login, its API 401.
    auto before = d.data();
    auto south = d.get("/c/huanan/", east);
    EXPECT_EQ(south.status, 303);
    EXPECT_EQ(south.headers["location"], "/c/huanan/login");
    EXPECT_EQ(d.get("/c/huanan/api/complaints", east).status, 401);
    EXPECT_EQ(d.get("/c/huanan/fines", east).headers["location"], "/c/huanan/login");
    auto paid = d.post("/c/huanan/fines/F1/paid", "csrf=" + csrf_of(board.body), east);
    EXPECT_EQ(paid.status, 303);
    EXPECT_EQ(paid.headers["location"], "/c/huanan/login");
    // Nor is it the group centre's: neither as it is nor as the centre's cookie.
    EXPECT_EQ(d.get("/group", east).headers["location"], "/group/login");
    auto as_group = "cb_group=" + east.substr(east.find('=') + 1);
    EXPECT_EQ(d.get("/group", as_group).headers["location"], "/group/login");
    EXPECT_EQ(d.get("/c/huanan/", as_group).headers["location"], "/c/huanan/login");
    // 王五 has a password, but is no member of the centre: its login refuses him.
    auto centre = d.post("/group/login", "user=wangwu&password=" + password);
    EXPECT_EQ(centre.status, 401);
    EXPECT_TRUE(cookie_of(centre).empty());
    // A salesperson of 华东 sees only her own complaints, in 华东.
    auto sales = d.login("/c/huadong/login", "zhangsan");
    for (const auto& c : json::parse(d.get("/c/huadong/api/complaints", sales).body))
        EXPECT_EQ(c["complainant"], "zhangsan") << c.dump();
    EXPECT_EQ(d.get("/c/huanan/api/complaints", sales).status, 401);
    EXPECT_EQ(d.data(), before);  // the logins' own sessions aside
    EXPECT_EQ(d.bot().stop(), 0) << d.bot().log();
}

TEST(GroupDashboard, BadInputsAreRefusedAndChangeNothing) {
    group_dashboard d;
    auto member = d.login("/group/login", "zhoujie");
    auto page = d.get("/group", member);
    ASSERT_EQ(page.status, 200);
    auto before = d.state();

    // A company the group does not have.
    for (const auto* target : {"/c/nowhere/", "/c/nowhere/login", "/c/nowhere/api/complaints", "/c/", "/c"}) {
        auto r = d.get(target, member);
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << target;
    }
    EXPECT_EQ(d.post("/c/nowhere/login", "user=zhouyan&password=" + password).status, 404);
    EXPECT_EQ(d.get("/c/huanan/no-such-page", member).status, 404);
    EXPECT_EQ(d.get("/group/fines", member).status, 404);  // the centre has its one page
    // The wrong password, the right one of another person, an unknown user: 401 and no cookie.
    for (const auto* body : {"user=zhoujie&password=wrong-password", "user=wumin&password=wrong-password",
                             "user=nobody&password=x"}) {
        auto r = d.post("/group/login", body);
        EXPECT_EQ(r.status, 401) << body;
        EXPECT_TRUE(cookie_of(r).empty()) << body;
    }
    // Paths that mean another one once normalized.
    for (const auto* target :
         {"/c/../group", "/c/huanan/../huadong/", "/c/%2e%2e/group", "/c/huanan/%2E%2E/", "/c//huanan/",
          "/c/huanan/./fines", "/group/../c/huanan/", "/c/huanan%2ffines", "/c/huanan/complaint/..%5CP1"}) {
        auto r = d.get(target, member);
        EXPECT_EQ(r.status, 400) << target << ": " << r.body;
        EXPECT_EQ(r.headers["x-frame-options"], "DENY") << target;
    }
    // Logging out without the session's CSRF token, or with another one.
    EXPECT_EQ(d.post("/group/logout", "", member).status, 403);
    EXPECT_EQ(d.post("/group/logout", "csrf=forged", member).status, 403);
    EXPECT_EQ(d.post("/c/huanan/fines/F1/paid", "", member).status, 403);
    // A POST from another site.
    auto foreign = d.bot().request(
        http::verb::post, "/group/login", "user=zhoujie&password=" + password,
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Origin", "https://evil.example"}});
    EXPECT_EQ(foreign.status, 403);
    EXPECT_EQ(d.post("/", "x=1", member).status, 405);
    // The session holds, nothing changed.
    EXPECT_EQ(d.get("/group", member).status, 200);
    EXPECT_EQ(d.state(), before);
    // /c/huanan without the slash leads to its pages.
    auto bare = d.get("/c/huanan", member);
    EXPECT_EQ(bare.status, 303);
    EXPECT_EQ(bare.headers["location"], "/c/huanan/");
    EXPECT_EQ(d.bot().stop(), 0) << d.bot().log();
}
