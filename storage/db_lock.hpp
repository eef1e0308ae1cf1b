// One writer per database: `serve` (and `replay --db`) hold an exclusive advisory lock (flock) on
// "<database>.lock" for their lifetime, the file recording the holder's PID and command. A second
// writer is refused with a line naming that PID. Readers (`report`, `audit verify`, `backup`) take
// no lock: SQLite's WAL lets them read while serve writes. The lock file stays after the holder
// exits (deleting it would race with the next holder); the lock itself dies with the process,
// also after SIGKILL.
#pragma once

#include <string>

namespace storage {

class db_lock {
  public:
    // Takes the lock for `db_path` as `holder` ("serve", "replay"). Throws storage_error
    // "database X is in use by complaint-bot serve (PID n): …" when another process holds it.
    // ":memory:" takes no lock.
    db_lock(const std::string& db_path, const std::string& holder);
    ~db_lock();
    db_lock(const db_lock&) = delete;
    db_lock& operator=(const db_lock&) = delete;

    static std::string lock_path(const std::string& db_path) { return db_path + ".lock"; }

  private:
    int fd_ = -1;
};

}  // namespace storage
