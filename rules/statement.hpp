// The monthly fine statement (罚款月结单) HR prints for the department heads to sign: per head the
// fines issued in the period and what became of them, then every fine on its own line. Pure: the
// caller loads the fines; the XLSX writer and the text share this model.
#pragma once

#include <string>
#include <vector>

#include "rules/reports.hpp"
#include "rules/workflow.hpp"

namespace rules {

// "50 元".
std::string yuan(int amount);
// open / paid / waived → 未缴 / 已缴 / 已免.
std::string fine_status_label(const std::string& status);
// "2026年11月" when the period is exactly one calendar month, else "2026-11-01 至 2026-11-30"
// (one day: "2026-11-23").
std::string period_title(const period& p);

struct statement_head {
    std::string person;  // person id (not printed)
    std::string name;
    std::string department;
    int count = 0;   // fines issued
    int amount = 0;  // yuan issued
    int waived = 0;  // yuan waived
    int paid = 0;    // yuan paid
    int open = 0;    // yuan outstanding
};

struct statement {
    period p;
    std::vector<statement_head> heads;  // in order of their first fine
    std::vector<fine> fines;            // issued in the period, in order of their number
    statement_head total;
};

// The fines of `all` issued within p (by their issue date in tz).
statement build_statement(const std::vector<fine>& all, const period& p, const core::zone& tz);

// The statement as text: the heads, the list of fines, the total and the lines to sign. Heads
// without fines are left out; no fines at all reads 本月无罚款 (本期 for other periods).
std::string statement_text(const statement& s, const core::zone& tz, const config& cfg);

}  // namespace rules
