// The group's monthly roll-up (rules/group_rollup.hpp) as a workbook for the group 客户关系中心:
// the sheet 集团汇总 (one row per company and the group's total, the departments fined most, the
// open 一级 complaints), then one sheet per company (its complaints, on-time rate per stage and per
// department, fines, 回访 and crisis complaints). A4 landscape, one page wide.
#pragma once

#include <string>

#include "rules/group_rollup.hpp"

namespace app {

// Writes `r` to `path`. Throws report_error when the file cannot be written.
void write_group_rollup_xlsx(const rules::group_rollup& r, const std::string& path);

}  // namespace app
