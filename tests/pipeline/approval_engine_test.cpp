// Manager approval and approval by amount through the engine on a real SQLite file: a post waiting
// for its head's 批准 across a restart (reminded, 受理 refused, the clocks from the approval), and a
// compensation below the self-approval limit executed by 打单部 and countersigned by the general
// manager after a restart.
#include <gtest/gtest.h>

#include "reports/report_json.hpp"
#include "support/harness.hpp"

using namespace harness;

namespace {

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

}  // namespace

TEST(ApprovalEngine, APostWaitsForItsHeadAcrossARestart) {
    auto cfg = company();
    cfg.require_manager_approval = true;
    bench b(cfg);
    auto r = b.say(at("09:00"), "zhangsan", product_post);
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "P1（待批准）")) << r[0].text;
    EXPECT_EQ(r[0].mentions, std::vector<std::string>{"chenjing"});
    b.restart();
    auto reminders = b.advance(at("09:07"));
    ASSERT_EQ(reminders.size(), 1U);
    EXPECT_TRUE(has(reminders[0].text, "待销售一部负责人陈静批准后开始计时")) << reminders[0].text;
    r = b.say(at("09:08"), "zhoumin", "受理 P1");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "尚待销售一部负责人陈静批准")) << r[0].text;
    r = b.say(at("09:10"), "chenjing", "批准 P1");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "请打单部于 09:15 前受理")) << r[0].text;
    b.restart();
    r = b.say(at("09:14"), "zhoumin", "受理 P1");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "👌 P1 已由周敏受理（按时）")) << r[0].text;
    EXPECT_TRUE(b.db().fines().empty());
}

TEST(ApprovalEngine, ASmallCompensationIsExecutedByTheDeskAndCountersigned) {
    auto cfg = company();
    cfg.compensation.self_approve_below = 500;
    bench b(cfg);
    b.say(at("09:00"), "zhangsan", product_post);
    b.say(at("09:03"), "zhoumin", "受理 P1");
    b.say(at("09:20"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    b.say(at("10:30"), "qianqi", "回复 P1 模具磨损，同意退货补发");
    auto r = b.say(at("11:00"), "zhangsan", "赔偿 P1 300");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "低于 500 元")) << r[0].text;
    b.advance(at("17:31"));  // the sheet
    r = b.say(at("08:40", "2026-11-24"), "zhaoliu", "签字 P1");
    ASSERT_FALSE(r.empty());
    b.restart();
    auto morning = b.advance(at("09:05", "2026-11-24"));
    for (const auto& p : morning) EXPECT_FALSE(has(p.text, "转交副总")) << p.text;
    r = b.say(at("09:30", "2026-11-24"), "zhoumin", "执行 P1");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "请总经理补签（补签 P1）")) << r[0].text;
    b.restart();
    auto reminder = b.advance(at("09:31", "2026-11-25"));
    bool reminded = false;
    for (const auto& p : reminder) reminded = reminded || has(p.text, "待总经理补签（补签 P1）");
    EXPECT_TRUE(reminded);
    r = b.say(at("10:00", "2026-11-25"), "wangzong", "补签 P1 同意");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "✅ P1 已补签（王总）：同意。")) << r[0].text;
    auto j = app::complaint_json(*b.complaint("P1"), b.engine().tz());
    EXPECT_EQ(j.at("amount"), "300");
    EXPECT_EQ(j.at("self_approved"), true);
    EXPECT_EQ(j.at("countersigned_by"), "wangzong");
}
