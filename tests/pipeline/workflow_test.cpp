// The P and S state machines end to end through the engine, on a real SQLite file and virtual
// time: each stage on time and late, warnings, escalations, fines, refusals, duplicates, pauses,
// restarts and frozen rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "support/harness.hpp"

using namespace harness;
using namespace std::chrono_literals;

namespace {

// Registers P1 at 09:00, accepted 09:04, published 09:25 to 生产部 and 采购部.
void publish_p1(bench& b, const std::string& text = product_post) {
    b.say(at("09:00"), "zhangsan", text);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07，2号冷镦机生产 调查: 生产部 采购部");
}

std::vector<rules::event> events_of_type(bench& b, const std::string& id, const std::string& type) {
    std::vector<rules::event> out;
    for (const auto& e : b.db().events_of(id))
        if (e.type == type) out.push_back(e);
    return out;
}

}  // namespace

TEST(Workflow, ProductAllOnTimeClosesWithoutFines) {
    bench b;
    auto r = b.say(at("09:00"), "zhangsan", product_post_no_comp);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "✅ 已登记产品质量投诉 P1"));
    EXPECT_TRUE(contains(r[0].text, "请打单部于 09:05 前受理（受理 P1），09:30 前公布工艺流程"));
    EXPECT_TRUE(mentions(r[0], "lisi"));
    EXPECT_TRUE(mentions(r[0], "zhoumin"));

    r = b.say(at("09:04"), "zhoumin", "受理 P1");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "P1 已由周敏受理（按时）"));
    r = b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "请生产部、采购部于 11:00 前回复"));
    EXPECT_TRUE(mentions(r[0], "zhaoliu"));
    EXPECT_TRUE(mentions(r[0], "wujiu"));
    r = b.say(at("10:00"), "qianqi", "回复 P1 模具磨损，责任生产部");
    EXPECT_TRUE(contains(r[0].text, "仍待采购部回复（11:00 截止）"));
    r = b.say(at("10:20"), "wujiu", "回复 P1 原材料合格，非采购责任");
    EXPECT_TRUE(contains(r[0].text, "各部门均已回复"));
    EXPECT_TRUE(contains(r[0].text, "P1 已关闭"));

    auto c = b.complaint("P1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->status, "closed");
    EXPECT_TRUE(b.advance(at("17:00")).empty());  // nothing left to fire before the evening jobs
    EXPECT_TRUE(b.db().fines().empty());
    // The scheduled jobs remain, and P1's 回访: asked a work day after it closed, reminded, escalated.
    std::vector<std::string> of_p1;
    int jobs = 0;
    for (const auto& d : b.db().open_deadlines()) {
        if (d.complaint.empty())
            ++jobs;
        else if (d.complaint == "P1")
            of_p1.push_back(d.key);
        else
            ADD_FAILURE() << d.complaint << " " << d.key;
    }
    EXPECT_EQ(jobs, 5);  // sheet, forward, daily summary, weekly and monthly report
    std::sort(of_p1.begin(), of_p1.end());
    EXPECT_EQ(of_p1, (std::vector<std::string>{"followup:ask", "followup:esc:1", "followup:remind:1"}));
}

TEST(Workflow, LateAcceptEscalatesToOrderDeskHeadAndRecordsLateness) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    auto fired = b.advance(at("09:05"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].at, at("09:05"));
    EXPECT_TRUE(contains(fired[0].text, "P1 受理已超时（应于 09:05 前完成）"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"lisi"});

    auto r = b.say(at("09:12"), "zhoumin", "受理 P1");
    EXPECT_TRUE(contains(r[0].text, "受理（超时7分钟）"));
    auto accepted = events_of_type(b, "P1", "accepted");
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_EQ(accepted[0].late, core::duration{7min});
    EXPECT_EQ(accepted[0].deadline, at("09:05"));
}

TEST(Workflow, LatePublishEscalatesOnceAtThirtyMinutes) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    b.say(at("09:02"), "lisi", "受理 P1");
    auto fired = b.advance(at("09:31"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].at, at("09:30"));
    EXPECT_TRUE(contains(fired[0].text, "P1 公布工艺流程已超时（应于 09:30 前完成）"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"lisi"});
    auto r = b.say(at("09:40"), "zhoumin", "工艺 P1 批号B2611-07");
    EXPECT_TRUE(contains(r[0].text, "工艺流程已公布（超时10分钟）"));
    // Without 调查 the default investigators are asked.
    EXPECT_TRUE(contains(r[0].text, "请生产部、采购部、物流部于 11:00 前回复"));
    EXPECT_TRUE(b.advance(at("10:29")).empty());
}

