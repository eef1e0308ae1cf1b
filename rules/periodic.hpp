// The reports in time of 设计以及工程质量篇 and 总结与经验分享: the monthly summary posted on the first
// work day (against the month before), the repeat problems, and the quarterly quality handbook's
// tables (by brand, specification, category, customer and responsible department, the repeat
// problems, the cases marked for sharing with 案例 P1, each department's lessons). Pure: the caller
// loads the rows.
#pragma once

#include <string>
#include <vector>

#include "rules/reports.hpp"

namespace rules {

// A problem that came back: the same brand and category, or the same customer, twice or more in
// the period's valid complaints.
struct repeat_problem {
    std::string what;  // "金虎·性能", "客户 华东五金有限公司"
    std::vector<std::string> ids;
};
std::vector<repeat_problem> repeat_problems(const std::vector<complaint>& posted, const period& p,
                                            const core::zone& tz);

// What the monthly summary reads: the complaints posted in the month and in the one before, their
// fines, the complaints changed since the month before began (their 回访), and the 督办 count now.
struct month_input {
    period month;
    period before;
    std::vector<complaint> posted;
    std::vector<complaint> posted_before;
    std::vector<fine> fines;
    std::vector<fine> fines_before;
    std::vector<complaint> changed;
    std::size_t supervised_open = 0;
};
// "📊 投诉月报（2026年11月，对比10月）": complaints, categories, on-time rates, fines per head,
// satisfaction against followup.target, repeat problems, crisis complaints, 督办, the statement.
std::string monthly_report(const month_input& in, const context& ctx);

// The month before `day`'s month, and the quarter before `day`'s quarter (labels "2026-11",
// "2026年第4季度").
period previous_month(core::local_date day);
period month_of(core::local_date day);
period quarter_of(core::local_date day);
period previous_quarter(core::local_date day);

// One sheet of the quarterly handbook.
struct handbook_sheet {
    std::string name;  // the tab: "概览", "按品牌", …
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
// The quarterly quality handbook of the complaints posted in `quarter` (`fines`: those issued in it).
std::vector<handbook_sheet> quarterly_handbook(const std::vector<complaint>& posted,
                                               const std::vector<fine>& fines, const period& quarter,
                                               const context& ctx);

// The specification of 规格及数量 without its quantity ("M8×40 镀锌螺栓 200盒" → "M8×40 镀锌螺栓").
std::string specification_of(const complaint& c);

}  // namespace rules
