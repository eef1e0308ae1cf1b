// Internal to storage/: the schema and its migrations, by PRAGMA user_version, each version's
// change in one transaction (a failed migration leaves the file as it was).
#pragma once

#include "storage/sqlite_connection.hpp"

namespace storage::detail {

inline constexpr int schema_version = 9;

// Creates or upgrades the schema. Throws storage::error when the file is newer than the program.
void migrate(sqlite_connection& c);
// The same for a PostgreSQL database (storage/pg_schema.cpp), in one transaction under its lock.
void migrate_postgresql(connection& c);
// A PostgreSQL database's schema version (0: empty). Throws storage::error when it holds tables
// but no complaint-bot schema.
int postgresql_schema_version(connection& c);
// The statement taking the advisory lock of a PostgreSQL database's writers (for the transaction).
const char* write_lock_sql();

}  // namespace storage::detail
