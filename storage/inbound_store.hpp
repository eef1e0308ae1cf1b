// Internal to storage/: the inbound table, every message received, keyed by (platform, msg_id) so
// a redelivered message is seen once.
#pragma once

#include <cstdint>
#include <string>

#include "storage/records.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

class inbound_store {
  public:
    explicit inbound_store(connection& c) : c_(c) {}
    bool seen(const std::string& platform, const std::string& msg_id);
    void record(const inbound_row& row);
    // Records the message unless (platform, msg_id) is there already, in one statement; returns
    // whether it was new.
    bool record_once(const inbound_row& row);
    std::int64_t count();

  private:
    connection& c_;
};

}  // namespace storage::detail
