#include "storage/backup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "storage/database.hpp"

namespace storage {

namespace {

struct closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using connection = std::unique_ptr<sqlite3, closer>;

connection open(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    connection c(raw);
    if (rc != SQLITE_OK)
        throw storage_error("cannot open '" + path +
                            "': " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    sqlite3_busy_timeout(raw, 5000);
    return c;
}

void exec(sqlite3* db, const char* sql, const std::string& what) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : sqlite3_errmsg(db);
        sqlite3_free(err);
        throw storage_error(what + ": " + msg);
    }
}

void fsync_path(const std::filesystem::path& p, int flags) {
    int fd = ::open(p.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

backup_result backup_database(const std::string& from, const std::string& to, bool overwrite,
                              int pages_per_step) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_regular_file(from, ec))
        throw storage_error("database '" + from +
                            "' does not exist: pass the file `serve` or `replay --db` wrote");
    if (fs::exists(to, ec)) {
        if (fs::equivalent(from, to, ec))
            throw storage_error("--out names the database itself: write the copy to another file");
        if (!overwrite)
            throw storage_error("'" + to +
                                "' already exists: choose another --out, or pass --force to replace it");
    }
    auto dir = fs::path(to).parent_path();
    if (!dir.empty() && !fs::is_directory(dir, ec))
        throw storage_error("the directory of --out '" + dir.string() + "' does not exist: create it first");
    const std::string partial = to + ".partial";
    fs::remove(partial, ec);

    backup_result result;
    try {
        auto src = open(from, SQLITE_OPEN_READONLY);
        // One read transaction for the whole copy: a snapshot of the last commit before it began.
        exec(src.get(), "BEGIN; SELECT count(*) FROM sqlite_master;", "cannot read '" + from + "'");
        auto dst = open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
        if (!b) throw storage_error("cannot start the backup: " + std::string(sqlite3_errmsg(dst.get())));
        int rc = SQLITE_OK;
        int busy = 0;
        while (true) {
            rc = sqlite3_backup_step(b, pages_per_step);
            ++result.steps;
            if (rc == SQLITE_DONE) break;
            if (rc == SQLITE_OK) continue;
            if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy < 500) {
                sqlite3_sleep(10);
                continue;
            }
            break;
        }
        result.pages = sqlite3_backup_pagecount(b);
        sqlite3_backup_finish(b);
        if (rc != SQLITE_DONE) {
            std::string msg = sqlite3_errstr(rc);
            throw storage_error("the backup of '" + from + "' failed: " + msg + " (nothing was written to '" +
                                to + "')");
        }
        exec(src.get(), "COMMIT", "cannot finish reading '" + from + "'");
        // A self-contained single file: no -wal beside it.
        exec(dst.get(), "PRAGMA journal_mode = DELETE", "cannot finish the copy '" + partial + "'");
    } catch (...) {
        fs::remove(partial, ec);
        throw;
    }
    fsync_path(partial, O_RDONLY);
    fs::rename(partial, to, ec);
    if (ec) {
        fs::remove(partial, ec);
        throw storage_error("cannot move the copy onto '" + to + "': " + ec.message());
    }
    fsync_path(dir.empty() ? fs::path(".") : dir, O_RDONLY | O_DIRECTORY);
    return result;
}

}  // namespace storage
