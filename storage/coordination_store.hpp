// Internal to storage/: what the instances sharing one database coordinate through (schema v9) —
// expiring leases (River's pattern: take it when free or expired, renew only while holding it) and
// the platforms' rate-limit buckets, so that two instances together post no more than a robot may.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/sql.hpp"

namespace storage::detail {

class coordination_store {
  public:
    explicit coordination_store(connection& c) : c_(c) {}

    // Takes `name` for `holder` until `until`, or renews it: true when `holder` holds it now (it
    // was free, expired at `now`, or already its own). One statement: two instances asking at once
    // get one answer each, never both true.
    bool take_lease(const std::string& name, const std::string& holder, core::instant now,
                    core::instant until);
    // Gives it up (only its holder can).
    void drop_lease(const std::string& name, const std::string& holder);
    // The holder while unexpired at `now`.
    std::optional<std::string> lease_holder(const std::string& name, core::instant now);

    // The bucket's sends within the last minute (ms, oldest first) and its block, locked until
    // the caller's transaction ends (FOR UPDATE on PostgreSQL; SQLite's write lock already).
    struct bucket {
        std::vector<std::int64_t> sent;
        std::int64_t blocked_until = 0;
    };
    bucket lock_bucket(const std::string& name);
    void store_bucket(const std::string& name, const bucket& b);

  private:
    connection& c_;
};

}  // namespace storage::detail
