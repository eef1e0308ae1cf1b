// The PostgreSQL side of the command line, with the real binary and a real PostgreSQL 15
// (tests/support/pg_server): `migrate`'s exit codes and its one-line messages, --help, `backup` of
// a server database pointing at pg_dump, and what check-config and migrate say about the password
// (named by database_password_env and unset; written into the URL).
#include <gtest/gtest.h>

#include <string>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/bot_process.hpp"
#include "support/pg_server.hpp"
#include "support/test_support.hpp"

namespace {

using test_support::pg_server;

// A password that only this test knows (tests/support/test_secrets.txt lists it).
const std::string pg_password = "Pg-Test-Passw0rd-4e19";

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// `complaint-bot <args>` (with `env` before it): the exit status; `out` stdout and stderr.
int run(const std::string& args, std::string& out, const std::string& env = {}) {
    return test_support::run_command(env + (env.empty() ? "" : " ") + BOT_BINARY + " " + args, out, true);
}

std::string new_url() {
    return pg_server::shared().create_database(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
}

// The lines of `text`.
std::size_t lines(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

// A small database of the sample company: examples/day.jsonl replayed.
std::string replayed_day(const test_support::temp_dir& dir) {
    const auto db = (dir / "day.db").string();
    std::string out;
    EXPECT_EQ(run("replay --config " + test_support::source_path("examples/company.yaml").string() +
                      " --script " + test_support::source_path("examples/day.jsonl").string() + " --db " + db,
                  out),
              0)
        << out;
    return db;
}

}  // namespace

TEST(MigrateCli, CopiesAndVerifiesInTwoLinesAndExitsZero) {
    test_support::temp_dir dir;
    const auto db = replayed_day(dir);
    const auto url = new_url();
    std::string out;
    ASSERT_EQ(run("migrate --from " + db + " --to " + url, out), 0) << out;
    EXPECT_EQ(lines(out), 2u) << out;
    EXPECT_EQ(out.rfind("migrate: ", 0), 0u) << out;
    EXPECT_TRUE(has(out, " rows copied from " + db + " to " + url + " (2 complaints, ")) << out;
    EXPECT_TRUE(has(out, " fines, ")) << out;
    EXPECT_TRUE(has(out, "\naudit of the copy: ")) << out;
    EXPECT_TRUE(has(out, "the chain is intact and every fine matches the event that issued it\n")) << out;

    // Back again into a file that does not exist yet.
    const auto back = (dir / "back.db").string();
    ASSERT_EQ(run("migrate --from " + url + " --to " + back, out), 0) << out;
    EXPECT_TRUE(has(out, " rows copied from " + url + " to " + back + " (2 complaints, ")) << out;
}

TEST(MigrateCli, RefusalsExitTwoWithOneLineSayingWhy) {
    test_support::temp_dir dir;
    const auto db = replayed_day(dir);
    std::string out;
    EXPECT_EQ(run("migrate", out), 2) << out;
    EXPECT_TRUE(has(out, "complaint-bot: --from is required (see complaint-bot --help)")) << out;
    EXPECT_EQ(run("migrate --from " + db, out), 2) << out;
    EXPECT_TRUE(has(out, "complaint-bot: --to is required")) << out;

    EXPECT_EQ(run("migrate --from " + (dir / "none.db").string() + " --to " + (dir / "new.db").string(), out),
              2);
    EXPECT_EQ(out, "complaint-bot: database '" + (dir / "none.db").string() +
                       "' does not exist: pass the file `serve` wrote\n");
    EXPECT_EQ(run("migrate --from " + db + " --to " + db, out), 2);
    EXPECT_EQ(out,
              "complaint-bot: --from and --to name the same database: migrate copies into another one\n");
    EXPECT_EQ(run("migrate --from " + db + " --to " + (dir / "day.db").string(), out), 2);
    EXPECT_EQ(lines(out), 1u) << out;

    // Into a server database that already holds the day.
    const auto url = new_url();
    ASSERT_EQ(run("migrate --from " + db + " --to " + url, out), 0) << out;
    EXPECT_EQ(run("migrate --from " + db + " --to " + url, out), 2);
    EXPECT_EQ(out, "complaint-bot: the target database " + url +
                       " is not empty (2 rows in complaints): migrate into a new, empty database (createdb "
                       "…), nothing was copied\n");
    // A server that does not answer.
    const auto nobody =
        "postgresql://postgres@127.0.0.1:" + std::to_string(test_support::free_port()) + "/none";
    EXPECT_EQ(run("migrate --from " + db + " --to " + nobody, out), 2);
    EXPECT_EQ(out.rfind("complaint-bot: ", 0), 0u) << out;
    EXPECT_EQ(lines(out), 1u) << out;
    EXPECT_TRUE(has(out, "pg_isready")) << out;
}

TEST(MigrateCli, HelpListsMigrate) {
    std::string out;
    EXPECT_EQ(run("--help", out), 0) << out;
    EXPECT_TRUE(has(out, "migrate")) << out;
    EXPECT_TRUE(has(out, "copy a database into a new, empty one (SQLite to PostgreSQL or back)")) << out;
    EXPECT_EQ(run("migrate --help", out), 0) << out;
    EXPECT_TRUE(has(out, "--from")) << out;
    EXPECT_TRUE(has(out, "--to")) << out;
    EXPECT_TRUE(has(out, "PGPASSWORD")) << out;
    EXPECT_EQ(run("frobnicate", out), 2);
    EXPECT_TRUE(has(out, "use serve, replay, report, whatif, audit, backup, migrate, passwd or check-config"))
        << out;
}

TEST(MigrateCli, BackupOfAServerDatabasePointsAtPgDump) {
    test_support::temp_dir dir;
    const auto url = new_url();
    { storage::database created(url); }
    const auto out_file = (dir / "copy.db").string();
    std::string out;
    EXPECT_EQ(run("backup --db " + url + " --out " + out_file, out), 2);
    EXPECT_EQ(out,
              "complaint-bot: backup copies a SQLite file; back a PostgreSQL database up with pg_dump: "
              "pg_dump -Fc -f complaint-bot.dump '" +
                  url + "' (see the README, \"More than one machine\")\n");
    EXPECT_FALSE(std::filesystem::exists(out_file));
}

TEST(MigrateCli, CheckConfigNamesThePasswordVariableThatIsNotSet) {
    const auto url = new_url();
    auto setup = fake::dingtalk_http("http://127.0.0.1:9/robot/send?access_token=x");
    setup.yaml += "database_password_env: T_PG_PASSWORD_NOT_SET\n";
    fake::bot_process bot(url, setup, "check");
    std::string env = "env -u T_PG_PASSWORD_NOT_SET";
    for (const auto& [k, v] : setup.env) env += " " + k + "='" + v + "'";
    std::string out;
    EXPECT_EQ(run("check-config " + bot.config().string(), out, env), 2) << out;
    EXPECT_TRUE(
        has(out, "environment variable T_PG_PASSWORD_NOT_SET (database_password_env) is empty or unset"))
        << out;
    EXPECT_TRUE(has(out, "export it with the PostgreSQL password before starting serve")) << out;
    EXPECT_TRUE(has(out, "complaint-bot: serve would refuse this config (1 problem)")) << out;
    // With it set, the config passes and says where the password comes from.
    EXPECT_EQ(
        run("check-config " + bot.config().string(), out, env + " T_PG_PASSWORD_NOT_SET=" + pg_password), 0)
        << out;
    EXPECT_TRUE(has(out, "password from $T_PG_PASSWORD_NOT_SET")) << out;
    EXPECT_FALSE(has(out, pg_password)) << out;
    // serve itself refuses to start without it, naming the variable.
    bot.env() = setup.env;
    bot.launch();
    EXPECT_EQ(bot.proc().wait(std::chrono::seconds(30)), 2) << bot.log();
    EXPECT_TRUE(has(bot.log(), "T_PG_PASSWORD_NOT_SET")) << bot.log();
}

TEST(MigrateCli, APasswordInTheUrlIsRefused) {
    test_support::temp_dir dir;
    const auto port = std::to_string(pg_server::shared().port());
    const auto with_password = "postgresql://app:" + pg_password + "@127.0.0.1:" + port + "/complaints";
    // In the config: check-config refuses it, naming the fix, and does not repeat the password.
    auto setup = fake::dingtalk_http("http://127.0.0.1:9/robot/send?access_token=x");
    fake::bot_process bot(with_password, setup, "url");
    std::string env = "env";
    for (const auto& [k, v] : setup.env) env += " " + k + "='" + v + "'";
    std::string out;
    EXPECT_EQ(run("check-config " + bot.config().string(), out, env), 2) << out;
    EXPECT_TRUE(has(out, "the database URL holds a password")) << out;
    EXPECT_TRUE(has(out, "`database_password_env:`")) << out;
    EXPECT_FALSE(has(out, pg_password)) << out;
    // The same in the ?password= form.
    fake::bot_process query(
        "postgresql://app@127.0.0.1:" + port + "/complaints?sslmode=disable&password=" + pg_password, setup,
        "query");
    EXPECT_EQ(run("check-config " + query.config().string(), out, env), 2) << out;
    EXPECT_TRUE(has(out, "the database URL holds a password")) << out;
    EXPECT_FALSE(has(out, pg_password)) << out;

    // On migrate's command line: refused before anything is opened, the password not repeated.
    const auto db = replayed_day(dir);
    for (const auto& args :
         {"--from " + db + " --to " + with_password, "--from " + with_password + " --to " + db}) {
        EXPECT_EQ(run("migrate " + args, out), 2) << out;
        EXPECT_TRUE(has(out, "holds a password: remove it from the URL and export PGPASSWORD")) << out;
        EXPECT_FALSE(has(out, pg_password)) << out;
        EXPECT_EQ(lines(out), 1u) << out;
    }
    // A port in the URL is no password.
    const auto url = new_url();
    EXPECT_EQ(run("migrate --from " + db + " --to " + url, out), 0) << out;
}

TEST(MigrateCli, MigrateTakesThePasswordFromPgpassword) {
    test_support::temp_dir dir;
    auto& pg = pg_server::shared();
    const auto url = new_url();
    const auto name = url.substr(url.rfind('/') + 1);
    pg.admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'migrate_app') THEN "
        "CREATE ROLE migrate_app LOGIN PASSWORD '" +
        pg_password + "'; END IF; END $$");
    pg.admin("ALTER DATABASE \"" + name + "\" OWNER TO migrate_app");
    pg.prepend_hba("host all migrate_app 127.0.0.1/32 scram-sha-256");
    const auto app_url = "postgresql://migrate_app@127.0.0.1:" + std::to_string(pg.port()) + "/" + name;
    const auto db = replayed_day(dir);
    std::string out;
    EXPECT_EQ(
        run("migrate --from " + db + " --to " + app_url, out, "env -u PGPASSWORD PGPASSFILE=/nonexistent"), 2)
        << out;
    EXPECT_EQ(out.rfind("complaint-bot: ", 0), 0u) << out;
    EXPECT_TRUE(has(out, "password")) << out;
    EXPECT_EQ(run("migrate --from " + db + " --to " + app_url, out, "env PGPASSWORD=" + pg_password), 0)
        << out;
    EXPECT_TRUE(has(out, "to " + app_url + " (2 complaints")) << out;
    EXPECT_FALSE(has(out, pg_password)) << out;
}

