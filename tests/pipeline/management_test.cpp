// The management layer through the engine on a real SQLite file and virtual time: appeals that
// overturn a fine, the business calendar (a Friday 17:55 post before a holiday, a make-up
// Saturday, lunch breaks, reminders held until the next opening), return freight sign-offs in
// order, and the reminders of the compensation flow. Every refusal changes nothing.
#include <gtest/gtest.h>

#include "rules/reports.hpp"
#include "storage/sql_console.hpp"
#include "support/harness.hpp"

using namespace harness;
using namespace std::chrono_literals;

namespace {

// The sample company plus a 财务部 (finance pays the freight).
rules::config with_finance(rules::config cfg = company()) {
    cfg.org.departments.push_back({"财务部", "qianduo"});
    cfg.org.people.push_back({"qianduo", "钱多", "财务部", {}});
    cfg.roles.finance = "财务部";
    return cfg;
}

// Business time: 08:30-12:00 and 13:30-17:30 Monday to Friday; Monday 2026-11-30 a holiday and
// Saturday 2026-12-05 a make-up work day (调休).
rules::config business() {
    auto cfg = with_finance();
    cfg.calendar.business = true;
    cfg.calendar.holidays = {{2026, 11, 30}};
    cfg.calendar.make_up_days = {{2026, 12, 5}};
    cfg.workflow.business_time = true;
    return cfg;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Appeal

TEST(Appeal, OverturnsAFineAndHrWaivesItCitingTheAppeal) {
    bench b;
    day_with_fine(b);
    b.say(at("11:30"), "wujiu", "回复 P1 原材料批次合格，责任不在采购部");
    ASSERT_EQ(b.db().fines().size(), 1u);

    // Only the complainant (or the poster, or their head) may appeal.
    auto before = b.snapshot();
    auto r = b.say(at("14:00"), "wujiu", "申诉 P1 罚款不合理");
    EXPECT_EQ(r[0].text, "❌ 只有投诉人张三或销售一部负责人陈静可以申诉 P1。\n@吴九");
    EXPECT_EQ(b.snapshot(), before);
    r = b.say(at("14:01"), "jiangtao", "复核 P1 维持原处理");
    EXPECT_EQ(r[0].text, "❌ P1 没有申诉，无需复核。\n@江涛");
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("14:05"), "zhangsan", "申诉 P1 采购部超时是在等供应商检测报告，客户认可，请复核罚款");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].text,
              "📣 P1 已收到张三的申诉：采购部超时是在等供应商检测报告，客户认可，请复核罚款\n"
              "请监察部于 11-24 14:05 前复核（复核 P1 <复核结论>，撤销罚款请写明编号，如 撤销 F1）。"
              "逾期将提请总经理处理。\n@张三 @江涛");
    auto c = b.complaint("P1");
    EXPECT_EQ(c->status, "open");
    EXPECT_EQ(c->pending_stage()->name, "review");
    before = b.snapshot();
    r = b.say(at("14:06"), "chenjing", "申诉 P1 再次申诉");
    EXPECT_EQ(r[0].text, "❌ P1 已于 11-23 14:05 由张三申诉，不能重复申诉。\n@陈静");
    r = b.say(at("14:07"), "sunli", "复核 P1 撤销 F1");
    EXPECT_EQ(r[0].text, "❌ 只有监察部可以复核 P1，孙丽不在监察部。\n@孙丽");
    r = b.say(at("14:08"), "jiangtao", "复核 P1 撤销 F7");
    EXPECT_EQ(r[0].text, "❌ F7 不是 P1 的罚款，请核对罚款编号（查询 P1）。\n@江涛");
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("15:00"), "jiangtao", "复核 P1 撤销 F1，采购部已按规定提前报备延期");
    EXPECT_EQ(
        r[0].text,
        "⚖️ P1 复核结论（江涛，按时）：撤销 F1，采购部已按规定提前报备延期\n"
        "F1 经复核撤销，请人力资源部免罚（免罚 F1）。\n@江涛 @王五 @张三");
    r = b.say(at("15:10"), "sunli", "免罚 F1 申诉复核撤销");
    EXPECT_EQ(r[0].text,
              "✅ F1（吴九，50 元）已免罚：申诉复核撤销（依据 P1 申诉复核：撤销 "
              "F1，采购部已按规定提前报备延期）\n@孙丽");
    auto f = b.db().load_fine("F1");
    EXPECT_EQ(f->status, "waived");
    EXPECT_TRUE(contains(f->status_reason, "依据 P1 申诉复核"));
    auto q = b.say(at("15:20"), "zhangsan", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "张三 申诉：采购部超时是在等供应商检测报告")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "江涛 复核：撤销 F1")) << q[0].text;
}

