// SQLite storage: WAL, schema migrations by PRAGMA user_version, and one small store per table
// group (storage/*_store.cpp) behind this façade. Each workflow step runs inside one unit of work
// (begin()), so its events, deadline changes, fines and outbox rows commit together or not at all.
// Every failure is a storage::error (storage/errors.hpp): SQLite stays inside storage/.
//
// Thread-safety: one database object per thread; the bot uses it from the loop thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/message.hpp"
#include "rules/workflow.hpp"
#include "storage/errors.hpp"
#include "storage/records.hpp"
#include "storage/unit_of_work.hpp"

namespace storage {

namespace detail {
class connection;
}
class database;
struct copy_result;
copy_result copy_database(database& from, database& to);

// How hard a COMMIT waits for the disk (PRAGMA synchronous).
enum class durability {
    full,    // every commit is on disk before it returns (the default)
    normal,  // WAL written, fsync left to a checkpoint or to the caller (pipelined group commit)
    off,     // no fsync at all (replay into a scratch file)
};

class database {
  public:
    // Opens (creating when missing) and migrates the database at `path` (":memory:" for tests).
    // Throws storage::error naming the file and the fix when it cannot be opened or is too new.
    // `path` may also be a PostgreSQL URL (postgresql://user@host:port/db): the same tables, stores
    // and unit of work on that server (storage/pg_connection.hpp).
    explicit database(const std::string& path);
    struct connect_options {
        std::optional<std::string> password;  // PostgreSQL's (else libpq's PGPASSFILE / ~/.pgpass)
    };
    database(const std::string& location, const connect_options& o);
    // True for a postgresql:// or postgres:// URL.
    static bool is_postgresql(const std::string& location);
    // Opens an existing database read-only (`whatif`, which must leave it untouched): nothing is
    // created, migrated or written. Throws storage::error when it is missing, unreadable, or of
    // another schema version (open it once with this version's `report` to migrate it).
    struct read_only_t {};
    static constexpr read_only_t read_only{};
    database(const std::string& path, read_only_t);
    ~database();
    database(const database&) = delete;
    database& operator=(const database&) = delete;

    static constexpr int schema_version = 9;

    // One line for the operator: what a failed database call means and how to fix it ("disk full",
    // "read-only", "busy", "corrupt"), naming the file. The connection stays usable: the failed
    // transaction is rolled back and the next one works once the cause is gone.
    std::string explain(const std::exception& e);
    // Starts an IMMEDIATE transaction; it rolls back unless commit() is called.
    std::unique_ptr<unit_of_work> begin();
    // One consistent snapshot for several reads (works on a read-only database); commit() ends it.
    std::unique_ptr<unit_of_work> read_snapshot();
    // True while a transaction is open on the connection (false after SQLite rolled one back
    // itself, e.g. on a full disk).
    bool in_transaction();
    // The file, or the URL without its password.
    const std::string& path() const;
    // "wal", "memory", "delete"…
    std::string journal_mode();
    void set_durability(durability d);
    // The one observer of this database's transactions (nullptr: none). The observer must outlive
    // the database or be removed first.
    void observe(transaction_observer* o);
    transaction_observer* observer() const;

    // --- meta
    std::optional<std::string> meta(const std::string& key);
    void set_meta(const std::string& key, const std::string& value);

    // --- inbound de-duplication
    bool seen(const std::string& platform, const std::string& msg_id);
    void record_inbound(const inbound_row& row);
    // seen() and record_inbound() in one statement (one round trip to a server): false when the
    // message was recorded before (a redelivery), and then nothing is written.
    bool record_inbound_once(const inbound_row& row);
    std::int64_t inbound_count();
    // The recorded messages received before `to`, in the order they were recorded.
    std::vector<inbound_row> inbound_before(core::instant to);
    // The latest time the database knows of: a message, an event, a fired deadline or a replay's
    // clock (what a replay of its messages may run up to). Unset when it holds none of these.
    std::optional<core::instant> latest_activity();

