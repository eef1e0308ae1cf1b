// Internal to storage/: the fines ledger, one row per (complaint, stage, department).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/workflow.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

class fine_store {
  public:
    explicit fine_store(connection& c) : c_(c) {}
    int next_seq();
    void insert(const rules::fine& f);  // throws storage::error (constraint) on a second fine for a stage
    std::optional<rules::fine> load(const std::string& id);
    void update(const rules::fine& f);
    std::vector<rules::fine> all();
    std::vector<rules::fine> of_complaint(const std::string& complaint_id);  // by seq
    std::vector<rules::fine> issued_between(core::instant from, core::instant to);

  private:
    connection& c_;
};

}  // namespace storage::detail
