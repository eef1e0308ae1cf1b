// What the engine holds in memory beside the database (pipeline/live_state.hpp, overlay_map.hpp):
// published on COMMIT only, undone by a rolled-back savepoint or transaction, deadlines told apart
// by generation — and, through the engine, always what the database holds.
#include "pipeline/live_state.hpp"

#include <gtest/gtest.h>

#include "support/harness.hpp"

using namespace std::chrono_literals;
using harness::at;

namespace {

using map = app::overlay_map<std::string, int>;

int value(const map& m, const std::string& k) {
    const auto* v = m.find(k);
    return v ? *v : -1;
}

}  // namespace

TEST(OverlayMap, PendingIsSeenByTheTransactionAndPublishedOnCommitOnly) {
    map m;
    m.set_committed("a", 1);
    m.set("a", 2);
    m.set("b", 3);
    EXPECT_EQ(value(m, "a"), 2);
    EXPECT_EQ(value(m, "b"), 3);
    EXPECT_EQ(*m.find_committed("a"), 1);
    EXPECT_EQ(m.find_committed("b"), nullptr);
    m.commit();
    EXPECT_EQ(*m.find_committed("a"), 2);
    EXPECT_EQ(*m.find_committed("b"), 3);
    EXPECT_EQ(m.pending_size(), 0u);

    m.erase("a");
    m.set("c", 4);
    EXPECT_EQ(value(m, "a"), -1);
    m.rollback();  // nothing of it stays
    EXPECT_EQ(value(m, "a"), 2);
    EXPECT_EQ(value(m, "c"), -1);
    EXPECT_EQ(m.committed().size(), 2u);
}

TEST(OverlayMap, RollbackToASavepointUndoesExactlyWhatCameAfterIt) {
    map m;
    m.set_committed("a", 1);
    m.set("a", 2);  // before any savepoint: only an outer rollback undoes it
    m.savepoint("msg");
    m.set("a", 3);
    m.set("b", 5);
    m.erase("a");
    m.rollback_to("msg");
    EXPECT_EQ(value(m, "a"), 2);
    EXPECT_EQ(value(m, "b"), -1);
    // The savepoint stays open after ROLLBACK TO: the next message uses it again.
    m.set("b", 6);
    m.release("msg");
    m.savepoint("msg");
    m.set("c", 7);
    m.rollback_to("msg");
    m.release("msg");
    m.commit();
    EXPECT_EQ(*m.find_committed("a"), 2);
    EXPECT_EQ(*m.find_committed("b"), 6);
    EXPECT_EQ(m.find_committed("c"), nullptr);
}

TEST(OverlayMap, NestedSavepointsAndReleaseOfTheOuterOne) {
    map m;
    m.savepoint("outer");
    m.set("a", 1);
    m.savepoint("inner");
    m.set("a", 2);
    m.release("outer");  // releases inner too; the changes stay pending
    EXPECT_EQ(value(m, "a"), 2);
    m.rollback_to("inner");  // no such savepoint any more: nothing happens
    EXPECT_EQ(value(m, "a"), 2);
    m.commit();
    EXPECT_EQ(*m.find_committed("a"), 2);
}

// The engine on a real SQLite file: memory follows the transactions of the database it observes.
TEST(LiveState, AComplaintIsPublishedOnCommitAndForgottenOnRollback) {
    harness::bench b;
    b.say(at("09:00"), "zhangsan", harness::product_post);
    auto& live = b.engine().live();
    EXPECT_EQ(live.complaints_held(), 1u);
    EXPECT_EQ(live.digest(), app::live_state::digest_of(b.db()));

    // A message handled inside a transaction that is rolled back leaves no trace in memory.
    b.clock().set(at("09:02"));
    {
        auto tx = b.db().begin();
        b.engine().handle_in_transaction({"replay", "group", "m2", "zhoumin", "受理 P1", at("09:02")});
        b.engine().handle_in_transaction(
            {"replay", "group", "m3", "zhangsan", harness::service_post, at("09:02")});
        tx->rollback();
    }
    EXPECT_EQ(live.complaints_held(), 1u);
    EXPECT_EQ(live.digest(), app::live_state::digest_of(b.db()));
    b.say(at("09:03"), "zhoumin", "受理 P1");
    EXPECT_TRUE(b.complaint("P1")->find_stage(rules::stage_id::accept)->done_at);
    EXPECT_EQ(live.digest(), app::live_state::digest_of(b.db()));
    // /metrics' counts per stage, kept as complaints change, are the database's.
    b.say(at("09:04"), "linfang", harness::service_post);
    b.say(at("09:05"), "zhoumin", "无效 P1 重复投诉");
    EXPECT_EQ(live.open_by_stage(), b.db().open_complaints_by_stage());
}

