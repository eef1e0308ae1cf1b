#include "storage/sqlite_connection.hpp"

#include <sqlite3.h>

#include <sys/statvfs.h>

#include <cerrno>
#include <filesystem>

namespace storage {

const char* kind_name(error_kind k) {
    switch (k) {
        case error_kind::busy:
            return "busy";
        case error_kind::locked:
            return "locked";
        case error_kind::full:
            return "full";
        case error_kind::read_only:
            return "read_only";
        case error_kind::corrupt:
            return "corrupt";
        case error_kind::io:
            return "io";
        case error_kind::constraint:
            return "constraint";
        case error_kind::other:
            return "other";
    }
    return "other";
}

namespace detail {

error_kind kind_of(int code) {
    switch (code & 0xff) {
        case SQLITE_BUSY:
            return error_kind::busy;
        case SQLITE_LOCKED:
            return error_kind::locked;
        case SQLITE_FULL:
            return error_kind::full;
        case SQLITE_READONLY:
        case SQLITE_PERM:
            return error_kind::read_only;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
            return error_kind::corrupt;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_NOMEM:
        case SQLITE_PROTOCOL:
            return error_kind::io;
        case SQLITE_CONSTRAINT:
            return error_kind::constraint;
        default:
            return error_kind::other;
    }
}

bool on_read_only_filesystem(const std::string& file) {
    auto dir = std::filesystem::path(file).parent_path();
    struct statvfs fs {};
    return ::statvfs(dir.empty() ? "." : dir.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
}

// The operator's reading of an SQLite failure: primary code and the errno behind it.
std::string explain_sqlite(int code, int sys_errno, const std::string& file, const std::string& what) {
    const std::string name = "'" + file + "'";
    if (code == SQLITE_FULL || sys_errno == ENOSPC || sys_errno == EDQUOT)
        return "disk full: no space left for the database " + name + " (" + what +
               "); free space on its filesystem or move `database:` to a larger one";
    if (code == SQLITE_READONLY || sys_errno == EROFS || sys_errno == EACCES || sys_errno == EPERM)
        return "read-only: the database " + name + " cannot be written (" + what +
               "); remount its filesystem read-write or make the file and its directory writable for the "
               "bot";
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return "database busy: another process holds a lock on " + name + " (" + what +
               "); stop the other writer (only one complaint-bot per database)";
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return "database corrupt: " + name + " (" + what + "); restore it from a backup";
    if (code == SQLITE_IOERR || code == SQLITE_CANTOPEN)
        return "disk I/O error on the database " + name + " (" + what +
               "); check the disk and the kernel log (dmesg)";
    return "database error on " + name + ": " + what;
}

namespace {

// One SQLiteCpp statement behind the interface; every SQLite failure leaves as storage::error.
class sqlite_statement final : public statement {
  public:
    sqlite_statement(sqlite_connection& c, const std::string& sql) : c_(c), q_(make(c, sql)) {}

    void bind(int index, std::int64_t v) override {
        guard([&] { q_.bind(index, v); });
    }
    void bind(int index, const std::string& v) override {
        guard([&] { q_.bind(index, v); });
    }
    void bind_blob(int index, std::string_view bytes) override {
        guard([&] { q_.bind(index, bytes.data(), static_cast<int>(bytes.size())); });
    }
    void bind_null(int index) override {
        guard([&] { q_.bind(index); });
    }
    bool step() override {
        return guard([&] { return q_.executeStep(); });
    }
    int exec() override {
        return guard([&] { return q_.exec(); });
    }
    void reset() override { q_.tryReset(); }
    void clear() override {
        try {
            q_.clearBindings();  // sqlite3_clear_bindings cannot fail
        } catch (...) {
        }
    }
    bool is_null(int column) override {
        return guard([&] { return q_.getColumn(column).isNull(); });
    }
    std::int64_t int64(int column) override {
        return guard([&] { return static_cast<std::int64_t>(q_.getColumn(column).getInt64()); });
    }
    std::string text(int column) override {
        return guard([&] { return q_.getColumn(column).getString(); });
    }
    std::string blob(int column) override {
        return guard([&] {
            auto col = q_.getColumn(column);
            return std::string(static_cast<const char*>(col.getBlob()),
                               static_cast<std::size_t>(col.getBytes()));
        });
    }
    int columns() override { return q_.getColumnCount(); }

  private:
    static SQLite::Statement make(sqlite_connection& c, const std::string& sql) try {
        return SQLite::Statement(c.db(), sql);
    } catch (const SQLite::Exception& e) {
        throw c.translate(e);
    }
    template <class F>
    auto guard(F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const SQLite::Exception& e) {
            throw c_.translate(e);
        }
    }

    sqlite_connection& c_;
    SQLite::Statement q_;
};

}  // namespace

sqlite_connection::sqlite_connection(const std::string& path)
    : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {}

sqlite_connection::sqlite_connection(const std::string& path, const std::string& uri, int flags)
    : path_(path), db_(uri, flags) {}

sqlite_connection::~sqlite_connection() {
    statements_.clear();
    texts_.clear();
}

statement& sqlite_connection::prepared(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<sqlite_statement>(*this, sql);
    slot->reset();
    return *slot;
}

statement& sqlite_connection::prepared_text(const std::string& sql) {
    auto& slot = texts_[sql];
    if (!slot) slot = std::make_unique<sqlite_statement>(*this, sql);
    slot->reset();
    return *slot;
}

std::unique_ptr<statement> sqlite_connection::make(const std::string& sql) {
    return std::make_unique<sqlite_statement>(*this, sql);
}

void sqlite_connection::exec(const std::string& script) try {
    db_.exec(script);
} catch (const SQLite::Exception& e) {
    throw translate(e);
}

void sqlite_connection::begin(begin_mode m) {
    prepared(m == begin_mode::write ? "BEGIN IMMEDIATE" : "BEGIN").exec();
}
void sqlite_connection::commit() {
    prepared("COMMIT").exec();
}
void sqlite_connection::rollback() {
    if (!in_transaction()) return;  // SQLite rolled it back itself
    prepared("ROLLBACK").exec();
}
bool sqlite_connection::in_transaction() {
    return sqlite3_get_autocommit(db_.getHandle()) == 0;
}

sqlite_connection& sqlite_of(connection& c) {
    return dynamic_cast<sqlite_connection&>(c);
}

error sqlite_connection::translate(const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    int sys = code == 0 ? 0 : sqlite3_system_errno(db_.getHandle());
    auto kind = kind_of(code);
    if (code != 0 && code != SQLITE_FULL && on_read_only_filesystem(db_.getFilename())) {
        sys = EROFS;
        if (kind == error_kind::io) kind = error_kind::read_only;
    }
    if (sys == ENOSPC || sys == EDQUOT) kind = error_kind::full;
    return error(e.what(), kind, code, sys);
}

std::string sqlite_connection::explain(const std::exception& e) {
    if (const auto* se = dynamic_cast<const error*>(&e))
        return explain_sqlite(se->sqlite_code(), se->sys_errno(), db_.getFilename(), e.what());
    if (const auto* se = dynamic_cast<const SQLite::Exception*>(&e)) {
        auto t = translate(*se);
        return explain_sqlite(t.sqlite_code(), t.sys_errno(), db_.getFilename(), e.what());
    }
    return explain_sqlite(0, 0, db_.getFilename(), e.what());
}

}  // namespace detail
}  // namespace storage
