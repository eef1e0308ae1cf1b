// Two engines on one real PostgreSQL database, as two `serve` instances are: each its own
// connection, memory and scheduler heap, the same virtual time. What one commits the other works
// on next (complaint numbers, states, deadlines), and a deadline both have armed fires once.
#include <gtest/gtest.h>

#include "support/harness.hpp"
#include "support/pg_server.hpp"

using namespace harness;

namespace {

class two_instances {
  public:
    two_instances()
        : cfg_(company()),
          url_(test_support::pg_server::shared().create_database("instances")),
          clock_(at("08:00")),
          db_a_(url_),
          db_b_(url_),
          a_(cfg_, db_a_, clock_),
          b_(cfg_, db_b_, clock_) {}

    app::engine& a() { return a_; }
    app::engine& b() { return b_; }
    storage::database& db() { return db_a_; }

    // As bench::say: what falls due before the message fires first (on both instances).
    app::handled say(app::engine& e, const std::string& at_hm, const std::string& from,
                     const std::string& text, const std::string& id) {
        advance_both(at_hm, false);
        clock_.set(at(at_hm));
        return e.handle({"replay", "group", id, from, text, at(at_hm)});
    }
    // Both schedulers run up to `t`, taking turns deadline by deadline, as two processes would.
    std::size_t advance_both(const std::string& t_hm, bool inclusive = true) {
        auto t = at(t_hm);
        auto before = [&](core::instant x) { return inclusive ? x <= t : x < t; };
        std::size_t fired = 0;
        for (;;) {
            auto na = a_.next_due(), nb = b_.next_due();
            std::optional<core::instant> next;
            if (na && before(*na)) next = na;
            if (nb && before(*nb) && (!next || *nb < *next)) next = nb;
            if (!next) break;
            clock_.set(*next);
            fired += a_.fire_due(*next);
            fired += b_.fire_due(*next);
        }
        clock_.set(t);
        return fired;
    }
    std::int64_t count(const std::string& sql) { return storage::sql_console(db_a_).scalar(sql); }
    core::manual_clock& clock() { return clock_; }

  private:
    rules::config cfg_;
    std::string url_;
    core::manual_clock clock_;
    storage::database db_a_, db_b_;
    app::engine a_, b_;
};

}  // namespace

TEST(TwoInstances, ComplaintNumbersFollowEachOtherAcrossInstances) {
    two_instances t;
    EXPECT_EQ(t.say(t.a(), "09:00", "zhangsan", product_post, "m1"), app::handled::processed);
    EXPECT_EQ(t.say(t.b(), "09:01", "zhangsan", product_post_no_comp, "m2"), app::handled::processed);
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM complaints WHERE id IN ('P1', 'P2')"), 2);
    // The same callback delivered to the other instance is a duplicate there.
    EXPECT_EQ(t.say(t.b(), "09:02", "zhangsan", product_post, "m1"), app::handled::duplicate);
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM complaints"), 2);
    auto audit = t.db().verify_audit();
    EXPECT_TRUE(audit.ok) << (audit.problems.empty() ? "" : audit.problems.front());
}

TEST(TwoInstances, OneInstanceSeesWhatTheOtherChangedBeforeItsNextStep) {
    two_instances t;
    t.say(t.a(), "09:00", "zhangsan", product_post, "m1");
    // B accepts what A registered: it reloads P1 when its step begins.
    t.say(t.b(), "09:03", "zhoumin", "受理 P1", "m2");
    auto c = t.db().load_complaint("P1");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->find_stage("accept") && c->find_stage("accept")->done_at.has_value());
    // A publishes after B's acceptance (it must not act on its stale copy, which has none).
    t.say(t.a(), "09:20", "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部", "m3");
    c = t.db().load_complaint("P1");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->find_stage("accept") && c->find_stage("accept")->done_at.has_value());
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM events WHERE complaint_id = 'P1' AND type = 'accepted'"), 1)
        << "accepted once";
    // Nobody escalates a late acceptance that was on time.
    t.advance_both("09:40");
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM events WHERE complaint_id = 'P1' AND type = 'escalated'"), 0);
}

