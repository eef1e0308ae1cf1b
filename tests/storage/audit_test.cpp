// The audit log: events form a SHA-256 hash chain, UPDATE and DELETE are refused, a v1 database
// is chained on migration, and verify_audit() names the event or fine that was tampered with.
#include <gtest/gtest.h>

#include "older_schema.hpp"
#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

core::instant t0() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

rules::event ev(const std::string& complaint, const std::string& type, const std::string& detail,
                int minutes) {
    rules::event e;
    e.complaint = complaint;
    e.at = t0() + std::chrono::minutes(minutes);
    e.actor = "bot";
    e.type = type;
    e.stage = "respond";
    e.detail = detail;
    e.deadline = t0() + 2h;
    return e;
}

// A fine F1 and the chained events of P1 that issued it.
void seed(storage::database& db) {
    auto tx = db.begin();
    db.append_events(
        {ev("P1", "registered", "登记产品质量投诉（投诉人 张三）", 0), ev("P1", "accepted", "周敏 受理", 4)});
    db.append_events({ev("P1", "fined", "F1 采购部 负责人 吴九 罚款 50 元", 120)});
    rules::fine f;
    f.id = "F1";
    f.complaint = "P1";
    f.stage = "respond";
    f.department = "采购部";
    f.person = "wujiu";
    f.person_name = "吴九";
    f.amount = 50;
    f.deadline = t0() + 2h;
    f.issued_at = t0() + 2h;
    db.insert_fine(f);
    tx->commit();
}

}  // namespace

TEST(Audit, EventsFormAnIntactChain) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    seed(db);
    auto r = db.verify_audit();
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.events, 3);
    EXPECT_EQ(r.fines, 1);
    EXPECT_EQ(r.last_hash.size(), 64u);
    // Each hash differs and the chain continues across appends.
    EXPECT_EQ(storage::sql_console(db).scalar("SELECT COUNT(DISTINCT hash) FROM events"), 3);
}

TEST(Audit, UpdateAndDeleteAreRefused) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    seed(db);
    try {
        storage::sql_console(db).exec(
            "UPDATE events SET detail = 'F1 采购部 负责人 吴九 罚款 5 元' WHERE type = 'fined'");
        FAIL() << "update went through";
    } catch (const storage::error& e) {
        EXPECT_NE(std::string(e.what()).find("events are append-only"), std::string::npos) << e.what();
    }
    EXPECT_THROW(storage::sql_console(db).exec("DELETE FROM events WHERE id = 2"), storage::error);
    EXPECT_TRUE(db.verify_audit().ok);
}

TEST(Audit, TamperingIsFoundAndNamed) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        seed(db);
    }
    // Someone with the file drops the guard and rewrites history.
    {
        storage::sql_console raw(path);
        raw.exec("DROP TRIGGER events_append_only_update");
        raw.exec("UPDATE events SET actor = 'lisi' WHERE id = 2");
    }
    storage::database db(path);
    auto r = db.verify_audit();
    EXPECT_FALSE(r.ok);
    ASSERT_FALSE(r.problems.empty());
    EXPECT_EQ(r.problems[0],
              "event #2 (P1 accepted) does not match its hash: it was changed after it was written");
}

TEST(Audit, AFineEditedInTheLedgerNoLongerMatchesItsEvent) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    seed(db);
    storage::sql_console(db).exec("UPDATE fines SET amount = 500 WHERE seq = 1");
    auto r = db.verify_audit();
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0],
              "fine F1 (采购部, 500 元) differs from the audit log: \"F1 采购部 负责人 吴九 罚款 50 元\"");
}

TEST(Audit, DeletedEventsAreFound) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        seed(db);
    }
    {
        storage::sql_console raw(path);
        raw.exec("DROP TRIGGER events_append_only_delete");
        raw.exec("DELETE FROM events WHERE id = 2");
    }
    storage::database db(path);
    auto r = db.verify_audit();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.problems.at(0), "event #2 is missing (the log jumps to #3): events were deleted");
}

TEST(Audit, AVersionOneDatabaseIsChainedOnMigration) {
    test_support::temp_dir dir;
    auto path = (dir / "old.db").string();
    {
        // A database as schema v1 wrote it: events without hashes.
        storage::database db(path);
        seed(db);
        storage::sql_console sql(db);
        older_schema::back_to_v3(sql);
        sql.exec("DROP TRIGGER events_append_only_update");
        sql.exec("DROP TRIGGER events_append_only_delete");
        sql.exec("ALTER TABLE events DROP COLUMN hash");
        sql.exec("DROP INDEX complaints_posted; DROP INDEX fines_issued");
        sql.exec("PRAGMA user_version = 1");
    }
    storage::database db(path);
    EXPECT_EQ(storage::sql_console(db).scalar("PRAGMA user_version"), storage::database::schema_version);
    auto r = db.verify_audit();
    EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
    EXPECT_EQ(r.events, 3);
    EXPECT_THROW(storage::sql_console(db).exec("DELETE FROM events"), storage::error);
}

TEST(Audit, OneComplaintsVerdictChecksItsEventsAndFinesOnly) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        seed(db);
        auto tx = db.begin();
        db.append_events({ev("P2", "registered", "登记服务质量投诉（投诉人 林芳）", 10)});
        tx->commit();
        auto p1 = db.verify_complaint_audit("P1");
        EXPECT_TRUE(p1.ok);
        EXPECT_EQ(p1.events, 3);
        EXPECT_EQ(p1.fines, 1);
        EXPECT_EQ(db.fines_of_complaint("P1").size(), 1u);
        EXPECT_TRUE(db.fines_of_complaint("P2").empty());
        EXPECT_TRUE(db.verify_complaint_audit("P2").ok);
        EXPECT_EQ(db.verify_complaint_audit("P9").events, 0);
    }
    {
        storage::sql_console raw(path);
        raw.exec("DROP TRIGGER events_append_only_update");
        raw.exec("UPDATE events SET detail = '周敏 受理（改）' WHERE id = 2");
    }
    storage::database db(path);
    auto p1 = db.verify_complaint_audit("P1");
    EXPECT_FALSE(p1.ok);
    ASSERT_FALSE(p1.problems.empty());
    EXPECT_EQ(p1.problems[0],
              "event #2 (P1 accepted) does not match its hash: it was changed after it was written");
    EXPECT_TRUE(db.verify_complaint_audit("P2").ok);  // its own events are intact
    // A fine edited in the ledger shows on its complaint.
    storage::sql_console(db).exec("UPDATE fines SET amount = 5 WHERE seq = 1");
    auto again = db.verify_complaint_audit("P1");
    EXPECT_NE(again.problems.back().find("fine F1"), std::string::npos) << again.problems.back();
}

TEST(Audit, OneComplaintsVerdictFindsADeletedEventBeforeOneOfIts) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        seed(db);
    }
    {
        storage::sql_console raw(path);
        raw.exec("DROP TRIGGER events_append_only_delete");
        raw.exec("DELETE FROM events WHERE id = 2");
    }
    storage::database db(path);
    auto r = db.verify_complaint_audit("P1");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.problems.at(0), "event #2 before P1's event #3 is missing: events were deleted");
}
