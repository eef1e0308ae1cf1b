// `complaint-bot whatif`: the recorded messages of a database replayed in memory under a proposed
// config, on virtual time with the same engine as `replay`, and the figures (fines, escalations,
// on-time rate per department and stage) of the period's complaints NOW against PROPOSED.
// The database is opened read-only and never written.
#pragma once

#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/whatif_figures.hpp"
#include "core/message.hpp"
#include "core/time.hpp"
#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app {

// A usage or data problem; what() is the one-line reason printed before exit 2.
class whatif_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct whatif_options {
    std::string db_path;
    std::string config_path;  // shown in the header
    std::optional<core::local_date> from;
    std::optional<core::local_date> to;
    std::string format = "text";  // text, csv, json, xlsx
    std::string out_path;         // required for xlsx; else standard output when empty
    bool show_progress = false;   // messages done / total on `progress_out` (a terminal)
};

// A setting whose value differs between the rules the period's complaints ran under and PROPOSED.
struct setting_change {
    std::string key;    // "respond.due", "business_time", …
    std::string label;  // 回复时限
    std::string now;
    std::string proposed;
};

struct whatif_result {
    core::local_date from{};
    core::local_date to{};
    std::size_t messages_replayed = 0;  // every recorded message up to the database's last activity
    std::size_t messages_in_period = 0;
    core::instant replayed_until{};
    bool now_rules_known = false;  // the period has a recorded complaint to read NOW's rules from
    std::vector<setting_change> changes;
    period_figures now;
    period_figures proposed;
};

// The message as the engine got it, back from its inbound record (inbound_record_text): the
// text, then one "[kind] code" line per attachment; "[kind]" alone for a message without text.
core::inbound_message from_record(const storage::inbound_row& row);

// Replays the database's recorded messages under `proposed` and counts both runs.
// Throws whatif_error (or storage::storage_error) with the reason and the fix.
whatif_result compute_whatif(const rules::config& proposed, const whatif_options& opts,
                             std::ostream& progress_out);

// Writes `r` in opts.format to `out` (or opts.out_path). Throws whatif_error.
void write_whatif(const whatif_result& r, const rules::config& proposed, const whatif_options& opts,
                  std::ostream& out);

// Both: what `complaint-bot whatif` runs.
void run_whatif(const rules::config& proposed, const whatif_options& opts, std::ostream& out,
                std::ostream& progress_out);

}  // namespace app
