// People mistype, through the engine on a real SQLite file: the complainant named in 投诉人 as
// people write it (and HR's 投诉人 P1 <姓名> when it names nobody), amended replies, and the
// investigating departments changed after 工艺 (调查 P1 …). Every refusal changes nothing.
#include <gtest/gtest.h>

#include "rules/reports.hpp"
#include "support/harness.hpp"

using namespace harness;
using namespace std::chrono_literals;

namespace {

// The sample company plus 营销二部 (叶文, alias 小叶; its own VP 孙副总) and two people named 李明.
rules::config with_marketing() {
    auto cfg = company();
    cfg.org.departments.push_back({"营销二部", "maxiao"});
    cfg.org.people.push_back({"maxiao", "马晓", "营销二部", {}, {}});
    cfg.org.people.push_back({"yewen", "叶文", "营销二部", {}, {"小叶", "Ye Wen"}});
    cfg.org.people.push_back({"sunvp", "孙副总", "总经办", {}, {}});
    cfg.org.people.push_back({"liming1", "李明", "销售一部", {}, {}});
    cfg.org.people.push_back({"liming2", "李明", "销售二部", {}, {}});
    cfg.roles.vice_presidents["营销二部"] = "sunvp";
    return cfg;
}

std::string product_by(const std::string& complainant, const std::string& demand = "退货并补发合格品") {
    return "产品质量投诉\n投诉人：" + complainant +
           "\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n规格及数量：M8×40 镀锌螺栓 "
           "200盒\n"
           "产品存在的质量问题：约三成螺纹滑牙\n客户要求：" +
           demand + "\n投诉时间：2026年11月23日8时55分";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 投诉人

TEST(Complainant, NamesWrittenAsPeopleWriteThemFindThePerson) {
    bench b(with_marketing());
    // 客服部 posts for 叶文 in Traditional with the department after the name.
    auto r = b.say(at("09:00"), "fengxiao", product_by("葉文（營銷二部）"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "投诉人：叶文（营销二部）")) << r[0].text;
    EXPECT_FALSE(contains(r[0].text, "⚠️")) << r[0].text;
    EXPECT_EQ(b.complaint("P1")->complainant, "yewen");
    EXPECT_EQ(b.complaint("P1")->complainant_department, "营销二部");
    // HR posts a service complaint for 林芳 with a title; an alias; full-width and spaces.
    b.say(at("09:01"), "sunli", product_by("林芳 业务员", "加固包装"));
    b.say(at("09:02"), "sunli", product_by("小叶"));
    b.say(at("09:03"), "heping", product_by("ｙｅ　ｗｅｎ"));
    EXPECT_EQ(b.complaint("P2")->complainant, "linfang");
    EXPECT_EQ(b.complaint("P3")->complainant, "yewen");
    EXPECT_EQ(b.complaint("P4")->complainant, "yewen");
}

TEST(Complainant, AnUnknownNameSaysWhoIsTakenAndHrCorrectsItWithTheVpFollowing) {
    bench b(with_marketing());
    auto r = b.say(at("09:00"), "fengxiao", product_by("叶问"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_TRUE(contains(r[0].text, "投诉人：冯晓（客服部）")) << r[0].text;
    EXPECT_TRUE(contains(r[0].text,
                         "⚠️ "
                         "通讯录中没有投诉人“叶问”，暂按发帖人冯晓（客服部）登记。如有误，请人力资源部更正："
                         "投诉人 P1 <姓名>。"))
        << r[0].text;
    EXPECT_TRUE(mentions(r[0], "fengxiao"));
    EXPECT_EQ(b.complaint("P1")->complainant, "fengxiao");

    // Refusals: not HR, a name nobody has, two people of that name, the same person again.
    auto before = b.snapshot();
    r = b.say(at("09:01"), "fengxiao", "投诉人 P1 叶文");
    EXPECT_EQ(r[0].text, "❌ 只有人力资源部可以更正投诉人 P1，冯晓不在人力资源部。\n@冯晓");
    r = b.say(at("09:02"), "sunli", "投诉人 P1 叶问");
    EXPECT_EQ(r[0].text, "❌ 通讯录中没有“叶问”，请核对姓名（可写姓名、别名或工号）。\n@孙丽");
    r = b.say(at("09:03"), "sunli", "投诉人 P1 李明");
    EXPECT_EQ(r[0].text,
              "❌ “李明”可指多人：李明（销售一部）、李明（销售二部）。请写明部门，如：投诉人 P1 "
              "李明（销售一部）。\n@孙丽");
    r = b.say(at("09:04"), "sunli", "投诉人 P1 冯晓");
    EXPECT_EQ(r[0].text, "❌ P1 的投诉人已是冯晓（客服部），无需更正。\n@孙丽");
    r = b.say(at("09:04"), "sunli", "投诉人 P9 叶文");
    EXPECT_TRUE(contains(r[0].text, "❌ 没有找到投诉 P9")) << r[0].text;
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("09:05"), "sunli", "投诉人 P1 葉文經理");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].text,
              "✏️ P1 "
              "投诉人已由冯晓（客服部）更正为叶文（营销二部），申诉与统计随之调整。\n@孙丽 "
              "@叶文");
    auto c = b.complaint("P1");
    EXPECT_EQ(c->complainant, "yewen");
    EXPECT_EQ(c->complainant_department, "营销二部");
    auto q = b.say(at("09:06"), "sunli", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "登记投诉人：叶文（营销二部）")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "投诉人由 冯晓（客服部） 更正为 叶文（营销二部）（孙丽）")) << q[0].text;

    // The sheet goes to 营销二部's VP next morning, not 销售一部's.
    b.say(at("09:10"), "zhoumin", "受理 P1");
    b.say(at("09:20"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    b.say(at("10:00"), "qianqi", "回复 P1 模具磨损，同意退货");
    auto next = b.advance(at("09:00", "2026-11-24"));
    auto forward = matching(next, "转交副总");
    ASSERT_EQ(forward.size(), 1u);
    EXPECT_EQ(forward[0].mentions, std::vector<std::string>{"sunvp"});
    // Appeal rights follow: the corrected complainant may appeal.
    r = b.say(at("09:30", "2026-11-24"), "yewen", "申诉 P1 客户不接受补发");
    EXPECT_TRUE(contains(r[0].text, "📣 P1 已收到叶文的申诉")) << r[0].text;
}

TEST(Complainant, TwoPeopleOfTheSameNameAreNamedInTheReceipt) {
    bench b(with_marketing());
    auto r = b.say(at("09:00"), "sunli", product_by("李明"));
    EXPECT_TRUE(contains(
        r[0].text,
        "⚠️ "
        "投诉人“李明”可指多人（李明（销售一部）、李明（销售二部）），暂按发帖人孙丽（人力资源部）登记。"
        "请人力资源部更正：投诉人 P1 <姓名（部门）>。"))
        << r[0].text;
    EXPECT_EQ(b.complaint("P1")->complainant, "sunli");
    r = b.say(at("09:01"), "sunli", "投诉人 P1 李明（销售二部）");
    EXPECT_TRUE(contains(r[0].text, "更正为李明（销售二部）")) << r[0].text;
    EXPECT_EQ(b.complaint("P1")->complainant, "liming2");
    // The weekly report counts the corrected department.
    int unused = 0;
    rules::context ctx{b.cfg(), b.engine().tz(), at("10:00"), &unused, nullptr, nullptr};
    auto week =
        rules::weekly_report(b.db().all_complaints(), {}, {{2026, 11, 23}, {2026, 11, 29}, "本周"}, ctx);
    EXPECT_TRUE(contains(week, "按投诉部门：销售二部 1")) << week;
}

// ---------------------------------------------------------------------------------------------
// Amended replies

TEST(AmendedReply, TheLatestCountsTheFirstStaysAndDecidesLateness) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");
    b.say(at("10:40"), "qianqi", "回复 P1 冷镦模具磨损");
    auto r = b.say(at("10:50"), "zhaoliu", "回复 P1 冷镦模具磨损导致螺纹不良，同意退货，由生产部承担");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(
        r[0].text,
        "📝 P1 "
        "已收到生产部修改后的回复（赵六），以最新内容为准；是否超时仍按首次回复（10:40，按时）计。\n@赵六");
    auto c = b.complaint("P1");
    EXPECT_EQ(c->departments[0].text, "冷镦模具磨损导致螺纹不良，同意退货，由生产部承担");
    EXPECT_EQ(c->departments[0].by, "zhaoliu");
    EXPECT_EQ(c->departments[0].replied_at, at("10:40"));
    // The same text again is refused; nothing changes.
    auto before = b.snapshot();
    r = b.say(at("10:55"), "qianqi", "回复 P1 冷镦模具磨损导致螺纹不良，同意退货，由生产部承担");
    EXPECT_EQ(r[0].text, "❌ 生产部 已于 11-23 10:40 回复过 P1（赵六），内容相同，无需重复。\n@钱七");
    EXPECT_EQ(b.snapshot(), before);

    // 采购部 answers late (fined at 11:00), then amends: still late by its first reply.
    b.say(at("11:10"), "wujiu", "回复 P1 原材料合格");
    // Everyone has answered: the replies stand.
    before = b.snapshot();
    r = b.say(at("11:20"), "wujiu", "回复 P1 原材料合格，供应商报告附后");
    EXPECT_EQ(r[0].text, "❌ P1 各部门已于 11-23 11:10 全部回复，回复不能再修改。\n@吴九");
    EXPECT_EQ(b.snapshot(), before);

    auto q = b.say(at("11:30"), "wangwu", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "生产部（钱七）回复：冷镦模具磨损\n")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "生产部（赵六）修改回复：冷镦模具磨损导致螺纹不良")) << q[0].text;
    // The sheet shows the latest text.
    auto sheet = b.advance(at("17:30"));
    auto posted = matching(sheet, "质量投诉处理流程表");
    ASSERT_EQ(posted.size(), 1u);
    EXPECT_TRUE(contains(
        posted[0].text,
        "生产部：冷镦模具磨损导致螺纹不良，同意退货，由生产部承担（赵六 11-23 10:40，11-23 10:50 修改）"))
        << posted[0].text;
}

