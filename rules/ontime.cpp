#include "rules/ontime.hpp"

#include <algorithm>
#include <cstdio>

#include "rules/workflow_support.hpp"

namespace rules {

using detail::acting_department;

namespace {

constexpr const char* stage_order[] = {"accept", "publish", "route", "respond", "notify", "review"};

long minutes_between(core::instant from, core::instant to) {
    auto m = std::chrono::duration_cast<std::chrono::minutes>(to - from).count();
    return std::max<long>(m, 1);
}

}  // namespace

std::string percent_text(const rate& r) {
    if (r.total == 0) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d%%", (r.on_time * 100 + r.total / 2) / r.total);
    return buf;
}

ontime_figures ontime_of(const std::vector<complaint>& all, const period& p, const context& ctx,
                         const std::string& department) {
    ontime_figures f;
    std::map<std::string, rate> by_stage;
    auto add_late = [&](const complaint& c, const std::string& stage, const std::string& dept,
                        core::instant due, std::optional<core::instant> done) {
        f.late.push_back({c.id, stage, dept, due, minutes_between(due, done ? *done : ctx.now)});
        auto t = ctx.tz.to_local(due);
        f.late_by_weekday_hour[core::weekday(t.date) - 1][t.hour % 24]++;
    };
    for (const auto& c : all) {
        auto d = ctx.tz.date_of(c.posted_at);
        if (d < p.from || d > p.to) continue;
        ++f.complaints;
        for (const auto& s : c.stages) {
            if (!s.due) continue;
            bool in_time = s.done_at && *s.done_at <= *s.due;
            bool over = s.missed || (s.done_at && *s.done_at > *s.due);
            if (!in_time && !over) continue;  // still running
            bool respond = s.is(stage_id::respond);
            if (!department.empty()) {
                if (respond) continue;  // counted below from the department's own reply
                if (acting_department(c, ctx.cfg, s.name) != department) continue;
            }
            auto& r = by_stage[stage_label(s.name)];
            r.total++;
            if (in_time) r.on_time++;
            if (!respond) {
                auto& m = f.by_department_stage[acting_department(c, ctx.cfg, s.name)][stage_label(s.name)];
                m.total++;
                if (in_time) m.on_time++;
            }
            if (over && !respond)
                add_late(c, stage_label(s.name), acting_department(c, ctx.cfg, s.name), *s.due, s.done_at);
        }
        const auto* s = c.find_stage(stage_id::respond);
        if (!s || !s->due) continue;
        for (const auto& dr : c.departments) {
            if (!department.empty() && dr.department != department) continue;
            auto due = *reply_due(c, dr);  // a department added late by 调查 has its own
            bool in_time = dr.replied_at && *dr.replied_at <= due;
            bool over = dr.fined || (dr.replied_at && *dr.replied_at > due);
            if (!in_time && !over) continue;
            auto& r = f.departments[dr.department];
            r.total++;
            if (in_time) r.on_time++;
            auto& m = f.by_department_stage[dr.department][stage_label(stage_id::respond)];
            m.total++;
            if (in_time) m.on_time++;
            if (!department.empty()) {
                auto& st = by_stage[stage_label(stage_id::respond)];
                st.total++;
                if (in_time) st.on_time++;
            }
            if (over) add_late(c, stage_label(stage_id::respond), dr.department, due, dr.replied_at);
        }
    }
    for (const char* name : stage_order)
        if (auto it = by_stage.find(stage_label(name)); it != by_stage.end()) f.stages.emplace_back(*it);
    std::stable_sort(f.late.begin(), f.late.end(),
                     [](const late_step& a, const late_step& b) { return a.due < b.due; });
    return f;
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
