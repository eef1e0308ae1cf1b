// The read-only side of the storage (`whatif`): opening a database creates, migrates and writes
// nothing, not even the -wal and -shm files; the recorded messages come back in order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "storage/database.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

core::instant t0() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

std::vector<std::string> names_in(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST(ReadOnlyDatabase, ReadsTheMessagesInOrderAndLeavesNoFileBehind) {
    test_support::temp_dir dir;
    auto path = (dir / "bot.db").string();
    {
        storage::database db(path);
        db.record_inbound({"dingtalk", "m2", t0() + 5min, "zhoumin", "group", "受理 P1"});
        db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "产品质量投诉\n投诉人：张三"});
        db.record_inbound({"wecom", "m3", t0() + 5min, "lisi", "group", "查询 P1"});
    }
    auto before = names_in(dir.path());
    auto bytes = test_support::read_file(path);
    {
        storage::database db(path, storage::database::read_only);
        auto rows = db.inbound_before(t0() + 1h);
        ASSERT_EQ(rows.size(), 3u);
        EXPECT_EQ(rows[0].msg_id, "m1");
        EXPECT_EQ(rows[1].msg_id, "m2");  // same time: in the order recorded
        EXPECT_EQ(rows[2].msg_id, "m3");
        EXPECT_EQ(rows[0].text, "产品质量投诉\n投诉人：张三");
        EXPECT_EQ(db.inbound_before(t0() + 5min).size(), 1u);
        EXPECT_EQ(db.latest_activity(), t0() + 5min);
        EXPECT_THROW(db.set_meta("x", "y"), std::exception);  // read-only
    }
    EXPECT_EQ(names_in(dir.path()), before);
    EXPECT_EQ(test_support::read_file(path), bytes);
}

TEST(ReadOnlyDatabase, RefusesAMissingFileAndOneThatIsNoDatabaseWithoutCreatingAnything) {
    test_support::temp_dir dir;
    EXPECT_THROW(storage::database((dir / "nope.db").string(), storage::database::read_only),
                 storage::storage_error);
    test_support::write_file(dir / "notes.db", "投诉记录（手写稿）\n");
    EXPECT_THROW(storage::database((dir / "notes.db").string(), storage::database::read_only),
                 storage::storage_error);
    EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"notes.db"});
    EXPECT_EQ(test_support::read_file(dir / "notes.db"), "投诉记录（手写稿）\n");
}
