// `complaint-bot migrate` (storage/copy.hpp) against a real PostgreSQL 15 (tests/support/pg_server):
// the month of examples/month.jsonl replayed into SQLite, migrated to PostgreSQL and back, gives the
// same bytes for every report the CLI offers, the same rows per table and an intact audit; every
// refusal says why and leaves the target as it was; a tampered source is copied and its copy's audit
// names the event; the numbering of the target continues after the copied rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/backup.hpp"
#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/pg_server.hpp"
#include "support/test_support.hpp"

namespace {

using test_support::pg_server;

std::string bot() {
    return BOT_BINARY;
}

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// Runs the bot with `args`: its exit status; `out` its standard output (and error, when `merged`).
int run(const std::string& args, std::string& out, bool merged = false) {
    return test_support::run_command(bot() + " " + args, out, merged);
}

// The tables migrate copies, and those it leaves behind (who holds a lease, what a robot sent in
// its last minute: neither outlives the instances that wrote them).
const std::vector<std::string>& copied_tables() {
    static const std::vector<std::string> all = {"meta",
                                                 "inbound",
                                                 "rule_sets",
                                                 "complaints",
                                                 "complaint_pending",
                                                 "complaint_facts",
                                                 "events",
                                                 "deadlines",
                                                 "fines",
                                                 "outbox",
                                                 "dashboard_accounts",
                                                 "dashboard_sessions",
                                                 "dashboard_login_failures"};
    return all;
}
const std::vector<std::string>& tables() {
    static const std::vector<std::string> all = [] {
        auto v = copied_tables();
        v.insert(v.end(), {"leases", "rate_buckets"});
        return v;
    }();
    return all;
}

// Rows per table of the database at `location` (a SQLite file or a URL).
std::map<std::string, std::int64_t> counts(const std::string& location) {
    storage::database db(location);
    storage::sql_console sql(db);
    std::map<std::string, std::int64_t> n;
    for (const auto& t : tables()) n[t] = sql.scalar("SELECT COUNT(*) FROM " + t);
    return n;
}

// Every row of every table, sorted, as text: what "nothing changed" compares (on one backend).
std::string dump(const std::string& location) {
    storage::database db(location);
    storage::sql_console sql(db);
    std::string out;
    for (const auto& t : tables()) {
        auto rows = sql.rows("SELECT * FROM " + t);
        std::sort(rows.begin(), rows.end());
        out += "# " + t + "\n";
        for (const auto& r : rows) {
            for (const auto& cell : r) out += cell + "\t";
            out += "\n";
        }
    }
    return out;
}

// Every report of the CLI, in every format it writes to standard output, with the dates that make
// it a report of the replayed month (not of today).
const std::vector<std::string>& report_args() {
    static const std::vector<std::string> all = [] {
        std::vector<std::string> v;
        const std::string month = " --from 2026-11-01 --to 2026-12-31";
        for (const std::string kind : {"penalties", "complaints", "sheet", "weekly", "statement", "crisis"})
            for (const std::string format : {"text", "csv", "json"}) {
                v.push_back(kind + " --format " + format + month);
                v.push_back(kind + " --format " + format);  // the defaults (all, this week, this month)
            }
        v.push_back("weekly --from 2026-11-02 --to 2026-11-08");
        v.push_back("sheet --from 2026-11-10 --to 2026-11-10");
        v.push_back("complaints --department 物流部 --format json");
        v.push_back("complaints --department 生产部");
        v.push_back("penalties --department 采购部");
        v.push_back("complaints --limit 2 --after P2 --format json");
        for (const std::string format : {"text", "json"}) {
            v.push_back("monthly --format " + format + " --from 2026-11-01");
            v.push_back("monthly --format " + format + " --from 2026-12-01");
            v.push_back("quarterly --format " + format + " --from 2026-10-01");
        }
        return v;
    }();
    return all;
}

// report <args> --db <location>: its standard output (a test failure unless it exits 0).
std::string report(const std::string& args, const std::string& location) {
    std::string out;
    EXPECT_EQ(run("report " + args + " --db " + location, out), 0)
        << args << " on " << location << ": " << out;
    return out;
}

constexpr const char* dashboard_password = "Dashboard-Test-Passw0rd-7f3c";  // test_secrets.txt

const std::string december_script =
    R"({"at": "2026-12-02T09:00:00+08:00", "from": "zhangsan", "text": "产品质量投诉\n投诉人：张三\n)"
    R"(客户名称：华北机电有限公司\n发货日期：2026年11月28日\n品牌：金虎\n规格及数量：M10×50 镀锌螺栓 )"
    R"(100盒\n产品存在的质量问题：镀层起皮\n客户要求：退货并补发合格品\n投诉时间：2026年12月2日8时50分"})"
    "\n"
    R"({"at": "2026-12-02T09:02:00+08:00", "from": "chenjing", "text": "批准 P7"})"
    "\n"
    R"({"at": "2026-12-02T09:04:00+08:00", "from": "zhoumin", "text": "受理 P7"})"
    "\n"
    R"({"at": "2026-12-02T09:25:00+08:00", "from": "zhoumin", "text": "工艺 P7 批号B2612-01 调查: 生产部 采购部"})"
    "\n"
    R"({"at": "2026-12-02T09:40:00+08:00", "end": true})"
    "\n";

