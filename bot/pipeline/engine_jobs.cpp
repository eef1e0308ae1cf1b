// The engine's scheduled jobs: when each runs next (the daily ones on the calendar's days, the weekly
// on its weekday, the monthly report on the first work day of a month), arming them, and what each
// posts — the 17:30 sheet, the morning forward, the daily penalty summary, the weekly and the
// monthly report.
#include "pipeline/engine.hpp"
#include "pipeline/job_keys.hpp"
#include "rules/customer.hpp"
#include "rules/jobs.hpp"
#include "rules/periodic.hpp"
#include "rules/reports.hpp"
#include "rules/text.hpp"

namespace app {

using detail::job_key;
using detail::job_prefix;
using detail::period_end;
using detail::period_start;

namespace {

std::optional<core::schedule_time> parse_schedule(std::string_view text) {
    if (rules::trim(text) == "off") return std::nullopt;
    return core::parse_schedule_time(text);
}

std::string schedule_of(const rules::schedules& s, std::string_view job) {
    if (job == "daily_summary") return s.daily_summary;
    if (job == "sheet") return s.sheet;
    if (job == "weekly_report") return s.weekly_report;
    if (job == "forward") return s.forward;
    if (job == "monthly_report") return s.monthly_report;
    return {};
}

constexpr std::string_view job_names[] = {"sheet", "forward", "daily_summary", "weekly_report",
                                          "monthly_report"};

}  // namespace

std::optional<core::instant> engine::next_occurrence(const std::string& job, core::instant after) const {
    auto spec = parse_schedule(schedule_of(cfg_.schedules, job));
    if (!spec) return std::nullopt;
    auto day = tz_.date_of(after);
    if (job == "monthly_report") {
        // The first work day of a month (the calendar's work days, holidays and 调休, in either mode).
        auto days = cfg_.calendar;
        days.business = true;
        const core::calendar work(days, tz_);
        for (unsigned m = 0; m < 3; ++m) {
            core::local_date first{day.month + m > 12 ? day.year + 1 : day.year, (day.month + m - 1) % 12 + 1,
                                   1};
            for (int i = 0; i < 20; ++i) {
                auto d = core::add_days(first, i);
                if (!work.is_work_day(d)) continue;
                auto t = tz_.to_utc({d, spec->hour, spec->minute, 0});
                if (t > after) return t;
                break;
            }
        }
        return std::nullopt;
    }
    for (int i = 0; i < 40; ++i) {
        auto d = core::add_days(day, i);
        if (spec->weekday != 0 && core::weekday(d) != spec->weekday) continue;
        // Business calendar: the daily posts (sheet, forward, summary) are for work days only.
        if (spec->weekday == 0 && !cal_.is_work_day(d)) continue;
        auto t = tz_.to_utc({d, spec->hour, spec->minute, 0});
        if (t > after) return t;
    }
    return std::nullopt;
}

void engine::set_runs_jobs(bool on) {
    if (on == runs_jobs_) return;
    runs_jobs_ = on;
    if (!on) return;
    // The occurrences as the database has them (the last holder ran some and armed the next ones).
    for (const auto& d : db_.open_deadlines_of(""))
        if (auto a = live_.add("", d.key, d.due)) heap_.push(entry("", *a));
    for (const auto& [complaint, a] : live_.all_armed())
        if (complaint.empty()) heap_.push(entry(complaint, a));
}

void engine::ensure_jobs() {
    // Only the jobs' own rows (complaint ""): a primary-key range, not every open deadline.
    auto open = db_.open_job_keys();
    auto tx = db_.begin();
    for (auto job : job_names) {
        auto prefix = std::string(job_prefix) + std::string(job) + "@";  // any occurrence
        bool armed = std::any_of(open.begin(), open.end(),
                                 [&](const std::string& key) { return key.rfind(prefix, 0) == 0; });
        if (armed) continue;
        if (auto next = next_occurrence(std::string(job), clock_.now())) {
            auto key = job_key(job, tz_.date_of(*next));
            if (db_.add_deadline({"", key, *next})) live_.add("", key, *next);
        }
    }
    tx->commit();
}

void engine::run_job(const std::string& name, core::instant due, rules::outcome& out) {
    int unused = 0;
    auto ctx = make_context(&unused);
    auto today = tz_.date_of(due);
    if (name == "daily_summary") {
        rules::period p{today, today, "今天"};
        out.posts.push_back(rules::hr_post(
            cfg_.default_chat,
            rules::penalty_summary(
                rules::fines_in(db_.fines_issued_between(period_start(p, tz_), period_end(p, tz_)), p, tz_),
                p, tz_, "今日罚款汇总"),
            cfg_));
    } else if (name == "sheet") {
        auto ready = db_.complaints_for_sheet();  // open, compensation, on no sheet yet
        for (auto* c : rules::sheet_job(ready, today, ctx, out)) save(*c);
    } else if (name == "forward") {
        // Next morning: the sheets of earlier days go to the complainant's VP.
        auto to_forward = db_.complaints_to_forward(today);
        for (auto* c : rules::forward_job(to_forward, today, ctx, out)) save(*c);
    } else if (name == "weekly_report") {
        rules::period p{core::add_days(today, -6), today, "本周"};
        auto freight = db_.open_freight_complaints();
        // The 回访 of the week and of the month so far: the complaints changed since the 1st (or the
        // week's start, when earlier).
        auto since =
            std::min(period_start(p, tz_), tz_.start_of(core::local_date{today.year, today.month, 1}));
        auto followups = db_.complaints_updated_between(since, period_end(p, tz_));
        out.posts.push_back(rules::hr_post(
            cfg_.default_chat,
            rules::weekly_report(db_.complaints_posted_between(period_start(p, tz_), period_end(p, tz_)),
                                 db_.fines_issued_between(period_start(p, tz_), period_end(p, tz_)), p, ctx,
                                 &freight, &followups),
            cfg_));
    } else if (name == "monthly_report") {
        std::size_t supervised = 0;
        live_.for_each_held([&](const rules::complaint& c) {
            if (rules::supervised(c, ctx.now)) ++supervised;
        });
        out.posts.push_back(
            rules::hr_post(cfg_.default_chat, monthly_report_text(db_, tz_, today, ctx, supervised), cfg_));
    }
}

rules::month_input load_month(storage::database& db, const core::zone& tz, const rules::period& month,
                              core::instant now, const std::function<bool(const rules::complaint&)>& keep,
                              const std::function<bool(const rules::fine&)>& keep_fine) {
    auto complaints = [&](std::vector<rules::complaint> all) {
        if (keep) std::erase_if(all, [&](const rules::complaint& c) { return !keep(c); });
        return all;
    };
    auto fines = [&](std::vector<rules::fine> all) {
        if (keep_fine) std::erase_if(all, [&](const rules::fine& f) { return !keep_fine(f); });
        return all;
    };
    rules::month_input in;
    in.month = month;
    in.before = rules::previous_month(month.from);
    in.posted =
        complaints(db.complaints_posted_between(period_start(in.month, tz), period_end(in.month, tz)));
    in.posted_before =
        complaints(db.complaints_posted_between(period_start(in.before, tz), period_end(in.before, tz)));
    in.fines = fines(db.fines_issued_between(period_start(in.month, tz), period_end(in.month, tz)));
    in.fines_before = fines(db.fines_issued_between(period_start(in.before, tz), period_end(in.before, tz)));
    in.changed =
        complaints(db.complaints_updated_between(period_start(in.before, tz), now + std::chrono::hours(24)));
    return in;
}

std::string monthly_report_text(storage::database& db, const core::zone& tz, core::local_date today,
                                const rules::context& ctx, std::size_t supervised) {
    auto in = load_month(db, tz, rules::previous_month(today), ctx.now);
    in.supervised_open = supervised;
    return rules::monthly_report(in, ctx);
}

}  // namespace app
