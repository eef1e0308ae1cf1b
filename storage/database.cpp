#include "storage/database.hpp"

#include "rules/fine_audit.hpp"

#include <openssl/evp.h>

#include <map>

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <sys/statvfs.h>

#include <cerrno>
#include <filesystem>

namespace storage {

namespace {

using json = nlohmann::json;

// Schema version 1. Times are UTC milliseconds since the epoch.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE meta(
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE inbound(
    platform    TEXT NOT NULL,
    msg_id      TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    sender      TEXT NOT NULL,
    chat        TEXT NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY(platform, msg_id)
);
CREATE TABLE complaints(
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    status     TEXT NOT NULL,
    posted_at  INTEGER NOT NULL,
    state      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE(kind, seq)
);
CREATE INDEX complaints_status ON complaints(status);
CREATE TABLE events(
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id TEXT NOT NULL,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    type         TEXT NOT NULL,
    stage        TEXT NOT NULL,
    detail       TEXT NOT NULL,
    deadline     INTEGER,
    late_ms      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_complaint ON events(complaint_id, id);
CREATE TABLE deadlines(
    complaint_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    due_at       INTEGER NOT NULL,
    state        TEXT NOT NULL CHECK(state IN ('open', 'fired', 'cancelled')),
    fired_at     INTEGER,
    PRIMARY KEY(complaint_id, key)
);
CREATE INDEX deadlines_open ON deadlines(state, due_at, complaint_id, key);
CREATE TABLE fines(
    seq           INTEGER PRIMARY KEY,
    complaint_id  TEXT NOT NULL,
    stage         TEXT NOT NULL,
    department    TEXT NOT NULL,
    person        TEXT NOT NULL,
    person_name   TEXT NOT NULL,
    amount        INTEGER NOT NULL,
    deadline      INTEGER NOT NULL,
    issued_at     INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK(status IN ('open', 'paid', 'waived')),
    status_reason TEXT NOT NULL DEFAULT '',
    status_by     TEXT NOT NULL DEFAULT '',
    status_at     INTEGER,
    UNIQUE(complaint_id, stage, department)
);
CREATE TABLE outbox(
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at  INTEGER NOT NULL,
    chat        TEXT NOT NULL,
    text        TEXT NOT NULL,
    mentions    TEXT NOT NULL,
    state       TEXT NOT NULL CHECK(state IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_try_at INTEGER NOT NULL,
    sent_at     INTEGER,
    last_error  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(state, id);
)sql";

constexpr const char* sql_seen = "SELECT 1 FROM inbound WHERE platform = ? AND msg_id = ?";
constexpr const char* sql_record_inbound =
    "INSERT INTO inbound(platform, msg_id, received_at, sender, chat, text) VALUES(?, ?, ?, ?, ?, ?)";
constexpr const char* sql_next_seq = "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaints WHERE kind = ?";
constexpr const char* sql_save_complaint =
    "INSERT INTO complaints(id, kind, seq, status, posted_at, state, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET status = excluded.status, state = excluded.state, updated_at = "
    "excluded.updated_at";
constexpr const char* sql_load_complaint = "SELECT state FROM complaints WHERE id = ?";
constexpr const char* sql_open_complaints =
    "SELECT state FROM complaints WHERE status = 'open' ORDER BY kind, seq";
constexpr const char* sql_all_complaints = "SELECT state FROM complaints ORDER BY posted_at, kind, seq";
constexpr const char* sql_last_event = "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1";
constexpr const char* sql_set_meta =
    "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
constexpr const char* sql_meta = "SELECT value FROM meta WHERE key = ?";
constexpr const char* sql_mark_retry =
    "UPDATE outbox SET attempts = ?, next_try_at = ?, last_error = ? WHERE id = ?";
constexpr const char* sql_mark_failed =
    "UPDATE outbox SET state = 'failed', attempts = ?, last_error = ?, next_try_at = COALESCE(?, "
    "next_try_at) "
    "WHERE id = ?";
constexpr const char* sql_append_event =
    "INSERT INTO events(id, complaint_id, at, actor, type, stage, detail, deadline, late_ms, hash) "
    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

// Schema v2: the event log becomes a hash chain and refuses UPDATE and DELETE.
constexpr const char* schema_v2_triggers = R"sql(
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: the audit log cannot be changed'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: the audit log cannot be changed'); END;
)sql";

std::string hex(const unsigned char* p, unsigned n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (unsigned i = 0; i < n; ++i) {
        out.push_back(digits[p[i] >> 4]);
        out.push_back(digits[p[i] & 15]);
    }
    return out;
}

// SHA-256 (OpenSSL EVP) of the previous hash and every field of the event, unit-separated.
std::string chain_hash(const std::string& prev, std::int64_t id, const std::string& complaint,
                       std::int64_t at, const std::string& actor, const std::string& type,
                       const std::string& stage, const std::string& detail,
                       const std::optional<std::int64_t>& deadline, std::int64_t late) {
    std::string msg = prev;
    auto add = [&](const std::string& v) {
        msg.push_back('\x1f');
        msg += v;
    };
    add(std::to_string(id));
    add(complaint);
    add(std::to_string(at));
    add(actor);
    add(type);
    add(stage);
    add(detail);
    add(deadline ? std::to_string(*deadline) : std::string("-"));
    add(std::to_string(late));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_Digest(msg.data(), msg.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw storage_error("SHA-256 failed (OpenSSL): cannot extend the audit chain");
    return hex(md, len);
}
constexpr const char* sql_events_of =
    "SELECT complaint_id, at, actor, type, stage, detail, deadline, late_ms FROM events WHERE complaint_id = "
    "? "
    "ORDER BY id";
// `+state`: look up by the primary key (complaint_id, key), not by the deadlines_open index, whose
// `state = 'open'` prefix would scan every open deadline of every complaint.
constexpr const char* sql_open_deadlines_of =
    "SELECT key, due_at FROM deadlines WHERE complaint_id = ? AND +state = 'open'";
constexpr const char* sql_upsert_deadline =
    "INSERT INTO deadlines(complaint_id, key, due_at, state) VALUES(?, ?, ?, 'open') "
    "ON CONFLICT(complaint_id, key) DO UPDATE SET due_at = excluded.due_at, state = 'open', fired_at = NULL "
    "WHERE deadlines.state <> 'fired'";
constexpr const char* sql_cancel_deadline =
    "UPDATE deadlines SET state = 'cancelled' WHERE complaint_id = ? AND key = ? AND state = 'open'";
constexpr const char* sql_add_deadline =
    "INSERT OR IGNORE INTO deadlines(complaint_id, key, due_at, state) VALUES(?, ?, ?, 'open')";
constexpr const char* sql_open_deadlines =
    "SELECT complaint_id, key, due_at FROM deadlines WHERE state = 'open' ORDER BY due_at, complaint_id, key";
constexpr const char* sql_deadline_open =
    "SELECT 1 FROM deadlines WHERE complaint_id = ? AND key = ? AND due_at = ? AND state = 'open'";
constexpr const char* sql_mark_fired =
    "UPDATE deadlines SET state = 'fired', fired_at = ? WHERE complaint_id = ? AND key = ? AND state = "
    "'open'";
constexpr const char* sql_next_fine = "SELECT COALESCE(MAX(seq), 0) + 1 FROM fines";
constexpr const char* sql_insert_fine =
    "INSERT INTO fines(seq, complaint_id, stage, department, person, person_name, amount, deadline, "
    "issued_at, "
    "status, status_reason, status_by, status_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* sql_fine_columns =
    "SELECT seq, complaint_id, stage, department, person, person_name, amount, deadline, issued_at, status, "
    "status_reason, status_by, status_at FROM fines";
constexpr const char* sql_update_fine =
    "UPDATE fines SET status = ?, status_reason = ?, status_by = ?, status_at = ? WHERE seq = ?";
constexpr const char* sql_enqueue =
    "INSERT INTO outbox(created_at, chat, text, mentions, state, next_try_at) VALUES(?, ?, ?, ?, 'pending', "
    "?)";
constexpr const char* sql_pending_outbox =
    "SELECT id, created_at, chat, text, mentions, state, attempts, next_try_at FROM outbox WHERE state = "
    "'pending' "
    "ORDER BY id LIMIT ?";
constexpr const char* sql_mark_sent = "UPDATE outbox SET state = 'sent', sent_at = ? WHERE id = ?";

// Resets a cached statement (and clears its bindings) when the repository call is done with it,
// however it ends, so no statement stays mid-step holding a read snapshot.
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

void bind_opt(SQLite::Statement& st, int index, const std::optional<core::instant>& t) {
    if (t)
        st.bind(index, static_cast<std::int64_t>(core::to_ms(*t)));
    else
        st.bind(index);
}

rules::complaint complaint_from(const std::string& state) {
    return json::parse(state).get<rules::complaint>();
}

rules::fine fine_from(SQLite::Statement& q) {
    rules::fine f;
    f.id = "F" + std::to_string(q.getColumn(0).getInt64());
    f.complaint = q.getColumn(1).getString();
    f.stage = q.getColumn(2).getString();
    f.department = q.getColumn(3).getString();
    f.person = q.getColumn(4).getString();
    f.person_name = q.getColumn(5).getString();
    f.amount = q.getColumn(6).getInt();
    f.deadline = core::from_ms(q.getColumn(7).getInt64());
    f.issued_at = core::from_ms(q.getColumn(8).getInt64());
    f.status = q.getColumn(9).getString();
    f.status_reason = q.getColumn(10).getString();
    f.status_by = q.getColumn(11).getString();
    if (!q.getColumn(12).isNull()) f.status_at = core::from_ms(q.getColumn(12).getInt64());
    return f;
}

std::int64_t fine_seq(const std::string& id) {
    if (id.size() < 2 || (id[0] != 'F' && id[0] != 'f')) return -1;
    std::int64_t v = 0;
    for (std::size_t i = 1; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9' || v > 1'000'000'000) return -1;
        v = v * 10 + (id[i] - '0');
    }
    return v;
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

}  // namespace

std::string database::explain(const std::exception& e) {
    int code = 0;
    if (const auto* se = dynamic_cast<const SQLite::Exception*>(&e)) code = se->getErrorCode() & 0xff;
    int sys = code == 0 ? 0 : sqlite3_system_errno(db_.getHandle());
    if (code != 0 && code != SQLITE_FULL && on_read_only_filesystem(db_.getFilename())) sys = EROFS;
    return explain_sqlite(code, sys, db_.getFilename(), e.what());
}

database::database(const std::string& path) try : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.setBusyTimeout(5000);
    if (path != ":memory:") db_.exec("PRAGMA journal_mode = WAL");
    // FULL: every commit is on disk before we acknowledge anything that depends on it.
    db_.exec("PRAGMA synchronous = FULL");
    // Savepoint sub-journals (group commit runs each message in one) and temp tables stay in memory:
    // they only matter until the transaction ends, and a crash discards them anyway.
    db_.exec("PRAGMA temp_store = MEMORY");
    db_.exec("PRAGMA foreign_keys = ON");
    migrate();
} catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    bool read_only_fs = on_read_only_filesystem(path);
    if (code == SQLITE_READONLY || code == SQLITE_FULL || read_only_fs)
        throw storage_error("cannot open database '" + path +
                            "': " + explain_sqlite(code, read_only_fs ? EROFS : 0, path, e.what()));
    throw storage_error(
        "cannot open database '" + path + "': " + e.what() +
        " (check that the directory exists and is writable, or set `database:` in the config)");
}

