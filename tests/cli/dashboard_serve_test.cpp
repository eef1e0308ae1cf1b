// The dashboard through the real program: `complaint-bot passwd` on the config's database, then
// `complaint-bot serve` answering the login and the JSON API on the webhooks' port over loopback
// HTTP, compared with what `complaint-bot report … --format json` prints from the same file; the
// log holds neither a password nor a session id.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/fake_platforms.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;

namespace {

// Also in tests/support/test_secrets.txt: no log of the suite may hold it.
const std::string password = "Dashboard-Test-Passw0rd-7f3c";
const std::string bot = BOT_BINARY;

int run(const std::string& command, std::string& out) {
    return test_support::run_command(command, out, true);
}

int passwd(const bot_process& b, const std::string& person, const std::string& input, std::string& out,
           const std::string& flags = {}) {
    return run("printf '%s\\n' '" + input + "' | " + bot + " passwd --config " + b.config().string() + " " +
                   person + flags,
               out);
}

std::string accounts(const std::filesystem::path& db) {
    if (!std::filesystem::exists(db)) return "(no database)";
    std::string s;
    for (const auto& row : storage::sql_console(db.string())
                               .rows("SELECT person, password_hash FROM dashboard_accounts ORDER BY person"))
        s += row[0] + " " + row[1] + "\n";
    return s;
}

std::string report(const bot_process& b, const std::string& kind, const std::string& flags = {}) {
    std::string out;
    EXPECT_EQ(test_support::run_command(
                  bot + " report " + kind + " --db " + b.db().string() + " --format json" + flags, out),
              0)
        << out;
    return out;
}

std::string cookie_of(const loopback::reply& r) {
    auto it = r.headers.find("set-cookie");
    return it == r.headers.end() ? std::string{} : it->second.substr(0, it->second.find(';'));
}

}  // namespace

TEST(DashboardServe, PasswdSetsAndRemovesAnAccountAndRefusesAPersonOutsideTheOrganization) {
    test_support::temp_dir dir;
    bot_process b(dir / "bot.db", "https://oapi.dingtalk.com/robot/send?access_token=x");
    std::string out;
    EXPECT_EQ(passwd(b, "wujiu", password, out), 0) << out;
    EXPECT_NE(out.find("dashboard password of 吴九 (wujiu) set"), std::string::npos) << out;
    auto set = accounts(b.db());
    EXPECT_EQ(set.rfind("wujiu $scrypt$ln=15,r=8,p=1$", 0), 0u) << set;
    EXPECT_EQ(set.find(password), std::string::npos);

    // Refused, nothing changed: a person the organization does not list, a short password.
    EXPECT_EQ(passwd(b, "ghost", password, out), 2);
    EXPECT_NE(out.find("'ghost' is not a person of the organization"), std::string::npos) << out;
    EXPECT_NE(out.find("organization.people"), std::string::npos) << out;
    EXPECT_EQ(passwd(b, "wujiu", "short", out), 2);
    EXPECT_NE(out.find("at least 8 characters"), std::string::npos) << out;
    EXPECT_EQ(run(bot + " passwd --config " + b.config().string() + " ghost --disable", out), 2);
    EXPECT_EQ(accounts(b.db()), set);

    EXPECT_EQ(passwd(b, "wujiu", password + "-new", out), 0) << out;
    EXPECT_NE(out.find("changed"), std::string::npos) << out;
    EXPECT_NE(accounts(b.db()), set);
    EXPECT_EQ(run(bot + " passwd --config " + b.config().string() + " wujiu --disable", out), 0);
    EXPECT_NE(out.find("removed"), std::string::npos) << out;
    EXPECT_EQ(accounts(b.db()), "");
    EXPECT_EQ(run(bot + " passwd --config " + b.config().string() + " wujiu --disable", out), 0);
    EXPECT_NE(out.find("nothing to remove"), std::string::npos) << out;
}

