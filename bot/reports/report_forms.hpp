// The printed forms of `complaint-bot report`: the 质量投诉处理流程表 (`sheet`) and the monthly fine
// statement (`statement`) as text and XLSX. Their CSV and JSON stay in report.cpp.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <vector>

#include "core/time.hpp"
#include "reports/report.hpp"
#include "reports/report_xlsx.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app {

// The names and roles stored by the engine (meta "organization"); the defaults, with person ids
// for names, when the database predates it.
rules::config report_config(storage::database& db);

// The 质量投诉处理流程表 of the days from..to (either end open) with `items` (those without a sheet
// date are left out), every text in words — the model of the XLSX and of the dashboard's printable
// page. Reads each item's fines and events.
sheet_form build_sheet_form(std::vector<rules::complaint> items, std::optional<core::local_date> from,
                            std::optional<core::local_date> to, storage::database& db, const core::zone& tz,
                            const rules::config& cfg);

// Writes the sheet or statement in text or XLSX and returns true; false for any other report or
// format (the caller writes those).
bool write_form(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out);
// Where a report's text goes: the --out file (created, or report_error saying so), else `out`.
void emit_text(const report_options& o, std::ostream& out, const std::function<void(std::ostream&)>& write);
// Today in the company's zone, on the system clock (the reports' default periods).
core::local_date report_today(const core::zone& tz);
// `report monthly` (the first work day's summary of the month of --from, default the last month: text
// or JSON) and `report quarterly` (the quality handbook of the quarter of --from, default the last
// quarter: XLSX with a sheet per table, text or JSON); false for any other kind.
bool write_periodic(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out);

}  // namespace app
