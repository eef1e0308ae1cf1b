// The read-only side of storage::database used by `whatif`: opening a file without touching it,
// and reading its recorded messages back in order.
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>

#include "storage/database.hpp"
#include "storage/database_impl.hpp"
#include "storage/pg_connection.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_connection.hpp"

namespace storage {

namespace {

// "file:/abs/path?mode=ro", the path percent-encoded where a URI needs it.
std::string read_only_uri(const std::string& path, bool immutable) {
    std::string uri = "file:";
    for (char c : std::filesystem::absolute(path).string()) {
        auto ch = static_cast<unsigned char>(c);
        if (ch == '?' || ch == '#' || ch == '%' || ch < 0x20) {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", ch);
            uri += buf;
        } else {
            uri.push_back(c);
        }
    }
    return uri + (immutable ? "?mode=ro&immutable=1" : "?mode=ro");
}

std::unique_ptr<database::impl> open_read_only(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw error("database '" + path + "' does not exist: pass the file `serve` or `replay --db` wrote",
                    error_kind::io);
    // Without -wal and -shm no connection has the database open: reading it as immutable creates
    // neither (a plain read-only open would leave both behind). With them, a writer may be
    // running, and the read goes through its shared memory as usual.
    bool idle = !std::filesystem::exists(path + "-wal", ec) && !std::filesystem::exists(path + "-shm", ec);
    try {
        return std::make_unique<database::impl>(std::make_unique<detail::sqlite_connection>(
            path, read_only_uri(path, idle), SQLite::OPEN_READONLY | SQLite::OPEN_URI));
    } catch (const SQLite::Exception& e) {
        throw error(
            "cannot read database '" + path + "': " + e.what() + " (check the path and that you may read it)",
            detail::kind_of(e.getErrorCode() & 0xff));
    }
}

}  // namespace

database::database(const std::string& path, read_only_t) {
    if (is_postgresql(path)) {
        // The server's own read-only transactions: nothing is created, migrated or written.
        auto own = std::make_unique<detail::pg_connection>(path, std::nullopt);
        own->exec("SET default_transaction_read_only = on");
        auto version = detail::postgresql_schema_version(*own);
        if (version != schema_version)
            throw error("database " + own->path() + " has schema version " + std::to_string(version) +
                            ", this program " + std::to_string(schema_version) +
                            (version < schema_version ? ": run `complaint-bot serve` on it once to upgrade it"
                                                      : ": upgrade complaint-bot"),
                        error_kind::other);
        impl_ = std::make_unique<impl>(std::move(own));
        return;
    }
    impl_ = open_read_only(path);
    int version = 0;
    try {
        auto& db = detail::sqlite_of(impl_->conn).db();
        db.setBusyTimeout(5000);
        version = db.execAndGet("PRAGMA user_version").getInt();
    } catch (const SQLite::Exception& e) {
        throw error("cannot read database '" + path + "': " + e.what() +
                        " (is it a complaint-bot database? check the path)",
                    detail::kind_of(e.getErrorCode() & 0xff));
    }
    if (version == 0)
        throw error("'" + path +
                        "' is not a complaint-bot database (no schema): pass the file `serve` or "
                        "`replay --db` wrote",
                    error_kind::other);
    if (version != schema_version)
        throw error("database '" + path + "' has schema version " + std::to_string(version) +
                        ", this program " + std::to_string(schema_version) +
                        (version < schema_version
                             ? ": run `complaint-bot report penalties --db " + path + "` once to upgrade it"
                             : ": upgrade complaint-bot"),
                    error_kind::other);
}

std::vector<inbound_row> database::inbound_before(core::instant to) {
    {
        auto q_own = impl_->conn.make(
            "SELECT platform, msg_id, received_at, sender, chat, text FROM inbound "
            "WHERE received_at < ? ORDER BY received_at, rowid");
        auto& q = *q_own;
        q.bind(1, static_cast<std::int64_t>(core::to_ms(to)));
        std::vector<inbound_row> out;
        while (q.step())
            out.push_back({q.text(0), q.text(1), core::from_ms(q.int64(2)), q.text(3), q.text(4), q.text(5)});
        return out;
    }
}

std::optional<core::instant> database::latest_activity() {
    {
        auto q_own = impl_->conn.make(
            "SELECT MAX(t) FROM (SELECT MAX(received_at) AS t FROM inbound "
            "UNION ALL SELECT MAX(at) FROM events UNION ALL SELECT MAX(fired_at) FROM deadlines "
            "UNION ALL SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'replay_clock') AS latest");
        auto& q = *q_own;
        if (!q.step() || q.is_null(0)) return std::nullopt;
        return core::from_ms(q.int64(0));
    }
}

}  // namespace storage
