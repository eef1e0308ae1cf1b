// The storage layer's own errors. Every SQLite failure is translated into storage::error at the
// storage boundary (nothing outside storage/ sees SQLiteCpp), keeping what kind of failure it was
// so the pipeline can tell "this message is bad" (constraint, other) from "the database cannot be
// trusted right now" (busy, locked, full, read_only, corrupt, io).
#pragma once

#include <stdexcept>
#include <string>

namespace storage {

enum class error_kind {
    busy,        // another connection holds a lock (SQLITE_BUSY)
    locked,      // a table is locked inside this connection (SQLITE_LOCKED)
    full,        // the disk or quota is full
    read_only,   // the file, its directory or the filesystem cannot be written
    corrupt,     // not a database, or a damaged one
    io,          // an I/O error, cannot open, out of memory, a locking protocol error
    constraint,  // a UNIQUE, CHECK or trigger constraint refused the change
    other,       // anything else (bad SQL, a program error, a refused migration)
};

const char* kind_name(error_kind k);

// A failure of the storage layer, with what was wrong and how to fix it.
class error : public std::runtime_error {
  public:
    explicit error(const std::string& what, error_kind kind = error_kind::other, int sqlite_code = 0,
                   int sys_errno = 0)
        : std::runtime_error(what), kind_(kind), sqlite_code_(sqlite_code), sys_errno_(sys_errno) {}

    error_kind kind() const { return kind_; }
    // The primary SQLite result code (0 when the error did not come from SQLite).
    int sqlite_code() const { return sqlite_code_; }
    // The errno behind an I/O failure, when SQLite knew it (0 otherwise).
    int sys_errno() const { return sys_errno_; }
    // True when the failure is about the database file or the connection rather than one change:
    // a transaction in progress cannot be trusted any more.
    bool is_storage_failure() const { return kind_ != error_kind::constraint && kind_ != error_kind::other; }

  private:
    error_kind kind_;
    int sqlite_code_;
    int sys_errno_;
};

// The name the rest of the code has always used.
using storage_error = error;

}  // namespace storage
