#include "rules/ontime.hpp"

#include <algorithm>
#include <cstdio>

#include "rules/fact_table.hpp"

namespace rules {

std::string percent_text(const rate& r) {
    if (r.total == 0) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d%%", (r.on_time * 100 + r.total / 2) / r.total);
    return buf;
}

ontime_figures ontime_of(const std::vector<complaint>& all, const period& p, const context& ctx,
                         const std::string& department) {
    fact_table t;
    for (const auto& c : all) t.put(facts_of(c));
    auto rows = t.select(ctx.tz.start_of(p.from), ctx.tz.start_of(core::add_days(p.to, 1)), nullptr, {});
    return t.ontime(rows, ctx, department);
}

lateness_buckets bucket_lateness(const std::vector<late_step>& late) {
    static const long upper[] = {10, 30, 60, 120, 240};
    lateness_buckets b{{"10分钟以内", "10–30分钟", "30分钟–1小时", "1–2小时", "2–4小时", "4小时以上"},
                       std::vector<int>(6, 0)};
    for (const auto& l : late) {
        std::size_t i = 0;
        while (i < std::size(upper) && l.minutes > upper[i]) ++i;
        b.counts[i]++;
    }
    return b;
}

std::vector<period> weeks_of(const period& p) {
    std::vector<period> out;
    auto day = p.from;
    while (!(p.to < day)) {
        auto end = core::add_days(day, static_cast<int>(7 - core::weekday(day)));  // that week's Sunday
        if (p.to < end) end = p.to;
        char label[16];
        std::snprintf(label, sizeof label, "%02u-%02u 周", day.month, day.day);
        out.push_back({day, end, label});
        day = core::add_days(end, 1);
    }
    return out;
}

period previous_period(const period& p) {
    int days = 0;
    for (auto d = p.from; !(p.to < d); d = core::add_days(d, 1)) ++days;
    return {core::add_days(p.from, -days), core::add_days(p.from, -1), "上期"};
}

}  // namespace rules
