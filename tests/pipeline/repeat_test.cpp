// Nothing goes silent, and every word comes from the config: through the engine on a real SQLite
// file, a stage nobody acts on is reminded every `repeat_every` after its last escalation level
// (each reminder once, across restarts, in the complaint's calendar, one for a whole outage); and
// a company whose departments are not the rule book's never reads a rule-book department name.
#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "rules/reports.hpp"
#include "storage/sql_console.hpp"
#include "support/harness.hpp"

using namespace harness;
using namespace std::chrono_literals;

namespace {

std::string deadline_state(bench& b, const std::string& complaint, const std::string& key) {
    auto rows = storage::sql_console(b.db()).rows(
        "SELECT state FROM deadlines WHERE complaint_id = ? AND key = ?", {complaint, key});
    return rows.empty() ? std::string("none") : rows.front().front();
}

}  // namespace

TEST(Repeat, AStageNobodyActsOnIsRemindedEveryHourUntilSomeoneActs) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    auto accept = matching(b.advance(at("09:06")), "P1 受理");
    ASSERT_EQ(accept.size(), 1u);  // the miss itself
    b.restart();
    accept = matching(b.advance(at("11:10")), "P1 受理");
    ASSERT_EQ(accept.size(), 2u);
    EXPECT_EQ(accept[0].at, at("10:05"));
    EXPECT_EQ(accept[0].text,
              "🔔 再次提醒：P1 受理已超时1小时（截止 09:05），打单部仍未处理，请尽快办理（受理 P1）。\n@李四");
    EXPECT_EQ(accept[1].at, at("11:05"));
    EXPECT_TRUE(contains(accept[1].text, "P1 受理已超时2小时")) << accept[1].text;
    EXPECT_EQ(deadline_state(b, "P1", "accept:repeat:1"), "fired");
    EXPECT_EQ(deadline_state(b, "P1", "accept:repeat:2"), "fired");
    b.restart();
    EXPECT_TRUE(matching(b.advance(at("11:10")), "P1 受理").empty());  // nothing fires twice
    b.say(at("11:30"), "zhoumin", "受理 P1");
    EXPECT_EQ(deadline_state(b, "P1", "accept:repeat:3"), "cancelled");
    EXPECT_TRUE(matching(b.advance(at("15:00")), "P1 受理").empty());
    auto q = b.say(at("15:01"), "wangwu", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "第1级提醒：打单部负责人李四")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "第2次催办：打单部负责人李四")) << q[0].text;
    EXPECT_FALSE(contains(q[0].text, "head")) << q[0].text;
}

TEST(Repeat, FollowsTheLastLevelOfTheChainAtTheStagesOwnPeriod) {
    auto cfg = company();
    cfg.workflow.accept.escalation = {{0min, "head"}, {30min, "vp"}};
    cfg.workflow.accept.repeat_every = 2h;
    cfg.workflow.repeat_every = 0min;  // the other stages: one escalation, as before
    bench b(cfg);
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    auto fired = b.advance(at("14:00"));
    auto accept = matching(fired, "P1 受理");
    ASSERT_EQ(accept.size(), 4u);  // 09:05 miss, 09:35 VP, 11:35 and 13:35 again to the VP
    EXPECT_EQ(accept[2].at, at("11:35"));
    EXPECT_EQ(accept[3].at, at("13:35"));
    EXPECT_EQ(accept[2].mentions, std::vector<std::string>{"liuqiang"});
    EXPECT_TRUE(contains(accept[3].text, "🔔 再次提醒：P1 受理已超时4小时30分钟")) << accept[3].text;
    EXPECT_EQ(matching(fired, "P1 公布工艺流程").size(), 1u);  // repeat_every 0: never again
}

TEST(Repeat, AnOutagePostsOneReminderNotABurst) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    b.advance(at("09:31"));  // accept and publish missed
    b.restart();
    b.clock().set(at("15:00"));  // the bot was down from 09:31 to 15:00
    b.engine().fire_due(at("15:00"));
    auto accept = matching(b.advance(at("15:00")), "P1 受理");
    ASSERT_EQ(accept.size(), 1u);
    EXPECT_TRUE(contains(accept[0].text, "P1 受理已超时5小时55分钟")) << accept[0].text;
    EXPECT_EQ(b.complaint("P1")->find_stage("accept")->repeats_fired, 5);
    accept = matching(b.advance(at("16:10")), "P1 受理");
    ASSERT_EQ(accept.size(), 2u);  // 15:05 and 16:05, on the original rhythm
    EXPECT_EQ(accept[0].at, at("15:05"));
    EXPECT_TRUE(contains(b.db().events_of("P1").back().detail, "第7次催办"))
        << b.db().events_of("P1").back().detail;
}