TEST(AmendedReply, ALateFirstPlanStaysLateAfterTheAmendment) {
    bench b;
    b.say(at("08:00"), "linfang", service_post);
    b.say(at("08:03"), "sunli", "受理 S1");
    b.say(at("08:20"), "sunli", "分流 S1 物流部 生产部");
    b.say(at("10:10"), "zhengshi", "方案 S1 司机停岗培训");  // due 10:00
    auto r = b.say(at("10:20"), "zhengshi", "方案 S1 司机停岗培训一天，书面道歉");
    EXPECT_TRUE(contains(r[0].text, "是否超时仍按首次处理方案（10:10，超时10分钟）计")) << r[0].text;
}

// ---------------------------------------------------------------------------------------------
// 调查 P1 …

TEST(Investigate, AddedDepartmentGetsTheMinimumAndTheRemovedOneIsNeverFined) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");  // respond due 11:00
    auto r = b.say(at("10:45"), "zhoumin", "调查 P1 生产部 物流部");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].text,
              "🔁 P1 调查部门已调整（周敏）：增加物流部，请于 11:15 前回复（回复 P1 "
              "<鉴定结果与处理意见>）；撤出采购部，无需再回复，"
              "不计罚款。现由生产部、物流部调查。\n@周敏 @郑十 @吴九");
    auto fired = b.advance(at("11:00"));
    auto fine_post = matching(fired, "💰");
    ASSERT_EQ(fine_post.size(), 1u);
    EXPECT_TRUE(contains(fine_post[0].text, "F1：生产部负责人@赵六 50 元")) << fine_post[0].text;
    EXPECT_FALSE(contains(fine_post[0].text, "采购部"));
    EXPECT_FALSE(contains(fine_post[0].text, "物流部"));
    fired = b.advance(at("11:15"));
    fine_post = matching(fired, "💰");
    ASSERT_EQ(fine_post.size(), 1u);
    EXPECT_EQ(fine_post[0].at, at("11:15"));
    EXPECT_TRUE(contains(fine_post[0].text, "P1 物流部回复已超时（截止 11:15）")) << fine_post[0].text;
    auto fines = b.db().fines();
    ASSERT_EQ(fines.size(), 2u);
    EXPECT_EQ(fines[0].department, "生产部");
    EXPECT_EQ(fines[1].department, "物流部");
    // The removed department is reminded of nothing for the rest of the day either.
    for (const auto& p : b.advance(at("17:00"))) EXPECT_FALSE(mentions(p, "wujiu")) << p.text;
    b.say(at("17:05"), "zhengshi", "回复 P1 运输挤压");
    b.say(at("17:06"), "zhaoliu", "回复 P1 模具磨损");
    EXPECT_EQ(b.complaint("P1")->status, "closed");
}

