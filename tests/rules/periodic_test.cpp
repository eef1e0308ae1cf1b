// The reports in time (rules/periodic.cpp, rules/handbook.cpp, rules/cases.cpp): the periods, the
// repeat problems, the monthly summary against the month before, the quarterly handbook's sheets,
// and 案例 P1 with its refusals.
#include "rules/periodic.hpp"

#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

std::string with(const std::string& post, const std::string& field, const std::string& value) {
    auto text = post;
    auto at = text.find(field + "：");
    auto end = text.find('\n', at);
    text.replace(at, end - at, field + "：" + value);
    return text;
}

// Three product complaints in November: two of 金虎 性能 (the same customer), one of 银狮 外观.
std::vector<rules::complaint> november(desk& d) {
    std::vector<rules::complaint> out;
    auto post = [&](const std::string& text, const std::string& day, int seq, const std::string& category) {
        auto c = d.post(with(with(text, "投诉时间", day + " 08:50"), "发货日期", "2026年10月28日"),
                        "zhangsan", at("09:00", day), seq);
        c.category = category;
        out.push_back(c);
    };
    post(product_post, "2026-11-03", 1, "性能");
    post(product_post, "2026-11-10", 2, "性能");
    post(with(with(product_post, "品牌", "银狮"), "客户名称", "南方建材有限公司"), "2026-11-17", 3, "外观");
    return out;
}

}  // namespace

TEST(Periods, MonthsAndQuarters) {
    auto m = rules::previous_month({2026, 1, 5});
    EXPECT_EQ(m.from, (core::local_date{2025, 12, 1}));
    EXPECT_EQ(m.to, (core::local_date{2025, 12, 31}));
    EXPECT_EQ(m.label, "2025-12");
    auto q = rules::quarter_of({2026, 11, 23});
    EXPECT_EQ(q.from, (core::local_date{2026, 10, 1}));
    EXPECT_EQ(q.to, (core::local_date{2026, 12, 31}));
    EXPECT_EQ(q.label, "2026年第4季度");
    auto pq = rules::previous_quarter({2026, 2, 1});
    EXPECT_EQ(pq.from, (core::local_date{2025, 10, 1}));
    EXPECT_EQ(rules::month_of({2028, 2, 10}).to, (core::local_date{2028, 2, 29}));
}

TEST(Periodic, RepeatProblemsAreTheSameBrandAndCategoryOrTheSameCustomer) {
    desk d;
    auto all = november(d);
    auto r = rules::repeat_problems(all, rules::month_of({2026, 11, 1}), shanghai());
    ASSERT_EQ(r.size(), 2U);
    EXPECT_EQ(r[0].what, "金虎·性能");
    EXPECT_EQ(r[0].ids, (std::vector<std::string>{"P1", "P2"}));
    EXPECT_EQ(r[1].what, "客户 华东五金有限公司");
    all[1].set_status(rules::complaint_status::invalid);  // an invalid one does not count
    EXPECT_TRUE(rules::repeat_problems(all, rules::month_of({2026, 11, 1}), shanghai()).empty());
}

TEST(Periodic, TheMonthlySummaryComparesWithTheMonthBefore) {
    desk d;
    rules::month_input in;
    in.month = rules::month_of({2026, 11, 1});
    in.before = rules::month_of({2026, 10, 1});
    in.posted = november(d);
    in.posted_before = {
        d.post(with(with(product_post, "投诉时间", "2026-10-12 08:50"), "发货日期", "2026年10月8日"),
               "zhangsan", at("09:00", "2026-10-12"), 9)};
    rules::fine f;
    f.id = "F1";
    f.person = "wujiu";
    f.person_name = "吴九";
    f.amount = 50;
    f.issued_at = at("11:00", "2026-11-03");
    in.fines = {f, f};
    auto visited = in.posted[0];
    visited.followup = rules::followup_record{};
    visited.followup->result = rules::satisfaction::unsatisfied;
    visited.followup->recorded_at = at("10:00", "2026-11-20");
    in.changed = {visited};
    in.supervised_open = 2;
    auto text = rules::monthly_report(in, d.ctx(at("09:00", "2026-12-01")));
    EXPECT_TRUE(has(text, "📊 投诉月报（2026年11月，对比10月）")) << text;
    EXPECT_TRUE(has(text, "收到投诉：共 3 件（产品质量投诉 3 件，服务质量投诉 0 件），上月 1 件（+2）"))
        << text;
    EXPECT_TRUE(has(text, "按问题类别：外观 1 件，性能 2 件")) << text;
    EXPECT_TRUE(has(text, "罚款：共 2 笔 100 元（上月 无）；按负责人：吴九 2 笔 100 元")) << text;
    EXPECT_TRUE(has(text, "回访满意率：0%（满意 0，基本满意 0，不满意 1），上月 —；目标 85%，未达标"))
        << text;
    EXPECT_TRUE(has(text, "重复问题：金虎·性能 2 件（P1、P2）；客户 华东五金有限公司 2 件（P1、P2）"))
        << text;
    EXPECT_TRUE(has(text, "督办中（登记满 7天 未办结）：2 件")) << text;
    EXPECT_TRUE(has(text, "11月罚款月结单请人力资源部打印")) << text;
}

