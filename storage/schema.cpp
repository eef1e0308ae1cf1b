#include "storage/schema.hpp"

#include <SQLiteCpp/Transaction.h>

#include <nlohmann/json.hpp>

#include <vector>

#include "storage/complaint_store.hpp"
#include "storage/event_store.hpp"

namespace storage::detail {

namespace {

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

// Schema v2: the event log becomes a hash chain and refuses UPDATE and DELETE.
constexpr const char* schema_v2_triggers = R"sql(
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: the audit log cannot be changed'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only: the audit log cannot be changed'); END;
)sql";

// Schema v4: rules stored once per distinct set, the queried state of a complaint in columns.
constexpr const char* schema_v4 = R"sql(
CREATE TABLE rule_sets(
    id     INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    rules  TEXT NOT NULL
);
ALTER TABLE complaints ADD COLUMN rule_set INTEGER;  -- rule_sets.id (read by a join)
ALTER TABLE complaints ADD COLUMN pending_stage TEXT;
ALTER TABLE complaints ADD COLUMN pending_due INTEGER;
ALTER TABLE complaints ADD COLUMN sheet_date TEXT;
ALTER TABLE complaints ADD COLUMN forward_step TEXT;
ALTER TABLE complaints ADD COLUMN freight_step TEXT;
CREATE TABLE complaint_pending(
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    department   TEXT NOT NULL,
    PRIMARY KEY(complaint_id, department)
) WITHOUT ROWID;
CREATE INDEX complaint_pending_department ON complaint_pending(department, complaint_id);
CREATE INDEX complaints_open_stage ON complaints(status, pending_stage, kind);
CREATE INDEX complaints_open_order ON complaints(status, kind, seq);
CREATE INDEX complaints_forward ON complaints(status, forward_step, sheet_date);
CREATE INDEX complaints_freight ON complaints(freight_step) WHERE freight_step IS NOT NULL;
)sql";

// Schema v5: the dashboard's accounts (a salted scrypt hash of the password, never the password),
// its sessions (only the SHA-256 of the session id, so a copy of the file logs nobody in) and the
// failed logins of the lockout window.
constexpr const char* schema_v5 = R"sql(
CREATE TABLE dashboard_accounts(
    person        TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    updated_at    INTEGER NOT NULL,
    locked_until  INTEGER
);
CREATE TABLE dashboard_sessions(
    id_hash    TEXT PRIMARY KEY,
    person     TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
CREATE INDEX dashboard_sessions_person ON dashboard_sessions(person);
CREATE INDEX dashboard_sessions_idle ON dashboard_sessions(last_seen);
CREATE TABLE dashboard_login_failures(
    person TEXT NOT NULL,
    at     INTEGER NOT NULL
);
CREATE INDEX dashboard_login_failures_person ON dashboard_login_failures(person, at);
)sql";

// Schema v9: what several instances on one database share (PostgreSQL; SQLite has the same tables,
// used by its one writer): a change number per complaint save (an instance reloads what another
// changed), expiring leases (who holds a singleton: WeCom's one connection, the digests, a chat's
// outbox) and the platforms' rate-limit buckets.
constexpr const char* schema_v9 = R"sql(
CREATE INDEX IF NOT EXISTS complaints_change ON complaints(change_seq);
CREATE TABLE IF NOT EXISTS leases(
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rate_buckets(
    bucket        TEXT PRIMARY KEY,
    sent          TEXT NOT NULL DEFAULT '',
    blocked_until INTEGER NOT NULL DEFAULT 0
);
)sql";

// Converts every complaint in place from its v3 JSON state: the rules move to rule_sets, the
// queried state to the columns; updated_at becomes the time of its last event.
void complaints_to_v4(connection& c) {
    struct row {
        std::string id, state;
        std::int64_t updated_at;
    };
    std::vector<row> rows;
    {
        auto q_own = c.make(
            "SELECT c.id, c.state, COALESCE((SELECT MAX(at) FROM events e WHERE e.complaint_id = "
            "c.id), c.posted_at) FROM complaints c ORDER BY c.kind, c.seq");
        auto& q = *q_own;
        while (q.step()) rows.push_back({q.text(0), q.text(1), q.int64(2)});
    }
    complaint_store store(c);
    for (const auto& r : rows) {
        rules::complaint k;
        try {
            auto j = nlohmann::json::parse(r.state);
            if (!j.contains("rules"))
                throw std::runtime_error("its state has no rules (a v3 complaint carries its own copy)");
            k = j.get<rules::complaint>();
        } catch (const std::exception& e) {
            throw error(
                "cannot migrate '" + c.path() + "' to schema v4: complaint " + r.id + " cannot be read (" +
                    e.what() +
                    "); the file is unchanged (still v3): restore it from a backup or run the previous "
                    "complaint-bot",
                error_kind::corrupt);
        }
        store.save(k, core::from_ms(r.updated_at));
    }
}

