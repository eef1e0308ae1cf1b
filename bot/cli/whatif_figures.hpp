// The figures `whatif` compares: per department and stage, for the complaints posted in a period,
// how many deadlines were decided (met or missed), how many were met, the escalations and
// reminders posted, and the fines issued. One function over a database, so the recorded run (NOW)
// and the in-memory replay under the proposed rules (PROPOSED) are counted the same way.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/time.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app {

struct stage_figures {
    int decided = 0;      // deadlines met or missed (a clock still running counts in neither)
    int on_time = 0;      // met
    int escalations = 0;  // escalation levels, repeats and reminders posted
    int fines = 0;        // issued (whatever their status since)
    int fine_amount = 0;  // 元
    friend bool operator==(const stage_figures&, const stage_figures&) = default;
};

struct period_figures {
    int complaints = 0;
    // Keyed by (stage key, department): accept, publish, route, respond, notify, review, sign, vp,
    // gm, execute, freight:head, freight:desk, freight:pay, freight:write_off.
    std::map<std::pair<std::string, std::string>, stage_figures> rows;
    friend bool operator==(const period_figures&, const period_figures&) = default;
};

// The figures of the complaints posted in [from, to). `cfg` names the acting departments.
period_figures compute_figures(storage::database& db, const rules::config& cfg, core::instant from,
                               core::instant to);

// The stage keys in workflow order, and their Chinese labels (受理, 公布工艺流程, …, 运费核销).
const std::vector<std::string>& stage_order();
std::string stage_title(const std::string& key);

}  // namespace app
