// The verbs on a group file (companies:): `report group-rollup` (the month's roll-up of every
// company, as text or a workbook), the company a `--company` names for report, replay and passwd,
// and passwd for a member of the group centre. The group centre's own rows (the roll-up's record,
// its members' dashboard accounts) live in the FIRST company's database.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "rules/group.hpp"

namespace app {

// The group of `path` (a single-company file: a group of one), or every error on `err`.
std::optional<rules::group_config> load_group_for_verb(const std::string& path, std::ostream& err);

// The company `id` names in `g` ("" when there is one company only). Throws report_error naming
// the companies there are.
const rules::company& pick_company(const rules::group_config& g, const std::string& id);

// `report group-rollup`: the roll-up of `month` ("2026-11"; empty: the month before this one in the
// group's time zone) from each company's database, as text on `out`, or as a workbook at `out_path`.
// Throws report_error (a bad month, a company whose database does not exist yet, no --out for xlsx).
void run_group_rollup_report(const rules::group_config& g, const std::string& month,
                             const std::string& format, const std::string& out_path, std::ostream& out);

// `passwd --config group.yaml [--company id] person`: a company's person in that company's
// database; a member of the group centre in the first company's. Returns the exit status.
int run_group_passwd(const rules::group_config& g, const std::string& company, const std::string& person,
                     bool disable, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace app