TEST(Workflow, RespondWarningThenFineOnlyTheSilentHeadExactlyOnce) {
    bench b;
    publish_p1(b);
    auto fired = b.advance(at("10:30"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_TRUE(contains(fired[0].text, "P1 距回复截止（11:00）还有 30分钟，生产部、采购部尚未回复"));
    EXPECT_EQ(fired[0].mentions, (std::vector<std::string>{"zhaoliu", "wujiu"}));

    b.say(at("10:40"), "qianqi", "回复 P1 冷镦模具磨损导致螺纹不良");
    fired = b.advance(at("11:00"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_TRUE(contains(fired[0].text, "💰 P1 回复已超时（截止 11:00）"));
    EXPECT_TRUE(contains(fired[0].text, "F1：采购部负责人@吴九 50 元"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"wujiu"});

    auto fines = b.db().fines();
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(fines[0].id, "F1");
    EXPECT_EQ(fines[0].complaint, "P1");
    EXPECT_EQ(fines[0].stage, "respond");
    EXPECT_EQ(fines[0].department, "采购部");
    EXPECT_EQ(fines[0].person, "wujiu");
    EXPECT_EQ(fines[0].amount, 50);
    EXPECT_EQ(fines[0].deadline, at("11:00"));

    // A late reply is recorded with its lateness and fines nobody again.
    auto r = b.say(at("11:30"), "wujiu", "回复 P1 原材料批次合格");
    EXPECT_TRUE(contains(r[0].text, "采购部的回复（吴九，超时30分钟）"));
    auto replied = events_of_type(b, "P1", "replied");
    ASSERT_EQ(replied.size(), 2u);
    EXPECT_EQ(replied[1].late, core::duration{30min});
    b.restart();
    b.advance(at("23:00"));
    EXPECT_EQ(b.db().fines().size(), 1u);
}

TEST(Workflow, EveryDepartmentSilentFinesEachHead) {
    bench b;
    publish_p1(b);
    b.advance(at("11:00"));
    auto fines = b.db().fines();
    ASSERT_EQ(fines.size(), 2u);
    EXPECT_EQ(fines[0].id, "F1");
    EXPECT_EQ(fines[0].person, "zhaoliu");
    EXPECT_EQ(fines[1].id, "F2");
    EXPECT_EQ(fines[1].person, "wujiu");
}

TEST(Workflow, ServiceAllOnTimeClosesAfterNotify) {
    bench b;
    auto r = b.say(at("08:00"), "linfang", service_post);
    EXPECT_TRUE(contains(r[0].text, "✅ 已登记服务质量投诉 S1"));
    EXPECT_TRUE(mentions(r[0], "wangwu"));
    EXPECT_TRUE(mentions(r[0], "sunli"));
    b.say(at("08:03"), "sunli", "受理 S1");
    r = b.say(at("08:20"), "sunli", "分流 S1 物流部");
    EXPECT_TRUE(contains(r[0].text, "S1 已分流至物流部（按时）"));
    EXPECT_TRUE(contains(r[0].text, "请于 10:00 前提交处理方案"));
    EXPECT_EQ(r[0].mentions, std::vector<std::string>{"zhengshi"});
    r = b.say(at("09:00"), "zhengshi", "方案 S1 司机停岗培训一天");
    EXPECT_TRUE(contains(r[0].text, "请人力资源部于 09:10 前通知投诉人 林芳（已通知 S1）"));
    r = b.say(at("09:05"), "sunli", "已通知 S1");
    EXPECT_TRUE(contains(r[0].text, "S1 已通知投诉人林芳（按时）"));
    EXPECT_EQ(b.complaint("S1")->status, "closed");
    EXPECT_TRUE(b.advance(at("12:00")).empty());
}

TEST(Workflow, ServiceLateStagesEscalateToHrHead) {
    bench b;
    b.say(at("13:55"), "linfang", service_post);
    auto r = b.say(at("14:30"), "sunli", "受理 S1");
    auto fired = b.fired();
    ASSERT_EQ(fired.size(), 2u);
    EXPECT_EQ(fired[0].at, at("14:00"));
    EXPECT_TRUE(contains(fired[0].text, "S1 受理已超时"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"wangwu"});
    EXPECT_EQ(fired[1].at, at("14:25"));
    EXPECT_TRUE(contains(fired[1].text, "S1 分流已超时"));
    EXPECT_EQ(fired[1].mentions, std::vector<std::string>{"wangwu"});
    b.say(at("14:31"), "sunli", "分流 S1 物流部");
    b.say(at("15:10"), "zhengshi", "方案 S1 司机停岗培训一天");
    r = b.say(at("15:40"), "sunli", "已通知 S1");
    fired = b.fired();
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].at, at("15:20"));
    EXPECT_TRUE(contains(fired[0].text, "S1 通知投诉人已超时"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"wangwu"});
    EXPECT_TRUE(contains(r[0].text, "（超时20分钟）"));
    EXPECT_EQ(b.complaint("S1")->status, "closed");
    EXPECT_TRUE(b.db().fines().empty());
}

TEST(Workflow, LateRouteStillGivesTheDepartmentTheMinimumTime) {
    bench b;
    b.say(at("08:00"), "linfang", service_post);
    b.say(at("08:01"), "sunli", "受理 S1");
    auto r = b.say(at("09:50"), "sunli", "分流 S1 物流部");
    // 08:00 + 2h = 10:00 would leave 10 minutes; the department gets 30.
    EXPECT_TRUE(contains(r[0].text, "请于 10:20 前提交处理方案"));
}

TEST(Workflow, ServiceRespondMissFinesRoutedHead) {
    bench b;
    b.say(at("08:00"), "linfang", service_post);
    b.say(at("08:01"), "sunli", "受理 S1");
    b.say(at("08:02"), "sunli", "分流 S1 物流部 客服部");
    b.say(at("09:00"), "fengxiao", "方案 S1 客服主管回访道歉");
    b.advance(at("10:00"));
    auto fines = b.db().fines();
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(fines[0].person, "zhengshi");
    EXPECT_EQ(fines[0].department, "物流部");
}

namespace {

struct refusal {
    std::string from, text, reply;
};

// Sends each command at `t` (or spaced 10 s apart from it) and checks the exact reply and that the
// tables a refusal must leave alone are unchanged.
void expect_refusals(bench& b, core::instant t, const std::vector<refusal>& cases, core::duration step = {}) {
    for (const auto& c : cases) {
        auto before = b.snapshot();
        auto r = b.say(t, c.from, c.text);
        t += step;
        ASSERT_EQ(r.size(), 1u) << c.text;
        EXPECT_EQ(r[0].text, c.reply) << c.text;
        EXPECT_EQ(b.snapshot(), before) << c.text;
    }
}

}  // namespace

TEST(Workflow, RefusalsChangeNothing) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    expect_refusals(
        b, at("09:00") + 10s,
        {
            {"zhangsan", "受理 P1", "❌ 只有打单部可以受理 P1，张三不在打单部。\n@张三"},
            {"zhoumin", "工艺 P1 批号B2611-07", "❌ P1 当前待受理，请先完成：受理 P1。\n@周敏"},
            {"qianqi", "回复 P1 模具磨损", "❌ P1 当前待受理，请先完成：受理 P1。\n@钱七"},
            {"sunli", "分流 P1 物流部",
             "❌ P1 是产品质量投诉，请用：工艺 P1 <工艺流程> 调查: 生产部 采购部 物流部。\n@孙丽"},
            {"sunli", "已通知 P1", "❌ P1 是产品质量投诉，没有“通知投诉人”环节。\n@孙丽"},
            {"zhoumin", "受理 P9", "❌ 没有找到投诉 P9，请用“待办”查看进行中的投诉编号。\n@周敏"},
            {"zhoumin", "受理 S1", "❌ 没有找到投诉 S1，请用“待办”查看进行中的投诉编号。\n@周敏"},
            {"zhangsan", "暂停 P1 等客户回复", "❌ 只有人力资源部可以暂停 P1，张三不在人力资源部。\n@张三"},
            {"sunli", "恢复 P1", "❌ P1 没有暂停，无需恢复。\n@孙丽"},
            {"zhangsan", "免罚 F1 误报", "❌ 只有人力资源部可以免罚，张三不在人力资源部。\n@张三"},
            {"sunli", "免罚 F1 误报", "❌ 没有找到罚款 F1，请用“罚款汇总 本月”查看罚款编号。\n@孙丽"},
        },
        10s);

    b.say(at("09:03"), "zhoumin", "受理 P1");
    expect_refusals(
        b, at("09:04"),
        {
            {"lisi", "受理 P1", "❌ P1 已于 11-23 09:03 由 周敏 受理，无需重复。\n@李四"},
            {"zhoumin", "工艺 P1 批号B2611-07 调查: 研发部 生产部",
             "❌ "
             "未知部门：研发部。可用的部门：销售一部、销售二部、打单部、人力资源部、生产部、采购部、物流部、"
             "客服部、监察部、行政部、总经办。\n@周敏"},
            {"zhangsan", "工艺 P1 批号B2611-07", "❌ 只有打单部可以公布工艺流程 P1，张三不在打单部。\n@张三"},
        });

    b.say(at("09:10"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    expect_refusals(
        b, at("09:20"),
        {
            {"wujiu", "回复 P1 与采购无关", "❌ 只有生产部可以回复 P1，吴九不在这些部门。\n@吴九"},
            {"zhoumin", "工艺 P1 再次公布", "❌ P1 已于 11-23 09:10 由 周敏 公布工艺流程，无需重复。\n@周敏"},
        });
    b.say(at("09:30"), "qianqi", "回复 P1 模具磨损");
    // P1 asks for a return: every stage is done but it stays open for the compensation flow; the
    // reply can no longer be amended.
    expect_refusals(b, at("09:31"),
                    {{"zhaoliu", "回复 P1 补充：已换模具",
                      "❌ P1 各部门已于 11-23 09:30 全部回复，回复不能再修改。\n@赵六"}});
}

TEST(Workflow, UnregisteredSenderGetsOnePoliteReplyAndNothingChanges) {
    bench b;
    auto before = b.snapshot();
    auto r = b.say(at("09:00"), "stranger", product_post);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(
        r[0].text,
        "❌ 你的账号尚未在投诉机器人中登记（账号 ID：stranger）。请把这个 ID 发给人力资源部，登记后再发送。");
    EXPECT_EQ(b.snapshot(), before);
}

TEST(Workflow, DuplicateMessageIdIsProcessedOnce) {
    bench b;
    auto r1 = b.say(at("09:00"), "zhangsan", product_post, "m1");
    EXPECT_EQ(b.last_handled(), app::handled::processed);
    auto before = b.snapshot();
    auto r2 = b.say(at("09:00") + 30s, "zhangsan", product_post, "m1");
    EXPECT_EQ(b.last_handled(), app::handled::duplicate);
    EXPECT_EQ(r1.size(), 1u);
    EXPECT_TRUE(r2.empty());
    EXPECT_EQ(b.snapshot(), before);
    EXPECT_FALSE(b.complaint("P2"));
    // Same id after a restart: still a duplicate.
    b.restart();
    b.say(at("09:01"), "zhangsan", product_post, "m1");
    EXPECT_EQ(b.last_handled(), app::handled::duplicate);
    // A different message with the same text is a new complaint.
    b.say(at("09:02"), "zhangsan", product_post, "m2");
    EXPECT_TRUE(b.complaint("P2"));
}

TEST(Workflow, PauseStopsTheClocksAndResumeShiftsThem) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    auto r = b.say(at("09:02"), "sunli", "暂停 P1 等客户提供照片");
    EXPECT_TRUE(contains(r[0].text, "⏸ P1 已暂停计时（等客户提供照片）"));
    EXPECT_TRUE(b.advance(at("10:00")).empty());  // nothing fires while paused
    r = b.say(at("10:02"), "sunli", "恢复 P1");
    EXPECT_TRUE(contains(
        r[0].text, "▶️ P1 恢复计时，暂停 1小时 不计入期限。待受理，截止 10:05。"));
    auto fired = b.advance(at("10:05"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].at, at("10:05"));
    EXPECT_EQ(events_of_type(b, "P1", "paused").size(), 1u);
    EXPECT_EQ(events_of_type(b, "P1", "resumed").size(), 1u);
}

TEST(Workflow, EscalationChainLevelsEachFireOnceToTheRightPeople) {
    auto cfg = company();
    cfg.workflow.accept.escalation = {{0min, "head"}, {30min, "vp"}, {2h, "general_manager"}};
    bench b(cfg);
    b.say(at("09:00"), "zhangsan", product_post);
    b.say(at("09:00") + 30s, "zhangsan", product_post);  // P2, never accepted
    b.say(at("09:01"), "zhoumin", "受理 P1");            // accepted on time: P1's chain never fires
    auto accept_posts = [](const std::vector<post>& posts, const std::string& id) {
        std::vector<post> out;
        for (const auto& p : posts)
            if (contains(p.text, id + " 受理")) out.push_back(p);
        return out;
    };
    auto fired = accept_posts(b.advance(at("09:06")), "P2");
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].at, at("09:05") + 30s);
    EXPECT_TRUE(contains(fired[0].text, "P2 受理已超时"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"lisi"});
    b.restart();
    fired = accept_posts(b.advance(at("09:36")), "P2");
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].at, at("09:35") + 30s);
    EXPECT_TRUE(contains(fired[0].text, "⏫ P2 受理已超时 30分钟"));
    EXPECT_EQ(fired[0].mentions, std::vector<std::string>{"liuqiang"});  // VP of 销售一部
    b.restart();
    fired = accept_posts(b.advance(at("11:06")), "P2");
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].mentions, (std::vector<std::string>{"wangzong", "dingxiaoling"}));
    // After the last level, P2 is reminded every hour (repeat_every) to the same people, each once.
    b.restart();
    fired = b.advance(at("23:00"));
    auto again = accept_posts(fired, "P2");
    ASSERT_EQ(again.size(), 11u);  // 12:05:30 … 22:05:30
    EXPECT_EQ(again[0].at, at("12:05") + 30s);
    EXPECT_EQ(again[10].at, at("22:05") + 30s);
    for (const auto& p : again) EXPECT_EQ(p.mentions, (std::vector<std::string>{"wangzong", "dingxiaoling"}));
    b.restart();
    EXPECT_TRUE(accept_posts(b.advance(at("23:00")), "P2").empty());
    EXPECT_TRUE(accept_posts(fired, "P1").empty());
}