void database::migrate() {
    int version = db_.execAndGet("PRAGMA user_version").getInt();
    if (version > schema_version)
        throw storage_error("database schema version " + std::to_string(version) +
                            " is newer than this program (" + std::to_string(schema_version) +
                            "): upgrade complaint-bot");
    if (version < 1) {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        db_.exec(schema_v1);
        db_.exec("PRAGMA user_version = 1");
        tx.commit();
    }
    if (version < 2) {
        // Chain the events already there, in order, then forbid changes.
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        db_.exec("ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT ''");
        std::string prev;
        SQLite::Statement q(
            db_,
            "SELECT id, complaint_id, at, actor, type, stage, detail, deadline, late_ms FROM events "
            "ORDER BY id");
        SQLite::Statement u(db_, "UPDATE events SET hash = ? WHERE id = ?");
        while (q.executeStep()) {
            std::optional<std::int64_t> deadline;
            if (!q.getColumn(7).isNull()) deadline = q.getColumn(7).getInt64();
            auto id = q.getColumn(0).getInt64();
            prev =
                chain_hash(prev, id, q.getColumn(1).getString(), q.getColumn(2).getInt64(),
                           q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                           q.getColumn(6).getString(), deadline, q.getColumn(8).getInt64());
            u.reset();
            u.bind(1, prev);
            u.bind(2, id);
            u.exec();
        }
        db_.exec(schema_v2_triggers);
        db_.exec("PRAGMA user_version = 2");
        tx.commit();
    }
    if (version < 3) {
        // The reports' period queries (weekly report, penalty summaries) by index.
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        db_.exec("CREATE INDEX IF NOT EXISTS complaints_posted ON complaints(posted_at)");
        db_.exec("CREATE INDEX IF NOT EXISTS fines_issued ON fines(issued_at)");
        db_.exec("PRAGMA user_version = 3");
        tx.commit();
    }
}

