// Which backend a test's database lives on. The suites that run against both (the workflow, the
// engine, the stores) call database_location(): a SQLite file in the test's directory by default,
// a fresh empty database on the shared test PostgreSQL server (support/pg_server.hpp) when the
// test runs with BOT_TEST_PG_DIR set (ctest registers each such suite twice: the `postgresql`
// label is the second run, under the fixture whose server that directory names).
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/pg_server.hpp"

namespace test_support {

inline bool on_postgresql() {
    const char* v = std::getenv("BOT_TEST_PG_DIR");
    return v != nullptr && *v != '\0';
}

// `dir / file` on SQLite; a new database (named after `file`) on PostgreSQL.
inline std::string database_location(const std::filesystem::path& dir, const std::string& file) {
    if (!on_postgresql()) return (dir / file).string();
    return pg_server::shared().create_database(std::filesystem::path(file).stem().string());
}

}  // namespace test_support