// The replayed month (and an open complaint of December), once for the suite: every test copies it (or
// migrates it) as it needs.
class Migrate : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new test_support::temp_dir;
        month_ = (*dir_ / "month.db").string();
        const auto config = (*dir_ / "month.yaml").string();
        auto yaml = test_support::read_file(test_support::source_path("examples/month.yaml"));
        yaml.replace(yaml.find("database: data/complaint-bot.db"), 31, "database: " + month_);
        test_support::write_file(config, yaml);
        std::string out;
        auto replay = [&](const std::string& script) {
            return test_support::run_command(
                bot() + " replay --config " + config + " --script " + script + " --db " + month_, out, true);
        };
        ASSERT_EQ(replay(test_support::source_path("examples/month.jsonl").string()), 0) << out;
        // Every complaint of the month is closed by its end: one more, open, waiting for two
        // departments' replies (complaint_pending, open deadlines).
        const auto december = (*dir_ / "december.jsonl").string();
        test_support::write_file(december, december_script);
        ASSERT_EQ(replay(december), 0) << out;
        // A dashboard account (as `passwd` sets it), a session and a failed login (as the dashboard
        // stores them).
        ASSERT_EQ(test_support::run_command("echo '" + std::string(dashboard_password) + "' | " + bot() +
                                                " passwd --config " + config + " wangwu",
                                            out, true),
                  0)
            << out;
        storage::sql_console sql(month_);
        sql.exec(
            "INSERT INTO dashboard_sessions(id_hash, person, csrf, created_at, last_seen) "
            "VALUES('5e55' || 'a1', 'wangwu', 'csrf-1', 1795000000000, 1795000100000)");
        sql.exec("INSERT INTO dashboard_login_failures(person, at) VALUES('sunli', 1795000200000)");
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    // A fresh PostgreSQL database named after the test.
    std::string new_url(const std::string& suffix = "") {
        return pg_server::shared().create_database(
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()).substr(0, 30) +
            suffix);
    }
    // A copy of the month (its own file, for a test that changes it).
    std::string month_copy(const std::string& name) {
        auto path = (dir / name).string();
        storage::backup_database(month_, path, false);
        return path;
    }
    static std::string month_;
    static test_support::temp_dir* dir_;
    test_support::temp_dir dir;
};

std::string Migrate::month_;
test_support::temp_dir* Migrate::dir_ = nullptr;

TEST_F(Migrate, TheMonthGivesTheSameReportsOnPostgresqlAndBackOnSqlite) {
    const auto url = new_url();
    std::string out;
    ASSERT_EQ(run("migrate --from " + month_ + " --to " + url, out, true), 0) << out;
    const auto rows = counts(month_);
    EXPECT_TRUE(has(out, "migrate: ")) << out;
    EXPECT_TRUE(has(out, std::to_string(rows.at("complaints")) + " complaints, " +
                             std::to_string(rows.at("events")) + " events, " +
                             std::to_string(rows.at("fines")) + " fines"))
        << out;
    EXPECT_TRUE(has(out, "audit of the copy: " + std::to_string(rows.at("events")) + " events")) << out;
    EXPECT_NE(url.find("postgresql://"), std::string::npos);
    // The month holds something of each kind the reports read.
    EXPECT_GE(rows.at("complaints"), 5);
    EXPECT_GE(rows.at("fines"), 1);
    EXPECT_GE(rows.at("events"), 50);
    EXPECT_GE(rows.at("inbound"), 40);
    EXPECT_GE(rows.at("outbox"), 40);
    for (const auto& table : copied_tables())
        EXPECT_GT(rows.at(table), 0) << table << " is empty in the source";
    EXPECT_EQ(rows.at("complaint_pending"), 2);  // P7 waits for 生产部 and 采购部

    EXPECT_EQ(counts(url), rows);
    std::string audit_sqlite, audit_pg;
    EXPECT_EQ(run("audit verify --db " + month_, audit_sqlite), 0) << audit_sqlite;
    EXPECT_EQ(run("audit verify --db " + url, audit_pg), 0) << audit_pg;
    EXPECT_EQ(audit_pg, audit_sqlite);  // the same events, fines and last hash
    EXPECT_TRUE(has(audit_pg, "the chain is intact")) << audit_pg;

    // Back into a new SQLite file.
    const auto back = (dir / "back.db").string();
    ASSERT_EQ(run("migrate --from " + url + " --to " + back, out, true), 0) << out;
    EXPECT_EQ(counts(back), rows);
    std::string audit_back;
    EXPECT_EQ(run("audit verify --db " + back, audit_back), 0) << audit_back;
    EXPECT_EQ(audit_back, audit_sqlite);

    for (const auto& args : report_args()) {
        const auto expected = report(args, month_);
        EXPECT_FALSE(expected.empty()) << args;
        EXPECT_EQ(report(args, url), expected) << "report " << args << " differs on PostgreSQL";
        EXPECT_EQ(report(args, back), expected) << "report " << args << " differs after the way back";
    }
    // The reports did see the month (not an empty database).
    EXPECT_TRUE(has(report("penalties --format json", url), "\"F1\""))
        << report("penalties --format json", url);
    EXPECT_TRUE(has(report("complaints", url), "P4")) << report("complaints", url);
    EXPECT_TRUE(has(report("complaints --department 采购部", url), "P7")) << report("complaints", url);
}

