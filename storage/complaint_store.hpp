// Internal to storage/: the complaints. Schema v4: each row holds the complaint's state as JSON
// (without the rules), the id of its rule set (one `rule_sets` row per distinct set of workflow
// rules, by SHA-256, cached here by that hash) and the state that is queried in indexed columns —
// status, kind, pending stage and its due time, sheet date, forward and freight steps, a real
// updated_at — with the departments that must answer the respond stage in complaint_pending.
// 待办, the sheet, the forward, /metrics and the freight list select by those columns.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "rules/workflow.hpp"
#include "storage/records.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

// The queried columns of a complaint, as save() writes them (and the v3 → v4 migration).
struct complaint_columns {
    std::optional<std::string> pending_stage;  // the first stage not done; null when all are done
    std::optional<std::int64_t> pending_due;   // its due time (ms), when armed
    std::optional<std::string> sheet_date;     // "2026-11-23"
    // The compensation flow after the stages: sheet_pending (compensation, not on a sheet yet),
    // on_sheet (not forwarded yet), vp, gm, execute, executed; null for a complaint without it.
    std::optional<std::string> forward_step;
    // Return freight: the last step done (opened … written_off); null without a freight record.
    std::optional<std::string> freight_step;
    std::vector<std::string> pending_departments;  // respond stage: the departments yet to answer
};
complaint_columns columns_of(const rules::complaint& c);

class complaint_store {
  public:
    explicit complaint_store(connection& c) : c_(c) {}
    int next_seq(rules::complaint_kind kind);
    // Inserts or updates; `updated_at` is the time of the step that changed it.
    // `before`: the complaint as last saved, when the caller holds it (spares reading its rows).
    void save(const rules::complaint& c, core::instant updated_at, const rules::complaint* before = nullptr);
    std::optional<rules::complaint> load(const std::string& id);
    std::vector<rules::complaint> open();
    std::vector<rules::complaint> all();
    std::vector<std::string> first_open_ids(std::size_t limit);  // by kind and number
    // The next `limit` open complaints after (kind, seq), by kind and number (index complaints_open_order).
    std::vector<rules::complaint> open_after(const std::string& kind, int seq, std::size_t limit);
    std::vector<std::string> open_awaiting_ids(
        const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting);
    std::int64_t open_count();
    std::vector<rules::complaint> posted_between(core::instant from, core::instant to);
    // The next `limit` posted in [from, to) after `after` (none: from the first), in the same order.
    std::vector<rules::complaint> posted_page(core::instant from, core::instant to,
                                              const std::optional<complaint_key>& after, std::size_t limit);
    std::optional<complaint_key> key_of(const std::string& id);
    std::vector<rules::complaint> updated_between(core::instant from, core::instant to);
    // On the 流程表 of a day in [from, to] ("2026-11-23"; either end open), by sheet date.
    std::vector<rules::complaint> on_sheet_between(const std::optional<std::string>& from,
                                                   const std::optional<std::string>& to);
    std::vector<rules::complaint> open_freight();
    // The facts (rules/facts.hpp) of the complaints saved after `seq`, oldest save first.
    std::vector<facts_row> facts_after(std::int64_t seq, std::size_t limit);
    // Works out the facts of every complaint without them from its state (the v6 → v7 migration;
    // rows written by plain SQL); returns how many.
    std::size_t fill_facts();
    // Open complaints `department` must act on: the respond stage's departments yet to answer,
    // and the stages that department acts on per kind (`acting`: kind name and stage).
    std::vector<rules::complaint> open_awaiting(
        const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting);
    // Open complaints at a compensation step; with `sheet_before`, only sheets of earlier days.
    std::vector<rules::complaint> open_at_forward_step(const std::string& step,
                                                       const std::optional<std::string>& sheet_before);
    // Open complaints per pending stage ("" for those past every stage).
    std::map<std::string, std::int64_t> open_by_stage();
    std::int64_t count();
    // The change feed of several instances (schema v9, maintained on PostgreSQL): the number of the
    // latest save, and the complaints saved after `seq`.
    std::int64_t last_change();
    std::vector<std::string> changed_after(std::int64_t seq);

    // The rule set's id for `r`, inserting it when new.
    std::int64_t rule_set_id(const rules::frozen_rules& r);

  private:
    std::vector<rules::complaint> select(statement& q);
    const std::shared_ptr<const rules::workflow_rules>& rule_set(const std::string& sha);
    connection& c_;
    std::map<std::string, std::shared_ptr<const rules::workflow_rules>> rules_by_sha_;  // by content
    struct rule_text {
        std::shared_ptr<const rules::workflow_rules> rules;  // keeps the key's address in use
        std::string text;
        std::string sha;
        std::optional<std::int64_t> id;  // once known to be committed
    };
    std::set<std::string> inserted_;  // rule sets this store inserted (maybe not committed yet)
    std::map<const rules::workflow_rules*, rule_text> text_by_rules_;
};

}  // namespace storage::detail