namespace {

// The events (complaint, type, stage, at) and the posts of a day, in order: what a single instance
// on SQLite and two on PostgreSQL must both produce.
std::vector<std::string> history(storage::database& db) {
    std::vector<std::string> out;
    for (const auto& row :
         storage::sql_console(db).rows("SELECT complaint_id, type, stage, at, actor FROM events ORDER BY id"))
        out.push_back(row[0] + " " + row[1] + " " + row[2] + " " + row[3] + " " + row[4]);
    for (const auto& row : storage::sql_console(db).rows("SELECT chat, text FROM outbox ORDER BY id"))
        out.push_back(row[0] + ": " + row[1]);
    return out;
}

}  // namespace

TEST(TwoInstances, ADayOnTwoInstancesIsTheDayOfOneEachDeadlineFiredOnce) {
    two_instances t;
    t.say(t.a(), "09:00", "zhangsan", product_post, "m1");
    t.say(t.b(), "09:04", "zhoumin", "受理 P1", "m2");
    t.say(t.a(), "09:25", "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部", "m3");
    t.say(t.b(), "09:40", "zhangsan", service_post, "m4");  // S1: late stages, escalations
    t.say(t.a(), "10:40", "qianqi", "回复 P1 冷镦模具磨损导致螺纹不良", "m5");
    t.advance_both("12:30");

    // 采购部 stayed silent: one fine for its head, however many instances had the deadline armed.
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM fines WHERE complaint_id = 'P1'"), 1);
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM fines WHERE complaint_id = 'P1' AND person = 'wujiu'"), 1);
    // No event twice (a deadline fired by both would record its escalation or fine twice).
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM (SELECT complaint_id, type, stage, at FROM events GROUP BY "
                      "complaint_id, type, stage, at HAVING COUNT(*) > 1) AS twice"),
              0);
    auto audit = t.db().verify_audit();
    EXPECT_TRUE(audit.ok) << (audit.problems.empty() ? "" : audit.problems.front());

    // The same day on one instance (SQLite) records the same events and posts.
    bench one;
    one.say(at("09:00"), "zhangsan", product_post, "m1");
    one.say(at("09:04"), "zhoumin", "受理 P1", "m2");
    one.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部", "m3");
    one.say(at("09:40"), "zhangsan", service_post, "m4");
    one.say(at("10:40"), "qianqi", "回复 P1 冷镦模具磨损导致螺纹不良", "m5");
    one.advance(at("12:30"));
    auto single = history(one.db());
    auto pair = history(t.db());
    EXPECT_GT(single.size(), 10u);
    EXPECT_EQ(pair, single);
}

TEST(TwoInstances, TheOtherInstanceFiresWhatTheFirstArmedWhenTheFirstIsGone) {
    two_instances t;
    t.advance_both("09:00");  // the morning's jobs
    t.say(t.a(), "09:00", "zhangsan", product_post, "m1");
    // A is gone. B has not written since P1 came: its safety poll (or A's NOTIFY) tells it.
    EXPECT_TRUE(t.b().refresh());
    EXPECT_FALSE(t.b().refresh());  // nothing new the second time
    auto due = t.b().next_due();
    ASSERT_TRUE(due);
    EXPECT_EQ(*due, at("09:05"));  // P1's acceptance
    t.clock().set(at("09:06"));
    t.b().fire_due(at("09:06"));
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM deadlines WHERE complaint_id = 'P1' AND key LIKE 'accept%' AND "
                      "state = 'fired'"),
              1);
    EXPECT_EQ(t.count("SELECT COUNT(*) FROM outbox WHERE text LIKE '%P1%' AND text LIKE '%受理%'"), 2);
}