SQLite::Statement& database::prepared(const char* sql) {
    auto& slot = statements_[sql];
    if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
    slot->tryReset();
    return *slot;
}

std::unique_ptr<SQLite::Transaction> database::begin() {
    return std::make_unique<SQLite::Transaction>(db_, SQLite::TransactionBehavior::IMMEDIATE);
}

std::optional<std::string> database::meta(const std::string& key) {
    auto& q = prepared(sql_meta);
    reset_on_exit q_done{q};
    q.bind(1, key);
    if (q.executeStep()) return q.getColumn(0).getString();
    return std::nullopt;
}

void database::set_meta(const std::string& key, const std::string& value) {
    auto& q = prepared(sql_set_meta);
    reset_on_exit q_done{q};
    q.bind(1, key);
    q.bind(2, value);
    q.exec();
}

bool database::seen(const std::string& platform, const std::string& msg_id) {
    auto& q = prepared(sql_seen);
    reset_on_exit q_done{q};
    q.bind(1, platform);
    q.bind(2, msg_id);
    return q.executeStep();
}

void database::record_inbound(const inbound_row& row) {
    auto& q = prepared(sql_record_inbound);
    reset_on_exit q_done{q};
    q.bind(1, row.platform);
    q.bind(2, row.msg_id);
    q.bind(3, static_cast<std::int64_t>(core::to_ms(row.received_at)));
    q.bind(4, row.sender);
    q.bind(5, row.chat);
    q.bind(6, row.text);
    q.exec();
}

