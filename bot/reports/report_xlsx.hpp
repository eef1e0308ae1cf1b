// The XLSX writers of `complaint-bot report` (libxlsxwriter): a plain table for the ledgers, and
// the printed forms — the 质量投诉处理流程表 and the monthly fine statement — laid out for A4
// landscape paper with room for handwritten signatures.
#pragma once

#include <string>
#include <vector>

#include "core/time.hpp"
#include "rules/statement.hpp"

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
// Several tables, one sheet each (named by `first`, at most 31 characters as Excel allows).
void write_tables_xlsx(const std::vector<std::pair<std::string, xlsx_table>>& sheets,
                       const std::string& path);

// The 质量投诉处理流程表 as HR prints it: every text already in words (names, not person ids).
struct sheet_form {
    struct reply {
        std::string department;
        std::string text;         // 鉴定结果与处理意见 with who and when, or why there is none
        std::string signed_note;  // "赵六 11-23 17:40 已在群内签字", or empty
    };
    struct item {
        std::string id;           // "P1", with the sheet's date under it when the form spans days
        std::string complainant;  // "张三（销售一部）"
        std::string customer, ship_date, brand, spec, problem, request;
        std::vector<reply> replies;                     // one row each; at least one row per item
        std::string vp_opinion, gm_approval, executed;  // with who and when; empty = left to write
    };
    std::string company;       // may be empty
    std::string date;          // "2026-11-23", "2026-11-23 至 2026-11-24", "2026-11-23 起", "全部"
    std::string hr;            // the department that compiles it (roles.hr)
    std::string gm_title;      // "王总": whose approval the form asks for ("总经理" when unknown)
    std::string gm_signers;    // "王总或丁小玲"
    std::string order_desk;    // "打单部"
    bool has_service = false;  // some items are service complaints: the headers name both kinds
    std::vector<item> items;
};
void write_sheet_xlsx(const sheet_form& f, const std::string& path);

// The monthly fine statement: per head (with a box for the head's signature), each fine, the total,
// and HR's signature line.
void write_statement_xlsx(const rules::statement& s, const std::string& company, const std::string& hr,
                          const core::zone& tz, const std::string& path);

}  // namespace app
