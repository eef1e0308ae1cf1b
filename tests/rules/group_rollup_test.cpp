// The group's monthly roll-up (rules/group_rollup.cpp) on complaints run through the rules of two
// companies (tests/rules/group_month.hpp), with every figure counted by hand.
#include "rules/group_rollup.hpp"

#include "tests/rules/group_month.hpp"

namespace {

using namespace group_month;

rules::rate stage(const rules::company_rollup& r, const std::string& name) {
    for (const auto& [n, rt] : r.stages)
        if (n == name) return rt;
    ADD_FAILURE() << "no stage " << name;
    return {};
}

}  // namespace

TEST(GroupRollup, EachCompanysMonthAndTheGroupTotal) {
    auto hd = huadong();
    auto hn = huanan();
    ASSERT_EQ(hd.fines.size(), 2U);
    auto r = rules::build_group_rollup({hd.month(), hn.month()}, rules::month_of({2026, 11, 1}), centre(),
                                       at("09:30", "2026-12-01"));
    ASSERT_EQ(r.companies.size(), 2U);

    const auto& a = r.companies[0];
    EXPECT_EQ(a.title, "华东");
    EXPECT_EQ(a.name, "华东辉煌五金有限公司");
    EXPECT_EQ(a.complaints, 4);
    EXPECT_EQ(a.product, 3);
    EXPECT_EQ(a.service, 1);
    EXPECT_EQ(a.invalid, 0);
    EXPECT_EQ(stage(a, "受理").on_time, 3);  // P1 late
    EXPECT_EQ(stage(a, "受理").total, 4);
    // 回复 counts complaints (every department in time), the departments' replies are apart.
    EXPECT_EQ(stage(a, "回复").on_time, 2);  // P1 (采购部) and P2 (生产部) late
    EXPECT_EQ(stage(a, "回复").total, 4);
    EXPECT_EQ(stage(a, "公布工艺流程").on_time, 3);
    EXPECT_EQ(stage(a, "分流").total, 1);
    EXPECT_EQ(stage(a, "通知投诉人").on_time, 1);
    EXPECT_EQ(a.all_stages.on_time, 10);
    EXPECT_EQ(a.all_stages.total, 13);
    EXPECT_EQ(a.departments.at("生产部").on_time, 2);  // P1, P3; P2 late
    EXPECT_EQ(a.departments.at("生产部").total, 3);
    EXPECT_EQ(a.departments.at("采购部").on_time, 0);
    EXPECT_EQ(a.departments.at("物流部").on_time, 1);
    EXPECT_EQ(a.fines, 2);
    EXPECT_EQ(a.fine_yuan, 100);
    ASSERT_EQ(a.top_departments.size(), 2U);
    EXPECT_EQ(a.satisfaction.satisfied, 1);
    EXPECT_EQ(a.satisfaction.unsatisfied, 1);
    EXPECT_EQ(a.target, 85);
    EXPECT_TRUE(a.below_target());  // 50% < 85%
    ASSERT_EQ(a.open_crisis.size(), 1U);
    EXPECT_EQ(a.open_crisis[0].label, "华东 P2");
    EXPECT_EQ(a.open_crisis[0].level_text, "一级");
    EXPECT_EQ(a.open_crisis[0].posted, "11-25 09:00");
    EXPECT_TRUE(has(a.open_crisis[0].severity, "客户联合十余家门店集体投诉，扬言向媒体曝光"))
        << a.open_crisis[0].severity;

    const auto& b = r.companies[1];
    EXPECT_EQ(b.title, "华南");
    EXPECT_EQ(b.complaints, 2);  // October's left out
    EXPECT_EQ(stage(b, "回复").on_time, 1);
    EXPECT_EQ(stage(b, "回复").total, 2);
    EXPECT_EQ(b.all_stages.on_time, 5);
    EXPECT_EQ(b.all_stages.total, 6);
    EXPECT_EQ(b.departments.at("物流部").total, 1);
    EXPECT_EQ(b.departments.at("物流部").on_time, 0);
    EXPECT_EQ(b.fines, 1);  // F2 waived
    EXPECT_EQ(b.fine_yuan, 60);
    ASSERT_EQ(b.top_departments.size(), 1U);
    EXPECT_EQ(b.top_departments[0].department, "生产部");
    EXPECT_EQ(b.satisfaction.basically, 1);
    EXPECT_FALSE(b.below_target());  // 100% ≥ 90%
    EXPECT_TRUE(b.open_crisis.empty());

    const auto& t = r.total;
    EXPECT_EQ(t.title, "集团合计");
    EXPECT_EQ(t.complaints, 6);
    EXPECT_EQ(t.product, 5);
    EXPECT_EQ(t.service, 1);
    EXPECT_EQ(stage(t, "受理").on_time, 5);
    EXPECT_EQ(stage(t, "受理").total, 6);
    EXPECT_EQ(stage(t, "回复").on_time, 3);
    EXPECT_EQ(stage(t, "回复").total, 6);
    EXPECT_EQ(t.all_stages.on_time, 15);
    EXPECT_EQ(t.all_stages.total, 19);
    EXPECT_EQ(t.departments.at("华南 生产部").on_time, 1);
    EXPECT_EQ(t.departments.at("华东 生产部").total, 3);
    EXPECT_EQ(t.fines, 3);
    EXPECT_EQ(t.fine_yuan, 160);
    ASSERT_EQ(t.top_departments.size(), 3U);
    EXPECT_EQ(t.top_departments[0].department, "华南 生产部");
    EXPECT_EQ(t.top_departments[0].yuan, 60);
    EXPECT_EQ(t.top_departments[1].yuan, 50);
    EXPECT_EQ(t.satisfaction.total(), 3);
    EXPECT_EQ(rules::satisfaction_rate(t.satisfaction), "67%");
    EXPECT_FALSE(t.target);  // the companies aim at different rates
    EXPECT_EQ(t.open_crisis.size(), 1U);
}

