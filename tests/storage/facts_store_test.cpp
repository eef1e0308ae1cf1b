// The facts beside each complaint (schema v7): every save writes them with a higher save number,
// a reader that remembers the last number finds exactly what changed since, a rolled-back save
// leaves nothing, and the v6 → v7 migration works them out for the complaints already there.
#include <gtest/gtest.h>

#include "older_schema.hpp"
#include "rules/facts.hpp"
#include "rules/small_org.hpp"
#include "storage/database.hpp"
#include "support/test_support.hpp"

namespace {

using small_org::at;

struct day {
    small_org::desk desk;
    rules::complaint p1 = desk.post(small_org::product_post, "zhangsan", at("09:00"));
    rules::complaint s1 = desk.post(small_org::service_post, "linfang", at("09:01"));
};

TEST(ComplaintFacts, EachSaveWritesThemWithAHigherNumber) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    day d;
    db.save_complaint(d.p1);
    auto first = db.complaint_facts_after(0, 10);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(rules::facts_from_bytes(first[0].bytes), rules::facts_of(d.p1));
    EXPECT_TRUE(db.complaint_facts_after(first[0].seq, 10).empty());  // nothing changed since

    db.save_complaint(d.s1);
    d.desk.say(d.p1, "受理 P1", "zhoumin", at("09:07"));  // late: a fact now
    db.save_complaint(d.p1);
    auto changed = db.complaint_facts_after(first[0].seq, 10);
    ASSERT_EQ(changed.size(), 2u);  // S1, then P1 again
    EXPECT_EQ(rules::facts_from_bytes(changed[0].bytes).id(), "S1");
    auto p1 = rules::facts_from_bytes(changed[1].bytes);
    EXPECT_EQ(p1.id(), "P1");
    ASSERT_EQ(p1.steps.size(), 1u);
    EXPECT_TRUE(p1.steps[0].late);
    EXPECT_LT(changed[0].seq, changed[1].seq);
    // A page at a time; P1's first save is no longer there, so S1 is the oldest.
    auto page = db.complaint_facts_after(0, 1);
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].seq, changed[0].seq);
}

TEST(ComplaintFacts, ASaveRolledBackLeavesThemAsTheyWere) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    day d;
    db.save_complaint(d.p1);
    auto before = db.complaint_facts_after(0, 10);
    {
        auto tx = db.begin();
        d.desk.say(d.p1, "受理 P1", "zhoumin", at("09:07"));
        db.save_complaint(d.p1);
        db.save_complaint(d.s1);
    }  // not committed
    auto after = db.complaint_facts_after(0, 10);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].seq, before[0].seq);
    EXPECT_EQ(after[0].bytes, before[0].bytes);
}

TEST(ComplaintFacts, TheMigrationFromV6WorksThemOutForEveryComplaint) {
    test_support::temp_dir dir;
    auto path = (dir / "a.db").string();
    day d;
    d.desk.say(d.p1, "受理 P1", "zhoumin", at("09:07"));
    {
        storage::database db(path);
        db.save_complaint(d.p1);
        db.save_complaint(d.s1);
        storage::sql_console sql(db);
        older_schema::back_to_v6(sql);
    }
    storage::database db(path);  // migrates
    storage::sql_console sql(db);
    EXPECT_EQ(sql.scalar("PRAGMA user_version"), storage::database::schema_version);
    EXPECT_EQ(
        sql.scalar(
            "SELECT COUNT(*) FROM complaints WHERE id NOT IN (SELECT complaint_id FROM complaint_facts)"),
        0);
    auto rows = db.complaint_facts_after(0, 10);
    ASSERT_EQ(rows.size(), 2u);
    for (const auto& r : rows) {
        auto f = rules::facts_from_bytes(r.bytes);
        EXPECT_EQ(f, rules::facts_of(*db.load_complaint(f.id()))) << f.id();
    }
    // Saves after the migration number on from there.
    d.desk.say(d.p1, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:10"));
    db.save_complaint(d.p1);
    auto after = db.complaint_facts_after(rows.back().seq, 10);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(rules::facts_from_bytes(after[0].bytes).id(), "P1");
}

}  // namespace
