// The unit of work (transactions and named savepoints), storage's own errors, and rule sets shared
// by the complaints that were registered under the same rules — on real SQLite files.
#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

core::instant t0() {
    return *core::parse_iso8601("2026-11-23T09:00:00+08:00");
}

rules::complaint a_complaint(const std::string& id, int seq) {
    rules::complaint c;
    c.id = id;
    c.seq = seq;
    c.posted_at = t0();
    c.fields = {{"客户名称", "江南建材有限公司"}, {"产品存在的质量问题", "螺钉頭部開裂（繁體）"}};
    return c;
}

}  // namespace

TEST(UnitOfWork, ASavepointRolledBackLeavesTheRestOfTheTransaction) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    {
        auto tx = db.begin();
        tx->savepoint("ingest_message");
        db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "受理 P1"});
        tx->release("ingest_message");
        tx->savepoint("ingest_message");
        db.record_inbound({"dingtalk", "m2", t0(), "lisi", "group", "受理 P2"});
        tx->rollback_to("ingest_message");
        tx->release("ingest_message");
        tx->commit();
    }
    storage::database reader((dir / "a.db").string());
    EXPECT_TRUE(reader.seen("dingtalk", "m1"));
    EXPECT_FALSE(reader.seen("dingtalk", "m2"));
}

TEST(UnitOfWork, NotCommittedMeansNothingWritten) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    {
        auto tx = db.begin();
        db.save_complaint(a_complaint("P1", 1));
        EXPECT_TRUE(db.in_transaction());
    }
    EXPECT_FALSE(db.in_transaction());
    EXPECT_EQ(db.complaint_count(), 0);
    EXPECT_FALSE(db.load_complaint("P1"));
}

TEST(UnitOfWork, ABadSavepointNameIsRefusedAndTheTransactionGoesOn) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    auto tx = db.begin();
    EXPECT_THROW(tx->savepoint("x; DROP TABLE inbound"), storage::error);
    db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "待办"});
    tx->commit();
    EXPECT_EQ(db.inbound_count(), 1);
}

TEST(StorageError, ADuplicateIsAConstraintAndAReadOnlyDatabaseIsAStorageFailure) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "受理 P1"});
    try {
        db.record_inbound({"dingtalk", "m1", t0(), "zhangsan", "group", "受理 P1"});
        FAIL() << "a second copy was recorded";
    } catch (const storage::error& e) {
        EXPECT_EQ(e.kind(), storage::error_kind::constraint) << e.what();
        EXPECT_FALSE(e.is_storage_failure());
    }
    storage::sql_console(db).exec("PRAGMA query_only = 1");
    try {
        db.record_inbound({"dingtalk", "m2", t0(), "zhangsan", "group", "受理 P2"});
        FAIL() << "written while read-only";
    } catch (const storage::error& e) {
        EXPECT_EQ(e.kind(), storage::error_kind::read_only) << e.what();
        EXPECT_TRUE(e.is_storage_failure());
        EXPECT_NE(db.explain(e).find("read-only"), std::string::npos) << db.explain(e);
    }
    storage::sql_console(db).exec("PRAGMA query_only = 0");
    EXPECT_EQ(db.inbound_count(), 1);
}

TEST(RuleSets, ComplaintsUnderTheSameRulesShareOneRuleSetAndChangedRulesGetTheirOwn) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    {
        storage::database db(path);
        db.save_complaint(a_complaint("P1", 1));
        db.save_complaint(a_complaint("P2", 2));
        auto later = a_complaint("P3", 3);
        later.rules.edit().respond.due = 3h;  // the respond deadline changed in the config
        db.save_complaint(later);
    }
    storage::database db(path);
    storage::sql_console sql(db);
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM rule_sets"), 2);
    EXPECT_EQ(sql.scalar("SELECT COUNT(DISTINCT rule_set) FROM complaints WHERE id IN ('P1', 'P2')"), 1);
    EXPECT_EQ(db.load_complaint("P3")->rules->respond.due, 3h);
    EXPECT_EQ(db.load_complaint("P1")->rules->respond.due, rules::workflow_rules{}.respond.due);
    EXPECT_EQ(db.load_complaint("P1")->fields, a_complaint("P1", 1).fields);
}

TEST(RuleSets, ARuleSetRolledBackWithItsSavepointIsNeverAttachedToAnotherComplaint) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    db.save_complaint(a_complaint("P1", 1));
    auto tx = db.begin();
    tx->savepoint("ingest_message");
    auto first = a_complaint("P2", 2);
    first.rules.edit().respond.due = 3h;
    db.save_complaint(first);
    EXPECT_EQ(db.load_complaint("P2")->rules->respond.due, 3h);  // cached by its content
    tx->rollback_to("ingest_message");
    tx->release("ingest_message");
    auto second = a_complaint("P2", 2);
    second.rules.edit().respond.due = 4h;  // takes the rolled-back rule set's id
    db.save_complaint(second);
    tx->commit();
    EXPECT_EQ(db.load_complaint("P2")->rules->respond.due, 4h);
}