// Schema v7: each complaint's facts (rules/facts.hpp) and the number of the save that wrote them
// (created by the v4 conversion already when it runs in the same migration: it saves each
// complaint as this program does).
void create_facts_table(SQLite::Database& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS complaint_facts(seq INTEGER PRIMARY KEY, complaint_id TEXT NOT NULL "
        "UNIQUE, "
        "facts BLOB NOT NULL)");
}

}  // namespace

void migrate(sqlite_connection& c) {
    auto& db = c.db();
    int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > schema_version)
        throw error("database schema version " + std::to_string(version) + " is newer than this program (" +
                        std::to_string(schema_version) + "): '" + c.path() +
                        "' was written by a newer complaint-bot; upgrade complaint-bot, or restore a backup "
                        "made by this version",
                    error_kind::other);
    if (version < 1) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(schema_v1);
        db.exec("PRAGMA user_version = 1");
        tx.commit();
    }
    if (version < 2) {
        // Chain the events already there, in order, then forbid changes.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec("ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT ''");
        chain_existing_events(c);
        db.exec(schema_v2_triggers);
        db.exec("PRAGMA user_version = 2");
        tx.commit();
    }
    if (version < 3) {
        // The reports' period queries (weekly report, penalty summaries) by index.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec("CREATE INDEX IF NOT EXISTS complaints_posted ON complaints(posted_at)");
        db.exec("CREATE INDEX IF NOT EXISTS fines_issued ON fines(issued_at)");
        db.exec("PRAGMA user_version = 3");
        tx.commit();
    }
    if (version < 4) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(schema_v4);
        create_facts_table(db);
        complaints_to_v4(c);
        db.exec("PRAGMA user_version = 4");
        tx.commit();
    }
    if (version < 5) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(schema_v5);
        db.exec("PRAGMA user_version = 5");
        tx.commit();
    }
    if (version < 6) {
        // The 流程表 of a day (report sheet, the dashboard's /print/sheet) by index.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        db.exec(
            "CREATE INDEX IF NOT EXISTS complaints_sheet ON complaints(sheet_date) WHERE sheet_date IS NOT "
            "NULL");
        db.exec("PRAGMA user_version = 6");
        tx.commit();
    }
    if (version < 7) {
        // The facts the dashboard's figures count, so a reader catches up with what changed since
        // it last looked without reading the complaints' states.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        create_facts_table(db);
        complaint_store(c).fill_facts();
        db.exec("PRAGMA user_version = 7");
        tx.commit();
    }
    if (version < 8) {
        // A post's buttons and the message it answers at once (sent through that message's reply
        // path while it is valid).
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // (A database set back to an older version by hand may have them already.)
        bool has_actions =
            db.execAndGet("SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'actions'")
                .getInt() > 0;
        if (!has_actions) {
            db.exec("ALTER TABLE outbox ADD COLUMN actions TEXT NOT NULL DEFAULT '[]'");
            db.exec("ALTER TABLE outbox ADD COLUMN reply_to TEXT NOT NULL DEFAULT ''");
        }
        db.exec("PRAGMA user_version = 8");
        tx.commit();
    }
    if (version < 9) {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // (A database set back to an older version by hand may have the column already.)
        if (db.execAndGet("SELECT COUNT(*) FROM pragma_table_info('complaints') WHERE name = 'change_seq'")
                .getInt() == 0)
            db.exec("ALTER TABLE complaints ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0");
        db.exec(schema_v9);
        db.exec("PRAGMA user_version = 9");
        tx.commit();
    }
}

}  // namespace storage::detail
