// Internal to bot/pipeline (engine.cpp, engine_jobs.cpp): the scheduled jobs' deadline keys and the
// instants that bound a period's storage queries.
#pragma once

#include <string>
#include <string_view>

#include "core/time.hpp"
#include "rules/reports.hpp"

namespace app::detail {

inline constexpr std::string_view job_prefix = "job:";

// A scheduled job's deadline key names its occurrence ("job:sheet@2026-11-23"), so none posts twice.
inline std::string job_key(std::string_view name, const core::local_date& day) {
    return std::string(job_prefix) + std::string(name) + "@" + core::format_date(day);
}

// [start of p.from, start of the day after p.to) in the company's zone: what the period queries of
// the storage read (by index) instead of every complaint or fine ever recorded.
inline core::instant period_start(const rules::period& p, const core::zone& tz) {
    return tz.start_of(p.from);
}
inline core::instant period_end(const rules::period& p, const core::zone& tz) {
    return tz.start_of(core::add_days(p.to, 1));
}

}  // namespace app::detail
