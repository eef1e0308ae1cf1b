// The database lock (one writer per database, the holder's PID in the refusal) and the online
// backup (a consistent copy while another connection writes, refusals that change nothing).
#include "storage/backup.hpp"
#include "storage/sql_console.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "storage/database.hpp"
#include "storage/db_lock.hpp"
#include "support/test_support.hpp"

TEST(DbLock, ASecondHolderIsRefusedNamingTheFirstOnesPidAndCommand) {
    test_support::temp_dir dir;
    const auto db = (dir / "bot.db").string();
    storage::db_lock first(db, "replay");
    try {
        storage::db_lock second(db, "serve");
        FAIL() << "the second lock was granted";
    } catch (const storage::storage_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("database " + db + " is in use by complaint-bot replay (PID " +
                                                  std::to_string(::getpid()) + "): ",
                                              0),
                  0u)
            << e.what();
    }
    EXPECT_EQ(test_support::read_file(db + ".lock"), std::to_string(::getpid()) + " replay\n");
}

TEST(DbLock, TheLockIsFreeOnceItsHolderIsGoneAndMemoryDatabasesTakeNone) {
    test_support::temp_dir dir;
    const auto db = (dir / "bot.db").string();
    { storage::db_lock first(db, "serve"); }
    EXPECT_NO_THROW(storage::db_lock again(db, "serve"));
    storage::db_lock a(":memory:", "replay");
    EXPECT_NO_THROW(storage::db_lock b(":memory:", "replay"));
    EXPECT_FALSE(std::filesystem::exists(":memory:.lock"));
}

TEST(Backup, ACopyTakenWhileAnotherConnectionWritesIsOneWholeState) {
    test_support::temp_dir dir;
    const auto src = (dir / "live.db").string();
    {
        storage::sql_console d(src, /*create=*/true);
        d.exec("PRAGMA journal_mode = WAL");
        d.exec("CREATE TABLE pairs(n INTEGER, pad TEXT)");
        d.exec("BEGIN");
        for (int i = 0; i < 2000; ++i)
            d.exec("INSERT INTO pairs VALUES(" + std::to_string(i) + ", hex(randomblob(200)))");
        d.exec("COMMIT");
    }
    // The writer commits two rows per transaction: a copy mixing two states would hold an odd count.
    std::atomic<bool> stop{false};
    std::atomic<int> commits{0};
    std::thread writer([&] {
        storage::sql_console d(src);
        d.set_busy_timeout(5000);
        while (!stop) {
            d.exec("BEGIN");
            d.exec("INSERT INTO pairs VALUES(-1, hex(randomblob(300)))");
            d.exec("INSERT INTO pairs VALUES(-2, hex(randomblob(300)))");
            d.exec("COMMIT");
            ++commits;
        }
    });
    while (commits < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto r = storage::backup_database(src, (dir / "copy.db").string(), false, /*pages_per_step=*/4);
    auto during = commits.load();
    stop = true;
    writer.join();
    EXPECT_GT(r.steps, 10);  // really copied in steps, the writer going on between them
    storage::sql_console copy((dir / "copy.db").string());
    auto rows = copy.scalar("SELECT count(*) FROM pairs");
    EXPECT_EQ(rows % 2, 0) << rows;
    EXPECT_GE(rows, 2000 + 2 * 3);
    EXPECT_LE(rows, 2000 + 2 * (during + 1));
    EXPECT_EQ(copy.text("PRAGMA journal_mode"), "delete");
    EXPECT_EQ(copy.text("PRAGMA integrity_check"), "ok");
}

TEST(Backup, RefusalsNameTheFixAndLeaveEveryFileAsItWas) {
    test_support::temp_dir dir;
    const auto src = (dir / "bot.db").string();
    { storage::database db(src); }
    test_support::write_file(dir / "old.db", "昨天的备份");
    auto refused = [&](const std::string& from, const std::string& to, const std::string& why) {
        try {
            storage::backup_database(from, to, false);
            ADD_FAILURE() << "no refusal for " << to;
        } catch (const storage::storage_error& e) {
            EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
        }
    };
    refused(src, (dir / "old.db").string(), "already exists: choose another --out, or pass --force");
    refused(src, src, "--out names the database itself");
    refused((dir / "none.db").string(), (dir / "x.db").string(), "does not exist");
    refused(src, (dir / "no-such-dir" / "x.db").string(), "does not exist: create it first");
    EXPECT_EQ(test_support::read_file(dir / "old.db"), "昨天的备份");
    EXPECT_FALSE(std::filesystem::exists(dir / "x.db"));
    EXPECT_FALSE(std::filesystem::exists(dir / "old.db.partial"));
    storage::backup_database(src, (dir / "old.db").string(), /*overwrite=*/true);
    storage::database copy((dir / "old.db").string());
    EXPECT_TRUE(copy.verify_audit().ok);
}
