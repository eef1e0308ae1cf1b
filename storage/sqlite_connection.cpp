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

connection::connection(const std::string& path)
    : path_(path), db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {}

connection::connection(const std::string& path, const std::string& uri, int flags)
    : path_(path), db_(uri, flags) {}

SQLite::Statement& connection::prepared(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    slot->tryReset();
    return *slot;
}

SQLite::Statement& connection::prepared_text(const std::string& sql) {
    auto& slot = texts_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    slot->tryReset();
    return *slot;
}

error connection::translate(const SQLite::Exception& e) {
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

std::string connection::explain(const std::exception& e) {
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
