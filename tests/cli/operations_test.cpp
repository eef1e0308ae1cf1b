// Running it for real, with the real binary: one serve per database (a second serve or a
// `replay --db` exits 2 naming the PID that holds it, and changes nothing), the lock dies with the
// process (also SIGKILL), `report`, `audit verify` and `backup` work while serve runs, and a backup
// taken while serve is writing is consistent (`audit verify` passes on the copy).
#include <gtest/gtest.h>

#include <thread>

#include "support/fault_support.hpp"

using namespace std::chrono_literals;

namespace {

// The example config's organization (the sample company) with DingTalk in HTTP mode posting to
// `webhook`.
fake::bot_setup ops_setup(const std::string& webhook) {
    auto setup = fake::dingtalk_http(webhook, ", per_minute: 100000");
    setup.organization = fake::example_organization();
    return setup;
}

std::string bot(const std::string& args) {
    return std::string(BOT_BINARY) + " " + args;
}

}  // namespace

TEST(Operations, ASecondServeOrAReplayOnALiveDatabaseExitsTwoNamingThePidAndChangesNothing) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    fake::bot_process first(dir / "bot.db", ops_setup(robot.url()), "first");
    ASSERT_TRUE(first.start()) << first.log();
    ASSERT_EQ(first.callback("msg-1", "dt-1002", fault::complaint_text("甲")), 200);
    auto inbound = fault::count(first.db(), "SELECT count(*) FROM inbound");

    // A second serve with the same database (on another port).
    fake::bot_process second(dir / "bot.db", ops_setup(robot.url()), "second");
    second.launch();
    EXPECT_EQ(second.proc().wait(20s), 2) << second.log();
    const std::string in_use = "database " + first.db().string() + " is in use by complaint-bot serve (PID " +
                               std::to_string(first.proc().pid()) + ")";
    EXPECT_NE(second.log().find(in_use), std::string::npos) << second.log();
    EXPECT_EQ(second.healthz().status, 0);  // it never listened

    // replay --db on the live database.
    test_support::write_file(dir / "day.jsonl",
                             "{\"at\":\"2026-11-23T09:00:00+08:00\",\"from\":\"zhangsan\",\"text\":\"" +
                                 std::string("查询 P1") + "\"}\n");
    std::string out;
    EXPECT_EQ(test_support::run_command(
                  bot("replay --config " + first.config().string() + " --script " +
                      (dir / "day.jsonl").string() + " --db " + first.db().string() + " 2>&1"),
                  out),
              2);
    EXPECT_NE(out.find(in_use), std::string::npos) << out;

    // Nothing changed: the first serve is healthy and its database holds the same messages.
    EXPECT_EQ(first.healthz().status, 200);
    EXPECT_EQ(fault::count(first.db(), "SELECT count(*) FROM inbound"), inbound);
    EXPECT_EQ(first.callback("msg-2", "dt-1002", fault::complaint_text("乙")), 200);
    EXPECT_EQ(fault::count(first.db(), "SELECT count(*) FROM complaints"), 2);
}

TEST(Operations, TheLockDiesWithTheProcessEvenAfterSigkill) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    fake::bot_process b(dir / "bot.db", ops_setup(robot.url()));
    ASSERT_TRUE(b.start()) << b.log();
    b.proc().signal(SIGKILL);
    b.proc().wait(10s);
    // The lock file stays (naming the dead PID); the lock does not.
    EXPECT_TRUE(std::filesystem::exists(b.db().string() + ".lock"));
    ASSERT_TRUE(b.start()) << b.log();
    b.proc().signal(SIGTERM);
    EXPECT_EQ(b.proc().wait(20s), 0);
    test_support::write_file(dir / "day.jsonl", "{\"at\":\"2026-11-23T09:00:00+08:00\",\"end\":true}\n");
    std::string out;
    EXPECT_EQ(
        test_support::run_command(bot("replay --config " + b.config().string() + " --script " +
                                      (dir / "day.jsonl").string() + " --db " + b.db().string() + " 2>&1"),
                                  out),
        0)
        << out;
}

