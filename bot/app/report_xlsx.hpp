// The XLSX writers of `complaint-bot report` (libxlsxwriter): a plain table for the ledgers, and
// the printed forms — the 质量投诉处理流程表 and the monthly fine statement — laid out for A4
// landscape paper with room for handwritten signatures.
#pragma once

#include <string>
#include <vector>

namespace app {

// A titled table: one header row, the rows, an optional footer (totals), one cell per column.
// Cells that are plain non-negative numbers are written as numbers.
struct xlsx_table {
    std::string title;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> footer;
};

// Writes `t` to `path`. Throws report_error when the file cannot be written.
void write_table_xlsx(const xlsx_table& t, const std::string& path);

}  // namespace app
