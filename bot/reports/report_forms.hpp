// The printed forms of `complaint-bot report`: the 质量投诉处理流程表 (`sheet`) and the monthly fine
// statement (`statement`) as text and XLSX. Their CSV and JSON stay in report.cpp.
#pragma once

#include <iosfwd>

#include "core/time.hpp"
#include "reports/report.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app {

// The names and roles stored by the engine (meta "organization"); the defaults, with person ids
// for names, when the database predates it.
rules::config report_config(storage::database& db);

// Writes the sheet or statement in text or XLSX and returns true; false for any other report or
// format (the caller writes those).
bool write_form(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out);

}  // namespace app