TEST_F(Migrate, AChineseCollatedServerGivesTheSameReports) {
    // A server set up for a Chinese company sorts text by pinyin by default.
    auto& pg = pg_server::shared();
    const auto probe = new_url();
    const auto name = probe.substr(probe.rfind('/') + 1) + "_zh";
    pg.admin(
        "CREATE DATABASE \"" + name +
        "\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'");
    const auto url = pg.url_for(name);
    std::string out;
    ASSERT_EQ(run("migrate --from " + month_ + " --to " + url, out, true), 0) << out;
    EXPECT_EQ(counts(url), counts(month_));
    for (const auto& args : report_args())
        EXPECT_EQ(report(args, url), report(args, month_)) << "report " << args << " differs on PostgreSQL";
}

// The message of a refused migrate (exit 2) from `from` to `to`.
std::string refused(const std::string& from, const std::string& to) {
    std::string out;
    EXPECT_EQ(run("migrate --from " + from + " --to " + to, out, true), 2) << out;
    return out;
}

TEST_F(Migrate, ATargetHoldingAComplaintIsRefusedAndKeptAsItWas) {
    const auto url = new_url();
    {
        storage::database target(url);
        storage::sql_console(target).exec(
            "INSERT INTO complaints(id, kind, seq, status, posted_at, state, updated_at) "
            "VALUES('P1', 'product', 1, 'open', 1, '{}', 1)");
    }
    const auto before = dump(url);
    auto out = refused(month_, url);
    EXPECT_TRUE(has(out, "complaint-bot: the target database postgresql://postgres@127.0.0.1:" +
                             std::to_string(pg_server::shared().port()) + "/"))
        << out;
    EXPECT_TRUE(has(out,
                    " is not empty (1 rows in complaints): migrate into a new, empty database (createdb "
                    "…), nothing was copied"))
        << out;
    EXPECT_EQ(dump(url), before);
    EXPECT_EQ(counts(url).at("events"), 0);

    // The same from PostgreSQL into a SQLite file that already holds the month.
    const auto full = month_copy("full.db");
    const auto file_before = dump(full);
    out = refused(url, full);
    EXPECT_TRUE(
        has(out, "'" + full + "' exists: migrate writes a new file; move it away or pick another name"))
        << out;
    EXPECT_EQ(dump(full), file_before);
}

