// Storage on real SQLite files: migrations, de-duplication, deadline sync, fine uniqueness, the
// outbox, and transactions that roll back as a whole.
#include "storage/database.hpp"
#include "older_schema.hpp"
#include "storage/sql_console.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

core::instant t0() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

rules::fine a_fine(const std::string& id, const std::string& complaint, const std::string& dept) {
    rules::fine f;
    f.id = id;
    f.complaint = complaint;
    f.stage = "respond";
    f.department = dept;
    f.person = "wujiu";
    f.person_name = "吴九";
    f.amount = 50;
    f.deadline = t0() + 2h;
    f.issued_at = t0() + 2h;
    return f;
}

}  // namespace

TEST(Database, CreatesSchemaInWalModeAndReopens) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        storage::sql_console sql(db);
        EXPECT_EQ(sql.scalar("PRAGMA user_version"), storage::database::schema_version);
        EXPECT_EQ(sql.text("PRAGMA journal_mode"), "wal");
        EXPECT_EQ(sql.scalar("PRAGMA synchronous"), 2);  // FULL
        db.set_meta("timezone", "Asia/Shanghai");
    }
    storage::database again(path);
    EXPECT_EQ(again.meta("timezone"), "Asia/Shanghai");
}

TEST(Database, RefusesANewerSchemaWithAFix) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::sql_console raw(path, /*create=*/true);
        raw.exec("PRAGMA user_version = 99");
    }
    try {
        storage::database db(path);
        FAIL() << "expected storage_error";
    } catch (const storage::storage_error& e) {
        EXPECT_NE(std::string(e.what()).find("upgrade complaint-bot"), std::string::npos) << e.what();
    }
}

TEST(Database, MigratesAVersion2DatabaseToTheReportIndexes) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        db.insert_fine(a_fine("F1", "P1", "采购部"));
        // What version 2 left on disk: the same tables without the report indexes.
        storage::sql_console sql(db);
        older_schema::back_to_v3(sql);
        sql.exec("DROP INDEX complaints_posted; DROP INDEX fines_issued; PRAGMA user_version = 2");
    }
    storage::database db(path);
    storage::sql_console sql(db);
    EXPECT_EQ(sql.scalar("PRAGMA user_version"), storage::database::schema_version);
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                         "('complaints_posted', 'fines_issued')"),
              2);
    EXPECT_EQ(db.fines().size(), 1u);
    auto plan = sql.rows("EXPLAIN QUERY PLAN SELECT seq FROM fines WHERE issued_at >= 0 AND issued_at < 1");
    ASSERT_FALSE(plan.empty());
    EXPECT_NE(plan.front().at(3).find("fines_issued"), std::string::npos) << plan.front().at(3);
}

TEST(Database, PeriodQueriesReturnOnlyTheirHalfOpenRange) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    auto f1 = a_fine("F1", "P1", "采购部");
    auto f2 = a_fine("F2", "P2", "采购部");
    f2.issued_at = t0() + 26h;  // the next day
    db.insert_fine(f1);
    db.insert_fine(f2);
    auto first = db.fines_issued_between(t0(), t0() + 24h);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].id, "F1");
    EXPECT_TRUE(db.fines_issued_between(t0() + 2h + 1ms, t0() + 26h).empty());  // `to` is excluded
    EXPECT_EQ(db.fines_issued_between(t0(), t0() + 48h).size(), 2u);

    rules::complaint c;
    c.id = "P1";
    c.seq = 1;
    c.posted_at = t0();
    db.save_complaint(c);
    c.id = "P2";
    c.seq = 2;
    c.posted_at = t0() + 24h;
    db.save_complaint(c);
    auto day = db.complaints_posted_between(t0(), t0() + 24h);
    ASSERT_EQ(day.size(), 1u);
    EXPECT_EQ(day[0].id, "P1");
    EXPECT_EQ(db.complaints_posted_between(t0(), t0() + 25h).size(), 2u);
}

TEST(Database, ReadingAComplaintAgainNeverReturnsAStaleState) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    rules::complaint c;
    c.id = "P1";
    c.seq = 1;
    c.posted_at = t0();
    c.process_flow = "一";
    db.save_complaint(c);
    EXPECT_EQ(db.load_complaint("P1")->process_flow, "一");
    c.process_flow = "二";
    db.save_complaint(c);
    EXPECT_EQ(db.load_complaint("P1")->process_flow, "二");
    {
        auto tx = db.begin();
        c.process_flow = "三";
        db.save_complaint(c);
        EXPECT_EQ(db.open_complaints().at(0).process_flow, "三");
    }  // rolled back
    EXPECT_EQ(db.load_complaint("P1")->process_flow, "二");
    EXPECT_EQ(db.all_complaints().at(0).process_flow, "二");
}

TEST(Database, UnopenableFileNamesThePathAndTheFix) {
    try {
        storage::database db("/nonexistent-dir/x/y.db");
        FAIL() << "expected storage_error";
    } catch (const storage::storage_error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("/nonexistent-dir/x/y.db"), std::string::npos);
        EXPECT_NE(what.find("writable"), std::string::npos);
    }
}

