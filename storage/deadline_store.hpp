// Internal to storage/: the scheduler's durable deadlines. Jobs use complaint "" and keys
// "job:<name>@<date>". Fired rows stay as history.
#pragma once

#include <string>
#include <vector>

#include "rules/workflow.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

class deadline_store {
  public:
    explicit deadline_store(connection& c) : c_(c) {}
    // `open_now`: the complaint's open rows as the caller knows them (nullptr: read them).
    void sync(const std::string& complaint_id, const std::vector<rules::deadline>& wanted,
              const std::vector<rules::deadline>* open_now = nullptr);
    bool add(const rules::deadline& d);  // false: a row with its key exists
    std::vector<rules::deadline> open();
    bool is_open(const std::string& complaint_id, const std::string& key, core::instant due);
    void mark_fired(const std::string& complaint_id, const std::string& key, core::instant fired_at);
    std::vector<std::string> open_job_keys();
    // The open deadlines of one complaint (another instance changed it).
    std::vector<rules::deadline> open_of(const std::string& complaint_id);
    // The deadline, open at `due`, locked for the current transaction: FOR UPDATE SKIP LOCKED on
    // PostgreSQL (false when another transaction holds it or it is not open any more).
    bool claim(const std::string& complaint_id, const std::string& key, core::instant due);

  private:
    connection& c_;
};

}  // namespace storage::detail
