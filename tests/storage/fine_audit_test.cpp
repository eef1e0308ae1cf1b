// The rules write a fine and its "fined" event; storage::verify_audit checks the one against the
// other with the same rules function (rules::fine_issued_detail). A database written by the rules
// passes; a fine whose amount was changed afterwards is caught.
#include <gtest/gtest.h>

#include "rules/fine_audit.hpp"
#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

// A respond miss fines 采购部's head; the rules' events and fine are written as the engine does.
void write_fined_day(storage::database& db) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    std::vector<rules::event> events = d.last().events;
    auto step = [&](const std::string& text, const std::string& from, const std::string& hm) {
        d.say(c, text, from, at(hm));
        events.insert(events.end(), d.last().events.begin(), d.last().events.end());
    };
    step("受理 P1", "zhoumin", "09:04");
    step("工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", "09:25");
    step("回复 P1 冷镦模具磨损导致螺纹不良", "qianqi", "10:40");
    d.advance(c, at("11:00"));
    events.insert(events.end(), d.last().events.begin(), d.last().events.end());
    ASSERT_EQ(d.fines().size(), 1u);
    auto tx = db.begin();
    db.append_events(events);
    db.insert_fine(d.fines().front());
    db.save_complaint(c);
    tx->commit();
}

TEST(FineAudit, ADatabaseWrittenByTheRulesVerifies) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    write_fined_day(db);
    auto r = db.verify_audit();
    EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems.front());
    EXPECT_EQ(r.fines, 1);
}

TEST(FineAudit, AnAmountChangedAfterTheRulesWroteItIsCaught) {
    test_support::temp_dir dir;
    storage::database db((dir / "a.db").string());
    write_fined_day(db);
    storage::sql_console(db).exec("UPDATE fines SET amount = 5 WHERE seq = 1");
    auto r = db.verify_audit();
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0],
              "fine F1 (采购部, 5 元) differs from the audit log: \"F1 采购部 负责人 吴九 罚款 50 元\"");
}

}  // namespace