std::int64_t database::inbound_count() {
    return db_.execAndGet("SELECT COUNT(*) FROM inbound").getInt64();
}

int database::next_complaint_seq(rules::complaint_kind kind) {
    auto& q = prepared(sql_next_seq);
    reset_on_exit q_done{q};
    q.bind(1, std::string(rules::kind_name(kind)));
    q.executeStep();
    return q.getColumn(0).getInt();
}

void database::save_complaint(const rules::complaint& c) {
    auto& q = prepared(sql_save_complaint);
    reset_on_exit q_done{q};
    q.bind(1, c.id);
    q.bind(2, std::string(rules::kind_name(c.kind)));
    q.bind(3, c.seq);
    q.bind(4, c.status);
    q.bind(5, static_cast<std::int64_t>(core::to_ms(c.posted_at)));
    q.bind(6, json(c).dump());
    q.bind(7, static_cast<std::int64_t>(core::to_ms(c.posted_at)));
    q.exec();
}

std::optional<rules::complaint> database::load_complaint(const std::string& id) {
    auto& q = prepared(sql_load_complaint);
    reset_on_exit q_done{q};
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return complaint_from(q.getColumn(0).getString());
}

std::vector<rules::complaint> database::open_complaints() {
    std::vector<rules::complaint> out;
    SQLite::Statement q(db_, sql_open_complaints);
    while (q.executeStep()) out.push_back(complaint_from(q.getColumn(0).getString()));
    return out;
}

