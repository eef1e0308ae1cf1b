// The business calendar (SPEC "Time"): work days, work hours with a lunch break, holidays and
// make-up work days (调休). In wall-clock mode every instant is working time and arithmetic is
// plain; in business mode deadlines count only working time and reminders wait for the next opening.
//
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"

namespace core {

struct calendar_settings {
    bool business = false;                           // false: wall clock (the default)
    std::vector<unsigned> work_days{1, 2, 3, 4, 5};  // ISO weekdays, Monday = 1
    struct span {
        unsigned start = 0;  // minutes after local midnight
        unsigned end = 0;    // exclusive of later spans; end > start
    };
    std::vector<span> hours{{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
    std::vector<local_date> holidays;      // no work, whatever the weekday
    std::vector<local_date> make_up_days;  // 调休: work, whatever the weekday
};

class calendar {
  public:
    calendar(calendar_settings settings, const zone& tz);
    // The wall-clock calendar: everything is working time.
    static const calendar& wall();

    bool business() const { return s_.business; }
    const calendar_settings& settings() const { return s_; }

    bool is_work_day(const local_date& d) const;
    // True within work hours of a work day; the closing minute itself counts as open, so a
    // deadline that lands on 17:30 is posted at 17:30.
    bool is_open(instant t) const;
    // `t` when open, otherwise the start of the next working span.
    instant next_open(instant t) const;
    // `t` plus `d` of working time (business) or of clock time (wall).
    instant add(instant t, duration d) const;
    // `t` minus `d` of working time.
    instant subtract(instant t, duration d) const;
    // Working time between a and b (0 when b <= a).
    duration between(instant a, instant b) const;

  private:
    calendar() = default;
    struct window {
        instant from, to;
    };
    std::vector<window> windows_of(const local_date& d) const;

    calendar_settings s_;
    const zone* tz_ = nullptr;
};

}  // namespace core