TEST(GroupRollup, ThePostForTheGroupChat) {
    auto hd = huadong();
    auto hn = huanan();
    auto r = rules::build_group_rollup({hd.month(), hn.month()}, rules::month_of({2026, 11, 1}), centre(),
                                       at("09:30", "2026-12-01"));
    auto post = rules::group_rollup_post(r, "centre");
    const auto& s = post.text;
    EXPECT_EQ(post.chat, "centre");
    EXPECT_EQ(post.mentions, (std::vector<std::string>{"zhoujie", "wumin"}));
    EXPECT_EQ(s.substr(0, s.find('\n')), "📊 集团客诉月报 2026年11月");
    EXPECT_TRUE(
        has(s,
            "\n1. 华东：投诉 4 件（产品 3，服务 1），各环节按时率 77%（最低：回复 50%），罚款 2 笔 100 元"
            "（生产部 50 元、采购部 50 元），满意率 50%（目标 85%，未达标），未结一级投诉 1 件（华东 P2）\n"))
        << s;
    EXPECT_TRUE(
        has(s,
            "\n2. 华南：投诉 2 件（产品 2，服务 0），各环节按时率 83%（最低：回复 50%），罚款 1 笔 60 元"
            "（生产部 60 元），满意率 100%（目标 90%）\n"))
        << s;
    EXPECT_TRUE(has(s,
                    "\n集团合计：投诉 6 件，各环节按时率 79%（最低：回复 50%），罚款 3 笔 160 元，满意率 "
                    "67%，未结一级投诉 1 件\n"))
        << s;
    EXPECT_TRUE(has(s, "\n⚠ 请关注：华东 P2 一级投诉未结（待回复（生产部） 已超时5天23小时20分钟）；")) << s;
    EXPECT_TRUE(has(s, "；华东 满意率 50% 未达目标 85%\n")) << s;
    EXPECT_TRUE(has(s, "——集团客户关系中心\n@周杰 @吴敏")) << s;
    EXPECT_EQ(s.substr(s.size() - std::string("@周杰 @吴敏").size()), "@周杰 @吴敏");
}

TEST(GroupRollup, ANewGroupWithNothingYet) {
    rules::company co;
    co.id = "huabei";
    co.name = "华北辉煌五金有限公司";
    co.short_name = "华北";
    co.cfg = company();
    rules::company_month m;
    m.co = &co;
    rules::group_settings g;  // no members
    auto r = rules::build_group_rollup({m}, rules::month_of({2026, 11, 1}), g, at("09:30", "2026-12-01"));
    auto post = rules::group_rollup_post(r, "centre");
    EXPECT_TRUE(has(post.text, "1. 华北：投诉 0 件，各环节按时率 —，罚款 无，满意率 —（本月无回访）\n"))
        << post.text;
    EXPECT_TRUE(has(post.text,
                    "集团合计：投诉 0 件，各环节按时率 —，罚款 无，满意率 —（本月无回访），未结一级投诉 无"))
        << post.text;
    EXPECT_TRUE(post.mentions.empty());
    EXPECT_EQ(post.text.find('@'), std::string::npos);
}
