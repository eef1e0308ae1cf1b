// The organization as the printed reports need it — company, departments and heads, people's
// names, the roles — kept in the database (meta "organization") by the engine each time it starts,
// so `complaint-bot report` prints names and the configured role names from the database alone.
#pragma once

#include <string>

#include "rules/config.hpp"

namespace app {

inline constexpr const char* org_snapshot_key = "organization";

// JSON of cfg's company, departments, people (id, name, department; no platform accounts) and roles.
std::string org_snapshot(const rules::config& cfg);

// Fills cfg.company, cfg.org and cfg.roles from a snapshot. Returns false (cfg unchanged) when the
// text is not a snapshot this version understands.
bool apply_org_snapshot(const std::string& snapshot, rules::config& cfg);

}  // namespace app
