// The customer's clock through the engine on a real SQLite file and virtual time: 已答复客户's
// reminder and escalation, 延期 and 同意延期 moving one department's deadline across a restart (no
// fine at the old one, a fine at the new one), 督办 to the VP and the general manager once each and
// the 督办 list; refusals leave the database as it was.
#include <gtest/gtest.h>

#include "reports/report_json.hpp"
#include "support/harness.hpp"

using namespace harness;

namespace {

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::vector<post> with(const std::vector<post>& posts, const std::string& needle) {
    std::vector<post> out;
    for (const auto& p : posts)
        if (has(p.text, needle)) out.push_back(p);
    return out;
}

// The example company with the customer's clock on (examples/company.yaml keeps it off).
rules::config with_clock() {
    auto cfg = company();
    cfg.customer.enabled = true;
    return cfg;
}

// P1 posted Monday 09:00 by zhangsan, accepted, 工艺 with 生产部 to investigate (due 11:00).
void waiting_p1(bench& b) {
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    b.say(at("09:03"), "zhoumin", "受理 P1");
    b.say(at("09:20"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
}

std::string deadline_keys(bench& b) {
    std::string s;
    for (const auto& d : b.db().open_deadlines())
        if (d.complaint == "P1") s += d.key + " ";
    return s;
}

}  // namespace

TEST(CustomerEngine, AnswerReminderAndEscalationSurviveARestart) {
    bench b(with_clock());
    waiting_p1(b);
    EXPECT_TRUE(has(deadline_keys(b), "customer:remind:1")) << deadline_keys(b);
    b.restart();
    auto remind = with(b.advance(at("07:00", "2026-11-24")), "前答复客户");
    ASSERT_EQ(remind.size(), 1U);
    EXPECT_EQ(remind[0].at, at("07:00", "2026-11-24"));
    EXPECT_EQ(remind[0].mentions, std::vector<std::string>{"zhangsan"});
    b.restart();
    auto esc = with(b.advance(at("10:00", "2026-11-24")), "仍未确认答复客户");
    ASSERT_EQ(esc.size(), 1U);
    EXPECT_EQ(esc[0].at, at("09:00", "2026-11-24"));
    EXPECT_EQ(esc[0].mentions, (std::vector<std::string>{"chenjing", "zhangsan"}));
    auto r = b.say(at("10:30", "2026-11-24"), "zhangsan", "已答复客户 P1 已告知客户今天下午给检测结论");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "（张三，超时1小时30分钟）")) << r[0].text;
    auto c = b.complaint("P1");
    ASSERT_TRUE(c && c->customer && c->customer->answered_at);
    auto j = app::complaint_json(*c, b.engine().tz());
    EXPECT_EQ(j.at("customer").at("answered_by"), "zhangsan");
    EXPECT_EQ(j.at("customer").at("answer_due"), "2026-11-24T09:00:00+08:00");
    EXPECT_FALSE(has(deadline_keys(b), "customer:")) << deadline_keys(b);
}

TEST(CustomerEngine, AnApprovedExtensionMovesTheFineAcrossARestart) {
    bench b(with_clock());
    waiting_p1(b);
    auto r = b.say(at("10:10"), "qianqi", "延期 P1 明天 17:00 等第三方检测报告");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "请赵六审批（同意延期 P1）")) << r[0].text;
    b.restart();
    r = b.say(at("10:15"), "zhaoliu", "同意延期 P1");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "生产部回复截止由 11:00 延至 11-24 17:00（赵六批准）")) << r[0].text;
    b.restart();
    b.advance(at("12:00"));
    EXPECT_TRUE(b.db().fines().empty());  // the old deadline no longer counts
    EXPECT_TRUE(has(deadline_keys(b), "respond:miss:生产部")) << deadline_keys(b);
    b.restart();
    b.advance(at("17:01", "2026-11-24"));
    auto fines = b.db().fines();
    ASSERT_EQ(fines.size(), 1U);
    EXPECT_EQ(fines[0].person, "zhaoliu");
    EXPECT_EQ(fines[0].deadline, at("17:00", "2026-11-24"));
    auto c = b.complaint("P1");
    auto j = app::complaint_json(*c, b.engine().tz());
    ASSERT_EQ(j.at("extensions").size(), 1U);
    EXPECT_EQ(j.at("extensions")[0].at("approved_by"), "zhaoliu");
    EXPECT_EQ(j.at("extensions")[0].at("until"), "2026-11-24T17:00:00+08:00");
}

TEST(CustomerEngine, RefusalsLeaveTheDatabaseAsItWas) {
    bench b(with_clock());
    waiting_p1(b);
    auto before = b.complaint("P1");
    auto keys = deadline_keys(b);
    for (const auto& [who, text] :
         std::vector<std::pair<std::string, std::string>>{{"qianqi", "已答复客户 P1 已告知"},
                                                          {"zhangsan", "延期 P1 明天 17:00 等报告"},
                                                          {"qianqi", "延期 P1 10:30 等报告"},
                                                          {"zhaoliu", "同意延期 P1"},
                                                          {"qianqi", "延期 P9 明天 17:00 等报告"}}) {
        auto r = b.say(at("10:00"), who, text);
        ASSERT_EQ(r.size(), 1U) << text;
        EXPECT_TRUE(has(r[0].text, "只有") || has(r[0].text, "须晚于") || has(r[0].text, "没有"))
            << text << " → " << r[0].text;
    }
    EXPECT_EQ(nlohmann::json(*b.complaint("P1")).dump(), nlohmann::json(*before).dump());
    EXPECT_EQ(deadline_keys(b), keys);
}

TEST(CustomerEngine, SupervisedByTheVpThenTheGeneralManagerAndListed) {
    auto cfg = with_clock();
    cfg.workflow.repeat_every = core::duration{0};
    bench b(cfg);
    waiting_p1(b);
    b.say(at("09:30"), "zhangsan", "已答复客户 P1 已告知客户正在检测");
    auto vp = with(b.advance(at("09:00", "2026-11-30")), "🚩 督办");
    ASSERT_EQ(vp.size(), 1U);
    EXPECT_TRUE(has(vp[0].text, "请副总督办")) << vp[0].text;
    b.restart();
    auto gm = with(b.advance(at("10:00", "2026-12-01")), "🚩 督办");
    ASSERT_EQ(gm.size(), 1U);
    EXPECT_TRUE(has(gm[0].text, "请总经理督办")) << gm[0].text;
    EXPECT_TRUE(with(b.advance(at("10:00", "2026-12-08")), "🚩 督办").empty());
    auto list = b.say(at("10:00", "2026-12-08"), "wangwu", "督办");
    ASSERT_EQ(list.size(), 1U);
    EXPECT_TRUE(has(list[0].text, "共 1 件：\n· P1 待回复（生产部）")) << list[0].text;
    EXPECT_TRUE(has(list[0].text, "总经理督办")) << list[0].text;
    auto q = b.say(at("10:05", "2026-12-08"), "wangwu", "查询 P1");
    ASSERT_EQ(q.size(), 1U);
    EXPECT_TRUE(has(q[0].text, "督办：登记已满 15天")) << q[0].text;
    EXPECT_TRUE(has(q[0].text, "答复客户：已答复客户（张三 11-23 09:30）：已告知客户正在检测")) << q[0].text;
}
