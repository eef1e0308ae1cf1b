// `complaint-bot report penalties|complaints|sheet`: reads the database and prints or writes a
// report as text, CSV (UTF-8 with BOM, so Excel opens Chinese right), JSON or XLSX.
#pragma once

#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/time.hpp"

namespace app {

class report_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct report_options {
    std::string kind;  // penalties, complaints, sheet
    std::string db_path;
    std::optional<core::local_date> from;
    std::optional<core::local_date> to;
    std::string format = "text";  // text, csv, json, xlsx
    std::string out_path;         // required for xlsx; else stdout when empty
    std::string department;       // complaints and penalties: only those of this department
    std::size_t limit = 0;        // complaints: at most this many (0: all) …
    std::string after;            // … after this complaint (the last of the previous page)
    // The password of a postgresql:// db_path (the config's database_password_env).
    std::optional<std::string> password = {};
};

// Parses "2026-11-23" for --from/--to.
std::optional<core::local_date> parse_report_date(const std::string& text);

// Writes the report. Throws report_error with the reason and the fix.
void run_report(const report_options& opts, std::ostream& out);

}  // namespace app
