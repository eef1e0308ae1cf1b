// The commands everybody uses through the engine: 查询, 待办, 罚款汇总, 免罚, 已缴, 帮助, and
// malformed posts, on a real SQLite file.
#include <gtest/gtest.h>

#include "reports/report_json.hpp"
#include "support/harness.hpp"

using namespace harness;
using namespace std::chrono_literals;

TEST(Engine, QueryShowsFieldsTimelineAndWhatIsPending) {
    bench b;
    day_with_fine(b);
    auto r = b.say(at("11:05"), "zhangsan", "查询 #P1");
    ASSERT_EQ(r.size(), 1u);
    const auto& t = r[0].text;
    EXPECT_TRUE(contains(t, "P1 产品质量投诉（进行中）")) << t;
    EXPECT_TRUE(contains(t, "客户名称：华东五金有限公司"));
    EXPECT_TRUE(contains(t, "· 11-23 09:04 周敏 受理"));
    EXPECT_TRUE(contains(t, "· 11-23 10:40 生产部（钱七）回复：冷镦模具磨损导致螺纹不良"));
    EXPECT_TRUE(contains(t, "· 11-23 11:00 F1 采购部 负责人 吴九 罚款 50 元"));
    EXPECT_TRUE(contains(t, "待办：P1 待回复（采购部） 已超时5分钟"));
    EXPECT_TRUE(contains(t, "首问负责人：周敏（打单部）"));  // who accepted it owns it (首问责任制)
}

TEST(Engine, WhoAcceptedOwnsTheComplaintInTheReports) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    auto c = b.complaint("P1");
    EXPECT_TRUE(app::complaint_json(*c, b.engine().tz()).at("owner").is_null());  // nobody yet
    b.say(at("09:04"), "zhoumin", "受理 P1");
    c = b.complaint("P1");
    EXPECT_EQ(rules::owner_of(*c), "zhoumin");
    EXPECT_EQ(app::complaint_json(*c, b.engine().tz()).at("owner"), "zhoumin");
}

TEST(Engine, TodoListsOpenComplaintsAndFiltersByDepartment) {
    bench b;
    day_with_fine(b);
    b.say(at("11:10"), "linfang", service_post);
    auto r = b.say(at("11:11"), "wangwu", "待办");
    EXPECT_EQ(r[0].text,
              "📝 待办：共 2 件\n· P1 待回复（采购部） 已超时11分钟，首问 周敏\n· S1 待受理（人力资源部） "
              "剩余4分钟\n@王五");
    r = b.say(at("11:12"), "wangwu", "待办 采购部");
    EXPECT_EQ(r[0].text, "📝 待办（采购部）：共 1 件\n· P1 待回复（采购部） 已超时12分钟，首问 周敏\n@王五");
    r = b.say(at("11:13"), "wangwu", "待办 物流部");
    EXPECT_EQ(r[0].text, "📝 待办（物流部）：没有未完成的投诉。\n@王五");
    auto before = b.snapshot();
    r = b.say(at("11:14"), "wangwu", "待办 研发部");
    EXPECT_TRUE(contains(r[0].text, "❌ 未知部门：研发部。可用的部门：销售一部"));
    EXPECT_EQ(b.snapshot(), before);
}

// A company with many open: the plain 待办 lists the first 50 by number and says how many more,
// reading only those it lists; a department's 待办 caps its list the same way.
TEST(Engine, TodoOfManyOpenListsTheFirstFiftyAndCountsTheRest) {
    bench b;
    for (int i = 0; i < 55; ++i)
        b.say(at("09:00") + std::chrono::seconds(i), "zhangsan", product_post, "m" + std::to_string(i));
    b.say(at("09:01"), "linfang", service_post);
    auto r = b.say(at("09:02"), "wangwu", "待办");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "📝 待办：共 56 件\n· P1 待受理（打单部）")) << r[0].text;
    EXPECT_TRUE(contains(r[0].text, "· P50 待受理")) << r[0].text;
    EXPECT_FALSE(contains(r[0].text, "· P51 ")) << r[0].text;
    EXPECT_FALSE(contains(r[0].text, "· S1 ")) << r[0].text;  // products first, then services
    EXPECT_TRUE(contains(r[0].text, "……另有 6 件未列出，请用“待办 <部门>”按部门查看。")) << r[0].text;
    r = b.say(at("09:03"), "wangwu", "待办 打单部");
    EXPECT_TRUE(contains(r[0].text, "📝 待办（打单部）：共 55 件")) << r[0].text;
    EXPECT_TRUE(contains(r[0].text, "……另有 5 件未列出（按编号先后只列前 50 件）。")) << r[0].text;
}

