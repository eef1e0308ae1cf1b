// Internal to storage/: the complaints, each a row of indexed columns and its state as JSON text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/workflow.hpp"
#include "storage/sqlite_connection.hpp"

namespace storage::detail {

class complaint_store {
  public:
    explicit complaint_store(connection& c) : c_(c) {}
    int next_seq(rules::complaint_kind kind);
    void save(const rules::complaint& c);
    std::optional<rules::complaint> load(const std::string& id);
    std::vector<rules::complaint> open();
    std::vector<rules::complaint> all();
    std::vector<rules::complaint> posted_between(core::instant from, core::instant to);
    std::vector<rules::complaint> open_freight();

  private:
    std::vector<rules::complaint> select(SQLite::Statement& q);
    connection& c_;
};

}  // namespace storage::detail
