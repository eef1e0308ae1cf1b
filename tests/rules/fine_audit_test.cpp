// The fine's audit text (rules/fine_audit.hpp) is the one the rules write when they fine and the
// one storage::verify_audit checks against: the "fined" event of a real respond miss carries
// exactly fine_issued_detail(fine), and a fine that differs from it is named.
#include "rules/fine_audit.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

// P1 published at 09:25 to 生产部 and 采购部; 生产部 replies; 采购部 stays silent past 11:00.
rules::complaint fined_day(desk& d) {
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 冷镦模具磨损导致螺纹不良", "qianqi", at("10:40"));
    d.advance(c, at("11:00"));
    return c;
}

TEST(FineAudit, TheFinedEventCarriesTheDetailTheVerifierRebuilds) {
    desk d;
    auto c = fined_day(d);
    ASSERT_EQ(d.fines().size(), 1u);
    const auto& f = d.fines().front();
    EXPECT_EQ(f.id, "F1");
    EXPECT_EQ(f.person, "wujiu");
    EXPECT_EQ(rules::fine_issued_detail(f), "F1 采购部 负责人 吴九 罚款 50 元");
    int fined_events = 0;
    for (const auto& e : d.last().events)
        if (e.type == rules::fine_issued_event) {
            ++fined_events;
            EXPECT_EQ(e.detail, rules::fine_issued_detail(f));
            EXPECT_EQ(rules::fine_id_of_detail(e.detail), "F1");
        }
    EXPECT_EQ(fined_events, 1);
    EXPECT_TRUE(
        rules::fine_audit_problems(f, &d.last().events.back().detail, rules::fine_status::open).empty());
}

TEST(FineAudit, AnAmountThatDiffersFromTheEventIsNamed) {
    desk d;
    fined_day(d);
    auto f = d.fines().front();
    const auto detail = rules::fine_issued_detail(f);
    f.amount = 500;
    auto problems = rules::fine_audit_problems(f, &detail, rules::fine_status::open);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0],
              "fine F1 (采购部, 500 元) differs from the audit log: \"F1 采购部 负责人 吴九 罚款 50 元\"");
}

TEST(FineAudit, AStatusWithoutItsEventAndAFineWithoutAnyAreNamed) {
    desk d;
    fined_day(d);
    auto f = d.fines().front();
    f.set_status(rules::fine_status::paid);
    auto problems = rules::fine_audit_problems(f, nullptr, rules::fine_status::open);
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0], "fine F1 has no event in the audit log that issued it");
    EXPECT_EQ(
        problems[1],
        "fine F1 is paid in the ledger but open by the audit log: its status was changed without an event");
}

TEST(FineAudit, EachStatusEventSetsTheStatusItNames) {
    EXPECT_EQ(rules::fine_status_set_by("fine_paid"), rules::fine_status::paid);
    EXPECT_EQ(rules::fine_status_set_by("fine_waived"), rules::fine_status::waived);
    EXPECT_EQ(rules::fine_status_set_by("fine_reopened"), rules::fine_status::open);
    EXPECT_FALSE(rules::fine_status_set_by("fined"));
    EXPECT_FALSE(rules::fine_status_set_by("fine_appealed"));
}

TEST(FineAudit, HrWaivingWritesTheEventThatSetsWaived) {
    desk d;
    auto c = fined_day(d);
    ASSERT_FALSE(d.say_fine(&c, "免罚 F1 客户撤诉", "wangwu", at("14:00")));  // the complaint is unchanged
    ASSERT_EQ(d.last().updated_fines.size(), 1u);
    EXPECT_TRUE(d.last().updated_fines.front().status_is(rules::fine_status::waived));
    ASSERT_EQ(d.last().events.size(), 1u);
    EXPECT_EQ(rules::fine_status_set_by(d.last().events.front().type), rules::fine_status::waived);
    EXPECT_EQ(rules::fine_id_of_detail(d.last().events.front().detail), "F1");
    EXPECT_TRUE(has(d.reply(), "F1（吴九，50 元）已免罚：客户撤诉")) << d.reply();
}

TEST(FineAudit, WaivingFromOutsideHrIsRefusedAndChangesNothing) {
    desk d;
    auto c = fined_day(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say_fine(&c, "免罚 F1 我说了算", "wujiu", at("14:00")));
    EXPECT_TRUE(has(d.reply(), "只有人力资源部可以免罚，吴九不在人力资源部。")) << d.reply();
    EXPECT_TRUE(d.last().updated_fines.empty());
    EXPECT_TRUE(d.last().events.empty());
    EXPECT_TRUE(d.fines().front().status_is(rules::fine_status::open));
    EXPECT_EQ(stored(c), before);
}

}  // namespace
