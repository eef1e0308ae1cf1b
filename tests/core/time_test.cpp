#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;

TEST(Time, ParsesIsoWithOffset) {
    auto t = core::parse_iso8601("2026-11-23T09:00:00+08:00");
    ASSERT_TRUE(t);
    EXPECT_EQ(core::to_ms(*t), 1795395600000);
    EXPECT_EQ(core::parse_iso8601("2026-11-23T01:00:00Z"), t);
    EXPECT_EQ(core::parse_iso8601("2026-11-23T01:00:00.000Z"), t);
}

TEST(Time, RejectsMalformedIso) {
    EXPECT_FALSE(core::parse_iso8601(""));
    EXPECT_FALSE(core::parse_iso8601("2026-11-23"));
    EXPECT_FALSE(core::parse_iso8601("2026-11-23T09:00:00"));  // no offset
    EXPECT_FALSE(core::parse_iso8601("2026-02-30T09:00:00+08:00"));
    EXPECT_FALSE(core::parse_iso8601("2026-11-23T25:00:00+08:00"));
    EXPECT_FALSE(core::parse_iso8601("2026-11-23T09:00:00+08:00x"));
}

TEST(Time, ZoneRoundTripsShanghai) {
    core::zone z("Asia/Shanghai");
    auto t = *core::parse_iso8601("2026-11-23T09:05:00+08:00");
    auto l = z.to_local(t);
    EXPECT_EQ(l.date, (core::local_date{2026, 11, 23}));
    EXPECT_EQ(l.hour, 9u);
    EXPECT_EQ(l.minute, 5u);
    EXPECT_EQ(z.to_utc(l), t);
    EXPECT_EQ(z.iso(t), "2026-11-23T09:05:00+08:00");
    EXPECT_EQ(z.short_time(t), "11-23 09:05");
}

TEST(Time, UnknownZoneThrowsWithFix) {
    try {
        core::zone z("Asia/Shangai");
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("Asia/Shangai"), std::string::npos);
    }
}

TEST(Time, ParsesDurations) {
    EXPECT_EQ(core::parse_duration("5m"), core::duration{5min});
    EXPECT_EQ(core::parse_duration("2h"), core::duration{2h});
    EXPECT_EQ(core::parse_duration("1h30m"), core::duration{90min});
    EXPECT_EQ(core::parse_duration("7d"), core::duration{168h});
    EXPECT_FALSE(core::parse_duration(""));
    EXPECT_FALSE(core::parse_duration("5"));
    EXPECT_FALSE(core::parse_duration("five minutes"));
    EXPECT_FALSE(core::parse_duration("0m"));
    EXPECT_FALSE(core::parse_duration("-5m"));
    EXPECT_EQ(core::format_duration(90min), "1h30m");
    EXPECT_EQ(core::format_duration_zh(90min), "1小时30分钟");
    EXPECT_EQ(core::format_duration_zh(30s), "1分钟");
}

TEST(Time, CalendarHelpers) {
    EXPECT_EQ(core::add_days({2026, 12, 31}, 1), (core::local_date{2027, 1, 1}));
    EXPECT_EQ(core::weekday({2026, 11, 23}), 1u);  // a Monday
    EXPECT_TRUE(core::valid_date(2028, 2, 29));
    EXPECT_FALSE(core::valid_date(2026, 2, 29));
}

TEST(Time, ParsesDatesAsTheConfigAndTheCommandLineWriteThem) {
    EXPECT_EQ(core::parse_date("2026-11-23"), (core::local_date{2026, 11, 23}));
    EXPECT_EQ(core::parse_date("2026-1-5"), (core::local_date{2026, 1, 5}));
    for (const char* bad : {"", "2026-02-30", "2026-13-01", "2026/11/23", "2026-11-23x", "23.11.2026"})
        EXPECT_FALSE(core::parse_date(bad)) << bad;
}

// One weekday table for the calendar, the schedules and everything else (星期天 and 礼拜天 too).
TEST(Time, ReadsEveryWayOfWritingAWeekday) {
    for (const char* sunday :
         {"周日", "周天", "星期日", "星期天", "礼拜日", "礼拜天", "sun", "Sunday", "SUN"})
        EXPECT_EQ(core::parse_weekday(sunday), 7u) << sunday;
    EXPECT_EQ(core::parse_weekday("周一"), 1u);
    EXPECT_EQ(core::parse_weekday("星期五"), 5u);
    EXPECT_EQ(core::parse_weekday("礼拜三"), 3u);
    EXPECT_EQ(core::parse_weekday("fri"), 5u);
    for (const char* bad : {"", "周", "周八", "星期", "someday", "1", "周一 "})
        EXPECT_EQ(core::parse_weekday(bad), 0u) << bad;
}

TEST(Time, ReadsScheduleTimes) {
    auto daily = core::parse_schedule_time("17:30");
    ASSERT_TRUE(daily);
    EXPECT_EQ(daily->weekday, 0u);
    EXPECT_EQ(daily->hour, 17u);
    EXPECT_EQ(daily->minute, 30u);
    auto weekly = core::parse_schedule_time("星期天 09:05");
    ASSERT_TRUE(weekly);
    EXPECT_EQ(weekly->weekday, 7u);
    EXPECT_EQ(weekly->hour, 9u);
    EXPECT_EQ(weekly->minute, 5u);
    for (const char* bad : {"", "25:00", "17:60", "17.30", "周八 17:00", "17:30:00", "off", "1730"})
        EXPECT_FALSE(core::parse_schedule_time(bad)) << bad;
}