TEST_F(Migrate, AMissingSourceIsRefusedAndNothingIsCreated) {
    const auto missing = (dir / "nothing-here.db").string();
    const auto url = new_url();
    { storage::database created(url); }  // the schema, as a first start makes it
    const auto before = dump(url);
    auto out = refused(missing, url);
    EXPECT_TRUE(
        has(out, "complaint-bot: database '" + missing + "' does not exist: pass the file `serve` wrote"))
        << out;
    EXPECT_EQ(dump(url), before);
    const auto file = (dir / "new.db").string();
    out = refused(missing, file);
    EXPECT_TRUE(has(out, "database '" + missing + "' does not exist")) << out;
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(Migrate, AnExistingFileAsTargetIsRefusedAndKeptAsItWas) {
    const auto url = new_url();
    std::string out;
    ASSERT_EQ(run("migrate --from " + month_ + " --to " + url, out, true), 0) << out;
    // An empty file, and a database holding the month: neither is written.
    const auto empty = (dir / "empty.db").string();
    test_support::write_file(empty, "");
    out = refused(url, empty);
    EXPECT_TRUE(has(out, "complaint-bot: '" + empty +
                             "' exists: migrate writes a new file; move it away or pick another name"))
        << out;
    EXPECT_EQ(std::filesystem::file_size(empty), 0u);
    const auto other = month_copy("other.db");
    const auto before = dump(other);
    refused(url, other);
    EXPECT_EQ(dump(other), before);
}

TEST_F(Migrate, TheSameDatabaseOnBothSidesIsRefused) {
    const auto copy = month_copy("same.db");
    const auto before = dump(copy);
    auto out = refused(copy, copy);
    EXPECT_TRUE(
        has(out, "complaint-bot: --from and --to name the same database: migrate copies into another one"))
        << out;
    EXPECT_EQ(dump(copy), before);
    const auto url = new_url();
    { storage::database created(url); }
    const auto url_before = dump(url);
    out = refused(url, url);
    EXPECT_TRUE(has(out, "--from and --to name the same database")) << out;
    EXPECT_EQ(dump(url), url_before);
}

TEST_F(Migrate, ASourceOfANewerSchemaIsRefused) {
    const auto newer = month_copy("newer.db");
    storage::sql_console(newer).exec("PRAGMA user_version = 99");
    const auto url = new_url();
    { storage::database created(url); }
    const auto before = dump(url);
    auto out = refused(newer, url);
    EXPECT_TRUE(has(out, "complaint-bot: database schema version 99 is newer than this program (" +
                             std::to_string(storage::database::schema_version) + "): '" + newer +
                             "' was written by a newer complaint-bot"))
        << out;
    EXPECT_EQ(dump(url), before);
    const auto file = (dir / "from-newer.db").string();
    out = refused(newer, file);
    EXPECT_TRUE(has(out, "database schema version 99 is newer")) << out;
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_EQ(storage::sql_console(newer).scalar("PRAGMA user_version"), 99);
}

TEST_F(Migrate, ATamperedEventIsCopiedAndTheCopysAuditNamesIt) {
    const auto tampered = month_copy("tampered.db");
    {
        storage::sql_console raw(tampered);
        raw.exec("DROP TRIGGER events_append_only_update");
        raw.exec("UPDATE events SET actor = 'lisi' WHERE id = 5");
    }
    const auto url = new_url();
    std::string out;
    EXPECT_EQ(run("migrate --from " + tampered + " --to " + url, out, true), 1) << out;
    EXPECT_TRUE(has(out, "migrate: ")) << out;
    EXPECT_TRUE(has(out, "audit of the copy: event #5 (")) << out;
    EXPECT_TRUE(has(out, "does not match its hash: it was changed after it was written")) << out;
    // Copied as it was: the same rows, the changed one included.
    EXPECT_EQ(counts(url), counts(tampered));
    {
        storage::database db(url);
        EXPECT_EQ(storage::sql_console(db).text("SELECT actor FROM events WHERE id = 5"), "lisi");
    }
    std::string audit;
    EXPECT_EQ(run("audit verify --db " + url, audit, true), 1) << audit;
    EXPECT_TRUE(has(audit, "audit: event #5 (")) << audit;
    EXPECT_TRUE(has(audit, "does not match its hash")) << audit;
    EXPECT_TRUE(has(audit, "complaint-bot: audit failed: ")) << audit;
}

TEST_F(Migrate, TheTargetNumbersItsNewRowsAfterTheCopiedOnes) {
    const auto url = new_url();
    std::string out;
    ASSERT_EQ(run("migrate --from " + month_ + " --to " + url, out, true), 0) << out;
    storage::database db(url);
    storage::sql_console sql(db);
    const auto last_post = sql.scalar("SELECT MAX(id) FROM outbox");
    const auto posts = sql.scalar("SELECT COUNT(*) FROM outbox");
    ASSERT_GT(last_post, 1);
    {
        auto tx = db.begin();
        core::outbound_post post;
        post.chat = "group";
        post.text = "迁移后的第一条";
        db.enqueue(post, core::instant{core::duration{1'800'000'000'000}});
        tx->commit();
    }
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM outbox"), posts + 1);
    const auto new_id = sql.scalar("SELECT id FROM outbox WHERE text = '迁移后的第一条'");
    EXPECT_GT(new_id, last_post);
    EXPECT_EQ(new_id, sql.scalar("SELECT MAX(id) FROM outbox"));
    // The same for the rule sets: the next one stored gets a number after the copied ones.
    const auto last_rules = sql.scalar("SELECT MAX(id) FROM rule_sets");
    sql.exec("INSERT INTO rule_sets(sha256, rules) VALUES('after-migrate', '{}')");
    EXPECT_GT(sql.scalar("SELECT id FROM rule_sets WHERE sha256 = 'after-migrate'"), last_rules);
}

}  // namespace
