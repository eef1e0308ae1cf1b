// The JSON and CSV pieces of `complaint-bot report` (report.cpp composes them; its XLSX layout is
// separate): one complaint as `report complaints --format json` prints it, one complaint as
// `report sheet --format json` prints it, and a CSV cell escaped for Excel.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/time.hpp"
#include "rules/workflow.hpp"

namespace app {

// id, kind, status, valid, stage, posted_at, fields, complainant, complainant_department, poster,
// the pending stage's due (ISO 8601 with offset, or null), and the replies: department, by, at,
// text, late_minutes (whole minutes after the respond deadline, 0 when on time).
nlohmann::json complaint_json(const rules::complaint& c, const core::zone& tz);

// The 质量投诉处理流程表 row: complaint_json plus the sheet date, the signatures of the responsible
// heads (department, signed, by, at — the time from the complaint's `signed` events), the VP's
// opinion, the general manager's approval and 打单部's execution (text, by, at; null until done).
nlohmann::json sheet_json(const rules::complaint& c, const core::zone& tz,
                          const std::vector<rules::event>& events);

// The departments a `signed` event's detail names: "生产部、采购部负责人 赵六 签字".
std::vector<std::string> signed_departments(const std::string& detail);
// A CSV cell: quoted when it holds a comma, quote or line break; prefixed with ' when it begins
// with = + - @ tab or CR, so Excel shows it as text instead of running it as a formula.
std::string csv_cell(const std::string& v);

}  // namespace app
