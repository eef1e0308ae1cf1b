#include "core/time.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace core {

namespace {

const date::time_zone* as_tz(const void* p) {
    return static_cast<const date::time_zone*>(p);
}

std::string two(unsigned v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u", v % 100U);
    return buf;
}

bool read_uint(std::string_view& s, std::size_t digits, unsigned& out) {
    if (s.size() < digits) return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
        char c = s[i];
        if (c < '0' || c > '9') return false;
        v = v * 10U + static_cast<unsigned>(c - '0');
    }
    out = v;
    s.remove_prefix(digits);
    return true;
}

bool eat(std::string_view& s, char c) {
    if (s.empty() || s.front() != c) return false;
    s.remove_prefix(1);
    return true;
}

}  // namespace

bool valid_date(int year, unsigned month, unsigned day) {
    return year >= 1 && year <= 9999 &&
           date::year_month_day{date::year{year}, date::month{month}, date::day{day}}.ok();
}

zone::zone(std::string_view iana_name) : name_(iana_name) {
    try {
        tz_ = date::locate_zone(name_);
    } catch (const std::exception&) {
        throw std::runtime_error(
            "unknown time zone '" + name_ +
            "': use an IANA name such as Asia/Shanghai (is the tzdata package installed?)");
    }
}

instant zone::to_utc(const local_datetime& t) const {
    auto days = date::local_days{date::year{t.date.year} / date::month{t.date.month} / date::day{t.date.day}};
    auto local =
        days + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} + std::chrono::seconds{t.second};
    // Ambiguous or non-existent local times (DST changes) resolve to the earliest instant.
    auto sys = as_tz(tz_)->to_sys(local, date::choose::earliest);
    return std::chrono::time_point_cast<duration>(sys);
}

local_datetime zone::to_local(instant t) const {
    auto local = as_tz(tz_)->to_local(t);
    auto day = date::floor<date::days>(local);
    date::year_month_day ymd{day};
    date::hh_mm_ss<duration> hms{local - day};
    local_datetime out;
    out.date = {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day())};
    out.hour = static_cast<unsigned>(hms.hours().count());
    out.minute = static_cast<unsigned>(hms.minutes().count());
    out.second = static_cast<unsigned>(hms.seconds().count());
    return out;
}

instant zone::start_of(const local_date& d) const {
    return to_utc({d, 0, 0, 0});
}

std::string zone::iso(instant t) const {
    auto info = as_tz(tz_)->get_info(std::chrono::time_point_cast<std::chrono::seconds>(t));
    auto l = to_local(t);
    auto off = std::chrono::duration_cast<std::chrono::minutes>(info.offset).count();
    char sign = off < 0 ? '-' : '+';
    auto a = static_cast<unsigned>(off < 0 ? -off : off);
    return format_date(l.date) + "T" + two(l.hour) + ":" + two(l.minute) + ":" + two(l.second) + sign +
           two(a / 60U) + ":" + two(a % 60U);
}

std::string zone::short_time(instant t) const {
    auto l = to_local(t);
    return two(l.date.month) + "-" + two(l.date.day) + " " + two(l.hour) + ":" + two(l.minute);
}

std::string zone::long_time(instant t) const {
    auto l = to_local(t);
    return format_date(l.date) + " " + two(l.hour) + ":" + two(l.minute);
}

std::optional<instant> parse_iso8601(std::string_view s) {
    unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
    if (!read_uint(s, 4, y) || !eat(s, '-') || !read_uint(s, 2, mo) || !eat(s, '-') || !read_uint(s, 2, d))
        return {};
    if (!(eat(s, 'T') || eat(s, ' '))) return {};
    if (!read_uint(s, 2, h) || !eat(s, ':') || !read_uint(s, 2, mi)) return {};
    if (eat(s, ':') && !read_uint(s, 2, se)) return {};
    unsigned millis = 0;
    if (eat(s, '.')) {
        std::size_t n = 0;
        while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
            if (n < 3) millis = millis * 10U + static_cast<unsigned>(s.front() - '0');
            ++n;
            s.remove_prefix(1);
        }
        if (n == 0) return {};
        for (; n < 3; ++n) millis *= 10U;
    }
    int offset_min = 0;
    if (eat(s, 'Z') || eat(s, 'z')) {
    } else if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
        bool neg = s.front() == '-';
        s.remove_prefix(1);
        unsigned oh = 0, om = 0;
        if (!read_uint(s, 2, oh)) return {};
        eat(s, ':');
        if (!read_uint(s, 2, om)) return {};
        if (oh > 23 || om > 59) return {};
        offset_min = static_cast<int>(oh * 60U + om) * (neg ? -1 : 1);
    } else {
        return {};
    }
    if (!s.empty()) return {};
    if (!valid_date(static_cast<int>(y), mo, d) || h > 23 || mi > 59 || se > 60) return {};
    auto days = date::sys_days{date::year{static_cast<int>(y)} / date::month{mo} / date::day{d}};
    auto t = std::chrono::time_point_cast<duration>(days) + std::chrono::hours{h} + std::chrono::minutes{mi} +
             std::chrono::seconds{se} + std::chrono::milliseconds{millis} - std::chrono::minutes{offset_min};
    return t;
}

