// Internal to storage/: the SQLite connection every store shares, its statement cache and the
// translation of SQLite failures into storage::error. Nothing outside storage/ includes this.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/time.hpp"
#include "storage/errors.hpp"

namespace storage::detail {

class connection {
  public:
    explicit connection(const std::string& path);
    // Opens `uri` with `flags` (a read-only URI, say); errors name `path`.
    connection(const std::string& path, const std::string& uri, int flags);

    SQLite::Database& db() { return db_; }
    const std::string& path() const { return path_; }
    // A hot statement compiled once per connection (keyed by the SQL constant's address) and reset.
    SQLite::Statement& prepared(const char* sql);
    // The same for a statement built at run time (savepoint names), keyed by its text.
    SQLite::Statement& prepared_text(const std::string& sql);
    // The storage::error for an SQLite failure on this connection (kind, code, errno, operator text).
    error translate(const SQLite::Exception& e);
    // One line for the operator: what a failed database call means and how to fix it.
    std::string explain(const std::exception& e);

  private:
    std::string path_;
    SQLite::Database db_;
    std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;  // destroyed before db_
    std::map<std::string, std::unique_ptr<SQLite::Statement>> texts_;
};

// Runs `f`, turning an SQLite failure into storage::error.
template <class F>
auto guarded(connection& c, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const SQLite::Exception& e) {
        throw c.translate(e);
    }
}

// Resets a cached statement (and clears its bindings) when the call is done with it, however it
// ends, so no statement stays mid-step holding a read snapshot.
struct reset_on_exit {
    SQLite::Statement& q;
    ~reset_on_exit() {
        q.tryReset();
        try {
            q.clearBindings();  // sqlite3_clear_bindings cannot fail
        } catch (...) {
        }
    }
};

inline std::int64_t ms(core::instant t) {
    return static_cast<std::int64_t>(core::to_ms(t));
}

inline void bind_opt(SQLite::Statement& st, int index, const std::optional<core::instant>& t) {
    if (t)
        st.bind(index, ms(*t));
    else
        st.bind(index);
}

error_kind kind_of(int sqlite_code);
std::string explain_sqlite(int code, int sys_errno, const std::string& file, const std::string& what);
bool on_read_only_filesystem(const std::string& file);

}  // namespace storage::detail