TEST(Workflow, RulesAreFrozenAtRegistration) {
    auto cfg = company();
    bench b(cfg);
    publish_p1(b, product_post_no_comp);
    // HR raises the fine and shortens the accept deadline; P1 keeps the rules it was registered under.
    cfg.workflow.fine_amount = 100;
    cfg.workflow.accept.due = 1min;
    b.reconfigure(cfg);
    b.say(at("09:30"), "zhangsan", product_post_no_comp);
    auto fired = b.advance(at("11:00"));
    ASSERT_GE(fired.size(), 2u);
    EXPECT_EQ(fired[0].at, at("09:31"));
    EXPECT_TRUE(contains(fired[0].text, "P2 受理已超时（应于 09:31 前完成）"));
    auto fines = b.db().fines();
    ASSERT_EQ(fines.size(), 2u);
    for (const auto& f : fines) {
        EXPECT_EQ(f.complaint, "P1");
        EXPECT_EQ(f.amount, 50);
        EXPECT_EQ(f.deadline, at("11:00"));
    }
}

TEST(Workflow, MissedWhileDownFiresAtOnceWithOriginalDeadline) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    b.restart();
    b.clock().set(at("09:20"));
    b.engine().fire_due(at("09:20"));
    auto missed = events_of_type(b, "P1", "missed");
    ASSERT_EQ(missed.size(), 1u);
    EXPECT_EQ(missed[0].at, at("09:20"));
    EXPECT_EQ(missed[0].deadline, at("09:05"));
    EXPECT_EQ(missed[0].late, core::duration{15min});
    b.restart();
    b.engine().fire_due(at("09:20"));
    EXPECT_EQ(events_of_type(b, "P1", "missed").size(), 1u);
}
