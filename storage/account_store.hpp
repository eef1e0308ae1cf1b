// Internal to storage/: the dashboard's tables (schema v5) — accounts with their password hash and
// lockout, sessions by the SHA-256 of their id, and the failed logins of the lockout window.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/records.hpp"
#include "storage/sql.hpp"

namespace storage::detail {

class account_store {
  public:
    explicit account_store(connection& c) : c_(c) {}
    // Inserts or replaces the account; its lockout is lifted.
    void set(const std::string& person, const std::string& password_hash, core::instant at);
    // Whether there was one to remove.
    bool remove(const std::string& person);
    std::optional<account_row> get(const std::string& person);
    std::vector<std::string> people();
    void lock(const std::string& person, core::instant until);

    void add_session(const session_row& s);
    std::optional<session_row> session(const std::string& id_hash);
    void touch_session(const std::string& id_hash, core::instant at);
    bool remove_session(const std::string& id_hash);
    std::int64_t remove_sessions_of(const std::string& person);
    std::int64_t remove_sessions_idle_since(core::instant before);

    // Records a failure at `at`; returns the failures of `person` at or after `since` (with it).
    std::int64_t add_failure(const std::string& person, core::instant at, core::instant since);
    void clear_failures(const std::string& person);

  private:
    connection& c_;
};

}  // namespace storage::detail
