// SQLite storage (SQLiteCpp): WAL, schema migrations by PRAGMA user_version, and one small
// repository API per table group. Each workflow step runs inside one transaction (begin()), so its
// events, deadline changes, fines and outbox rows commit together or not at all.
//
// Thread-safety: one database object per thread; the bot uses it from the loop thread only.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "rules/workflow.hpp"

namespace storage {

// A failure of the storage layer, with what was wrong and how to fix it.
class storage_error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct outbox_row {
    std::int64_t id = 0;
    core::instant created_at{};
    core::outbound_post post;
    std::string state;  // pending, sent, failed
    int attempts = 0;
    core::instant next_try_at{};
};

struct inbound_row {
    std::string platform;
    std::string msg_id;
    core::instant received_at{};
    std::string sender;
    std::string chat;
    std::string text;
};

// What `complaint-bot audit verify` found: the hash chain of the event log recomputed, and every
// fine checked against the event that issued it and against its last status event (已缴, 免罚 or
// 撤销: a status changed in the ledger without one is reported).
struct audit_result {
    bool ok = false;
    std::int64_t events = 0;
    std::int64_t fines = 0;
    std::string last_hash;
    std::vector<std::string> problems;  // each names the event or fine and what is wrong
};

class database {
  public:
    // Opens (creating when missing) and migrates the database at `path` (":memory:" for tests).
    // Throws storage_error naming the file and the fix when it cannot be opened or is too new.
    explicit database(const std::string& path);
    // Opens an existing database read-only (`whatif`, which must leave it untouched): nothing is
    // created, migrated or written. Throws storage_error when it is missing, unreadable, or of
    // another schema version (open it once with this version's `report` to migrate it).
    struct read_only_t {};
    static constexpr read_only_t read_only{};
    database(const std::string& path, read_only_t);

    static constexpr int schema_version = 3;

    SQLite::Database& raw() { return db_; }
    // One line for the operator: what a failed database call means and how to fix it ("disk full",
    // "read-only", "busy", "corrupt"), naming the file. The connection stays usable: the failed
    // transaction is rolled back and the next one works once the cause is gone.
    std::string explain(const std::exception& e);
    // Starts an IMMEDIATE transaction; it rolls back unless commit() is called.
    std::unique_ptr<SQLite::Transaction> begin();

    // --- meta
    std::optional<std::string> meta(const std::string& key);
    void set_meta(const std::string& key, const std::string& value);

    // --- inbound de-duplication
    bool seen(const std::string& platform, const std::string& msg_id);
    void record_inbound(const inbound_row& row);
    std::int64_t inbound_count();
    // The recorded messages received before `to`, in the order they were recorded.
    std::vector<inbound_row> inbound_before(core::instant to);
    // The latest time the database knows of: a message, an event, a fired deadline or a replay's
    // clock (what a replay of its messages may run up to). Unset when it holds none of these.
    std::optional<core::instant> latest_activity();

    // --- complaints
    int next_complaint_seq(rules::complaint_kind kind);
    void save_complaint(const rules::complaint& c);  // insert or update
    std::optional<rules::complaint> load_complaint(const std::string& id);
    std::vector<rules::complaint> open_complaints();
    std::vector<rules::complaint> all_complaints();
    // Complaints posted in [from, to), oldest first (index complaints_posted).
    std::vector<rules::complaint> complaints_posted_between(core::instant from, core::instant to);
    // Complaints whose return-freight record is not written off yet (any status).
    std::vector<rules::complaint> open_freight_complaints();

    // --- events (append-only)
    void append_events(const std::vector<rules::event>& events);
    std::vector<rules::event> events_of(const std::string& complaint_id);
    // Recomputes the event log's hash chain (schema v2: each event carries the SHA-256 of the
    // previous hash and its own fields; UPDATE and DELETE are refused by triggers).
    audit_result verify_audit();

    // --- deadlines: the scheduler's durable table. Jobs use complaint "" and keys "job:<name>".
    // Makes the open deadlines of `complaint_id` exactly `wanted`: new ones inserted, moved ones
    // updated, the rest cancelled. Fired rows stay as history.
    void sync_deadlines(const std::string& complaint_id, const std::vector<rules::deadline>& wanted);
    // Adds one deadline unless a row with its key exists (open, fired or cancelled): used for
    // scheduled jobs, whose keys name the occurrence ("job:daily_summary@2026-11-23").
    void add_deadline(const rules::deadline& d);
    std::vector<rules::deadline> open_deadlines();
    // True when the deadline is still open at `due` (a stale heap entry otherwise).
    bool deadline_open(const std::string& complaint_id, const std::string& key, core::instant due);
    void mark_fired(const std::string& complaint_id, const std::string& key, core::instant fired_at);

    // --- fines
    int next_fine_seq();
    void insert_fine(const rules::fine& f);  // throws storage_error on a second fine for the same stage
    std::optional<rules::fine> load_fine(const std::string& id);
    void update_fine(const rules::fine& f);
    std::vector<rules::fine> fines();
    // Fines issued in [from, to), by id (index fines_issued).
    std::vector<rules::fine> fines_issued_between(core::instant from, core::instant to);
    // Keys of the open scheduled-job deadlines (complaint ""), e.g. "job:sheet@2026-11-23".
    std::vector<std::string> open_job_keys();

    // --- outbox
    void enqueue(const core::outbound_post& post, core::instant at);
    std::vector<outbox_row> pending_outbox(int limit = 1000);
    void mark_sent(std::int64_t id, core::instant at);
    // A failed attempt that will be retried at `next_try_at`.
    void mark_retry(std::int64_t id, int attempts, core::instant next_try_at, const std::string& error);
    // Given up (a permanent platform error): kept for /healthz and the operator. `at` (when given)
    // is recorded as the row's last try, which outbox_failures_since() counts from.
    void mark_failed(std::int64_t id, int attempts, const std::string& error,
                     std::optional<core::instant> at = std::nullopt);
    std::int64_t outbox_failed();
    // The posts given up whose last try was at or after `since` (for /healthz).
    struct failure_summary {
        std::int64_t count = 0;
        core::instant first{};
        core::instant last{};
        std::string chat;        // of the last one
        std::string last_error;  // of the last one
    };
    failure_summary outbox_failures_since(core::instant since);
    std::int64_t outbox_backlog();

  private:
    void migrate();
    // The hot statements are compiled once per connection and reset after each use (compiling
    // costs more than running most of them). Keyed by the SQL constant's address.
    SQLite::Statement& prepared(const char* sql);

    SQLite::Database db_;
    std::map<const char*, std::unique_ptr<SQLite::Statement>> statements_;  // destroyed before db_
};

}  // namespace storage