std::vector<rules::complaint> database::complaints_posted_between(core::instant from, core::instant to) {
    std::vector<rules::complaint> out;
    SQLite::Statement q(
        db_,
        "SELECT state FROM complaints WHERE posted_at >= ? AND posted_at < ? ORDER BY posted_at, kind, seq");
    q.bind(1, static_cast<std::int64_t>(core::to_ms(from)));
    q.bind(2, static_cast<std::int64_t>(core::to_ms(to)));
    while (q.executeStep()) out.push_back(complaint_from(q.getColumn(0).getString()));
    return out;
}

std::vector<rules::complaint> database::open_freight_complaints() {
    std::vector<rules::complaint> out;
    SQLite::Statement q(db_,
                        "SELECT state FROM complaints WHERE json_extract(state, '$.freight') IS NOT NULL AND "
                        "json_extract(state, '$.freight.written_off.at') IS NULL ORDER BY kind, seq");
    while (q.executeStep()) out.push_back(complaint_from(q.getColumn(0).getString()));
    return out;
}

std::vector<rules::complaint> database::all_complaints() {
    std::vector<rules::complaint> out;
    SQLite::Statement q(db_, sql_all_complaints);
    while (q.executeStep()) out.push_back(complaint_from(q.getColumn(0).getString()));
    return out;
}

void database::append_events(const std::vector<rules::event>& events) {
    if (events.empty()) return;
    std::int64_t last_id = 0;
    std::string prev;
    {
        SQLite::Statement& last = prepared(sql_last_event);
        reset_on_exit last_done{last};
        if (last.executeStep()) {
            last_id = last.getColumn(0).getInt64();
            prev = last.getColumn(1).getString();
        }
    }
    auto& q = prepared(sql_append_event);
    reset_on_exit q_done{q};
    for (const auto& e : events) {
        auto id = ++last_id;
        auto at = static_cast<std::int64_t>(core::to_ms(e.at));
        std::optional<std::int64_t> deadline;
        if (e.deadline) deadline = core::to_ms(*e.deadline);
        auto late = static_cast<std::int64_t>(e.late.count());
        prev = chain_hash(prev, id, e.complaint, at, e.actor, e.type, e.stage, e.detail, deadline, late);
        q.reset();
        q.clearBindings();
        q.bind(1, id);
        q.bind(2, e.complaint);
        q.bind(3, at);
        q.bind(4, e.actor);
        q.bind(5, e.type);
        q.bind(6, e.stage);
        q.bind(7, e.detail);
        bind_opt(q, 8, e.deadline);
        q.bind(9, late);
        q.bind(10, prev);
        q.exec();
    }
}

std::vector<rules::event> database::events_of(const std::string& complaint_id) {
    std::vector<rules::event> out;
    auto& q = prepared(sql_events_of);
    reset_on_exit q_done{q};
    q.bind(1, complaint_id);
    while (q.executeStep()) {
        rules::event e;
        e.complaint = q.getColumn(0).getString();
        e.at = core::from_ms(q.getColumn(1).getInt64());
        e.actor = q.getColumn(2).getString();
        e.type = q.getColumn(3).getString();
        e.stage = q.getColumn(4).getString();
        e.detail = q.getColumn(5).getString();
        if (!q.getColumn(6).isNull()) e.deadline = core::from_ms(q.getColumn(6).getInt64());
        e.late = core::duration{q.getColumn(7).getInt64()};
        out.push_back(std::move(e));
    }
    return out;
}