// A serve started (and stopped) on the new database before the switch — to see that it connects —
// planned its scheduled jobs there; so did the SQLite serve, for the same days: the copy replaces
// the target's plan by the source's instead of failing on the same keys.
TEST(MigrateCli, IntoADatabaseServeStartedOnOnce) {
    test_support::temp_dir dir;
    const auto db = (dir / "bot.db").string();
    const auto url = new_url();
    for (const auto& location : {db, url}) {
        fake::bot_process serve(location, fake::dingtalk_http("http://127.0.0.1:9/robot/send?access_token=x"),
                                "serve");
        ASSERT_TRUE(serve.start(std::chrono::seconds(60))) << serve.log();
        EXPECT_EQ(serve.stop(), 0) << serve.log();
    }
    auto jobs = [](const std::string& location) {
        storage::database d(location);
        return storage::sql_console(d).rows(
            "SELECT complaint_id, key, due_at, state FROM deadlines ORDER BY complaint_id, key");
    };
    const auto planned = jobs(db);
    ASSERT_FALSE(planned.empty());
    ASSERT_FALSE(jobs(url).empty());
    std::string out;
    EXPECT_EQ(run("migrate --from " + db + " --to " + url, out), 0) << out;
    EXPECT_EQ(jobs(url), planned);
    // And it starts on the copy.
    fake::bot_process after(url, fake::dingtalk_http("http://127.0.0.1:9/robot/send?access_token=x"),
                            "after");
    ASSERT_TRUE(after.start(std::chrono::seconds(60))) << after.log();
    EXPECT_EQ(after.stop(), 0) << after.log();
}
