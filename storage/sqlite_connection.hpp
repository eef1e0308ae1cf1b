// Internal to storage/: the SQLite side of the SQL interface (storage/sql.hpp) over SQLiteCpp, and
// the translation of SQLite failures into storage::error. Nothing outside storage/ includes this.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <memory>
#include <string>

#include "storage/sql.hpp"

namespace storage::detail {

class sqlite_connection final : public connection {
  public:
    explicit sqlite_connection(const std::string& path);
    // Opens `uri` with `flags` (a read-only URI, say); errors name `path`.
    sqlite_connection(const std::string& path, const std::string& uri, int flags);
    ~sqlite_connection() override;

    dialect kind() const override { return dialect::sqlite; }
    const std::string& path() const override { return path_; }
    statement& prepared(const char* sql) override;
    statement& prepared_text(const std::string& sql) override;
    std::unique_ptr<statement> make(const std::string& sql) override;
    void exec(const std::string& script) override;
    void begin(begin_mode m) override;
    void commit() override;
    void rollback() override;
    bool in_transaction() override;
    std::string explain(const std::exception& e) override;

    // SQLite's own calls (PRAGMAs, the busy timeout, the schema's user_version).
    SQLite::Database& db() { return db_; }
    // The storage::error for an SQLite failure on this connection (kind, code, errno, operator text).
    error translate(const SQLite::Exception& e);

  private:
    std::string path_;
    SQLite::Database db_;
    std::map<const char*, std::unique_ptr<statement>> statements_;  // destroyed before db_
    std::map<std::string, std::unique_ptr<statement>> texts_;
};

// The SQLite connection under `c` (which must be one): for what only SQLite has.
sqlite_connection& sqlite_of(connection& c);

error_kind kind_of(int sqlite_code);
std::string explain_sqlite(int code, int sys_errno, const std::string& file, const std::string& what);
bool on_read_only_filesystem(const std::string& file);

}  // namespace storage::detail