TEST(Investigate, EveryBadChangeIsRefusedAndChangesNothing) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    auto before = b.snapshot();
    auto r = b.say(at("09:01"), "zhoumin", "调查 P1 物流部");
    EXPECT_EQ(r[0].text,
              "❌ P1 尚未公布工艺流程，请先用：工艺 P1 <工艺流程> 调查: 生产部 采购部 物流部。\n@周敏");
    EXPECT_EQ(b.snapshot(), before);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");
    b.say(at("10:00"), "wujiu", "回复 P1 原材料合格");
    before = b.snapshot();
    const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
        {"qianqi", "调查 P1 物流部", "❌ 只有打单部可以调整调查部门 P1，钱七不在打单部。\n@钱七"},
        {"zhoumin", "调查 P1 研发部",
         "❌ "
         "未知部门：研发部。可用的部门：销售一部、销售二部、打单部、人力资源部、生产部、采购部、物流部、客服"
         "部、监察部、行政部、总经办。\n@周敏"},
        {"zhoumin", "调查 P1 生产部 物流部",
         "❌ 采购部 已于 11-23 10:00 回复，不能撤出调查；请在名单中保留采购部。\n@周敏"},
        {"zhoumin", "调查 P1 采购部 生产部", "❌ P1 的调查部门已是生产部、采购部，无需调整。\n@周敏"},
        {"zhoumin", "调查 P2 物流部", "❌ 没有找到投诉 P2，请用“待办”查看进行中的投诉编号。\n@周敏"},
    };
    for (const auto& [who, text, reply] : cases) {
        r = b.say(at("10:10"), who, text);
        ASSERT_EQ(r.size(), 1u) << text;
        EXPECT_EQ(r[0].text, reply) << text;
        EXPECT_EQ(b.snapshot(), before) << text;
    }
    // After the deadline the list stands.
    b.advance(at("11:00"));
    before = b.snapshot();
    r = b.say(at("11:01"), "zhoumin", "调查 P1 采购部 物流部");
    EXPECT_EQ(r[0].text, "❌ P1 回复已于 11:00 截止，不能再调整调查部门。\n@周敏");
    EXPECT_EQ(b.snapshot(), before);
}