    // --- complaints
    int next_complaint_seq(rules::complaint_kind kind);
    // Inserts or updates; `updated_at` is the time of the step that changed it (default: posted_at).
    // `before`: the complaint as the database holds it now, when the caller keeps it in memory (its
    // rows need not be read back).
    void save_complaint(const rules::complaint& c, std::optional<core::instant> updated_at = std::nullopt,
                        const rules::complaint* before = nullptr);
    std::optional<rules::complaint> load_complaint(const std::string& id);
    std::vector<rules::complaint> open_complaints();
    std::vector<rules::complaint> all_complaints();
    // How many are open; the first `limit` open by kind and number (index complaints_open_order)
    // and the open ones a department must act on, as ids only, for a caller holding the complaints
    // in memory: the 待办 of a company with thousands open reads only what it lists.
    std::int64_t open_complaint_count();
    std::vector<std::string> first_open_ids(std::size_t limit);
    // The open complaints page by page: the next `limit` after (kind name, seq) ("", 0: the first).
    std::vector<rules::complaint> open_complaints_after(const std::string& kind, int seq, std::size_t limit);
    std::vector<std::string> open_ids_awaiting(
        const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting);
    // Complaints posted in [from, to), oldest first (index complaints_posted).
    std::vector<rules::complaint> complaints_posted_between(core::instant from, core::instant to);
    // A page of those: the next `limit` after `after` (none: the first), in the same order.
    std::vector<rules::complaint> complaints_posted_page(core::instant from, core::instant to,
                                                         const std::optional<complaint_key>& after,
                                                         std::size_t limit);
    // Complaint `id`'s place in that order; nullopt when there is no such complaint.
    std::optional<complaint_key> complaint_key_of(const std::string& id);
    // Complaints changed by a step in [from, to), any status (no index: the weekly report's 回访
    // figures read it once a week).
    std::vector<rules::complaint> complaints_updated_between(core::instant from, core::instant to);
    // The complaints on the 流程表 of the days from..to (either end open), by sheet date.
    std::vector<rules::complaint> complaints_on_sheet(std::optional<core::local_date> from,
                                                      std::optional<core::local_date> to);
    // Complaints whose return-freight record is not written off yet (any status).
    std::vector<rules::complaint> open_freight_complaints();
    // The facts of the complaints saved after save number `seq` (0: all), at most `limit`, oldest
    // save first: a reader that keeps the last number it read sees every later change.
    std::vector<facts_row> complaint_facts_after(std::int64_t seq, std::size_t limit);
    // Works out the facts of the complaints that have none (rows inserted by plain SQL, as the
    // benchmarks' copies are), in one transaction; returns how many.
    std::size_t fill_missing_facts();
    std::int64_t complaint_count();
    // 待办 of one department, by the indexed columns: the open complaints in the respond stage that
    // `department` has not answered yet, and those pending at a stage it acts on (`acting`: kind
    // name and stage, e.g. {"product", "accept"}), by kind and number. A superset of what
    // rules::todo_list shows for the department when `acting` comes from the same config.
    std::vector<rules::complaint> open_complaints_awaiting(
        const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting);
    // Open compensation complaints not on a 质量投诉处理流程表 yet (the 17:30 sheet's candidates).
    std::vector<rules::complaint> complaints_for_sheet();
    // Open complaints whose sheet is of a day before `day` and not forwarded to the VP yet.
    std::vector<rules::complaint> complaints_to_forward(core::local_date day);
    // Open complaints per pending stage ("" for those past every stage: the compensation flow).
    std::map<std::string, std::int64_t> open_complaints_by_stage();

    // --- events (append-only)
    void append_events(const std::vector<rules::event>& events);
    std::vector<rules::event> events_of(const std::string& complaint_id);
    // Recomputes the event log's hash chain (schema v2: each event carries the SHA-256 of the
    // previous hash and its own fields; UPDATE and DELETE are refused by triggers).
    audit_result verify_audit();
    // The audit verdict for one complaint: its events and the fines issued on it (see event_store).
    audit_result verify_complaint_audit(const std::string& complaint_id);

    // --- deadlines: the scheduler's durable table. Jobs use complaint "" and keys "job:<name>".
    // Makes the open deadlines of `complaint_id` exactly `wanted`: new ones inserted, moved ones
    // updated, the rest cancelled. Fired rows stay as history.
    // `open_now`: the complaint's open deadlines as the caller holds them in memory (spares the read).
    void sync_deadlines(const std::string& complaint_id, const std::vector<rules::deadline>& wanted,
                        const std::vector<rules::deadline>* open_now = nullptr);
    // Adds one deadline unless a row with its key exists (open, fired or cancelled): used for
    // scheduled jobs, whose keys name the occurrence ("job:daily_summary@2026-11-23").
    // Returns whether it was added.
    bool add_deadline(const rules::deadline& d);
    std::vector<rules::deadline> open_deadlines();
    // True when the deadline is still open at `due` (a stale heap entry otherwise).
    bool deadline_open(const std::string& complaint_id, const std::string& key, core::instant due);
    void mark_fired(const std::string& complaint_id, const std::string& key, core::instant fired_at);
    // Keys of the open scheduled-job deadlines (complaint ""), e.g. "job:sheet@2026-11-23".
    std::vector<std::string> open_job_keys();