TEST(Engine, PenaltySummaryForEachPeriod) {
    bench b;
    day_with_fine(b);
    auto r = b.say(at("17:00"), "wangwu", "罚款汇总 今天");
    EXPECT_EQ(
        r[0].text,
        "📊 罚款汇总（今天，2026-11-23）\n吴九（采购部）：1 次，共 50 元（F1 P1 未缴）\n合计：1 次，共 50 "
        "元，未缴 50 元\n@王五");
    r = b.say(at("17:01"), "wangwu", "罚款汇总 本月");
    EXPECT_TRUE(contains(r[0].text, "📊 罚款汇总（本月，2026-11-01 至 2026-11-30）"));
    r = b.say(at("17:02"), "wangwu", "罚款汇总 2026-10");
    EXPECT_EQ(r[0].text, "📊 罚款汇总（2026-10，2026-10-01 至 2026-10-31）：无罚款。\n@王五");
    r = b.say(at("17:03"), "wangwu", "罚款汇总 2026-11-01 2026-11-30");
    EXPECT_TRUE(contains(r[0].text, "F1 P1 未缴"));
    r = b.say(at("17:04"), "wangwu", "罚款汇总 本周");
    EXPECT_TRUE(contains(r[0].text, "本周，2026-11-23 至 2026-11-29"));
}

TEST(Engine, HrWaivesOrMarksPaidWithAnAuditRecord) {
    bench b;
    day_with_fine(b);
    auto r = b.say(at("11:30"), "sunli", "已缴 F1");
    EXPECT_EQ(r[0].text, "✅ F1（吴九，50 元）已登记缴纳。\n@孙丽");
    EXPECT_EQ(b.db().load_fine("F1")->status, "paid");
    auto before = b.snapshot();
    r = b.say(at("11:31"), "sunli", "免罚 F1 客户撤诉");
    EXPECT_EQ(r[0].text, "❌ F1 已缴纳（孙丽），无法再免罚。\n@孙丽");
    EXPECT_EQ(b.snapshot(), before);
    auto events = b.db().events_of("P1");
    EXPECT_EQ(events.back().type, "fine_paid");
    EXPECT_EQ(events.back().actor, "sunli");
}

TEST(Engine, WaivedFinesLeaveTheTotal) {
    bench b;
    day_with_fine(b);
    auto r = b.say(at("12:00"), "wangwu", "免罚 F1 客户当天撤回投诉");
    EXPECT_EQ(r[0].text, "✅ F1（吴九，50 元）已免罚：客户当天撤回投诉\n@王五");
    auto f = b.db().load_fine("F1");
    EXPECT_EQ(f->status, "waived");
    EXPECT_EQ(f->status_reason, "客户当天撤回投诉");
    EXPECT_EQ(f->status_by, "wangwu");
    r = b.say(at("12:01"), "wangwu", "罚款汇总");
    EXPECT_TRUE(contains(r[0].text, "吴九（采购部）：已免罚 F1（P1，50 元）")) << r[0].text;
    EXPECT_TRUE(contains(r[0].text, "合计：无应缴罚款（已免罚 1 次，50 元）")) << r[0].text;
    EXPECT_FALSE(contains(r[0].text, "0 次")) << r[0].text;
    EXPECT_FALSE(contains(r[0].text, " 0 元")) << r[0].text;
}

TEST(Engine, MalformedPostRegistersNothingAndShowsTheTemplate) {
    bench b;
    auto before = b.snapshot();
    auto r = b.say(at("09:00"), "zhangsan", "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "发货日期"));
    EXPECT_TRUE(contains(r[0].text, "投诉时间：*年*月*日*时*分"));
    EXPECT_EQ(b.snapshot(), before);
    EXPECT_FALSE(b.complaint("P1"));
}

TEST(Engine, OrdinaryChatIsIgnored) {
    bench b;
    auto before = b.snapshot();
    auto r = b.say(at("09:00"), "zhangsan", "大家早上好，今天下午三点开会");
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(b.last_handled(), app::handled::ignored);
    EXPECT_EQ(b.snapshot(), before);
}

TEST(Engine, HelpListsCommandsAndTemplates) {
    bench b;
    auto r = b.say(at("09:00"), "zhangsan", "@投诉机器人 帮助");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "受理"));
    EXPECT_TRUE(contains(r[0].text, "产品质量投诉"));
    EXPECT_TRUE(contains(r[0].text, "服务质量投诉"));
}

