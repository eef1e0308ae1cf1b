// Running it for real, with the real binary: one serve per database (a second serve or a
// `replay --db` exits 2 naming the PID that holds it, and changes nothing), the lock dies with the
// process (also SIGKILL), `report`, `audit verify` and `backup` work while serve runs, and a backup
// taken while serve is writing is consistent (`audit verify` passes on the copy).
#include <gtest/gtest.h>

#include <thread>

#include "support/fault_support.hpp"

using namespace std::chrono_literals;

namespace {

// The example config's organization (the sample company) with a database, a port and DingTalk in
// HTTP mode posting to `webhook`.
std::string ops_config(const std::filesystem::path& db, unsigned short port, const std::string& extra = {}) {
    auto text = test_support::read_file(test_support::source_path("config.example.yaml"));
    text = text.substr(0, text.find("# --- For `serve`"));
    text.replace(text.find("database: data/complaint-bot.db"), 31, "database: " + db.string());
    return text + "server: { listen: 127.0.0.1, port: " + std::to_string(port) +
           " }\nplatforms:\n  dingtalk: { app_secret_env: F_APP_SECRET, webhook_env: F_WEBHOOK, "
           "webhook_secret_env: F_WEBHOOK_SECRET, per_minute: 100000 }\n"
           "chats:\n  - { id: group, platform: dingtalk, conversation: \"cidGROUP==\" }\n" +
           extra;
}

struct live_bot {
    live_bot(const std::filesystem::path& dir, const std::string& webhook, const std::string& name = "bot")
        : db(dir / "bot.db"),
          port(test_support::free_port()),
          config(dir / (name + ".yaml")),
          log(fault::log_path(name)) {
        env = {{"F_APP_SECRET", fault::app_secret},
               {"F_WEBHOOK", webhook},
               {"F_WEBHOOK_SECRET", fault::robot_secret}};
        std::filesystem::remove(log);
        test_support::write_file(config, ops_config(db, port));
    }
    void launch() {
        proc = std::make_unique<test_support::child_process>(
            std::vector<std::string>{BOT_BINARY, "serve", "--config", config.string()}, env, log);
    }
    bool start() {
        launch();
        return fault::eventually([&] { return health().first == 200 || !proc->running(); }, 20s) &&
               health().first == 200;
    }
    std::pair<int, std::string> health() {
        return fault::call(port, fault::http::verb::get, "/healthz", {}, {}, 2s);
    }
    int callback(const std::string& msg_id, const std::string& text) {
        return fault::call(port, fault::http::verb::post, "/hooks/dingtalk",
                           fault::callback_body(msg_id, "dt-1002", text), fault::callback_headers())
            .first;
    }
    std::string read_log() {
        return std::filesystem::exists(log) ? test_support::read_file(log) : std::string{};
    }

    std::filesystem::path db;
    unsigned short port;
    std::filesystem::path config, log;
    std::vector<std::pair<std::string, std::string>> env;
    std::unique_ptr<test_support::child_process> proc;
};

std::string bot(const std::string& args) {
    return std::string(BOT_BINARY) + " " + args;
}

}  // namespace

TEST(Operations, ASecondServeOrAReplayOnALiveDatabaseExitsTwoNamingThePidAndChangesNothing) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    live_bot first(dir / "", robot.url(), "first");
    ASSERT_TRUE(first.start()) << first.read_log();
    ASSERT_EQ(first.callback("msg-1", fault::complaint_text("甲")), 200);
    auto inbound = fault::count(first.db, "SELECT count(*) FROM inbound");

    // A second serve with the same database (on another port).
    live_bot second(dir / "", robot.url(), "second");
    test_support::write_file(second.config, ops_config(first.db, second.port));
    second.launch();
    EXPECT_EQ(second.proc->wait(20s), 2) << second.read_log();
    const std::string in_use = "database " + first.db.string() + " is in use by complaint-bot serve (PID " +
                               std::to_string(first.proc->pid()) + ")";
    EXPECT_NE(second.read_log().find(in_use), std::string::npos) << second.read_log();
    EXPECT_EQ(second.health().first, 0);  // it never listened

    // replay --db on the live database.
    test_support::write_file(dir / "day.jsonl",
                             "{\"at\":\"2026-11-23T09:00:00+08:00\",\"from\":\"zhangsan\",\"text\":\"" +
                                 std::string("查询 P1") + "\"}\n");
    std::string out;
    EXPECT_EQ(
        test_support::run_command(bot("replay --config " + first.config.string() + " --script " +
                                      (dir / "day.jsonl").string() + " --db " + first.db.string() + " 2>&1"),
                                  out),
        2);
    EXPECT_NE(out.find(in_use), std::string::npos) << out;

    // Nothing changed: the first serve is healthy and its database holds the same messages.
    EXPECT_EQ(first.health().first, 200);
    EXPECT_EQ(fault::count(first.db, "SELECT count(*) FROM inbound"), inbound);
    EXPECT_EQ(first.callback("msg-2", fault::complaint_text("乙")), 200);
    EXPECT_EQ(fault::count(first.db, "SELECT count(*) FROM complaints"), 2);
}