void database::sync_deadlines(const std::string& complaint_id, const std::vector<rules::deadline>& wanted) {
    std::vector<std::pair<std::string, std::int64_t>> current;
    {
        auto& q = prepared(sql_open_deadlines_of);
        reset_on_exit q_done{q};
        q.bind(1, complaint_id);
        while (q.executeStep()) current.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getInt64());
    }
    auto& upsert = prepared(sql_upsert_deadline);
    reset_on_exit upsert_done{upsert};
    for (const auto& d : wanted) {
        bool same = false;
        for (const auto& [key, due] : current)
            if (key == d.key && due == core::to_ms(d.due)) same = true;
        if (same) continue;
        upsert.reset();
        upsert.bind(1, complaint_id);
        upsert.bind(2, d.key);
        upsert.bind(3, static_cast<std::int64_t>(core::to_ms(d.due)));
        upsert.exec();
    }
    auto& cancel = prepared(sql_cancel_deadline);
    reset_on_exit cancel_done{cancel};
    for (const auto& [key, due] : current) {
        bool keep = false;
        for (const auto& d : wanted)
            if (d.key == key) keep = true;
        if (keep) continue;
        cancel.reset();
        cancel.bind(1, complaint_id);
        cancel.bind(2, key);
        cancel.exec();
    }
}

void database::add_deadline(const rules::deadline& d) {
    auto& q = prepared(sql_add_deadline);
    reset_on_exit q_done{q};
    q.bind(1, d.complaint);
    q.bind(2, d.key);
    q.bind(3, static_cast<std::int64_t>(core::to_ms(d.due)));
    q.exec();
}

std::vector<rules::deadline> database::open_deadlines() {
    std::vector<rules::deadline> out;
    SQLite::Statement q(db_, sql_open_deadlines);
    while (q.executeStep())
        out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                       core::from_ms(q.getColumn(2).getInt64())});
    return out;
}

bool database::deadline_open(const std::string& complaint_id, const std::string& key, core::instant due) {
    auto& q = prepared(sql_deadline_open);
    reset_on_exit q_done{q};
    q.bind(1, complaint_id);
    q.bind(2, key);
    q.bind(3, static_cast<std::int64_t>(core::to_ms(due)));
    return q.executeStep();
}

void database::mark_fired(const std::string& complaint_id, const std::string& key, core::instant fired_at) {
    auto& q = prepared(sql_mark_fired);
    reset_on_exit q_done{q};
    q.bind(1, static_cast<std::int64_t>(core::to_ms(fired_at)));
    q.bind(2, complaint_id);
    q.bind(3, key);
    q.exec();
}

int database::next_fine_seq() {
    auto& q = prepared(sql_next_fine);
    reset_on_exit q_done{q};
    q.executeStep();
    return q.getColumn(0).getInt();
}

void database::insert_fine(const rules::fine& f) {
    auto seq = fine_seq(f.id);
    if (seq <= 0) throw storage_error("bad fine id '" + f.id + "'");
    auto& q = prepared(sql_insert_fine);
    reset_on_exit q_done{q};
    q.bind(1, static_cast<std::int64_t>(seq));
    q.bind(2, f.complaint);
    q.bind(3, f.stage);
    q.bind(4, f.department);
    q.bind(5, f.person);
    q.bind(6, f.person_name);
    q.bind(7, f.amount);
    q.bind(8, static_cast<std::int64_t>(core::to_ms(f.deadline)));
    q.bind(9, static_cast<std::int64_t>(core::to_ms(f.issued_at)));
    q.bind(10, f.status);
    q.bind(11, f.status_reason);
    q.bind(12, f.status_by);
    bind_opt(q, 13, f.status_at);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
            e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY)
            throw storage_error("fine for " + f.complaint + " " + f.stage + " " + f.department +
                                " already exists");
        throw;
    }
}

