// The complaints and fines lists as `report complaints|penalties --format json` prints them, shared
// by the CLI and the dashboard's /api/complaints and /api/fines so the two cannot disagree: the same
// selection (period by the company's day, a department), the same JSON, the same text. The
// dashboard adds its scope as a filter.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "rules/workflow.hpp"

namespace storage {
class database;
}

namespace app {

struct report_query {
    std::optional<core::local_date> from;  // first day (the company's zone), inclusive
    std::optional<core::local_date> to;    // last day, inclusive
    std::string department;                // empty: all; else complaints it concerns, its fines
    // Complaints a page at a time: at most `limit` (0: all) after complaint `after` (empty: from
    // the first), in the order of the list.
    std::size_t limit = 0;
    std::string after;
};

using complaint_filter = std::function<bool(const rules::complaint&)>;
using fine_filter = std::function<bool(const rules::fine&)>;

// The zone the reports use: the one the engine stored in the database (Asia/Shanghai before any).
core::zone report_zone(storage::database& db);

// The complaints posted in the period (and concerning the department), oldest first by id order of
// the database, that `keep` (when set) keeps.
std::vector<rules::complaint> select_complaints(storage::database& db, const core::zone& tz,
                                                const report_query& q, const complaint_filter& keep = {});
// The same a page at a time (q.limit, q.after); `more` when complaints follow the page. Throws
// std::invalid_argument when q.after names no complaint.
struct complaint_page {
    std::vector<rules::complaint> items;
    bool more = false;
};
complaint_page select_complaint_page(storage::database& db, const core::zone& tz, const report_query& q,
                                     const complaint_filter& keep = {});
// The fines issued in the period (of the department) that `keep` (when set) keeps, by id.
std::vector<rules::fine> select_fines(storage::database& db, const core::zone& tz, const report_query& q,
                                      const fine_filter& keep = {});

// A titled table as the reports print it (text, CSV, XLSX): one header row, the rows, an optional
// footer (totals), one cell per column.
struct report_table {
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> footer;
};

// `report penalties` as a table (罚款明细: one row per fine, the totals in the footer): what the CSV and
// XLSX of the CLI and of the dashboard's 罚款台账 export hold.
report_table penalties_table(storage::database& db, const core::zone& tz, const report_query& q,
                             const fine_filter& keep = {});

// `report crisis` as a table: the period's 一级投诉 (posted in [from, to]), one row each, and the same
// rows as JSON appended to `j` (report_crisis.cpp).
report_table crisis_table(storage::database& db, const core::zone& tz, std::optional<core::local_date> from,
                          std::optional<core::local_date> to, nlohmann::json& j);

// A table as the terminal shows it (CJK counted two columns wide).
void write_text(const report_table& t, std::ostream& out);

// CSV as Excel opens it: a UTF-8 BOM, CRLF line ends, cells quoted when needed.
void write_csv(const report_table& t, std::ostream& out);

// One fine as `report penalties --format json` lists it.
nlohmann::json penalty_json(const rules::fine& f, const core::zone& tz);

// The whole text `report complaints --format json` / `report penalties --format json` prints.
// `report complaints --format json` of these complaints.
std::string complaints_json_text(const std::vector<rules::complaint>& items, const core::zone& tz);
std::string complaints_report_json(storage::database& db, const report_query& q,
                                   const complaint_filter& keep = {});
std::string penalties_report_json(storage::database& db, const report_query& q, const fine_filter& keep = {});

}  // namespace app