TEST(Operations, TheLockDiesWithTheProcessEvenAfterSigkill) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    live_bot b(dir / "", robot.url());
    ASSERT_TRUE(b.start()) << b.read_log();
    b.proc->signal(SIGKILL);
    b.proc->wait(10s);
    // The lock file stays (naming the dead PID); the lock does not.
    EXPECT_TRUE(std::filesystem::exists(b.db.string() + ".lock"));
    ASSERT_TRUE(b.start()) << b.read_log();
    b.proc->signal(SIGTERM);
    EXPECT_EQ(b.proc->wait(20s), 0);
    test_support::write_file(dir / "day.jsonl", "{\"at\":\"2026-11-23T09:00:00+08:00\",\"end\":true}\n");
    std::string out;
    EXPECT_EQ(
        test_support::run_command(bot("replay --config " + b.config.string() + " --script " +
                                      (dir / "day.jsonl").string() + " --db " + b.db.string() + " 2>&1"),
                                  out),
        0)
        << out;
}

TEST(Operations, ReportAuditAndABackupWorkWhileServeIsWriting) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    live_bot b(dir / "", robot.url());
    ASSERT_TRUE(b.start()) << b.read_log();
    // Complaints keep arriving while the copy is taken.
    std::atomic<bool> stop{false};
    std::atomic<int> accepted{0};
    std::thread writer([&] {
        for (int i = 0; !stop && i < 400; ++i)
            if (b.callback("load-" + std::to_string(i), fault::complaint_text("客户" + std::to_string(i))) ==
                200)
                ++accepted;
    });
    ASSERT_TRUE(fault::eventually([&] { return accepted >= 5; }, 20s));
    std::string out;
    const auto copy = dir / "copy.db";
    int backup_rc =
        test_support::run_command(bot("backup --db " + b.db.string() + " --out " + copy.string()), out);
    auto during = accepted.load();
    std::string report, audit;
    int report_rc =
        test_support::run_command(bot("report complaints --format json --db " + b.db.string()), report);
    int audit_rc = test_support::run_command(bot("audit verify --db " + b.db.string()), audit);
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
    EXPECT_EQ(b.health().first, 200);
}

TEST(Operations, BackupRefusesAnExistingOutUnlessForcedAndChangesNothing) {
    fault::memory_dir dir;
    fault::fake_robot robot;
    live_bot b(dir / "", robot.url());
    ASSERT_TRUE(b.start()) << b.read_log();
    ASSERT_EQ(b.callback("msg-1", fault::complaint_text("甲")), 200);
    const auto out_file = dir / "copy.db";
    test_support::write_file(out_file, "yesterday's copy");
    std::string out;
    EXPECT_EQ(test_support::run_command(
                  bot("backup --db " + b.db.string() + " --out " + out_file.string() + " 2>&1"), out),
              2);
    EXPECT_NE(out.find("'" + out_file.string() + "' already exists: choose another --out, or pass --force"),
              std::string::npos)
        << out;
    EXPECT_EQ(test_support::read_file(out_file), "yesterday's copy");
    EXPECT_EQ(test_support::run_command(
                  bot("backup --db " + b.db.string() + " --out " + b.db.string() + " 2>&1"), out),
              2);
    EXPECT_NE(out.find("--out names the database itself"), std::string::npos) << out;
    EXPECT_EQ(test_support::run_command(bot("backup --db " + (dir / "missing.db").string() + " --out " +
                                            (dir / "x.db").string() + " 2>&1"),
                                        out),
              2);
    EXPECT_NE(out.find("does not exist"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.db"));

    EXPECT_EQ(test_support::run_command(
                  bot("backup --force --db " + b.db.string() + " --out " + out_file.string()), out),
              0)
        << out;
    EXPECT_EQ(fault::count(out_file, "SELECT count(*) FROM complaints"), 1);
    EXPECT_FALSE(std::filesystem::exists(out_file.string() + ".partial"));
}
