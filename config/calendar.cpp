// calendar: wall clock or business time (work days, hours, holidays, make-up days).
#include "config/reader.hpp"

#include <algorithm>

namespace conf::detail {

namespace {

// 周一 … 周日, mon … sun, or the ISO number 1 … 7.
unsigned work_day_number(const std::string& s) {
    if (s.size() == 1 && s[0] >= '1' && s[0] <= '7') return static_cast<unsigned>(s[0] - '0');
    return core::parse_weekday(s);
}

}  // namespace

void read_calendar(reader& L, const YAML::Node& root, rules::config& cfg) {
    if (auto cal = root["calendar"]; cal) {
        if (L.keys(cal, "calendar", {"mode", "work_days", "work_hours", "holidays", "make_up_days"})) {
            auto& c = cfg.calendar;
            if (auto n = cal["mode"]; n)
                if (auto v = L.str(n, "calendar.mode")) {
                    if (*v == "business")
                        c.business = true;
                    else if (*v != "wall")
                        L.error(n, "unknown calendar mode '" + *v + "'",
                                "use wall (deadlines in clock time, the default) or business (working time "
                                "only)");
                }
            if (auto n = cal["work_days"]; n) {
                if (!n.IsSequence() || n.size() == 0) {
                    L.error(n, "calendar.work_days must be a non-empty list",
                            "e.g. [周一, 周二, 周三, 周四, 周五]");
                } else {
                    c.work_days.clear();
                    for (const auto& d : n)
                        if (auto v = L.str(d, "work day")) {
                            if (auto k = work_day_number(*v))
                                c.work_days.push_back(k);
                            else
                                L.error(d, "unknown weekday '" + *v + "'", "write 周一 … 周日 or mon … sun");
                        }
                }
            }
            if (auto n = cal["work_hours"]; n) {
                if (!n.IsSequence() || n.size() == 0) {
                    L.error(n, "calendar.work_hours must be a non-empty list",
                            "e.g. [\"08:30-12:00\", \"13:30-17:30\"]");
                } else {
                    c.hours.clear();
                    for (const auto& h : n)
                        if (auto v = L.str(h, "work hours")) {
                            auto sp = parse_span(*v);
                            if (!sp) {
                                L.error(h, "bad work hours '" + *v + "'",
                                        "write a local time range like \"08:30-12:00\"");
                                continue;
                            }
                            bool overlaps = std::any_of(c.hours.begin(), c.hours.end(), [&](const auto& o) {
                                return sp->start < o.end && o.start < sp->end;
                            });
                            if (overlaps)
                                L.error(h, "work hours '" + *v + "' overlap another range",
                                        "make the ranges disjoint");
                            else
                                c.hours.push_back(*sp);
                        }
                }
            }
            auto days = [&](const char* key, std::vector<core::local_date>& slot) {
                auto n = cal[key];
                if (!n) return;
                if (!n.IsSequence()) {
                    L.error(n, std::string("calendar.") + key + " must be a list of dates",
                            "e.g. [2026-10-01, 2026-10-02]");
                    return;
                }
                for (const auto& d : n)
                    if (auto v = L.str(d, "date")) {
                        if (auto day = core::parse_date(*v))
                            slot.push_back(*day);
                        else
                            L.error(d, "bad date '" + *v + "' in calendar." + key,
                                    "write dates as 2026-10-01");
                    }
            };
            days("holidays", c.holidays);
            days("make_up_days", c.make_up_days);
            for (const auto& d : c.make_up_days)
                if (std::find(c.holidays.begin(), c.holidays.end(), d) != c.holidays.end())
                    L.error(cal["make_up_days"],
                            "the date " + core::format_date(d) + " is both a holiday and a make-up work day",
                            "keep it in one of the two lists");
        }
    }
    cfg.workflow.business_time = cfg.calendar.business;
}

}  // namespace conf::detail
