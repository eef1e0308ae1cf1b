// Summaries built from stored complaints and fines: 罚款汇总, 待办, the 质量投诉处理流程表 and the
// weekly report. Pure formatting and arithmetic; the caller loads the rows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "rules/workflow.hpp"

namespace rules {

// An inclusive range of local dates with the label used in replies ("今天", "本周", "2026-11").
struct period {
    core::local_date from;
    core::local_date to;
    std::string label;
};

// Whether the local date `d` falls within `p` (both ends included).
inline bool within(const period& p, core::local_date d) {
    return !(d < p.from) && !(p.to < d);
}
// The last day of the month that starts on `first`.
core::local_date month_end(core::local_date first);
// "2026-11" → its first day; nullopt when it is no month.
std::optional<core::local_date> parse_month(const std::string& text);

// 今天 | 本周 | 本月 | 2026-11 | 2026-11-01 2026-11-30 (no words = 今天). nullopt with `error` set
// (Chinese, names the bad word and the accepted forms) when malformed.
std::optional<period> parse_period(const std::vector<std::string>& words, core::local_date today,
                                   std::string& error);

// Fines issued within the period, by their issue date in `tz`.
std::vector<fine> fines_in(const std::vector<fine>& all, const period& p, const core::zone& tz);

// The 罚款汇总 reply / daily summary: per department head, then the total.
std::string penalty_summary(const std::vector<fine>& fines, const period& p, const core::zone& tz,
                            const std::string& title = "罚款汇总");

// 待办: one line per open complaint (optionally only those waiting on `department`), at most
// todo_lines_max of them and then how many more there are. `total`: how many are open in all, when
// `open` holds only the first of them (the plain 待办 of a company with thousands open).
constexpr std::size_t todo_lines_max = 50;
std::string todo_list(const std::vector<complaint>& open, const context& ctx,
                      const std::string& department = {}, std::optional<std::size_t> total = std::nullopt);
std::string todo_list(const std::vector<const complaint*>& open, const context& ctx,
                      const std::string& department = {}, std::optional<std::size_t> total = std::nullopt);

// True when a compensation complaint belongs on today's sheet: answered (every department replied,
// or the respond deadline passed) and not yet on a sheet.
bool ready_for_sheet(const complaint& c);
// The 质量投诉处理流程表 text for the given complaints.
std::string sheet_text(const std::vector<complaint>& items, core::local_date day, const context& ctx);

// The weekly report: complaints by kind, department, customer and brand; on-time rate per stage
// and per department, for complaints posted within the period.
// Open return-freight items are listed from `freight` (null: from `all`); the 回访 recorded in the
// period and this month (by department, with the 满意率) from `followups` (null: from `all`).
std::string weekly_report(const std::vector<complaint>& all, const std::vector<fine>& fines, const period& p,
                          const context& ctx, const std::vector<complaint>* freight = nullptr,
                          const std::vector<complaint>* followups = nullptr);

}  // namespace rules