std::optional<rules::fine> database::load_fine(const std::string& id) {
    auto seq = fine_seq(id);
    if (seq <= 0) return std::nullopt;
    SQLite::Statement q(db_, std::string(sql_fine_columns) + " WHERE seq = ?");
    q.bind(1, static_cast<std::int64_t>(seq));
    if (!q.executeStep()) return std::nullopt;
    return fine_from(q);
}

void database::update_fine(const rules::fine& f) {
    auto& q = prepared(sql_update_fine);
    reset_on_exit q_done{q};
    q.bind(1, f.status);
    q.bind(2, f.status_reason);
    q.bind(3, f.status_by);
    bind_opt(q, 4, f.status_at);
    q.bind(5, static_cast<std::int64_t>(fine_seq(f.id)));
    q.exec();
}

std::vector<rules::fine> database::fines_issued_between(core::instant from, core::instant to) {
    std::vector<rules::fine> out;
    SQLite::Statement q(
        db_, std::string(sql_fine_columns) + " WHERE issued_at >= ? AND issued_at < ? ORDER BY seq");
    q.bind(1, static_cast<std::int64_t>(core::to_ms(from)));
    q.bind(2, static_cast<std::int64_t>(core::to_ms(to)));
    while (q.executeStep()) out.push_back(fine_from(q));
    return out;
}

std::vector<std::string> database::open_job_keys() {
    std::vector<std::string> out;
    SQLite::Statement q(db_,
                        "SELECT key FROM deadlines WHERE complaint_id = '' AND +state = 'open' ORDER BY key");
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
}

std::vector<rules::fine> database::fines() {
    std::vector<rules::fine> out;
    SQLite::Statement q(db_, std::string(sql_fine_columns) + " ORDER BY seq");
    while (q.executeStep()) out.push_back(fine_from(q));
    return out;
}

void database::enqueue(const core::outbound_post& post, core::instant at) {
    auto& q = prepared(sql_enqueue);
    reset_on_exit q_done{q};
    q.bind(1, static_cast<std::int64_t>(core::to_ms(at)));
    q.bind(2, post.chat);
    q.bind(3, post.text);
    q.bind(4, json(post.mentions).dump());
    q.bind(5, static_cast<std::int64_t>(core::to_ms(at)));
    q.exec();
}

std::vector<outbox_row> database::pending_outbox(int limit) {
    std::vector<outbox_row> out;
    auto& q = prepared(sql_pending_outbox);
    reset_on_exit q_done{q};
    q.bind(1, limit);
    while (q.executeStep()) {
        outbox_row r;
        r.id = q.getColumn(0).getInt64();
        r.created_at = core::from_ms(q.getColumn(1).getInt64());
        r.post.chat = q.getColumn(2).getString();
        r.post.text = q.getColumn(3).getString();
        r.post.mentions = json::parse(q.getColumn(4).getString()).get<std::vector<std::string>>();
        r.state = q.getColumn(5).getString();
        r.attempts = q.getColumn(6).getInt();
        r.next_try_at = core::from_ms(q.getColumn(7).getInt64());
        out.push_back(std::move(r));
    }
    return out;
}

void database::mark_sent(std::int64_t id, core::instant at) {
    auto& q = prepared(sql_mark_sent);
    reset_on_exit q_done{q};
    q.bind(1, static_cast<std::int64_t>(core::to_ms(at)));
    q.bind(2, static_cast<std::int64_t>(id));
    q.exec();
}

void database::mark_retry(std::int64_t id, int attempts, core::instant next_try_at,
                          const std::string& error) {
    auto& q = prepared(sql_mark_retry);
    reset_on_exit q_done{q};
    q.bind(1, attempts);
    q.bind(2, static_cast<std::int64_t>(core::to_ms(next_try_at)));
    q.bind(3, error);
    q.bind(4, static_cast<std::int64_t>(id));
    q.exec();
}