TEST(Investigate, ReleasingTheLastSilentDepartmentCompletesTheStage) {
    bench b;
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    b.say(at("09:04"), "zhoumin", "受理 P1");
    b.say(at("09:25"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部 采购部");
    b.say(at("10:00"), "qianqi", "回复 P1 包装破损，生产部改进包装");
    auto r = b.say(at("10:05"), "lisi", "調查 P1 生产部");  // Traditional 调
    EXPECT_TRUE(
        contains(r[0].text, "撤出采购部，无需再回复，不计罚款。现由生产部调查。各部门均已回复。P1 已关闭。"))
        << r[0].text;
    EXPECT_EQ(b.complaint("P1")->status, "closed");
    EXPECT_TRUE(b.db().fines().empty());
    for (const auto& p : b.advance(at("12:00"))) EXPECT_FALSE(contains(p.text, "P1")) << p.text;
}

TEST(Investigate, HrChangesTheDepartmentsOfAServiceComplaint) {
    bench b;
    b.say(at("08:00"), "linfang", service_post);
    b.say(at("08:03"), "sunli", "受理 S1");
    b.say(at("08:20"), "sunli", "分流 S1 生产部");  // respond due 10:00
    auto r = b.say(at("09:50"), "wangwu", "调查 S1 物流部");
    EXPECT_TRUE(contains(r[0].text, "增加物流部，请于 10:20 前回复（方案 S1 <处理方案>）；撤出生产部"))
        << r[0].text;
    auto fired = b.advance(at("10:00"));
    EXPECT_TRUE(matching(fired, "💰").empty());  // 物流部 has until 10:20, 生产部 was released
    fired = b.advance(at("10:20"));
    ASSERT_EQ(matching(fired, "💰").size(), 1u);
    EXPECT_EQ(b.db().fines().at(0).department, "物流部");
}