TEST(LiveState, OnlyTheRolledBackMessageOfAGroupCommitIsUndone) {
    harness::bench b;
    auto& db = b.db();
    b.clock().set(at("09:00"));
    {
        auto tx = db.begin();
        tx->savepoint("ingest_message");
        b.engine().handle_in_transaction(
            {"replay", "group", "a", "zhangsan", harness::product_post, at("09:00")});
        tx->release("ingest_message");
        tx->savepoint("ingest_message");
        b.engine().handle_in_transaction(
            {"replay", "group", "b", "zhangsan", harness::service_post, at("09:00")});
        tx->rollback_to("ingest_message");  // b failed alone
        tx->release("ingest_message");
        tx->commit();
    }
    EXPECT_EQ(b.engine().live().complaints_held(), 1u);
    EXPECT_TRUE(b.complaint("P1"));
    EXPECT_FALSE(b.complaint("S1"));
    EXPECT_EQ(b.engine().live().digest(), app::live_state::digest_of(db));
    // S1's deadlines, armed and rolled back, never fire: the accept miss of P1 alone does.
    auto fired = b.advance(at("09:06"));
    EXPECT_FALSE(harness::matching(fired, "P1").empty());
    EXPECT_TRUE(harness::matching(fired, "S1").empty());
}

TEST(LiveState, AMovedDeadlineHasANewGenerationAndTheOldEntryIsStale) {
    harness::bench b;
    b.say(at("09:00"), "zhangsan", harness::product_post);
    auto& db = b.db();
    app::live_state live(db);  // a second observer of its own (the engine's is replaced meanwhile)
    live.load();
    auto armed = live.all_armed();
    ASSERT_FALSE(armed.empty());
    auto [complaint, first] =
        *std::find_if(armed.begin(), armed.end(), [](const auto& a) { return a.first == "P1"; });

    std::vector<rules::deadline> moved;
    for (const auto& [id, a] : armed)
        if (id == "P1") moved.push_back({id, a.key, a.key == first.key ? a.due + 1h : a.due});
    {
        auto tx = db.begin();
        auto r = live.sync("P1", moved);
        EXPECT_TRUE(r.changed);
        ASSERT_EQ(r.fresh.size(), 1u);
        EXPECT_FALSE(live.is_armed("P1", first.key, first.generation));  // this transaction moved it
        EXPECT_TRUE(live.is_armed_committed("P1", first.key, first.generation));
        EXPECT_TRUE(live.is_armed("P1", first.key, r.fresh[0].generation));
        tx->rollback();
        EXPECT_TRUE(live.is_armed("P1", first.key, first.generation));  // back as it was
        EXPECT_FALSE(live.is_armed("P1", first.key, r.fresh[0].generation));
    }
    {
        auto tx = db.begin();
        auto same = live.sync("P1", moved);
        tx->commit();
        EXPECT_TRUE(same.changed);
        auto again = live.sync("P1", moved);  // nothing to change: the database needs no sync either
        EXPECT_FALSE(again.changed);
        EXPECT_TRUE(again.fresh.empty());
    }
    live.fired("P1", first.key);
    EXPECT_FALSE(live.is_armed("P1", first.key, first.generation));
}

