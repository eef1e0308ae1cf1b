// The writes that go to the database in one statement each, to spare a server round trips: a
// message recorded unless it was before (the de-duplication of redeliveries), and the deadlines of
// a complaint upserted together, in groups of eight. Each on SQLite and on the test PostgreSQL.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "storage/database.hpp"
#include "support/pg_server.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

core::instant t0() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

class BatchedWrites : public ::testing::TestWithParam<bool> {
  protected:
    std::unique_ptr<storage::database> open(const std::string& name) {
        if (!GetParam()) return std::make_unique<storage::database>((dir_ / (name + ".db")).string());
        return std::make_unique<storage::database>(test_support::pg_server::shared().create_database(name));
    }
    test_support::temp_dir dir_;
};

}  // namespace

TEST_P(BatchedWrites, AMessageIsRecordedOnceAndARedeliveryWritesNothing) {
    auto db_ptr = open("inbound_once");
    auto& db = *db_ptr;
    EXPECT_TRUE(db.record_inbound_once({"dingtalk", "msg-1", t0(), "zhangsan", "group", "受理 P1"}));
    // The platform delivers it again (another text would be a forgery or a bug: the first stays).
    EXPECT_FALSE(db.record_inbound_once({"dingtalk", "msg-1", t0() + 1s, "lisi", "group", "无效 P1"}));
    EXPECT_TRUE(db.record_inbound_once({"wecom", "msg-1", t0(), "zhangsan", "group", "受理 P1"}));
    EXPECT_EQ(db.inbound_count(), 2);
    auto rows = db.inbound_before(t0() + 1h);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].sender, "zhangsan");
    EXPECT_EQ(rows[0].text, "受理 P1");
}

TEST_P(BatchedWrites, ElevenDeadlinesOfOneComplaintAreWrittenInGroupsAndAKeyTwiceKeepsItsLast) {
    auto db_ptr = open("deadlines_batched");
    auto& db = *db_ptr;
    std::vector<rules::deadline> wanted;
    for (int i = 1; i <= 10; ++i)
        wanted.push_back({"P7", "customer:remind:" + std::to_string(i), t0() + std::chrono::hours(i)});
    wanted.push_back({"P7", "customer:remind:3", t0() + 30h});  // the same key again: this due wins
    db.sync_deadlines("P7", wanted);
    auto open = db.open_deadlines_of("P7");
    ASSERT_EQ(open.size(), 10u);
    for (const auto& d : open) {
        const auto expected = d.key == "customer:remind:3"
                                  ? t0() + 30h
                                  : t0() + std::chrono::hours(std::stoi(d.key.substr(16)));
        EXPECT_EQ(d.due, expected) << d.key;
    }
    // Moved, kept, dropped and a fired one that stays fired, in one sync.
    db.mark_fired("P7", "customer:remind:1", t0() + 1h);
    db.sync_deadlines("P7", {{"P7", "customer:remind:1", t0() + 50h},
                             {"P7", "customer:remind:2", t0() + 2h},
                             {"P7", "customer:remind:4", t0() + 44h}});
    open = db.open_deadlines_of("P7");
    ASSERT_EQ(open.size(), 2u);
    EXPECT_FALSE(db.deadline_open("P7", "customer:remind:1", t0() + 50h));
    EXPECT_TRUE(db.deadline_open("P7", "customer:remind:2", t0() + 2h));
    EXPECT_TRUE(db.deadline_open("P7", "customer:remind:4", t0() + 44h));
    EXPECT_FALSE(db.deadline_open("P7", "customer:remind:5", t0() + 5h));
}

INSTANTIATE_TEST_SUITE_P(Backends, BatchedWrites, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) {
                             return p.param ? "PostgreSQL" : "SQLite";
                         });
