// Internal to storage/: the append-only event log, a hash chain (schema v2: each event carries the
// SHA-256 of the previous hash and its own fields; UPDATE and DELETE are refused by triggers).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/workflow.hpp"
#include "storage/records.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

// SHA-256 of `data`, lower-case hex.
std::string sha256_hex(const std::string& data);

// SHA-256 of the previous hash and every field of the event, unit-separated.
std::string chain_hash(const std::string& prev, std::int64_t id, const std::string& complaint,
                       std::int64_t at, const std::string& actor, const std::string& type,
                       const std::string& stage, const std::string& detail,
                       const std::optional<std::int64_t>& deadline, std::int64_t late);

// Computes the hash of every event already in the log, in order (the v1 → v2 migration).
void chain_existing_events(connection& c);

class event_store {
  public:
    explicit event_store(connection& c) : c_(c) {}
    void append(const std::vector<rules::event>& events);
    std::vector<rules::event> of(const std::string& complaint_id);
    // Recomputes the chain and checks each fine of `fines` against the events that issued it and
    // set its status.
    audit_result verify(const std::vector<rules::fine>& fines);
    // The same checks for one complaint's events and `fines` (its fines), without reading the rest
    // of the log: each event matches its hash and chains on the event before it (whichever
    // complaint that is), and each fine matches the events that issued it and set its status.
    audit_result verify_complaint(const std::string& complaint_id, const std::vector<rules::fine>& fines);

  private:
    connection& c_;
};

}  // namespace storage::detail