TEST(LiveState, ARestartLoadsWhatTheDatabaseHolds) {
    harness::bench b;
    b.say(at("09:00"), "zhangsan", harness::product_post);
    b.say(at("09:01"), "zhangsan", harness::service_post);
    auto before = b.engine().live().digest();
    b.restart();
    EXPECT_EQ(b.engine().live().digest(), before);
    EXPECT_EQ(b.engine().live().digest(), app::live_state::digest_of(b.db()));
    EXPECT_EQ(b.engine().live().complaints_held(), 2u);
    EXPECT_EQ(b.engine().live().deadlines_armed(), b.db().open_deadlines().size());
}

// serve's start-up: deadlines at once, complaints page by page while steps already run; a step on a
// complaint not loaded yet reads it from the database, and the loader never replaces what a step
// put in memory meanwhile.
TEST(LiveState, ComplaintsLoadPageByPageWhileStepsRun) {
    harness::bench b;
    for (int i = 0; i < 5; ++i)
        b.say(at("09:00") + std::chrono::seconds(i), "zhangsan", harness::product_post,
              "p" + std::to_string(i));
    auto& db = b.db();
    core::manual_clock clock(at("09:01"));
    app::engine fresh(b.cfg(), db, clock, /*load_all=*/false);  // observes db from now on
    EXPECT_TRUE(fresh.live().loading());
    EXPECT_EQ(fresh.live().complaints_held(), 0u);
    EXPECT_EQ(fresh.live().deadlines_armed(), db.open_deadlines().size());

    // P4 accepted before the loader reached it: read from the database, held from then on.
    EXPECT_EQ(fresh.handle({"replay", "group", "a4", "zhoumin", "受理 P4", at("09:01")}),
              app::handled::processed);
    EXPECT_EQ(fresh.live().complaints_held(), 1u);
    ASSERT_TRUE(fresh.load_more(2));  // P1, P2
    EXPECT_EQ(fresh.live().complaints_held(), 3u);
    ASSERT_TRUE(fresh.load_more(2));   // P3, P4 (kept as accepted)
    EXPECT_FALSE(fresh.load_more(2));  // P5: done
    EXPECT_FALSE(fresh.live().loading());
    EXPECT_EQ(fresh.live().complaints_held(), 5u);
    EXPECT_TRUE(fresh.live().held("P4")->find_stage(rules::stage_id::accept)->done_at);
    EXPECT_EQ(fresh.live().digest(), app::live_state::digest_of(db));
    EXPECT_EQ(fresh.live().open_by_stage(), db.open_complaints_by_stage());
}

// The change feed the dashboard's 现在 follows: each committed change names its complaint, a
// rolled-back one names none, and a reader from before the feed's start is told to start over.
TEST(LiveState, TheChangeFeedNamesEachCommittedChangeAndNothingRolledBack) {
    harness::bench b;
    auto& live = b.engine().live();
    auto start = live.version();
    b.say(at("09:00"), "zhangsan", harness::product_post);
    std::vector<std::string> seen;
    EXPECT_TRUE(live.changed_since(start, [&](const std::string& id) { seen.push_back(id); }));
    EXPECT_EQ(seen, (std::vector<std::string>{"P1"}));
    auto after_p1 = live.version();
    b.clock().set(at("09:02"));
    {
        auto tx = b.db().begin();
        b.engine().handle_in_transaction({"replay", "group", "m2", "zhoumin", "受理 P1", at("09:02")});
        tx->rollback();
    }
    EXPECT_EQ(live.version(), after_p1);
    b.say(at("09:03"), "linfang", harness::service_post);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    seen.clear();
    EXPECT_TRUE(live.changed_since(after_p1, [&](const std::string& id) { seen.push_back(id); }));
    EXPECT_EQ(seen, (std::vector<std::string>{"S1", "P1"}));
    seen.clear();
    EXPECT_TRUE(live.changed_since(live.version(), [&](const std::string& id) { seen.push_back(id); }));
    EXPECT_TRUE(seen.empty());
    EXPECT_FALSE(live.changed_since(live.version() + 5, [](const std::string&) {}));
}
