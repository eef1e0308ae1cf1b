#include "core/calendar.hpp"

#include <algorithm>
#include <stdexcept>

namespace core {

namespace {

// How far the calendar looks for working time before it gives up (a config with no work day
// at all is refused by the loader; this only bounds the loops).
constexpr int horizon_days = 800;

}  // namespace

calendar::calendar(calendar_settings settings, const zone& tz) : s_(std::move(settings)), tz_(&tz) {
    std::sort(
        s_.hours.begin(), s_.hours.end(),
        [](const calendar_settings::span& a, const calendar_settings::span& b) { return a.start < b.start; });
    std::sort(s_.holidays.begin(), s_.holidays.end());
    std::sort(s_.make_up_days.begin(), s_.make_up_days.end());
}

const calendar& calendar::wall() {
    static const calendar w;
    return w;
}

bool calendar::is_work_day(const local_date& d) const {
    if (!s_.business) return true;
    if (std::binary_search(s_.make_up_days.begin(), s_.make_up_days.end(), d)) return true;
    if (std::binary_search(s_.holidays.begin(), s_.holidays.end(), d)) return false;
    return std::find(s_.work_days.begin(), s_.work_days.end(), weekday(d)) != s_.work_days.end();
}

std::vector<calendar::window> calendar::windows_of(const local_date& d) const {
    std::vector<window> out;
    if (!is_work_day(d)) return out;
    for (const auto& sp : s_.hours)
        out.push_back({tz_->to_utc({d, sp.start / 60, sp.start % 60, 0}),
                       tz_->to_utc({d, sp.end / 60, sp.end % 60, 0})});
    return out;
}

bool calendar::is_open(instant t) const {
    if (!s_.business) return true;
    for (const auto& w : windows_of(tz_->date_of(t)))
        if (w.from <= t && t <= w.to) return true;
    return false;
}

instant calendar::next_open(instant t) const {
    if (!s_.business) return t;
    auto day = tz_->date_of(t);
    for (int i = 0; i < horizon_days; ++i)
        for (const auto& w : windows_of(add_days(day, i)))
            if (w.to >= t) return std::max(w.from, t);
    throw std::runtime_error("the business calendar has no working time in the next " +
                             std::to_string(horizon_days) + " days: check calendar.work_days and holidays");
}

instant calendar::add(instant t, duration d) const {
    if (!s_.business) return t + d;
    if (d.count() <= 0) return d.count() == 0 ? next_open(t) : subtract(t, -d);
    auto day = tz_->date_of(t);
    for (int i = 0; i < horizon_days; ++i)
        for (const auto& w : windows_of(add_days(day, i))) {
            if (w.to <= t) continue;
            auto from = std::max(w.from, t);
            auto avail = w.to - from;
            if (d <= avail) return from + d;
            d -= avail;
        }
    throw std::runtime_error("the business calendar has no working time in the next " +
                             std::to_string(horizon_days) + " days: check calendar.work_days and holidays");
}

instant calendar::subtract(instant t, duration d) const {
    if (!s_.business) return t - d;
    if (d.count() <= 0) return add(t, -d);
    auto day = tz_->date_of(t);
    for (int i = 0; i < horizon_days; ++i) {
        auto ws = windows_of(add_days(day, -i));
        for (auto w = ws.rbegin(); w != ws.rend(); ++w) {
            if (w->from >= t) continue;
            auto to = std::min(w->to, t);
            auto avail = to - w->from;
            if (d <= avail) return to - d;
            d -= avail;
        }
    }
    return t - d;  // before any working time: fall back to clock time
}

duration calendar::between(instant a, instant b) const {
    if (b <= a) return duration{0};
    if (!s_.business) return b - a;
    duration total{0};
    auto day = tz_->date_of(a);
    auto last = tz_->date_of(b);
    for (int i = 0; i < horizon_days * 4; ++i) {
        auto d = add_days(day, i);
        if (last < d) break;
        for (const auto& w : windows_of(d)) {
            auto from = std::max(w.from, a);
            auto to = std::min(w.to, b);
            if (to > from) total += to - from;
        }
    }
    return total;
}

}  // namespace core