TEST(Operations, ReportAuditAndABackupWorkWhileServeIsWriting) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    fake::bot_process b(dir / "bot.db", ops_setup(robot.url()));
    ASSERT_TRUE(b.start()) << b.log();
    // Complaints keep arriving while the copy is taken.
    std::atomic<bool> stop{false};
    std::atomic<int> accepted{0};
    std::thread writer([&] {
        for (int i = 0; !stop && i < 400; ++i)
            if (b.callback("load-" + std::to_string(i), "dt-1002",
                           fault::complaint_text("客户" + std::to_string(i))) == 200)
                ++accepted;
    });
    ASSERT_TRUE(fault::eventually([&] { return accepted >= 5; }, 20s));
    std::string out;
    const auto copy = dir / "copy.db";
    int backup_rc =
        test_support::run_command(bot("backup --db " + b.db().string() + " --out " + copy.string()), out);
    auto during = accepted.load();
    std::string report, audit;
    int report_rc =
        test_support::run_command(bot("report complaints --format json --db " + b.db().string()), report);
    int audit_rc = test_support::run_command(bot("audit verify --db " + b.db().string()), audit);
    stop = true;
    writer.join();

    EXPECT_EQ(backup_rc, 0) << out;
    EXPECT_NE(out.find("backup: "), std::string::npos) << out;
    EXPECT_NE(out.find("audit of the copy: "), std::string::npos) << out;
    EXPECT_NE(out.find("the chain is intact"), std::string::npos) << out;
    EXPECT_EQ(report_rc, 0) << report;
    EXPECT_NE(report.find("\"id\": \"P1\""), std::string::npos);
    EXPECT_EQ(audit_rc, 0) << audit;
    EXPECT_FALSE(std::filesystem::exists(copy.string() + "-wal"));  // one self-contained file

    // The copy is a whole state of the database: audit passes, and it holds what was committed
    // before the copy began (at least) and no more than what was committed by its end.
    std::string verify;
    EXPECT_EQ(test_support::run_command(bot("audit verify --db " + copy.string()), verify), 0) << verify;
    auto copied = fault::count(copy, "SELECT count(*) FROM complaints");
    EXPECT_GE(copied, 5);
    EXPECT_LE(copied, during + 1);
    EXPECT_EQ(fault::count(copy, "SELECT count(*) FROM complaints"),
              fault::count(copy, "SELECT count(*) FROM inbound"));
    EXPECT_EQ(b.healthz().status, 200);
}

TEST(Operations, BackupRefusesAnExistingOutUnlessForcedAndChangesNothing) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    fake::bot_process b(dir / "bot.db", ops_setup(robot.url()));
    ASSERT_TRUE(b.start()) << b.log();
    ASSERT_EQ(b.callback("msg-1", "dt-1002", fault::complaint_text("甲")), 200);
    const auto out_file = dir / "copy.db";
    test_support::write_file(out_file, "yesterday's copy");
    std::string out;
    EXPECT_EQ(test_support::run_command(
                  bot("backup --db " + b.db().string() + " --out " + out_file.string() + " 2>&1"), out),
              2);
    EXPECT_NE(out.find("'" + out_file.string() + "' already exists: choose another --out, or pass --force"),
              std::string::npos)
        << out;
    EXPECT_EQ(test_support::read_file(out_file), "yesterday's copy");
    EXPECT_EQ(test_support::run_command(
                  bot("backup --db " + b.db().string() + " --out " + b.db().string() + " 2>&1"), out),
              2);
    EXPECT_NE(out.find("--out names the database itself"), std::string::npos) << out;
    EXPECT_EQ(test_support::run_command(bot("backup --db " + (dir / "missing.db").string() + " --out " +
                                            (dir / "x.db").string() + " 2>&1"),
                                        out),
              2);
    EXPECT_NE(out.find("does not exist"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.db"));

    EXPECT_EQ(test_support::run_command(
                  bot("backup --force --db " + b.db().string() + " --out " + out_file.string()), out),
              0)
        << out;
    EXPECT_EQ(fault::count(out_file, "SELECT count(*) FROM complaints"), 1);
    EXPECT_FALSE(std::filesystem::exists(out_file.string() + ".partial"));
}