void database::mark_failed(std::int64_t id, int attempts, const std::string& error,
                           std::optional<core::instant> at) {
    auto& q = prepared(sql_mark_failed);
    reset_on_exit q_done{q};
    q.bind(1, attempts);
    q.bind(2, error);
    if (at)
        q.bind(3, static_cast<std::int64_t>(core::to_ms(*at)));
    else
        q.bind(3);
    q.bind(4, static_cast<std::int64_t>(id));
    q.exec();
}

database::failure_summary database::outbox_failures_since(core::instant since) {
    failure_summary s;
    const auto from = static_cast<std::int64_t>(core::to_ms(since));
    SQLite::Statement q(db_,
                        "SELECT COUNT(*), MIN(next_try_at), MAX(next_try_at) FROM outbox "
                        "WHERE state = 'failed' AND next_try_at >= ?");
    q.bind(1, from);
    if (!q.executeStep() || q.getColumn(0).getInt64() == 0) return s;
    s.count = q.getColumn(0).getInt64();
    s.first = core::from_ms(q.getColumn(1).getInt64());
    s.last = core::from_ms(q.getColumn(2).getInt64());
    SQLite::Statement last(db_,
                           "SELECT chat, last_error FROM outbox WHERE state = 'failed' AND next_try_at >= ? "
                           "ORDER BY next_try_at DESC, id DESC LIMIT 1");
    last.bind(1, from);
    if (last.executeStep()) {
        s.chat = last.getColumn(0).getString();
        s.last_error = last.getColumn(1).getString();
    }
    return s;
}

std::int64_t database::outbox_failed() {
    return db_.execAndGet("SELECT COUNT(*) FROM outbox WHERE state = 'failed'").getInt64();
}

std::int64_t database::outbox_backlog() {
    return db_.execAndGet("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").getInt64();
}

audit_result database::verify_audit() {
    audit_result r;
    std::string prev;
    SQLite::Statement q(
        db_,
        "SELECT id, complaint_id, at, actor, type, stage, detail, deadline, late_ms, hash FROM events "
        "ORDER BY id");
    std::map<std::string, std::string> fined;          // fine id -> the chained "fined" event's detail
    std::map<std::string, rules::fine_status> status;  // fine id -> the status its last status event set
    std::int64_t expected_id = 0;
    while (q.executeStep()) {
        auto id = q.getColumn(0).getInt64();
        std::optional<std::int64_t> deadline;
        if (!q.getColumn(7).isNull()) deadline = q.getColumn(7).getInt64();
        auto detail = q.getColumn(6).getString();
        auto want = chain_hash(prev, id, q.getColumn(1).getString(), q.getColumn(2).getInt64(),
                               q.getColumn(3).getString(), q.getColumn(4).getString(),
                               q.getColumn(5).getString(), detail, deadline, q.getColumn(8).getInt64());
        auto stored = q.getColumn(9).getString();
        if (id != ++expected_id && r.problems.empty())
            r.problems.push_back("event #" + std::to_string(expected_id) + " is missing (the log jumps to #" +
                                 std::to_string(id) + "): events were deleted");
        expected_id = id;
        if (stored != want && r.problems.empty())
            r.problems.push_back("event #" + std::to_string(id) + " (" + q.getColumn(1).getString() + " " +
                                 q.getColumn(4).getString() +
                                 ") does not match its hash: it was changed after it was written");
        auto type = q.getColumn(4).getString();
        auto fine_id = std::string(rules::fine_id_of_detail(detail));
        if (type == rules::fine_issued_event) fined[fine_id] = detail;
        if (auto set = rules::fine_status_set_by(type)) status[fine_id] = *set;
        prev = stored;
        ++r.events;
    }
    r.last_hash = prev;
    // Each fine in the ledger must match the chained events that issued it and set its status.
    for (const auto& f : fines()) {
        ++r.fines;
        auto it = fined.find(f.id);
        auto st = status.find(f.id);
        for (auto& p : rules::fine_audit_problems(f, it == fined.end() ? nullptr : &it->second,
                                                  st == status.end() ? rules::fine_status::open : st->second))
            r.problems.push_back(std::move(p));
    }
    r.ok = r.problems.empty();
    return r;
}

}  // namespace storage
