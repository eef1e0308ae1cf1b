// `complaint-bot migrate --from data.db --to postgresql://user@host/db`: copies a database into a
// new, empty one (SQLite to PostgreSQL, or back), then verifies the copy's audit chain. The
// PostgreSQL password comes from libpq's PGPASSWORD or ~/.pgpass, never from the command line.
#pragma once

#include <ostream>
#include <string>

namespace app {

// Returns the exit status: 0 copied and verified, 1 the copy's audit failed. Throws storage::error
// when a database cannot be opened or the target is not empty (nothing written then).
int run_migrate(const std::string& from, const std::string& to, std::ostream& out);

}  // namespace app
