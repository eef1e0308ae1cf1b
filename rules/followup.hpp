// 回访 (the visit to the customer after a complaint closed, with its satisfaction) and 问题类别
// (the complaint's category): what the reports and the registration read of them. The commands
// themselves (回访 整改 分类) go through apply_command (rules/followup.cpp).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/reports.hpp"

namespace rules {

// The configured category `text` names (Traditional, full-width and spaces folded), or nullopt.
std::optional<std::string> match_category(const config& cfg, std::string_view text);
// "外观、尺寸、性能…": the configured categories, for refusals and 帮助.
std::string category_list(const config& cfg);

// `t` moved on by `n` work days of the calendar `s` (work_days, holidays, make-up days, whether or
// not deadlines count business time), at the same time of day — or at the next opening of the work
// hours when that time is outside them. n = 0: `t` itself (moved into the work hours).
core::instant add_work_days(core::instant t, int n, const core::calendar_settings& s, const core::zone& tz);

// The 回访 results recorded, counted.
struct satisfaction_count {
    int satisfied = 0;
    int basically = 0;
    int unsatisfied = 0;
    int total() const { return satisfied + basically + unsatisfied; }
    void add(satisfaction s);
};
// 满意率: 满意 and 基本满意 among those recorded, "67%" ("—" when none).
std::string satisfaction_rate(const satisfaction_count& n);
// The 回访 recorded in [from, to] (local dates in `tz`), counted.
satisfaction_count satisfaction_between(const std::vector<complaint>& all, core::local_date from,
                                        core::local_date to, const core::zone& tz);
// Per responsible department (each department that had to answer), the 回访 recorded in
// [from, to] (local dates in `tz`).
std::map<std::string, satisfaction_count> satisfaction_by_department(const std::vector<complaint>& all,
                                                                     core::local_date from,
                                                                     core::local_date to,
                                                                     const core::zone& tz);
// The weekly report's lines on 回访 and 问题类别 ("label：text"; none when there is nothing to say):
// the 回访 of the period and of the month it ends in, per department, and the period's complaints
// by category.
std::vector<std::pair<std::string, std::string>> followup_report_lines(
    const std::vector<complaint>& posted, const std::vector<complaint>& followups, const period& p,
    const context& ctx);

// "待回访（张三，11-27 09:00 截止）", "满意（张三 11-25 10:00）：客户认可": the 回访 in words (查询,
// reports); empty when the complaint has none.
std::string followup_words(const complaint& c, const context& ctx);

}  // namespace rules