TEST(Appeal, ReopensAClosedComplaintAndAMissedReviewGoesToTheGeneralManager) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    b.say(at("09:02"), "zhoumin", "受理 P1");
    b.say(at("09:10"), "zhoumin", "工艺 P1 批号B2611-07 调查: 物流部");
    b.say(at("10:00"), "zhengshi", "回复 P1 运输途中挤压，已整改包装");
    ASSERT_EQ(b.complaint("P1")->status, "closed");
    auto r = b.say(at("09:00", "2026-11-25"), "chenjing", "申诉 P1 物流部只整改包装，未赔偿客户损失");
    EXPECT_TRUE(contains(r[0].text, "📣 P1 已收到陈静的申诉")) << r[0].text;
    EXPECT_EQ(b.complaint("P1")->status, "open");
    auto fired = b.advance(at("09:00", "2026-11-26"));
    auto late = matching(fired, "复核已超时");
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(
        late[0].text,
        "⏰ P1 复核已超时（应于 09:00 前完成），请监察部立即处理（复核 P1 <复核结论>）。\n@王总 @丁小玲");
    EXPECT_EQ(late[0].at, at("09:00", "2026-11-26"));
    r = b.say(at("10:00", "2026-11-26"), "jiangtao", "复核 P1 维持原处理，物流部另行赔偿包装费");
    EXPECT_TRUE(contains(r[0].text, "⚖️ P1 复核结论（江涛，超时1小时）")) << r[0].text;
    EXPECT_TRUE(contains(r[0].text, "P1 已关闭。"));
    EXPECT_EQ(b.complaint("P1")->status, "closed");
}

TEST(Appeal, RefusedBeforeAnyReplyAndAfterTheWindow) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    auto before = b.snapshot();
    auto r = b.say(at("09:01"), "zhangsan", "申诉 P1 太慢");
    EXPECT_EQ(r[0].text, "❌ P1 尚未答复，暂不能申诉；请等待责任部门回复后再申诉。\n@张三");
    EXPECT_EQ(b.snapshot(), before);
    b.say(at("09:02"), "zhoumin", "受理 P1");
    b.say(at("09:10"), "zhoumin", "工艺 P1 批号B2611-07 调查: 物流部");
    b.say(at("10:00"), "zhengshi", "回复 P1 运输途中挤压，已整改包装");
    b.advance(at("10:00", "2026-12-01"));  // the week passes (the 回访 request and its reminders fire)
    before = b.snapshot();
    r = b.say(at("10:01", "2026-12-01"), "zhangsan", "申诉 P1 处理不合理");
    EXPECT_EQ(r[0].text, "❌ P1 已超过申诉期限（最后答复 11-23 10:00 起 7天），不能申诉。\n@张三");
    EXPECT_EQ(b.snapshot(), before);
}

// ---------------------------------------------------------------------------------------------
// Business calendar