TEST(DashboardServe, ServeAnswersTheLoginAndTheApiAsTheReportsPrintAndLogsNoSecret) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    bot_process b(dir / "bot.db", dingtalk.url());
    std::string out;
    ASSERT_EQ(run(bot + " replay --config " + b.config().string() + " --script " +
                      test_support::source_path("examples/day.jsonl").string() + " --db " + b.db().string() +
                      " --format jsonl",
                  out),
              0)
        << out;
    for (const auto* who : {"wangwu", "wujiu", "zhangsan"})
        ASSERT_EQ(passwd(b, who, password, out), 0) << out;
    ASSERT_TRUE(b.start()) << b.log();

    const std::map<std::string, std::string> form{{"Content-Type", "application/x-www-form-urlencoded"}};
    auto wrong = b.request(http::verb::post, "/login", "user=wangwu&password=not-it", form);
    EXPECT_EQ(wrong.status, 401);
    EXPECT_TRUE(cookie_of(wrong).empty());
    auto ok = b.request(http::verb::post, "/login", "user=wangwu&password=" + password, form);
    ASSERT_EQ(ok.status, 303) << ok.body;
    auto cookie = cookie_of(ok);
    ASSERT_FALSE(cookie.empty());
    EXPECT_NE(ok.headers["set-cookie"].find("HttpOnly; SameSite=Strict"), std::string::npos);
    auto as_hr = std::map<std::string, std::string>{{"Cookie", cookie}};

    // HR sees everything: the API answers exactly what `report … --format json` prints.
    auto complaints = report(b, "complaints");
    auto fines = report(b, "penalties");
    ASSERT_GT(json::parse(fines).size(), 0u) << fines;
    auto api_complaints = b.request(http::verb::get, "/api/complaints", {}, as_hr);
    auto api_fines = b.request(http::verb::get, "/api/fines", {}, as_hr);
    EXPECT_EQ(api_complaints.status, 200);
    EXPECT_EQ(api_complaints.body, complaints);
    EXPECT_EQ(api_fines.body, fines);
    EXPECT_EQ(b.request(http::verb::get, "/api/fines?department=%E9%87%87%E8%B4%AD%E9%83%A8&from=2026-11-23",
                        {}, as_hr)
                  .body,
              report(b, "penalties", " --department 采购部 --from 2026-11-23"));
    EXPECT_EQ(report(b, "complaints"), complaints);  // nothing changed meanwhile
    // A page of the API is the report with the same --limit and --after.
    auto all = json::parse(complaints);
    ASSERT_GE(all.size(), 2u);
    std::string first = all[0]["id"];
    EXPECT_EQ(b.request(http::verb::get, "/api/complaints?limit=1&after=" + first, {}, as_hr).body,
              report(b, "complaints", " --limit 1 --after " + first));

    // The head of 采购部 sees only 采购部's fines.
    auto purchasing =
        cookie_of(b.request(http::verb::post, "/login", "user=wujiu&password=" + password, form));
    auto theirs = json::parse(b.request(http::verb::get, "/api/fines", {}, {{"Cookie", purchasing}}).body);
    std::size_t of_purchasing = 0;
    for (const auto& f : json::parse(fines)) of_purchasing += f["department"] == "采购部";
    EXPECT_EQ(theirs.size(), of_purchasing);
    for (const auto& f : theirs) EXPECT_EQ(f["department"], "采购部");
    // A salesperson sees no fines; nobody without a session sees anything.
    auto sales = cookie_of(b.request(http::verb::post, "/login", "user=zhangsan&password=" + password, form));
    EXPECT_EQ(b.request(http::verb::get, "/api/fines", {}, {{"Cookie", sales}}).body, "[]\n");
    EXPECT_EQ(b.request(http::verb::get, "/api/fines").status, 401);
    auto home = b.request(http::verb::get, "/", {}, as_hr);
    EXPECT_NE(home.body.find("已登录：王五（wangwu）"), std::string::npos) << home.body;
    EXPECT_EQ(home.headers["x-frame-options"], "DENY");

    EXPECT_EQ(b.stop(), 0);
    auto log = b.log();
    EXPECT_NE(log.find("dashboard: 王五 (wangwu) logged in"), std::string::npos) << log;
    EXPECT_NE(log.find("failed login for wangwu"), std::string::npos) << log;
    for (const auto& secret :
         {password, std::string("not-it"), cookie.substr(cookie.find('=') + 1),
          purchasing.substr(purchasing.find('=') + 1), sales.substr(sales.find('=') + 1)})
        EXPECT_EQ(log.find(secret), std::string::npos) << "a secret in the log: " << log;
}

TEST(DashboardServe, WithDashboardFalseItsRoutesAre404) {
    test_support::temp_dir dir;
    dingtalk_robot dingtalk;
    auto setup = dingtalk_http(dingtalk.url());
    setup.server = ", dashboard: false";
    bot_process b(dir / "bot.db", setup);
    ASSERT_TRUE(b.start()) << b.log();
    for (const auto* target : {"/", "/login", "/api/complaints", "/api/fines"})
        EXPECT_EQ(b.request(http::verb::get, target).status, 404) << target;
    EXPECT_EQ(b.request(http::verb::post, "/login", "user=wangwu&password=x").status, 404);
    EXPECT_EQ(b.stop(), 0);
}
