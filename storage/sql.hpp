// Internal to storage/: the one SQL interface every store is written against, so the same stores,
// unit of work and audit chain run on SQLite (storage/sqlite_connection) and on PostgreSQL
// (storage/pg_connection). Nothing outside storage/ includes this.
//
// The SQL the stores pass is written once for both: `?` placeholders (PostgreSQL's connection
// numbers them $1, $2… outside quoted text), `INSERT … ON CONFLICT … DO NOTHING/UPDATE`,
// `RETURNING`, integers as 64-bit, times as UTC milliseconds. Where the two differ (an SQLite index
// hint, rowid), a store asks kind() and passes the variant for that dialect.
//
// Every failure is a storage::error, thrown by the implementation with its kind (busy, full,
// constraint…) already worked out. Not thread-safe: one connection per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "storage/errors.hpp"

namespace storage::detail {

enum class dialect { sqlite, postgresql };

// One prepared statement. Parameters are numbered from 1 (the first `?`), columns from 0.
// step() runs the statement on its first call and returns the next row (false at the end); exec()
// runs it to the end and returns how many rows it changed. reset() makes it ready to run again with
// the same bindings; clear() unbinds them (NULL).
class statement {
  public:
    virtual ~statement() = default;

    virtual void bind(int index, std::int64_t v) = 0;
    void bind(int index, int v) { bind(index, static_cast<std::int64_t>(v)); }
    virtual void bind(int index, const std::string& v) = 0;
    void bind(int index, const char* v) { bind(index, std::string(v)); }
    virtual void bind_blob(int index, std::string_view bytes) = 0;
    virtual void bind_null(int index) = 0;

    virtual bool step() = 0;
    virtual int exec() = 0;
    virtual void reset() = 0;
    virtual void clear() = 0;

    virtual bool is_null(int column) = 0;
    virtual std::int64_t int64(int column) = 0;
    int int32(int column) { return static_cast<int>(int64(column)); }
    virtual std::string text(int column) = 0;
    virtual std::string blob(int column) = 0;
    virtual int columns() = 0;
};

class connection {
  public:
    virtual ~connection() = default;

    virtual dialect kind() const = 0;
    // What messages name: the file, or the URL without its password.
    virtual const std::string& path() const = 0;

    // A hot statement compiled once per connection (keyed by the SQL constant's address), reset.
    virtual statement& prepared(const char* sql) = 0;
    // The same for a statement built at run time (savepoint names), keyed by its text.
    virtual statement& prepared_text(const std::string& sql) = 0;
    // A statement of its own, freed with the pointer (queries run once in a while).
    virtual std::unique_ptr<statement> make(const std::string& sql) = 0;
    // Runs `script`: one or more statements without parameters.
    virtual void exec(const std::string& script) = 0;

    // Transactions: `write` takes the write lock at once where the backend has one (SQLite's
    // IMMEDIATE); `read` is one consistent snapshot for several reads.
    enum class begin_mode { write, read };
    virtual void begin(begin_mode m) = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // True while a transaction is open (false after the backend rolled one back itself).
    virtual bool in_transaction() = 0;

    // One line for the operator: what a failed call means and how to fix it, naming the database.
    virtual std::string explain(const std::exception& e) = 0;

    // The first column of the first row (0 / "" when there is none).
    std::int64_t scalar(const std::string& sql) {
        auto q = make(sql);
        return q->step() && !q->is_null(0) ? q->int64(0) : 0;
    }
    std::string scalar_text(const std::string& sql) {
        auto q = make(sql);
        return q->step() && !q->is_null(0) ? q->text(0) : std::string{};
    }
};

// Resets a cached statement (and clears its bindings) when the call is done with it, however it
// ends, so no statement stays mid-step holding a read snapshot.
struct reset_on_exit {
    statement& q;
    ~reset_on_exit() {
        try {
            q.reset();
            q.clear();
        } catch (...) {
        }
    }
};

inline std::int64_t ms(core::instant t) {
    return static_cast<std::int64_t>(core::to_ms(t));
}

inline void bind_opt(statement& st, int index, const std::optional<core::instant>& t) {
    if (t)
        st.bind(index, ms(*t));
    else
        st.bind_null(index);
}

inline void bind_opt(statement& st, int index, const std::optional<std::string>& v) {
    if (v)
        st.bind(index, *v);
    else
        st.bind_null(index);
}

}  // namespace storage::detail