TEST(Periodic, TheQuarterlyHandbookHasASheetPerView) {
    desk d;
    auto all = november(d);
    d.say(all[0], "受理 P1", "zhoumin", at("09:03", "2026-11-03"));
    d.say(all[0], "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:20", "2026-11-03"));
    d.say(all[0], "回复 P1 热处理温度偏高，已调整", "qianqi", at("10:00", "2026-11-03"));
    d.say(all[0], "整改 P1 每批加做硬度抽检 期限：12月31日", "qianqi", at("10:10", "2026-11-03"));
    ASSERT_TRUE(d.say(all[0], "案例 P1 典型的热处理问题，请各部门学习", "wangwu", at("11:00", "2026-11-03")));
    EXPECT_TRUE(has(d.reply(), "📚 P1 已列为分享案例：典型的热处理问题，请各部门学习，将收入季度质量手册。"))
        << d.reply();
    auto sheets = rules::quarterly_handbook(all, {}, rules::quarter_of({2026, 11, 1}),
                                            d.ctx(at("00:00", "2027-01-01")));
    std::vector<std::string> names;
    for (const auto& s : sheets) names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"概览", "按品牌", "按规格", "按问题类别", "按客户",
                                               "按责任部门", "重复问题", "分享案例", "经验教训"}));
    EXPECT_EQ(sheets[0].rows.size(), 4U);  // October, November, December, the quarter
    EXPECT_EQ(sheets[0].rows[1][0], "2026-11");
    EXPECT_EQ(sheets[0].rows[1][1], "3");
    EXPECT_EQ(sheets[1].rows[0],
              (std::vector<std::string>{"金虎", "2", "67%", "性能 2", "华东五金有限公司", "P1、P2"}));
    EXPECT_EQ(sheets[2].rows[0][0], "M8×40 镀锌螺栓");  // the quantity dropped
    EXPECT_EQ(sheets[3].header, (std::vector<std::string>{"问题类别", "件数", "占比", "品牌", "投诉编号"}));
    ASSERT_EQ(sheets[7].rows.size(), 1U);
    EXPECT_EQ(sheets[7].rows[0][0], "P1");
    EXPECT_TRUE(has(sheets[7].rows[0][5], "生产部：每批加做硬度抽检（期限 12月31日）"))
        << sheets[7].rows[0][5];
    EXPECT_TRUE(has(sheets[7].rows[0][7], "典型的热处理问题，请各部门学习（王五）"));
    ASSERT_EQ(sheets[8].rows.size(), 1U);
    EXPECT_EQ(sheets[8].rows[0], (std::vector<std::string>{"生产部", "P1", "性能", "热处理温度偏高，已调整",
                                                           "每批加做硬度抽检（期限 12月31日）"}));
}

TEST(Cases, RefusalsChangeNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "案例 P1 值得学习", "qianqi", at("09:10")));
    EXPECT_TRUE(has(d.reply(), "只有人力资源部、打单部、总经理或副总可以把 P1 列为分享案例，钱七不能"))
        << d.reply();
    EXPECT_EQ(stored(c), before);
    ASSERT_TRUE(d.say(c, "案例 P1", "huangzong", at("09:20")));
    auto marked = stored(c);
    EXPECT_FALSE(d.say(c, "案例 P1", "lisi", at("09:30")));
    EXPECT_TRUE(has(d.reply(), "P1 已列为分享案例，无需重复")) << d.reply();
    EXPECT_EQ(stored(c), marked);
    EXPECT_TRUE(d.say(c, "案例 P1 补充说明", "lisi", at("09:40")));
    EXPECT_TRUE(has(d.reply(), "分享案例说明已更新")) << d.reply();
    auto back = nlohmann::json(c).get<rules::complaint>();
    EXPECT_EQ(back.shared_case->note, "补充说明");
}