TEST(Database, InboundIdsAreSeenOncePerPlatform) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    EXPECT_FALSE(db.seen("dingtalk", "m1"));
    db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "受理 P1"});
    EXPECT_TRUE(db.seen("dingtalk", "m1"));
    EXPECT_FALSE(db.seen("wecom", "m1"));
    EXPECT_THROW(db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "x"}), storage::error);
}

TEST(Database, ASecondFineForTheSameStageAndDepartmentIsRefused) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    EXPECT_EQ(db.next_fine_seq(), 1);
    db.insert_fine(a_fine("F1", "P1", "采购部"));
    EXPECT_EQ(db.next_fine_seq(), 2);
    EXPECT_THROW(db.insert_fine(a_fine("F2", "P1", "采购部")), storage::storage_error);
    db.insert_fine(a_fine("F2", "P1", "生产部"));
    auto all = db.fines();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[1].department, "生产部");
    auto f = db.load_fine("f1");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->deadline, t0() + 2h);
    EXPECT_FALSE(db.load_fine("F9"));
    EXPECT_FALSE(db.load_fine("X1"));
}

TEST(Database, SyncDeadlinesInsertsMovesAndCancels) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    db.sync_deadlines("P1", {{"P1", "accept:miss", t0() + 5min}, {"P1", "publish:miss", t0() + 30min}});
    EXPECT_EQ(db.open_deadlines().size(), 2u);
    db.mark_fired("P1", "accept:miss", t0() + 5min);
    // accept fired; publish moves (a pause), respond appears.
    db.sync_deadlines("P1", {{"P1", "publish:miss", t0() + 40min}, {"P1", "respond:miss", t0() + 2h}});
    auto open = db.open_deadlines();
    ASSERT_EQ(open.size(), 2u);
    EXPECT_EQ(open[0].key, "publish:miss");
    EXPECT_EQ(open[0].due, t0() + 40min);
    EXPECT_TRUE(db.deadline_open("P1", "publish:miss", t0() + 40min));
    EXPECT_FALSE(db.deadline_open("P1", "publish:miss", t0() + 30min));  // a stale heap entry
    // A fired deadline never re-opens.
    db.sync_deadlines("P1", {{"P1", "accept:miss", t0() + 5min}});
    EXPECT_FALSE(db.deadline_open("P1", "accept:miss", t0() + 5min));
    EXPECT_TRUE(db.open_deadlines().empty());
}

TEST(Database, OpenJobKeysAreOnlyTheOpenScheduledJobs) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    db.add_deadline({"", "job:sheet@2026-11-23", t0() + 8h});
    db.add_deadline({"", "job:daily_summary@2026-11-23", t0() + 9h});
    db.sync_deadlines("P1", {{"P1", "respond:miss", t0() + 2h}});
    db.mark_fired("", "job:sheet@2026-11-23", t0() + 8h);
    EXPECT_EQ(db.open_job_keys(), std::vector<std::string>{"job:daily_summary@2026-11-23"});
}

TEST(Database, ReusedStatementsLeaveNoReadSnapshotOpenBetweenCalls) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    storage::database a(path);
    storage::database b(path);
    a.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "受理 P1"});
    EXPECT_TRUE(a.seen("dingtalk", "m1"));  // stops at the first row: the statement must be reset
    b.record_inbound({"dingtalk", "m2", t0(), "zhangsan", "group", "受理 P2"});
    EXPECT_TRUE(a.seen("dingtalk", "m2"));  // a fresh snapshot sees the other connection's commit
    EXPECT_EQ(a.inbound_count(), 2);
    // A checkpoint can complete: no reader of `a` pins the WAL.
    EXPECT_EQ(storage::sql_console(b).scalar("PRAGMA wal_checkpoint(TRUNCATE)"), 0);
}

TEST(Database, OutboxKeepsCommitOrder) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    db.enqueue({"group", "一", {"lisi"}}, t0());
    db.enqueue({"group", "二", {}}, t0());
    auto rows = db.pending_outbox();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].post.text, "一");
    EXPECT_EQ(rows[0].post.mentions, std::vector<std::string>{"lisi"});
    db.mark_sent(rows[0].id, t0());
    EXPECT_EQ(db.outbox_backlog(), 1);
}

TEST(Database, OutboxKeepsAPostsButtonsAndTheMessageItAnswers) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    core::outbound_post post{"group", "✅ 已登记产品质量投诉 P1", {"lisi"}};
    post.actions = {{"受理", "受理 P1"}, {"查询", "查询 P1"}};
    post.reply_to = "msg-甲-1";
    db.enqueue(post, t0());
    db.enqueue({"group", "定时提醒", {}}, t0());
    auto rows = db.pending_outbox();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].post.actions, post.actions);
    EXPECT_EQ(rows[0].post.reply_to, "msg-甲-1");
    EXPECT_EQ(rows[0].post.outbox_id, rows[0].id);
    EXPECT_TRUE(rows[1].post.actions.empty());
    EXPECT_EQ(rows[1].post.reply_to, "");
}

TEST(Database, AnUncommittedTransactionLeavesNothing) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    {
        auto tx = db.begin();
        db.enqueue({"group", "不会发出", {}}, t0());
        db.insert_fine(a_fine("F1", "P1", "采购部"));
        // no commit: a crash or an exception mid-step
    }
    EXPECT_EQ(db.outbox_backlog(), 0);
    EXPECT_TRUE(db.fines().empty());
}