TEST(Repeat, TheSilentDepartmentIsRemindedAfterItsFine) {
    bench b;
    day_with_fine(b);  // F1 to 吴九 at 11:00
    auto fired = matching(b.advance(at("12:00")), "再次提醒");
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_EQ(fired[0].text,
              "🔔 再次提醒：P1 回复已超时1小时（截止 11:00），采购部仍未处理，请尽快办理（回复 P1 "
              "<鉴定结果与处理意见>）。\n@吴九");
    b.say(at("12:30"), "wujiu", "回复 P1 原材料合格");
    EXPECT_TRUE(matching(b.advance(at("16:00")), "再次提醒").empty());
    EXPECT_EQ(b.db().fines().size(), 1u);  // reminders never fine again
}

TEST(Repeat, RunsInTheComplaintsBusinessCalendar) {
    auto cfg = company();
    cfg.calendar.business = true;  // 08:30-12:00, 13:30-17:30 Monday to Friday
    cfg.workflow.business_time = true;
    bench b(cfg);
    b.say(at("11:30"), "zhangsan", product_post_no_comp);  // accept due 11:35
    auto accept = matching(b.advance(at("09:30", "2026-11-24")), "P1 受理");
    ASSERT_EQ(accept.size(), 6u);
    EXPECT_EQ(accept[0].at, at("11:35"));  // the miss
    EXPECT_EQ(accept[1].at, at("14:05"));  // an hour of working time: 25 minutes before lunch, 35 after
    EXPECT_EQ(accept[2].at, at("15:05"));
    EXPECT_EQ(accept[3].at, at("16:05"));
    EXPECT_EQ(accept[4].at, at("17:05"));
    EXPECT_EQ(accept[5].at, at("09:05", "2026-11-24"));  // 25 minutes before closing, 35 after opening
    b.say(at("09:30", "2026-11-24"), "zhoumin", "受理 P1");
    int reminders = 0;
    for (const auto& e : b.db().events_of("P1"))
        if (e.type == "reminded" && e.stage == "accept") ++reminders;
    EXPECT_EQ(reminders, 5);
}

// ---------------------------------------------------------------------------------------------
// Wording

namespace {

// A company whose departments are none of the rule book's.
const char* other_company = R"(timezone: Asia/Shanghai
organization:
  departments:
    - { name: 订单组, head: dan }
    - { name: 行政人事部, head: ren }
    - { name: 品质部, head: pin }
    - { name: 仓储部, head: cang }
    - { name: 稽核部, head: ji }
    - { name: 业务部, head: ye }
    - { name: 总经办, head: boss }
  people:
    - { id: dan, name: 单一, department: 订单组 }
    - { id: ren, name: 任二, department: 行政人事部 }
    - { id: pin, name: 品三, department: 品质部 }
    - { id: cang, name: 仓四, department: 仓储部 }
    - { id: ji, name: 纪五, department: 稽核部 }
    - { id: ye, name: 叶六, department: 业务部, aliases: [小叶] }
    - { id: boss, name: 老板, department: 总经办 }
roles:
  order_desk: 订单组
  hr: 行政人事部
  investigators: [品质部, 仓储部]
  appeal: 稽核部
  order_follower: 业务部
  finance: 总经办
  vice_presidents: { 业务部: boss }
  general_manager: [boss]
workflow:
  repeat_every: 1h
)";

}  // namespace

