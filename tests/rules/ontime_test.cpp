// The on-time figures (rules/ontime.cpp): per stage, per department, the late steps with how late
// they were, the weekday × hour of their deadlines, one department's own figures, and the buckets.
#include "rules/ontime.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

std::vector<rules::complaint> one_late_morning(desk& d) {
    return {late_morning(d)};
}

const rules::period monday{{2026, 11, 23}, {2026, 11, 23}, "今天"};

rules::rate rate_of(const rules::ontime_figures& f, const std::string& stage) {
    for (const auto& [name, r] : f.stages)
        if (name == stage) return r;
    return {-1, -1};
}

TEST(Ontime, CountsEachStageAndEachDepartmentsReplies) {
    desk d;
    auto all = one_late_morning(d);
    auto f = rules::ontime_of(all, monday, d.ctx(at("12:00")));
    EXPECT_EQ(f.complaints, 1);
    ASSERT_GE(f.stages.size(), 3u);
    EXPECT_EQ(f.stages.front().first, "受理");  // in the order of the workflow
    EXPECT_EQ(rate_of(f, "受理").on_time, 0);
    EXPECT_EQ(rate_of(f, "受理").total, 1);
    EXPECT_EQ(rate_of(f, "回复").total, 1);
    EXPECT_EQ(rate_of(f, "回复").on_time, 0);  // 采购部 missed it
    EXPECT_EQ(f.departments.at("生产部").on_time, 1);
    EXPECT_EQ(f.departments.at("采购部").late(), 1);
    EXPECT_EQ(rules::percent_text(f.departments.at("生产部")), "100%");
    EXPECT_EQ(rules::percent_text(f.departments.at("采购部")), "0%");
    EXPECT_EQ(rules::percent_text({}), "—");
}

TEST(Ontime, ListsTheLateStepsWithMinutesAndTheHourOfTheirDeadline) {
    desk d;
    auto all = one_late_morning(d);
    auto f = rules::ontime_of(all, monday, d.ctx(at("12:00")));
    ASSERT_EQ(f.late.size(), 2u);
    EXPECT_EQ(f.late[0].stage, "受理");
    EXPECT_EQ(f.late[0].department, "打单部");
    EXPECT_EQ(f.late[0].minutes, 2);
    EXPECT_EQ(f.late[1].stage, "回复");
    EXPECT_EQ(f.late[1].department, "采购部");
    EXPECT_EQ(f.late[1].minutes, 60);            // still not replied at 12:00
    EXPECT_EQ(f.late_by_weekday_hour[0][9], 1);  // Monday, the 09:05 deadline
    EXPECT_EQ(f.late_by_weekday_hour[0][11], 1);
    auto b = rules::bucket_lateness(f.late);
    ASSERT_EQ(b.labels.size(), b.counts.size());
    EXPECT_EQ(b.counts, (std::vector<int>{1, 0, 1, 0, 0, 0}));
}

TEST(Ontime, OneDepartmentSeesOnlyItsOwnSteps) {
    desk d;
    auto all = one_late_morning(d);
    auto f = rules::ontime_of(all, monday, d.ctx(at("12:00")), "采购部");
    ASSERT_EQ(f.stages.size(), 1u);
    EXPECT_EQ(f.stages[0].first, "回复");
    EXPECT_EQ(f.stages[0].second.total, 1);
    EXPECT_EQ(f.departments.size(), 1u);
    ASSERT_EQ(f.late.size(), 1u);
    EXPECT_EQ(f.late[0].department, "采购部");
}

TEST(Ontime, OutsideThePeriodAndStillRunningCountNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto f = rules::ontime_of({c}, monday, d.ctx(at("09:02")));
    EXPECT_EQ(f.complaints, 1);
    EXPECT_TRUE(f.stages.empty());  // accept still running
    EXPECT_TRUE(f.late.empty());
    auto all = one_late_morning(d);
    auto next_day = rules::ontime_of(all, {{2026, 11, 24}, {2026, 11, 24}, "2026-11-24"}, d.ctx(at("12:00")));
    EXPECT_EQ(next_day.complaints, 0);
    EXPECT_TRUE(next_day.late.empty());
}

TEST(Ontime, EachDepartmentsStagesAreCountedApart) {
    desk d;
    auto all = one_late_morning(d);
    auto f = rules::ontime_of(all, monday, d.ctx(at("12:00")));
    EXPECT_EQ(f.by_department_stage.at("打单部").at("受理").late(), 1);
    EXPECT_EQ(f.by_department_stage.at("生产部").at("回复").on_time, 1);
    EXPECT_EQ(f.by_department_stage.at("采购部").at("回复").late(), 1);
    EXPECT_FALSE(f.by_department_stage.at("采购部").count("受理"));
}

TEST(Ontime, WeeksRunMondayToSundayCutToThePeriodAndThePreviousPeriodIsAsLong) {
    auto weeks = rules::weeks_of({{2026, 11, 4}, {2026, 11, 23}, ""});  // a Wednesday to a Monday
    ASSERT_EQ(weeks.size(), 4u);
    EXPECT_EQ(weeks[0].from, (core::local_date{2026, 11, 4}));
    EXPECT_EQ(weeks[0].to, (core::local_date{2026, 11, 8}));
    EXPECT_EQ(weeks[1].from, (core::local_date{2026, 11, 9}));
    EXPECT_EQ(weeks[3].from, (core::local_date{2026, 11, 23}));
    EXPECT_EQ(weeks[3].to, (core::local_date{2026, 11, 23}));
    EXPECT_EQ(weeks[1].label, "11-09 周");
    auto before = rules::previous_period({{2026, 11, 1}, {2026, 11, 30}, ""});
    EXPECT_EQ(before.from, (core::local_date{2026, 10, 2}));
    EXPECT_EQ(before.to, (core::local_date{2026, 10, 31}));
    EXPECT_TRUE(rules::weeks_of({{2026, 11, 5}, {2026, 11, 4}, ""}).empty());
}

TEST(Ontime, BucketsCoverEveryLateness) {
    std::vector<rules::late_step> late;
    for (long m : {1L, 10L, 11L, 30L, 31L, 60L, 61L, 120L, 121L, 240L, 241L, 10000L})
        late.push_back({"P1", "受理", "打单部", core::instant{}, m});
    auto b = rules::bucket_lateness(late);
    EXPECT_EQ(b.counts, (std::vector<int>{2, 2, 2, 2, 2, 2}));
    EXPECT_EQ(b.labels.front(), "10分钟以内");
    EXPECT_EQ(b.labels.back(), "4小时以上");
}

}  // namespace