    // --- fines
    int next_fine_seq();
    void insert_fine(const rules::fine& f);  // throws storage::error on a second fine for the same stage
    std::optional<rules::fine> load_fine(const std::string& id);
    void update_fine(const rules::fine& f);
    std::vector<rules::fine> fines();
    // The fines issued on one complaint, by id (the index of UNIQUE(complaint_id, …)).
    std::vector<rules::fine> fines_of_complaint(const std::string& complaint_id);
    std::int64_t fine_count();
    // Fines issued in [from, to), by id (index fines_issued).
    std::vector<rules::fine> fines_issued_between(core::instant from, core::instant to);

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
    using failure_summary = storage::failure_summary;
    // The posts given up whose last try was at or after `since` (for /healthz).
    failure_summary outbox_failures_since(core::instant since);
    std::int64_t outbox_backlog();

    // --- dashboard accounts and sessions (schema v5; storage/database_accounts.cpp)
    // Sets the person's password hash, lifts a lockout, and ends their sessions and failed logins.
    void set_account(const std::string& person, const std::string& password_hash, core::instant at);
    // Removes the account with its sessions and failed logins; false when there was none.
    bool remove_account(const std::string& person);
    std::optional<account_row> account(const std::string& person);
    std::vector<std::string> account_people();
    void lock_account(const std::string& person, core::instant until);
    void add_session(const session_row& s);
    std::optional<session_row> session(const std::string& id_hash);
    void touch_session(const std::string& id_hash, core::instant at);
    bool remove_session(const std::string& id_hash);
    std::int64_t remove_sessions_idle_since(core::instant before);
    // Records a failed login at `at`; returns the person's failures at or after `since`.
    std::int64_t add_login_failure(const std::string& person, core::instant at, core::instant since);
    void clear_login_failures(const std::string& person);

    // --- several instances on one PostgreSQL database (schema v9; storage/database_shared.cpp)
    // True on PostgreSQL: other instances may write this database too.
    bool shared() const;
    // The complaint change feed: the latest save's number (0 on SQLite) and the complaints saved after `seq`.
    std::int64_t last_change();
    std::vector<std::string> changed_after(std::int64_t seq);
    // Between transactions: tells the observer what other instances changed since this connection
    // last looked (on_foreign_changes), in one read snapshot. Returns whether anything had changed.
    bool catch_up();
    // The open deadlines of one complaint.
    std::vector<rules::deadline> open_deadlines_of(const std::string& complaint_id);
    // In the current transaction: the deadline is open at `due` and now locked for this transaction
    // (FOR UPDATE SKIP LOCKED on PostgreSQL): fire it. False: fired, moved or being fired elsewhere.
    bool claim_deadline(const std::string& complaint_id, const std::string& key, core::instant due);
    // Expiring leases for what only one instance may do (autocommit; not inside a transaction).
    bool take_lease(const std::string& name, const std::string& holder, core::instant now,
                    core::duration ttl);
    void drop_lease(const std::string& name, const std::string& holder);
    std::optional<std::string> lease_holder(const std::string& name, core::instant now);
    // A robot's rate limit held in the database, so that all instances together keep it: a slot at
    // `now` when fewer than `per_minute` requests went out in the last minute, the last at least
    // `spacing` ago and the bucket not blocked; otherwise when to ask again. Its own short
    // transaction (not inside another).
    struct rate_answer {
        bool taken = false;
        core::instant retry_at{};
    };
    rate_answer take_rate_slot(const std::string& bucket, int per_minute, core::duration spacing,
                               core::instant now);
    // The request of the slot taken at `taken` was answered at `answered`: the spacing counts from there.
    void stamp_rate_slot(const std::string& bucket, core::instant taken, core::instant answered);
    // The platform said "too fast": nobody sends through the bucket before `until`.
    void block_rate_bucket(const std::string& bucket, core::instant until);

    struct impl;  // the connection and the stores (storage/database.cpp)

  private:
    friend class unit_of_work;
    friend class sql_console;
    friend copy_result copy_database(database& from, database& to);
    friend class change_listener;
    std::unique_ptr<impl> impl_;
};

}  // namespace storage
