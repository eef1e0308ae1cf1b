// Manager approval before the clock (rules/approval.cpp, workflow.require_manager_approval): a
// salesperson's post waits for their head's 批准 P1 — reminded, nothing else runs — and the stages'
// clocks start at the approval; the head's own post needs none; refusals change nothing.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

rules::config with_approval() {
    auto cfg = company();
    cfg.require_manager_approval = true;
    return cfg;
}

std::vector<std::string> keys_of(const rules::complaint& c) {
    std::vector<std::string> out;
    for (const auto& dl : rules::pending_deadlines(c)) out.push_back(dl.key);
    return out;
}

TEST(Approval, OffByDefault) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    EXPECT_FALSE(c.approval);
    EXPECT_TRUE(c.find_stage(rules::stage_id::accept)->due);
}

TEST(Approval, ThePostWaitsForTheHeadAndIsReminded) {
    desk d(with_approval());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(c.awaiting_approval());
    EXPECT_TRUE(has(
        d.reply(),
        "✅ 已登记产品质量投诉 P1（待批准）\n投诉人：张三（销售一部）　客户：华东五金有限公司\n"
        "请销售一部负责人陈静批准（批准 P1）。批准后开始计时：打单部 5分钟内受理，30分钟内公布工艺流程。"))
        << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "chenjing"));
    EXPECT_FALSE(mentions(d.last().posts.front(), "zhoumin"));  // 打单部 is not called yet
    for (const auto& s : c.stages) EXPECT_FALSE(s.due) << s.name;
    EXPECT_EQ(keys_of(c), std::vector<std::string>{"approve:remind:1"});
    EXPECT_TRUE(has(rules::pending_summary(c, d.ctx(at("09:01"))), "P1 待批准（销售一部负责人陈静）"));

    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "受理 P1", "zhoumin", at("09:02")));
    EXPECT_TRUE(has(d.reply(), "P1 尚待销售一部负责人陈静批准（批准 P1），批准后才开始处理")) << d.reply();
    EXPECT_FALSE(d.say(c, "批准 P1", "zhoumin", at("09:03")));
    EXPECT_TRUE(has(d.reply(), "只有销售一部负责人陈静可以批准 P1，周敏不能批准")) << d.reply();
    EXPECT_EQ(stored(c), before);

    d.advance(c, at("09:15"));
    ASSERT_EQ(d.last().posts.size(), 3U);  // 09:05, 09:10, 09:15: up to workflow.reminders
    EXPECT_TRUE(
        has(d.last().posts.front().text, "⏰ 提醒（第1次）：P1 待销售一部负责人陈静批准后开始计时（批准 P1）"))
        << d.last().posts.front().text;
    EXPECT_TRUE(mentions(d.last().posts.front(), "chenjing"));
    EXPECT_TRUE(keys_of(c).empty());
    EXPECT_TRUE(d.last().new_fines.empty());
}

TEST(Approval, TheClocksStartAtTheApproval) {
    desk d(with_approval());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "批准 P1", "chenjing", at("09:20")));
    EXPECT_TRUE(has(d.reply(),
                    "✅ P1 已由陈静批准，开始计时。请打单部于 09:25 前受理（受理 P1），09:50 前公布工艺流程"))
        << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "zhoumin"));
    EXPECT_EQ(c.find_stage(rules::stage_id::accept)->due, at("09:25"));
    EXPECT_EQ(c.find_stage(rules::stage_id::publish)->due, at("09:50"));
    EXPECT_EQ(c.clock_start(), at("09:20"));
    d.say(c, "受理 P1", "zhoumin", at("09:24"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:40"));
    EXPECT_EQ(c.find_stage(rules::stage_id::respond)->due, at("11:20"));  // two hours from the approval
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "批准 P1", "chenjing", at("09:45")));
    EXPECT_TRUE(has(d.reply(), "P1 已于 11-23 09:20 由陈静批准，无需重复")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Approval, TheHeadsOwnPostAndAServiceComplaint) {
    desk d(with_approval());
    auto own = d.post(product_post, "chenjing", at("09:00"));  // 投诉人 张三, posted by his head
    EXPECT_FALSE(own.approval);
    EXPECT_TRUE(own.find_stage(rules::stage_id::accept)->due);
    auto before = stored(own);
    EXPECT_FALSE(d.say(own, "批准 P1", "chenjing", at("09:01")));
    EXPECT_TRUE(has(d.reply(), "P1 登记时无需部门负责人批准")) << d.reply();
    EXPECT_EQ(stored(own), before);

    auto s = d.post(service_post, "linfang", at("09:00"), 2);
    ASSERT_TRUE(s.awaiting_approval());
    EXPECT_TRUE(has(d.reply(), "批准后开始计时：人力资源部 5分钟内受理，30分钟内分流。")) << d.reply();
    ASSERT_TRUE(d.say(s, "无效 S2 重复投诉", "wangwu", at("09:10")));  // HR may still rule it invalid
    EXPECT_FALSE(s.awaiting_approval());
    EXPECT_TRUE(keys_of(s).empty());
}

TEST(Approval, StoredAndReadBack) {
    desk d(with_approval());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto back = nlohmann::json(c).get<rules::complaint>();
    EXPECT_EQ(stored(back), stored(c));
    EXPECT_TRUE(back.awaiting_approval());
    d.say(c, "批准 P1", "chenjing", at("09:20"));
    back = nlohmann::json(c).get<rules::complaint>();
    EXPECT_EQ(back.approval->approved_by, "chenjing");
    EXPECT_EQ(back.clock_start(), at("09:20"));
}

}  // namespace