TEST(BusinessTime, FridayEveningBeforeAHolidayLandsOnTheNextWorkDay) {
    bench b(business());
    // Friday 2026-11-27 17:55, after closing; Monday 11-30 is a holiday: the clocks start Tuesday
    // 08:30.
    auto r = b.say(at("17:55", "2026-11-27"), "zhangsan", product_post_no_comp);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "请打单部于 12-01 08:35 前受理（受理 P1），12-01 09:00 前公布工艺流程"))
        << r[0].text;
    auto c = b.complaint("P1");
    EXPECT_EQ(c->find_stage("accept")->due, at("08:35", "2026-12-01"));
    EXPECT_EQ(c->find_stage("publish")->due, at("09:00", "2026-12-01"));
    // Friday's summary at 18:00, then nothing over the weekend and the holiday (no summaries on
    // days off either).
    auto evening = b.advance(at("18:00", "2026-11-27"));
    ASSERT_EQ(evening.size(), 1u);
    EXPECT_TRUE(contains(evening[0].text, "今日罚款汇总（今天，2026-11-27）"));
    EXPECT_TRUE(b.advance(at("08:34", "2026-12-01")).empty());
    auto fired = b.advance(at("08:35", "2026-12-01"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_TRUE(contains(fired[0].text, "P1 受理已超时（应于 08:35 前完成）")) << fired[0].text;
    b.say(at("08:50", "2026-12-01"), "zhoumin", "受理 P1");
    r = b.say(at("08:55", "2026-12-01"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    // Respond: two working hours from the post's start of clock (08:30) = 10:30.
    EXPECT_TRUE(contains(r[0].text, "请生产部于 10:30 前回复")) << r[0].text;
    fired = b.advance(at("10:30", "2026-12-01"));
    auto warn = matching(fired, "距回复截止");
    ASSERT_EQ(warn.size(), 1u);
    EXPECT_EQ(warn[0].at, at("10:00", "2026-12-01"));
    auto fines = matching(fired, "回复已超时");
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(fines[0].at, at("10:30", "2026-12-01"));
    EXPECT_EQ(b.db().fines().at(0).deadline, at("10:30", "2026-12-01"));
}

TEST(BusinessTime, MakeUpSaturdayCountsAndLunchDoesNot) {
    bench b(business());
    // Friday 2026-12-04 17:00: 30 working minutes left that day, the rest on the make-up Saturday.
    b.say(at("17:00", "2026-12-04"), "zhangsan", product_post_no_comp);
    b.say(at("17:02", "2026-12-04"), "zhoumin", "受理 P1");
    auto r = b.say(at("17:10", "2026-12-04"), "zhoumin", "工艺 P1 批号B2611-07 调查: 采购部");
    EXPECT_TRUE(contains(r[0].text, "请采购部于 12-05 10:00 前回复")) << r[0].text;
    auto fired = b.advance(at("10:00", "2026-12-05"));
    auto fines = matching(fired, "回复已超时");
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(fines[0].at, at("10:00", "2026-12-05"));
    EXPECT_TRUE(contains(fines[0].text, "F1：采购部负责人@吴九 50 元"));

    // Over lunch: posted 11:00 on Monday 12-07, respond due 14:30 (12:00-13:30 does not count).
    b.say(at("11:00", "2026-12-07"), "zhangsan", product_post_no_comp);
    b.say(at("11:01", "2026-12-07"), "zhoumin", "受理 P2");
    r = b.say(at("11:05", "2026-12-07"), "zhoumin", "工艺 P2 批号B2612-01 调查: 物流部");
    EXPECT_TRUE(contains(r[0].text, "请物流部于 14:30 前回复")) << r[0].text;
}

TEST(BusinessTime, AReminderDueWhileTheBotWasDownWaitsForTheNextOpening) {
    bench b(business());
    b.say(at("17:00", "2026-12-01"), "zhangsan", product_post_no_comp);  // accept due 17:05
    b.restart();
    // The bot comes back at 19:00: the accept miss (17:05) is not posted in the evening but at
    // the next opening, 08:30 the next day, still recording 17:05 as the deadline.
    b.clock().set(at("19:00", "2026-12-01"));
    auto evening = b.advance(at("08:29", "2026-12-02"));
    ASSERT_EQ(evening.size(), 1u);  // only the 18:00 summary, late
    EXPECT_TRUE(contains(evening[0].text, "今日罚款汇总")) << evening[0].text;
    auto fired = b.advance(at("08:30", "2026-12-02"));
    auto late = matching(fired, "受理已超时");
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].at, at("08:30", "2026-12-02"));
    EXPECT_TRUE(contains(late[0].text, "应于 12-01 17:05 前完成")) << late[0].text;
}

TEST(BusinessTime, WallClockStaysTheDefault) {
    bench b;
    auto r = b.say(at("17:55", "2026-11-27"), "zhangsan", product_post_no_comp);
    EXPECT_TRUE(contains(r[0].text, "请打单部于 18:00 前受理")) << r[0].text;
}

// ---------------------------------------------------------------------------------------------
// Return freight

TEST(Freight, WalksEverySignOffInOrderAndRefusesASkippedOne) {
    auto cfg = with_finance();
    cfg.workflow.repeat_every = core::duration{0};  // the silent 采购部's hourly reminders: Repeat.*
    bench b(cfg);
    day_with_fine(b);
    auto before = b.snapshot();
    auto r = b.say(at("11:10"), "zhoumin", "运费 P1 120 生产部");
    EXPECT_EQ(r[0].text, "❌ 只有客服部可以登记退货运费 P1，周敏不在客服部。\n@周敏");
    r = b.say(at("11:11"), "fengxiao", "运费 P1 120 研发部");
    EXPECT_TRUE(contains(r[0].text, "❌ 未知部门：研发部。可用的部门：")) << r[0].text;
    r = b.say(at("11:12"), "zhaoliu", "签字 运费P1");
    EXPECT_EQ(r[0].text, "❌ 没有找到 运费P1，请客服部跟单员先登记（运费 P1 <金额> <承担部门>）。\n@赵六");
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("11:15"), "fengxiao", "运费 P1 120元 生产部");
    EXPECT_EQ(r[0].text,
              "🚚 运费P1 已登记退货运费 120 元，由生产部承担。\n请生产部负责人签字（签字 "
              "运费P1），之后由打单部经理签字、"
              "财务部付款、人力资源部核销。\n@冯晓 @赵六");
    before = b.snapshot();
    r = b.say(at("11:16"), "fengxiao", "运费 P1 80 采购部");
    EXPECT_EQ(r[0].text, "❌ 运费P1 已于 11-23 11:15 登记（120 元，生产部承担），不能重复登记。\n@冯晓");
    r = b.say(at("11:17"), "qianduo", "付款 运费P1");
    EXPECT_EQ(r[0].text, "❌ 运费P1 当前待生产部负责人签字，请先完成：签字 运费P1。\n@钱多");
    r = b.say(at("11:18"), "sunli", "核销 运费P1");
    EXPECT_EQ(r[0].text, "❌ 运费P1 当前待生产部负责人签字，请先完成：签字 运费P1。\n@孙丽");
    r = b.say(at("11:19"), "qianqi", "签字 运费P1");
    EXPECT_EQ(r[0].text,
              "❌ 运费P1 当前待生产部负责人签字，只有生产部负责人赵六可以办理，钱七不能代办。\n@钱七");
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("11:20"), "zhaoliu", "签字 运费P1");
    EXPECT_EQ(r[0].text,
              "✅ 运费P1 生产部负责人 赵六 签字。下一步：打单部经理签字（签字 运费P1）。\n@赵六 @李四 @周敏");
    before = b.snapshot();
    r = b.say(at("11:21"), "zhaoliu", "签字 运费P1");
    EXPECT_EQ(r[0].text,
              "❌ 运费P1 当前待打单部经理签字，只有打单部经理或助理可以办理，赵六不能代办。\n@赵六");
    r = b.say(at("11:22"), "qianduo", "付款 运费P1");
    EXPECT_EQ(r[0].text, "❌ 运费P1 当前待打单部经理签字，请先完成：签字 运费P1。\n@钱多");
    EXPECT_EQ(b.snapshot(), before);
    r = b.say(at("11:30"), "lisi", "签字 运费P1");
    EXPECT_TRUE(contains(r[0].text, "✅ 运费P1 打单部 李四 签字。下一步：财务部付款（付款 运费P1）。"))
        << r[0].text;
    EXPECT_TRUE(mentions(r[0], "qianduo"));
    before = b.snapshot();
    r = b.say(at("11:31"), "lisi", "付款 运费P1");
    EXPECT_EQ(r[0].text, "❌ 运费P1 当前待财务部付款，只有财务部可以办理，李四不能代办。\n@李四");
    EXPECT_EQ(b.snapshot(), before);
    r = b.say(at("14:00"), "qianduo", "付款 运费P1");
    EXPECT_TRUE(
        contains(r[0].text, "✅ 运费P1 财务部 钱多 付款 120 元。下一步：人力资源部核销（核销 运费P1）。"))
        << r[0].text;

    // The weekly report lists the freight still open.
    b.clock().set(at("14:10"));
    auto ctx = rules::context{b.cfg(), b.engine().tz(), at("14:10"), nullptr};
    auto weekly = rules::weekly_report(b.db().all_complaints(), b.db().fines(),
                                       {{2026, 11, 23}, {2026, 11, 29}, "本周"}, ctx);
    EXPECT_TRUE(contains(weekly, "未结退货运费：1 笔\n· 运费P1 120 元（生产部承担） 待人力资源部核销"))
        << weekly;

    r = b.say(at("16:00"), "sunli", "核销 运费P1");
    EXPECT_EQ(r[0].text,
              "✅ 运费P1 人力资源部 孙丽 核实生产部已兑现，通知财务销账。退货运费流程结束。\n@孙丽");
    before = b.snapshot();
    r = b.say(at("16:01"), "sunli", "核销 运费P1");
    EXPECT_EQ(r[0].text, "❌ 运费P1 已于 11-23 16:00 核销，流程已结束。\n@孙丽");
    EXPECT_EQ(b.snapshot(), before);
    auto q = b.say(at("16:05"), "zhangsan", "查询 P1");
    for (const auto* step :
         {"运费P1 登记退货运费 120 元，由生产部承担", "运费P1 生产部负责人 赵六 签字",
          "运费P1 打单部 李四 签字", "运费P1 财务部 钱多 付款 120 元", "运费P1 人力资源部 孙丽 核实"})
        EXPECT_TRUE(contains(q[0].text, step)) << step;
}