local_date add_days(const local_date& d, int days) {
    auto sd = date::sys_days{date::year{d.year} / date::month{d.month} / date::day{d.day}} + date::days{days};
    date::year_month_day ymd{sd};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
            static_cast<unsigned>(ymd.day())};
}

unsigned weekday(const local_date& d) {
    date::weekday wd{date::sys_days{date::year{d.year} / date::month{d.month} / date::day{d.day}}};
    return wd.iso_encoding();
}

std::string format_date(const local_date& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month % 100U, d.day % 100U);
    return buf;
}

std::optional<duration> parse_duration(std::string_view s) {
    if (s.empty()) return {};
    duration total{0};
    while (!s.empty()) {
        std::int64_t v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc{} || p == s.data() || v < 0) return {};
        s.remove_prefix(static_cast<std::size_t>(p - s.data()));
        if (s.empty()) return {};
        char unit = s.front();
        s.remove_prefix(1);
        std::int64_t ms = 0;
        switch (unit) {
            case 's':
                ms = 1000;
                break;
            case 'm':
                ms = 60'000;
                break;
            case 'h':
                ms = 3'600'000;
                break;
            case 'd':
                ms = 86'400'000;
                break;
            default:
                return {};
        }
        if (v > 10'000'000) return {};
        total += duration{v * ms};
    }
    if (total.count() <= 0) return {};
    return total;
}

std::string format_duration(duration d) {
    auto ms = d.count();
    if (ms == 0) return "0m";
    std::string out;
    auto days = ms / 86'400'000;
    ms %= 86'400'000;
    auto hours = ms / 3'600'000;
    ms %= 3'600'000;
    auto minutes = ms / 60'000;
    ms %= 60'000;
    auto seconds = ms / 1000;
    if (days) out += std::to_string(days) + "d";
    if (hours) out += std::to_string(hours) + "h";
    if (minutes) out += std::to_string(minutes) + "m";
    if (seconds) out += std::to_string(seconds) + "s";
    return out.empty() ? "0m" : out;
}

std::string format_duration_zh(duration d) {
    auto total_min = (d.count() + 59'999) / 60'000;  // round up: "1分钟" rather than "0分钟"
    if (total_min <= 0) return "0分钟";
    auto days = total_min / (24 * 60);
    auto hours = (total_min / 60) % 24;
    auto minutes = total_min % 60;
    std::string out;
    if (days) out += std::to_string(days) + "天";
    if (hours) out += std::to_string(hours) + "小时";
    if (minutes) out += std::to_string(minutes) + "分钟";
    return out;
}

std::optional<local_date> parse_date(std::string_view text) {
    std::string s(text);
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3 || !valid_date(y, m, d))
        return std::nullopt;
    return local_date{y, m, d};
}

unsigned parse_weekday(std::string_view word) {
    static const std::pair<std::string_view, unsigned> names[] = {{"一", 1}, {"二", 2}, {"三", 3}, {"四", 4},
                                                                  {"五", 5}, {"六", 6}, {"日", 7}, {"天", 7}};
    for (std::string_view prefix : {"周", "星期", "礼拜"}) {
        if (word.substr(0, prefix.size()) != prefix) continue;
        auto rest = word.substr(prefix.size());
        for (const auto& [name, n] : names)
            if (rest == name) return n;
        return 0;
    }
    static const std::string_view english[] = {"monday", "tuesday",  "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
    std::string lower;
    for (char c : word) lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (unsigned i = 0; i < 7; ++i)
        if (lower == english[i] || lower == english[i].substr(0, 3)) return i + 1;
    return 0;
}

std::optional<schedule_time> parse_schedule_time(std::string_view text) {
    auto trim = [](std::string_view v) {
        while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
        while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        return v;
    };
    auto t = trim(text);
    schedule_time st;
    if (auto space = t.find(' '); space != std::string_view::npos) {
        st.weekday = parse_weekday(t.substr(0, space));
        if (st.weekday == 0) return std::nullopt;
        t = trim(t.substr(space + 1));
    }
    std::string s(t);
    char tail = 0;
    if (s.size() < 4 || s.size() > 5 ||
        std::sscanf(s.c_str(), "%2u:%2u%c", &st.hour, &st.minute, &tail) != 2 || st.hour > 23 ||
        st.minute > 59 || s[s.size() - 3] != ':')
        return std::nullopt;
    return st;
}

}  // namespace core
