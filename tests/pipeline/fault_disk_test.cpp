// Faults of the disk under the bot: the database on a tmpfs that fills up or is read-only under
// the real `complaint-bot serve`, and the bot's own database connection refusing writes under a
// running service in process. Each is answered 503 (the platform redelivers) with a clear log line,
// the bot stays up, and once the disk is back nothing is registered or posted twice.
#include <gtest/gtest.h>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <thread>

#include "adapters/dingtalk.hpp"
#include "config/loader.hpp"
#include "support/fault_support.hpp"
#include "support/service_host.hpp"

using namespace fault;

namespace {

// A small tmpfs for the database; skips the test where mounting is not permitted.
class tmpfs {
  public:
    explicit tmpfs(const std::filesystem::path& where, const std::string& size) : path_(where), size_(size) {
        std::filesystem::create_directories(path_);
        if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, ("size=" + size_).c_str()) != 0)
            error_ = std::strerror(errno);
        else
            mounted_ = true;
    }
    ~tmpfs() {
        if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    }
    tmpfs(const tmpfs&) = delete;
    tmpfs& operator=(const tmpfs&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    const std::filesystem::path& path() const { return path_; }
    // Remounts read-only / read-write; the kernel refuses ro (EBUSY) while a file is open for writing.
    int remount(bool read_only) {
        unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
        return ::mount("tmpfs", path_.c_str(), "tmpfs", flags, ("size=" + size_).c_str()) == 0 ? 0 : errno;
    }
    // Fills the filesystem to the last byte with `name`.
    void fill(const std::string& name) {
        std::ofstream out(path_ / name, std::ios::binary);
        std::string block(64 * 1024, '\0');
        while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) out.flush();
        out.clear();
        for (int i = 0; i < 64 * 1024 && out.put('\0'); ++i) out.flush();
    }

  private:
    std::filesystem::path path_;
    std::string size_;
    bool mounted_ = false;
    std::string error_;
};

#define REQUIRE_TMPFS(fs)                                         \
    if (!(fs).mounted())                                          \
    GTEST_SKIP() << "cannot mount a tmpfs here (" << (fs).error() \
                 << "): run the tests as root (CI does) to test a full or read-only disk"

std::size_t count_lines(const std::string& log, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

// The disk fills up under a running bot: callbacks get 503 (DingTalk redelivers), the log says
// "disk full" and how to fix it, the bot stays up; once space returns the redelivered callback gets
// 200, is registered once and its receipt is posted once.
TEST(Fault, FullDiskAnswers503AndRecoversWhenSpaceReturns) {
    test_support::temp_dir dir;
    tmpfs fs(dir / "mnt", "2m");
    REQUIRE_TMPFS(fs);
    fake_robot robot;
    bot_process bot(fs.path() / "bot.db", robot.url());
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_EQ(bot.callback("full-0", "dt-1002", complaint_text("F0")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s)) << bot.log();

    fs.fill("fill");
    for (int i = 0; i < 3; ++i) EXPECT_EQ(bot.callback("full-1", "dt-1002", complaint_text("F1")), 503);
    EXPECT_TRUE(bot.proc().running());
    EXPECT_EQ(bot.healthz().status, 200) << "reads still work: the bot is up";
    auto log = bot.log();
    EXPECT_GE(count_lines(log, "disk full: no space left for the database"), 3u) << log;
    EXPECT_NE(log.find("free space on its filesystem"), std::string::npos) << log;

    std::filesystem::remove(fs.path() / "fill");
    EXPECT_EQ(bot.callback("full-1", "dt-1002", complaint_text("F1")), 200) << bot.log();
    EXPECT_EQ(bot.callback("full-1", "dt-1002", complaint_text("F1")), 200);  // a late redelivery
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints WHERE state LIKE '%客户F1\"%'"), 1);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints"), 2);
    ASSERT_TRUE(eventually([&] { return robot.count() >= 2; }, 10s)) << bot.log();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(robot.count(), 2u);
    EXPECT_NE(robot.texts()[1].find("P2"), std::string::npos);
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}

// A read-only filesystem: Linux refuses to remount it read-only while the bot holds the database
// open for writing (EBUSY), so the bot meets it when it starts: it says "read-only" and how to fix
// it on one line and exits 2 (the service manager restarts it); the platform, getting no answer,
// redelivers. Remounted read-write, the bot starts and the redelivered callback is registered once.
// (A read-only database under a running bot is ReadOnlyDatabaseUnderARunningBot below.)
TEST(Fault, ReadOnlyFilesystemIsReportedAndRecoveredFromAfterRemount) {
    test_support::temp_dir dir;
    tmpfs fs(dir / "mnt", "4m");
    REQUIRE_TMPFS(fs);
    fake_robot robot;
    bot_process bot(fs.path() / "bot.db", robot.url());
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_EQ(bot.callback("ro-0", "dt-1002", complaint_text("R0")), 200);
    EXPECT_EQ(fs.remount(true), EBUSY) << "the kernel refuses while the database is open for writing";
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s)) << bot.log();
    ASSERT_EQ(bot.stop(), 0) << bot.log();

    ASSERT_EQ(fs.remount(true), 0);
    bot.launch();
    EXPECT_EQ(bot.proc().wait(20s), 2) << bot.log();
    EXPECT_EQ(bot.callback("ro-1", "dt-1002", complaint_text("R1"), 1s), 0);  // nobody answers: redelivered
    auto log = bot.log();
    EXPECT_NE(log.find("read-only"), std::string::npos) << log;
    EXPECT_NE(log.find("remount its filesystem read-write"), std::string::npos) << log;

    ASSERT_EQ(fs.remount(false), 0);
    ASSERT_TRUE(bot.start()) << bot.log();
    EXPECT_EQ(bot.callback("ro-1", "dt-1002", complaint_text("R1")), 200);
    EXPECT_EQ(bot.callback("ro-1", "dt-1002", complaint_text("R1")), 200);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints WHERE state LIKE '%客户R1\"%'"), 1);
    ASSERT_TRUE(eventually([&] { return robot.count() >= 2; }, 10s)) << bot.log();
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}