TEST(Freight, AnUnsignedStepIsRemindedEveryPeriodUpToTheLimit) {
    auto cfg = with_finance();
    cfg.workflow.freight_due = 4h;
    cfg.workflow.reminders = 2;
    bench b(cfg);
    day_with_fine(b);
    b.say(at("11:15"), "fengxiao", "运费 P1 120 生产部");
    auto fired = b.advance(at("09:00", "2026-11-24"));
    auto reminders = matching(fired, "运费P1 待生产部负责人签字");
    ASSERT_EQ(reminders.size(), 2u);
    EXPECT_EQ(reminders[0].text, "⏰ 提醒（第1次）：运费P1 待生产部负责人签字（签字 运费P1）。\n@赵六");
    EXPECT_EQ(reminders[0].at, at("15:15"));
    EXPECT_EQ(reminders[1].at, at("19:15"));
}

// ---------------------------------------------------------------------------------------------
// Compensation flow reminders

TEST(Compensation, EachStepIsRemindedAndTheFlowEndsOnlyWhenExecuted) {
    auto cfg = company();
    cfg.workflow.vp_due = 2h;
    cfg.workflow.gm_due = 1h;
    cfg.workflow.execute_due = 1h;
    cfg.workflow.reminders = 1;
    bench b(cfg);
    day_with_fine(b);
    b.advance(at("17:30"));
    b.say(at("17:40"), "zhaoliu", "签字 P1");
    b.say(at("17:41"), "wujiu", "签字 P1");
    auto fired = b.advance(at("11:00", "2026-11-24"));  // forwarded 09:00; VP reminded 11:00
    auto vp = matching(fired, "待副总填写综合处理意见");
    ASSERT_EQ(vp.size(), 1u);
    EXPECT_EQ(vp[0].at, at("11:00", "2026-11-24"));
    EXPECT_EQ(vp[0].mentions, std::vector<std::string>{"liuqiang"});
    EXPECT_TRUE(matching(fired, "待生产部、采购部负责人签字").empty());  // both signed
    b.say(at("11:30", "2026-11-24"), "liuqiang", "副总意见 P1 退货并补发");
    fired = b.advance(at("12:30", "2026-11-24"));
    auto gm = matching(fired, "待总经理审批");
    ASSERT_EQ(gm.size(), 1u);
    EXPECT_EQ(gm[0].mentions, (std::vector<std::string>{"wangzong", "dingxiaoling"}));
    b.say(at("13:00", "2026-11-24"), "wangzong", "总经理审批 P1 同意");
    EXPECT_EQ(b.complaint("P1")->status, "open");
    fired = b.advance(at("14:00", "2026-11-24"));
    auto ex = matching(fired, "待打单部按审批意见执行");
    ASSERT_EQ(ex.size(), 1u);
    EXPECT_EQ(ex[0].mentions, std::vector<std::string>{"lisi"});
    b.say(at("14:10", "2026-11-24"), "zhoumin", "执行 P1");
    EXPECT_EQ(b.complaint("P1")->status, "closed");
    EXPECT_TRUE(b.advance(at("17:00", "2026-11-25")).size() <= 3u);  // only the scheduled posts
    for (const auto& p : b.advance(at("17:00", "2026-11-26")))
        EXPECT_FALSE(contains(p.text, "提醒")) << p.text;
}
