// `complaint-bot backup`: a consistent copy of a live database with SQLite's online backup API.
// The copy is read inside one read transaction of the source (a snapshot: WAL lets serve go on
// committing meanwhile, and nothing it commits during the copy can make the copy restart or mix two
// states), in steps of a few hundred pages, into "<out>.partial", which is synced and renamed onto
// `out` only when complete — so `out` is either the old file or a whole copy, never half of one.
#pragma once

#include <cstdint>
#include <string>

namespace storage {

struct backup_result {
    std::int64_t pages = 0;
    int steps = 0;
};

// Copies `from` to `to`. Refuses (storage_error with the fix) when `from` does not exist, when `to`
// exists and `overwrite` is false, or when both name the same file; the copy is in rollback-journal
// mode (one self-contained file).
backup_result backup_database(const std::string& from, const std::string& to, bool overwrite,
                              int pages_per_step = 256);

}  // namespace storage
