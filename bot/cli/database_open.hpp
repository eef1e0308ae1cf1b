// Opening the config's database for a verb: its SQLite file (the directory made when missing), or
// its PostgreSQL URL with the password read from the environment variable `database_password_env`
// names (else libpq's own PGPASSWORD / PGPASSFILE / ~/.pgpass). The password is never logged.
#pragma once

#include <memory>

#include "rules/config.hpp"
#include "storage/database.hpp"

namespace app {

// Throws storage::error saying what is wrong and how to fix it (a variable named but unset, a
// server that does not answer, a file that cannot be created).
std::unique_ptr<storage::database> open_database(const rules::config& cfg);
// The connection options of the config's PostgreSQL database (the password), as open_database uses
// them; none for a SQLite file. Throws storage::error when the variable named is unset.
storage::database::connect_options connect_options_of(const rules::config& cfg);

// True when the config's database is a file that does not exist yet (a server database is never
// "missing": it is checked by connecting).
bool database_missing(const std::string& location);

}  // namespace app