namespace {

// The service in process (real DingTalk adapter, real SQLite file, real loopback HTTP) so a test
// can make the bot's own database connection refuse writes: `PRAGMA query_only` answers
// SQLITE_READONLY exactly where a read-only filesystem would.
class in_process_bot {
  public:
    explicit in_process_bot(const std::string& webhook) {
        cfg_ = *conf::load_config(test_support::source_path("examples/company.yaml")).config;
        cfg_.chats = {{"group", "dingtalk", "cidGROUP=="}};
        db_ = std::make_unique<storage::database>((dir_ / "bot.db").string());
        adapters::dingtalk_config dc;
        dc.app_secret = app_secret;
        dc.robots["*"] = {webhook, robot_secret};
        std::map<std::string, std::unique_ptr<adapters::adapter>> adapters;
        adapters["dingtalk"] = std::make_unique<adapters::dingtalk_adapter>(std::move(dc));
        host_.start(cfg_, *db_, clock_, std::move(adapters), {{"group", "dingtalk", "cidGROUP==", 100000}});
    }
    void writable(bool yes) {
        host_.on_loop([this, yes] {
            storage::sql_console(*db_).exec(yes ? "PRAGMA query_only = OFF" : "PRAGMA query_only = ON");
        });
    }
    int callback(const std::string& msg_id, const std::string& text) {
        return call(host_.port(), http::verb::post, "/hooks/dingtalk", callback_body(msg_id, "dt-1002", text),
                    callback_headers())
            .status;
    }
    int healthz() { return call(host_.port(), http::verb::get, "/healthz").status; }
    std::filesystem::path db_path() const { return dir_ / "bot.db"; }

  private:
    test_support::temp_dir dir_;
    rules::config cfg_;
    std::unique_ptr<storage::database> db_;
    core::system_clock clock_;
    loopback::service_host host_;  // last: stopped first
};

// Captures what the process logs while it lives.
class captured_log {
  public:
    captured_log() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(200)) {
        spdlog::default_logger()->sinks().push_back(sink_);
    }
    ~captured_log() {
        auto& sinks = spdlog::default_logger()->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
    }
    std::string text() const {
        std::string out;
        for (const auto& line : sink_->last_formatted()) out += line;
        return out;
    }

  private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
};

}  // namespace

// The database turns read-only under the running bot (what a filesystem remounted read-only after
// an I/O error looks like to SQLite): 503 so the platform redelivers, one clear log line per refused
// callback, the bot stays up, and once writable again the redelivered callback is registered once.
TEST(Fault, ReadOnlyDatabaseUnderARunningBotAnswers503AndRecovers) {
    captured_log log;
    fake_robot robot;
    in_process_bot bot(robot.url());
    ASSERT_EQ(bot.callback("rw-0", complaint_text("Q0")), 200);
    bot.writable(false);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(bot.callback("rw-1", complaint_text("Q1")), 503);
    EXPECT_EQ(bot.healthz(), 200);
    EXPECT_NE(log.text().find("read-only: the database"), std::string::npos) << log.text();
    EXPECT_NE(log.text().find("remount its filesystem read-write"), std::string::npos) << log.text();
    bot.writable(true);
    EXPECT_EQ(bot.callback("rw-1", complaint_text("Q1")), 200);
    EXPECT_EQ(bot.callback("rw-1", complaint_text("Q1")), 200);
    EXPECT_EQ(count(bot.db_path(), "SELECT COUNT(*) FROM complaints WHERE state LIKE '%客户Q1\"%'"), 1);
    EXPECT_EQ(count(bot.db_path(), "SELECT COUNT(*) FROM complaints"), 2);
    ASSERT_TRUE(eventually([&] { return robot.count() >= 2; }, 10s));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(robot.count(), 2u);
}

// The platform accepted a post but the database refuses to record it (disk full, read-only): the
// sender must not post it again and again; it records the delivery once the database is back.
TEST(Fault, APostDeliveredWhileTheDatabaseRefusesWritesIsNotPostedAgain) {
    captured_log log;
    fake_robot robot;
    std::unique_ptr<in_process_bot> bot;
    // The moment the robot accepts the first receipt, the bot's database stops taking writes.
    robot.on_next_delivery([&] { bot->writable(false); });
    bot = std::make_unique<in_process_bot>(robot.url());
    ASSERT_EQ(bot->callback("um-1", complaint_text("U1")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s));
    ASSERT_TRUE(eventually([&] { return log.text().find("cannot be marked sent") != std::string::npos; }, 5s))
        << log.text();
    bot->writable(true);
    ASSERT_EQ(bot->callback("um-2", complaint_text("U2")), 200);  // wakes the sender
    ASSERT_TRUE(eventually([&] { return robot.count() >= 2; }, 10s));
    ASSERT_TRUE(eventually(
        [&] { return count(bot->db_path(), "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0; },
        10s));
    std::this_thread::sleep_for(300ms);
    auto texts = robot.texts();
    ASSERT_EQ(texts.size(), 2u) << "the first receipt was posted again";
    EXPECT_NE(texts[0].find("P1"), std::string::npos);
    EXPECT_NE(texts[1].find("P2"), std::string::npos);
}
