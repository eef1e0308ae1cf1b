// The business calendar: working-time arithmetic over lunch breaks, evenings, weekends, holidays
// and make-up work days (调休), in Asia/Shanghai.
#include "core/calendar.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace {

core::instant t(const std::string& local) {
    return *core::parse_iso8601(local + ":00+08:00");
}

struct Cal : ::testing::Test {
    core::zone tz{"Asia/Shanghai"};
    core::calendar_settings s = [] {
        core::calendar_settings x;
        x.business = true;
        x.holidays = {{2026, 11, 30}};     // a Monday off
        x.make_up_days = {{2026, 12, 5}};  // a Saturday worked (调休)
        return x;
    }();
    core::calendar cal{s, tz};
};

}  // namespace

TEST_F(Cal, WorkDaysFollowWeekdaysHolidaysAndMakeUpDays) {
    EXPECT_TRUE(cal.is_work_day({2026, 11, 27}));   // Friday
    EXPECT_FALSE(cal.is_work_day({2026, 11, 28}));  // Saturday
    EXPECT_FALSE(cal.is_work_day({2026, 11, 30}));  // Monday, holiday
    EXPECT_TRUE(cal.is_work_day({2026, 12, 5}));    // Saturday, make-up day
    EXPECT_FALSE(cal.is_work_day({2026, 12, 6}));   // Sunday
}

TEST_F(Cal, OpenDuringWorkHoursOnlyWithTheClosingMinuteIncluded) {
    EXPECT_TRUE(cal.is_open(t("2026-11-27T08:30")));
    EXPECT_TRUE(cal.is_open(t("2026-11-27T12:00")));
    EXPECT_FALSE(cal.is_open(t("2026-11-27T12:30")));  // lunch
    EXPECT_TRUE(cal.is_open(t("2026-11-27T17:30")));
    EXPECT_FALSE(cal.is_open(t("2026-11-27T17:31")));
    EXPECT_FALSE(cal.is_open(t("2026-11-28T10:00")));
    EXPECT_EQ(cal.next_open(t("2026-11-27T12:10")), t("2026-11-27T13:30"));
    EXPECT_EQ(cal.next_open(t("2026-11-27T17:55")), t("2026-12-01T08:30"));  // weekend + holiday
    EXPECT_EQ(cal.next_open(t("2026-11-27T09:15")), t("2026-11-27T09:15"));
}

TEST_F(Cal, AddCountsOnlyWorkingTime) {
    EXPECT_EQ(cal.add(t("2026-11-27T09:00"), 5min), t("2026-11-27T09:05"));
    EXPECT_EQ(cal.add(t("2026-11-27T11:00"), 2h), t("2026-11-27T14:30"));    // over lunch
    EXPECT_EQ(cal.add(t("2026-11-27T17:55"), 5min), t("2026-12-01T08:35"));  // after hours, Fri
    EXPECT_EQ(cal.add(t("2026-11-27T17:25"), 5min), t("2026-11-27T17:30"));  // lands on closing
    EXPECT_EQ(cal.add(t("2026-11-27T17:00"), 2h), t("2026-12-01T10:00"));    // 30 min Fri + 1h30 Tue
    EXPECT_EQ(cal.add(t("2026-12-04T17:00"), 2h), t("2026-12-05T10:00"));    // make-up Saturday
    EXPECT_EQ(cal.add(t("2026-11-27T12:30"), 0min), t("2026-11-27T13:30"));
}

TEST_F(Cal, SubtractAndBetweenAreTheInverse) {
    EXPECT_EQ(cal.subtract(t("2026-11-27T14:30"), 2h), t("2026-11-27T11:00"));
    EXPECT_EQ(cal.subtract(t("2026-12-01T08:45"), 30min), t("2026-11-27T17:15"));
    EXPECT_EQ(cal.between(t("2026-11-27T11:00"), t("2026-11-27T14:30")), 2h);
    EXPECT_EQ(cal.between(t("2026-11-27T17:00"), t("2026-12-01T10:00")), 2h);
    EXPECT_EQ(cal.between(t("2026-11-28T10:00"), t("2026-11-29T10:00")), 0min);
    EXPECT_EQ(cal.between(t("2026-11-27T10:00"), t("2026-11-27T09:00")), 0min);
}

TEST(Calendar, WallClockIsPlainArithmetic) {
    const auto& w = core::calendar::wall();
    auto a = t("2026-11-28T23:00");
    EXPECT_FALSE(w.business());
    EXPECT_TRUE(w.is_open(a));
    EXPECT_EQ(w.add(a, 2h), t("2026-11-29T01:00"));
    EXPECT_EQ(w.subtract(a, 30min), t("2026-11-28T22:30"));
    EXPECT_EQ(w.between(a, t("2026-11-29T01:00")), 2h);
}

TEST(Calendar, NoWorkingTimeAtAllIsAClearError) {
    core::zone tz("Asia/Shanghai");
    core::calendar_settings s;
    s.business = true;
    s.work_days = {};
    core::calendar cal(s, tz);
    try {
        (void)cal.add(t("2026-11-27T09:00"), 5min);
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("check calendar.work_days"), std::string::npos);
    }
}