TEST(Wording, NoPostNamesADepartmentTheCompanyDoesNotHave) {
    auto loaded = conf::parse_config(other_company, "other.yaml");
    ASSERT_TRUE(loaded.config) << loaded.errors.front().to_string();
    bench b(*loaded.config);
    std::vector<post> all;
    auto keep = [&](std::vector<post> posts) { all.insert(all.end(), posts.begin(), posts.end()); };
    keep(b.say(at("09:00"), "ye",
               "产品质量投诉\n投诉人：小叶\n客户名称：华东五金\n发货日期：2026年11月18日\n品牌：金虎\n规格及"
               "数量：螺栓 200盒\n"
               "产品存在的质量问题：滑牙\n客户要求：退货\n投诉时间：2026年11月23日8时55分"));
    keep(b.say(at("09:02"), "ye",
               "产品质量投诉\n投诉人：不认识的人\n客户名称：x\n发货日期：2026年11月18日\n品牌：x\n"
               "规格及数量：x\n产品存在的质量问题：x\n客户要求：x\n投诉时间：2026年11月23日8时55分"));
    keep(b.say(at("09:03"), "dan", "受理 P1"));
    keep(b.say(at("09:03"), "dan", "受理 P2"));
    keep(b.say(at("09:03"), "dan", "工艺 P2 批号B 调查: 仓储部"));  // 仓储部 never answers: F1
    keep(b.say(at("09:04"), "dan", "帮助"));
    keep(b.say(at("09:05"), "dan", "工艺 P1 批号A"));  // 调查 defaults to the investigators
    keep(b.say(at("09:06"), "pin", "回复 P1 批次问题"));
    keep(b.say(at("09:07"), "pin", "回复 P1 批次问题，同意退货"));
    keep(b.say(at("09:08"), "dan", "调查 P1 品质部"));
    keep(b.say(at("09:09"), "dan", "调查 P1 品质部 仓储部"));
    keep(b.advance(at("12:10")));  // P2's warning, fine and reminder
    ASSERT_EQ(b.db().fines().size(), 1u);
    keep(b.say(at("12:11"), "ren", "罚款汇总"));
    keep(b.say(at("12:12"), "ren", "待办"));
    keep(b.say(at("12:13"), "ren", "查询 P2"));
    keep(b.say(at("12:14"), "cang", "申诉 F1 不合理"));
    keep(b.say(at("12:15"), "pin", "撤销 F1 误操作"));
    keep(b.say(at("12:16"), "ren", "已缴 F1"));
    keep(b.say(at("12:17"), "ren", "免罚 F1 不合理"));
    keep(b.say(at("12:18"), "dan", "调查 P2 品质部"));
    keep(b.advance(at("18:30")));  // the sheet and the daily summary
    ASSERT_GT(all.size(), 20u);
    for (const auto& p : all)
        for (const char* name :
             {"打单部", "人力资源部", "生产部", "采购部", "物流部", "监察部", "客服部", "财务部"})
            EXPECT_FALSE(contains(p.text, name)) << name << " in: " << p.text;
    for (const auto& p : all)
        for (const char* token : {"head", "hr_head", "general_manager", "0 次 0 元"})
            EXPECT_FALSE(contains(p.text, token)) << token << " in: " << p.text;
}

TEST(Wording, OldTimelineTokensAreShownAsPeopleReadThem) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    // Events written before targets were put in words.
    b.db().append_events(
        {{"P1", at("09:05"), "bot", "escalated", "accept", "第1级提醒：head", std::nullopt, {}},
         {"P1", at("09:35"), "bot", "escalated", "accept", "第2级升级：vp", std::nullopt, {}},
         {"P1", at("11:05"), "bot", "escalated", "accept", "第3级升级：person:wangwu", std::nullopt, {}}});
    auto q = b.say(at("11:10"), "wangwu", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "第1级提醒：打单部负责人\n")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "第2级升级：副总\n")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "第3级升级：王五\n")) << q[0].text;
}

TEST(Wording, PenaltySummaryShowsOnlyWhatThereIs) {
    bench b;
    day_with_fine(b);  // F1 吴九
    b.say(at("11:30"), "zhangsan", product_post);
    b.say(at("11:31"), "zhoumin", "受理 P2");
    b.say(at("11:32"), "zhoumin", "工艺 P2 批号B2611-09 调查: 物流部");
    b.advance(at("13:32"));  // F2 郑十
    b.say(at("14:00"), "wangwu", "免罚 F1 客户撤诉");
    auto r = b.say(at("14:01"), "wangwu", "罚款汇总");
    EXPECT_EQ(
        r[0].text,
        "📊 罚款汇总（今天，2026-11-23）\n吴九（采购部）：已免罚 F1（P1，50 元）\n郑十（物流部）：1 次，共 "
        "50 元（F2 P2 未缴）\n合计：1 次，共 50 元，未缴 50 元；另免罚 1 次，50 元\n@王五");
    b.say(at("14:02"), "wangwu", "免罚 F2 系统故障");
    r = b.say(at("14:03"), "wangwu", "罚款汇总");
    EXPECT_TRUE(contains(r[0].text, "合计：无应缴罚款（已免罚 2 次，100 元）")) << r[0].text;
}
