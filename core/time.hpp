// Time types shared by every module: instants are UTC milliseconds (stored as int64 in the
// database), converted to and from the company's local time in one place (zone).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace core {

using duration = std::chrono::milliseconds;
using instant = std::chrono::sys_time<duration>;

// Milliseconds since the Unix epoch, the database representation.
inline std::int64_t to_ms(instant t) {
    return t.time_since_epoch().count();
}
inline instant from_ms(std::int64_t ms) {
    return instant{duration{ms}};
}

// A calendar date and a wall-clock time in the company's time zone.
struct local_date {
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    friend bool operator==(const local_date&, const local_date&) = default;
    friend auto operator<=>(const local_date&, const local_date&) = default;
};

struct local_datetime {
    local_date date;
    unsigned hour = 0;
    unsigned minute = 0;
    unsigned second = 0;
};

// True when year/month/day name a real day of the Gregorian calendar.
bool valid_date(int year, unsigned month, unsigned day);

// The company's time zone (IANA name, e.g. Asia/Shanghai), backed by the system tz database.
// Thread-safety: immutable after construction; safe to share.
class zone {
  public:
    // Throws std::runtime_error naming the zone when it is unknown.
    explicit zone(std::string_view iana_name);
    const std::string& name() const { return name_; }

    instant to_utc(const local_datetime& t) const;
    local_datetime to_local(instant t) const;
    local_date date_of(instant t) const { return to_local(t).date; }
    // Midnight that starts `d` in this zone.
    instant start_of(const local_date& d) const;
    // "2026-11-23T09:00:00+08:00"
    std::string iso(instant t) const;
    // "11-23 09:00", the short form used in chat replies.
    std::string short_time(instant t) const;
    // "2026-11-23 09:00"
    std::string long_time(instant t) const;

  private:
    std::string name_;
    const void* tz_ = nullptr;  // const date::time_zone*, kept opaque to spare includers date/tz.h
};

// Parses an ISO 8601 timestamp with an offset ("2026-11-23T09:00:00+08:00", "...Z", fractional
// seconds allowed). Returns nullopt when malformed.
std::optional<instant> parse_iso8601(std::string_view text);

// Day arithmetic on calendar dates (days may be negative).
local_date add_days(const local_date& d, int days);
// ISO weekday: Monday = 1 ... Sunday = 7.
unsigned weekday(const local_date& d);
std::string format_date(const local_date& d);  // "2026-11-23"
// "2026-11-23" (or "2026-1-5") → a real calendar day; nullopt otherwise. The one date parser of
// the config, the command line and the reports (chat posts have their own, lenient one in rules).
std::optional<local_date> parse_date(std::string_view text);

// A weekday as people write it: 周一…周日 (周天), 星期一…星期日 (星期天), 礼拜一…礼拜日 (礼拜天),
// mon…sun / monday…sunday in any case. ISO number (Monday = 1, Sunday = 7); 0 when not a weekday.
unsigned parse_weekday(std::string_view word);

// A schedule's time: "17:30" (every day) or "周五 17:00" (weekly). nullopt when malformed.
struct schedule_time {
    unsigned weekday = 0;  // 0 = every day
    unsigned hour = 0;
    unsigned minute = 0;
};
std::optional<schedule_time> parse_schedule_time(std::string_view text);

// "5m", "30m", "2h", "1h30m", "45s", "7d" → duration; nullopt when malformed or zero.
std::optional<duration> parse_duration(std::string_view text);
// Inverse for display: "5m", "2h", "1h30m".
std::string format_duration(duration d);
// For chat replies: "5分钟", "2小时", "1小时30分钟".
std::string format_duration_zh(duration d);

}  // namespace core
