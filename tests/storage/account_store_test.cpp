// Schema v5, the dashboard's tables: a v4 file gains them empty and keeps everything else; accounts
// (set, replaced, removed with their sessions and failed logins), sessions by the hash of their id,
// the idle clean-up, the failures counted in a window, the lockout.
#include <gtest/gtest.h>

#include <filesystem>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

core::instant t0() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

}  // namespace

TEST(AccountStore, TheV3FixtureMigratesThroughV4ToV5WithEmptyDashboardTables) {
    test_support::temp_dir dir;
    auto path = (dir / "v3.db").string();
    std::filesystem::copy_file(test_support::source_path("tests/fixtures/storage/v3.db"), path);
    storage::database db(path);
    storage::sql_console sql(db);
    EXPECT_EQ(sql.scalar("PRAGMA user_version"), storage::database::schema_version);
    for (const auto* table : {"dashboard_accounts", "dashboard_sessions", "dashboard_login_failures"})
        EXPECT_EQ(sql.scalar(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
    EXPECT_EQ(db.all_complaints().size(), 5u);
    EXPECT_TRUE(db.verify_audit().ok);
}

TEST(AccountStore, AccountsSessionsAndFailedLogins) {
    test_support::temp_dir dir;
    storage::database db((dir / "bot.db").string());
    EXPECT_FALSE(db.account("wujiu"));
    db.set_account("wujiu", "$scrypt$one", t0());
    db.set_account("wangwu", "$scrypt$two", t0());
    EXPECT_EQ(db.account("wujiu")->password_hash, "$scrypt$one");
    EXPECT_EQ(db.account_people(), (std::vector<std::string>{"wangwu", "wujiu"}));

    db.add_session({"hash-a", "wujiu", "csrf-a", t0(), t0()});
    db.add_session({"hash-b", "wangwu", "csrf-b", t0(), t0()});
    EXPECT_EQ(db.session("hash-a")->csrf, "csrf-a");
    db.touch_session("hash-a", t0() + 1h);
    EXPECT_EQ(db.session("hash-a")->last_seen, t0() + 1h);
    EXPECT_EQ(db.remove_sessions_idle_since(t0() + 30min), 1);  // hash-b
    EXPECT_FALSE(db.session("hash-b"));

    // Failures are counted in the window; the lock is kept until a new password lifts it.
    EXPECT_EQ(db.add_login_failure("wujiu", t0(), t0() - 15min), 1);
    EXPECT_EQ(db.add_login_failure("wujiu", t0() + 10min, t0() - 5min), 2);
    EXPECT_EQ(db.add_login_failure("wujiu", t0() + 20min, t0() + 5min), 2);
    db.lock_account("wujiu", t0() + 35min);
    EXPECT_EQ(db.account("wujiu")->locked_until, t0() + 35min);
    db.set_account("wujiu", "$scrypt$three", t0() + 21min);  // ends the sessions, lifts the lock
    EXPECT_FALSE(db.account("wujiu")->locked_until);
    EXPECT_FALSE(db.session("hash-a"));
    EXPECT_EQ(db.add_login_failure("wujiu", t0() + 22min, t0()), 1);

    db.add_session({"hash-c", "wujiu", "csrf-c", t0(), t0()});
    EXPECT_TRUE(db.remove_account("wujiu"));
    EXPECT_FALSE(db.remove_account("wujiu"));
    EXPECT_FALSE(db.session("hash-c"));
    storage::sql_console sql(db);
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM dashboard_login_failures"), 0);
}