TEST(Engine, TraditionalAndFullWidthCommandsWork) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    auto r = b.say(at("09:01"), "zhoumin", "＠投诉机器人　受理　Ｐ１");
    EXPECT_TRUE(contains(r[0].text, "P1 已由周敏受理（按时）")) << r[0].text;
    r = b.say(at("09:02"), "zhoumin", "工藝 p-1 批號B2611-07 調查：生產部、採購部");
    EXPECT_TRUE(contains(r[0].text, "请生产部、采购部于 11:00 前回复")) << r[0].text;
}

TEST(Engine, ScheduledSummaryAndSheetPostOncePerDayEvenAcrossRestarts) {
    auto cfg = company();
    cfg.workflow.repeat_every = core::duration{0};  // the silent 采购部's hourly reminders: Repeat.*
    bench b(cfg);
    day_with_fine(b);
    auto fired = b.advance(at("17:30"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_TRUE(contains(fired[0].text, "📄 质量投诉处理流程表（2026-11-23）"));
    EXPECT_TRUE(contains(fired[0].text, "采购部：未回复（已罚款）"));
    b.restart();
    fired = b.advance(at("18:00"));
    ASSERT_EQ(fired.size(), 1u);
    EXPECT_TRUE(contains(fired[0].text, "今日罚款汇总"));
    b.restart();
    EXPECT_TRUE(b.advance(at("18:30")).empty());
    // The next day: 08:30 the heads who have not signed are reminded, the sheet goes to the VP at
    // 09:00, a new summary at 18:00, and P1 is not put on a second sheet.
    fired = b.advance(at("18:00", "2026-11-24"));
    ASSERT_EQ(fired.size(), 3u);
    EXPECT_EQ(fired[0].text,
              "⏰ 提醒（第1次）：P1 质量投诉处理流程表待生产部、采购部负责人签字（签字 P1）。\n@赵六 @吴九");
    EXPECT_EQ(fired[0].at, at("08:30", "2026-11-24"));
    EXPECT_TRUE(contains(fired[1].text, "P1 质量投诉处理流程表（2026-11-23）转交副总"));
    EXPECT_TRUE(contains(fired[2].text, "今日罚款汇总（今天，2026-11-24）：无罚款。"));
}

TEST(Engine, HrRulesAComplaintInvalidAndItsClocksStop) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    auto before = b.snapshot();
    auto r = b.say(at("09:01"), "zhoumin", "无效 P1 客户使用不当");
    EXPECT_EQ(r[0].text, "❌ 只有人力资源部可以判定无效投诉 P1，周敏不在人力资源部。\n@周敏");
    EXPECT_EQ(b.snapshot(), before);
    r = b.say(at("09:02"), "sunli", "无效 P1 客户安装时用错扭力，非质量问题");
    EXPECT_EQ(r[0].text,
              "🗂 P1 "
              "已由孙丽判为无效投诉（客户安装时用错扭力，非质量问题），关闭，不再计时或罚款。\n@孙丽");
    EXPECT_EQ(b.complaint("P1")->status, "invalid");
    for (const auto& p : b.advance(at("17:00"))) EXPECT_EQ(p.text.find("P1"), std::string::npos) << p.text;
    EXPECT_TRUE(b.db().fines().empty());
    r = b.say(at("17:01"), "zhoumin", "受理 P1");
    EXPECT_EQ(r[0].text, "❌ P1 已判为无效投诉，无需再受理。\n@周敏");
}

TEST(Engine, ResponsibleHeadsSignTheSheet) {
    bench b;
    day_with_fine(b);
    auto r = b.say(at("12:00"), "zhaoliu", "签字 P1");
    EXPECT_EQ(r[0].text, "❌ P1 尚未列入质量投诉处理流程表，无需签字。\n@赵六");
    b.advance(at("17:30"));
    auto before = b.snapshot();
    r = b.say(at("17:40"), "qianqi", "签字 P1");
    EXPECT_EQ(r[0].text, "❌ 只有生产部负责人、采购部负责人可以为 P1 签字。\n@钱七");
    EXPECT_EQ(b.snapshot(), before);
    r = b.say(at("17:41"), "zhaoliu", "签字 P1");
    EXPECT_EQ(r[0].text, "✍️ P1 生产部负责人赵六已签字。待签字：采购部。\n@赵六");
    r = b.say(at("17:42"), "zhaoliu", "签字 P1");
    EXPECT_EQ(r[0].text, "❌ 生产部 已为 P1 签过字，无需重复。\n@赵六");
    r = b.say(at("17:43"), "wujiu", "签字 #P1");
    EXPECT_EQ(r[0].text,
              "✍️ P1 "
              "采购部负责人吴九已签字。责任部门均已签字，流程表将转交副总。\n@吴九");
    before = b.snapshot();
    r = b.say(at("17:44"), "wujiu", "签字 运费P1");
    EXPECT_EQ(r[0].text, "❌ 没有找到 运费P1，请客服部跟单员先登记（运费 P1 <金额> <承担部门>）。\n@吴九");
    EXPECT_EQ(b.snapshot(), before);
}

TEST(Engine, CompensationFlowFromSheetToExecution) {
    bench b;
    day_with_fine(b);
    b.advance(at("17:30"));  // P1 (退货) on the sheet
    auto before = b.snapshot();
    auto r = b.say(at("17:35"), "liuqiang", "总经理审批 P1 同意退货");
    EXPECT_EQ(r[0].text, "❌ 只有王总、丁小玲可以审批 P1。\n@刘强");
    r = b.say(at("17:36"), "wangzong", "总经理审批 P1 同意退货");
    EXPECT_EQ(r[0].text, "❌ P1 还没有副总意见，请先由副总填写（副总意见 P1 <意见>）。\n@王总");
    r = b.say(at("17:37"), "zhoumin", "执行 P1");
    EXPECT_EQ(r[0].text, "❌ P1 尚未经总经理审批，不能执行。\n@周敏");
    EXPECT_EQ(b.snapshot(), before);

    // Next morning 09:00 the sheet goes to the VP of 销售一部 (张三's department).
    auto fired = b.advance(at("09:00", "2026-11-24"));
    std::vector<post> forwards;
    for (const auto& p : fired)
        if (contains(p.text, "转交副总")) forwards.push_back(p);
    ASSERT_EQ(forwards.size(), 1u);
    EXPECT_EQ(forwards[0].mentions, std::vector<std::string>{"liuqiang"});

    r = b.say(at("09:30", "2026-11-24"), "chenjing", "副总意见 P1 同意退货补发");
    EXPECT_EQ(r[0].text, "❌ 只有销售一部的副总刘强可以填写 P1 的副总意见。\n@陈静");
    r = b.say(at("09:31", "2026-11-24"), "liuqiang",
              "副总意见 P1 与客户协商：退货200盒并补发，运费由生产部承担");
    EXPECT_TRUE(contains(r[0].text, "P1 副总意见已记录（刘强）"));
    EXPECT_EQ(r[0].mentions, (std::vector<std::string>{"wangzong", "dingxiaoling"}));
    r = b.say(at("10:00", "2026-11-24"), "dingxiaoling", "总经理审批 P1 同意");
    EXPECT_TRUE(contains(r[0].text, "P1 已审批（丁小玲）：同意"));
    EXPECT_TRUE(mentions(r[0], "lisi"));
    r = b.say(at("10:05", "2026-11-24"), "zhoumin", "执行 P1");
    EXPECT_EQ(r[0].text, "🏁 P1 已由周敏按审批意见执行，投诉关闭。\n@周敏");
    auto c = b.complaint("P1");
    EXPECT_EQ(c->status, "closed");
    EXPECT_EQ(c->executed.by, "zhoumin");
    auto q = b.say(at("10:06", "2026-11-24"), "zhangsan", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "副总意见（刘强）：与客户协商"));
    EXPECT_TRUE(contains(q[0].text, "总经理审批（丁小玲）：同意"));
}
