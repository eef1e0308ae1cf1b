// `complaint-bot migrate --from data.db --to postgresql://…`: every row of one database copied into
// another of the same schema version, SQLite to PostgreSQL or back, in one transaction of the
// target (it holds all of it or none). The source is read inside one snapshot, so serve may keep
// running on it; what it commits after the snapshot is not copied (stop serve for the switch).
//
// The event log's hash chain is copied as it is (its hashes do not depend on the backend), so
// `audit verify` on the target checks the copy against what the source recorded.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "storage/database.hpp"

namespace storage {

struct copy_result {
    std::map<std::string, std::int64_t> rows;  // table -> rows copied
    std::int64_t total() const {
        std::int64_t n = 0;
        for (const auto& [table, count] : rows) n += count;
        return n;
    }
};

// Copies `from` into `to`. Refuses (storage::error with the fix) when `to` already holds complaints,
// events, messages, fines, posts or accounts; nothing is written then. What a serve started on an
// otherwise empty `to` wrote (meta, its rule set, the scheduled jobs' deadlines) is replaced.
copy_result copy_database(database& from, database& to);

}  // namespace storage
