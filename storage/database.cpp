#include "storage/database.hpp"

#include <sqlite3.h>

#include "storage/database_impl.hpp"
#include "storage/pg_connection.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite_connection.hpp"

namespace storage {

static_assert(database::schema_version == detail::schema_version);

namespace {

std::unique_ptr<database::impl> open(const std::string& path) try {
    auto own = std::make_unique<detail::sqlite_connection>(path);
    auto& db = own->db();
    db.setBusyTimeout(5000);
    if (path != ":memory:") db.exec("PRAGMA journal_mode = WAL");
    // FULL: every commit is on disk before we acknowledge anything that depends on it.
    db.exec("PRAGMA synchronous = FULL");
    // Savepoint sub-journals (group commit runs each message in one) and temp tables stay in memory:
    // they only matter until the transaction ends, and a crash discards them anyway.
    db.exec("PRAGMA temp_store = MEMORY");
    db.exec("PRAGMA foreign_keys = ON");
    detail::migrate(*own);
    return std::make_unique<database::impl>(std::move(own));
} catch (const SQLite::Exception& e) {
    int code = e.getErrorCode() & 0xff;
    bool read_only_fs = detail::on_read_only_filesystem(path);
    auto kind = read_only_fs ? error_kind::read_only : detail::kind_of(code);
    if (code == SQLITE_READONLY || code == SQLITE_FULL || read_only_fs)
        throw error("cannot open database '" + path +
                        "': " + detail::explain_sqlite(code, read_only_fs ? EROFS : 0, path, e.what()),
                    kind, code);
    throw error("cannot open database '" + path + "': " + e.what() +
                    " (check that the directory exists and is writable, or set `database:` in the config)",
                kind, code);
}

std::unique_ptr<database::impl> open_postgresql(const std::string& url, const database::connect_options& o) {
    auto own = std::make_unique<detail::pg_connection>(url, o.password);
    detail::migrate_postgresql(*own);
    auto p = std::make_unique<database::impl>(std::move(own));
    p->known_change = p->complaints.last_change();  // what a start-up load reads is current
    p->location = url;
    p->password = o.password;
    return p;
}

}  // namespace

bool database::is_postgresql(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

database::database(const std::string& location) : database(location, connect_options{}) {}
database::database(const std::string& location, const connect_options& o)
    : impl_(is_postgresql(location) ? open_postgresql(location, o) : open(location)) {}
database::~database() = default;

std::string database::explain(const std::exception& e) {
    return impl_->conn.explain(e);
}
std::unique_ptr<unit_of_work> database::begin() {
    return std::make_unique<unit_of_work>(*this);
}
std::unique_ptr<unit_of_work> database::read_snapshot() {
    return std::make_unique<unit_of_work>(*this, unit_of_work::mode::read);
}
bool database::in_transaction() {
    return impl_->conn.in_transaction();
}
const std::string& database::path() const {
    return impl_->conn.path();
}

std::string database::journal_mode() {
    if (impl_->conn.kind() == detail::dialect::postgresql) return "postgresql";
    return impl_->conn.scalar_text("PRAGMA journal_mode");
}

void database::set_durability(durability d) {
    if (impl_->conn.kind() == detail::dialect::postgresql) {
        // The server's WAL: on, or acknowledged before it reaches the disk (a crash of the server
        // may lose the last commits, never corrupt the database).
        impl_->conn
            .prepared(d == durability::full ? "SET synchronous_commit = on" : "SET synchronous_commit = off")
            .exec();
        return;
    }
    const char* sql = d == durability::full     ? "PRAGMA synchronous = FULL"
                      : d == durability::normal ? "PRAGMA synchronous = NORMAL"
                                                : "PRAGMA synchronous = OFF";
    impl_->conn.prepared(sql).exec();
}

// Every call below runs its store's SQL and turns an SQLite failure into storage::error.
#define STORAGE_CALL(expr) return impl_->expr

std::optional<std::string> database::meta(const std::string& key) {
    STORAGE_CALL(meta.get(key));
}
void database::set_meta(const std::string& key, const std::string& value) {
    STORAGE_CALL(meta.set(key, value));
}

bool database::seen(const std::string& platform, const std::string& msg_id) {
    STORAGE_CALL(inbound.seen(platform, msg_id));
}
void database::record_inbound(const inbound_row& row) {
    STORAGE_CALL(inbound.record(row));
}
bool database::record_inbound_once(const inbound_row& row) {
    STORAGE_CALL(inbound.record_once(row));
}
std::int64_t database::inbound_count() {
    STORAGE_CALL(inbound.count());
}

int database::next_complaint_seq(rules::complaint_kind kind) {
    STORAGE_CALL(complaints.next_seq(kind));
}
void database::save_complaint(const rules::complaint& c, std::optional<core::instant> updated_at,
                              const rules::complaint* before) {
    STORAGE_CALL(complaints.save(c, updated_at.value_or(c.posted_at), before));
}
std::optional<rules::complaint> database::load_complaint(const std::string& id) {
    STORAGE_CALL(complaints.load(id));
}
std::vector<rules::complaint> database::open_complaints() {
    STORAGE_CALL(complaints.open());
}
std::vector<rules::complaint> database::all_complaints() {
    STORAGE_CALL(complaints.all());
}
std::int64_t database::open_complaint_count() {
    STORAGE_CALL(complaints.open_count());
}
std::vector<rules::complaint> database::open_complaints_after(const std::string& kind, int seq,
                                                              std::size_t limit) {
    STORAGE_CALL(complaints.open_after(kind, seq, limit));
}
std::vector<std::string> database::first_open_ids(std::size_t limit) {
    STORAGE_CALL(complaints.first_open_ids(limit));
}
std::vector<std::string> database::open_ids_awaiting(
    const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting) {
    STORAGE_CALL(complaints.open_awaiting_ids(department, acting));
}
std::vector<rules::complaint> database::complaints_posted_page(core::instant from, core::instant to,
                                                               const std::optional<complaint_key>& after,
                                                               std::size_t limit) {
    STORAGE_CALL(complaints.posted_page(from, to, after, limit));
}
std::optional<complaint_key> database::complaint_key_of(const std::string& id) {
    STORAGE_CALL(complaints.key_of(id));
}
std::vector<rules::complaint> database::complaints_posted_between(core::instant from, core::instant to) {
    STORAGE_CALL(complaints.posted_between(from, to));
}
std::vector<rules::complaint> database::complaints_updated_between(core::instant from, core::instant to) {
    STORAGE_CALL(complaints.updated_between(from, to));
}
std::vector<rules::complaint> database::complaints_on_sheet(std::optional<core::local_date> from,
                                                            std::optional<core::local_date> to) {
    auto text = [](const std::optional<core::local_date>& d) {
        return d ? std::optional<std::string>(core::format_date(*d)) : std::nullopt;
    };
    STORAGE_CALL(complaints.on_sheet_between(text(from), text(to)));
}
std::vector<facts_row> database::complaint_facts_after(std::int64_t seq, std::size_t limit) {
    STORAGE_CALL(complaints.facts_after(seq, limit));
}
std::size_t database::fill_missing_facts() {
    auto tx = begin();
    auto n = impl_->complaints.fill_facts();
    tx->commit();
    return n;
}
std::vector<rules::complaint> database::open_freight_complaints() {
    STORAGE_CALL(complaints.open_freight());
}
std::int64_t database::complaint_count() {
    STORAGE_CALL(complaints.count());
}
std::vector<rules::complaint> database::open_complaints_awaiting(
    const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting) {
    STORAGE_CALL(complaints.open_awaiting(department, acting));
}
std::vector<rules::complaint> database::complaints_for_sheet() {
    STORAGE_CALL(complaints.open_at_forward_step("sheet_pending", std::nullopt));
}
std::vector<rules::complaint> database::complaints_to_forward(core::local_date day) {
    STORAGE_CALL(complaints.open_at_forward_step("on_sheet", core::format_date(day)));
}
std::map<std::string, std::int64_t> database::open_complaints_by_stage() {
    STORAGE_CALL(complaints.open_by_stage());
}

void database::append_events(const std::vector<rules::event>& events) {
    STORAGE_CALL(events.append(events));
}
std::vector<rules::event> database::events_of(const std::string& complaint_id) {
    STORAGE_CALL(events.of(complaint_id));
}
audit_result database::verify_audit() {
    STORAGE_CALL(events.verify(impl_->fines.all()));
}

audit_result database::verify_complaint_audit(const std::string& complaint_id) {
    STORAGE_CALL(events.verify_complaint(complaint_id, impl_->fines.of_complaint(complaint_id)));
}
std::vector<rules::fine> database::fines_of_complaint(const std::string& complaint_id) {
    STORAGE_CALL(fines.of_complaint(complaint_id));
}

void database::sync_deadlines(const std::string& complaint_id, const std::vector<rules::deadline>& wanted,
                              const std::vector<rules::deadline>* open_now) {
    STORAGE_CALL(deadlines.sync(complaint_id, wanted, open_now));
}
bool database::add_deadline(const rules::deadline& d) {
    STORAGE_CALL(deadlines.add(d));
}
std::vector<rules::deadline> database::open_deadlines() {
    STORAGE_CALL(deadlines.open());
}
bool database::deadline_open(const std::string& complaint_id, const std::string& key, core::instant due) {
    STORAGE_CALL(deadlines.is_open(complaint_id, key, due));
}
void database::mark_fired(const std::string& complaint_id, const std::string& key, core::instant fired_at) {
    STORAGE_CALL(deadlines.mark_fired(complaint_id, key, fired_at));
}
std::vector<std::string> database::open_job_keys() {
    STORAGE_CALL(deadlines.open_job_keys());
}

int database::next_fine_seq() {
    STORAGE_CALL(fines.next_seq());
}
void database::insert_fine(const rules::fine& f) {
    STORAGE_CALL(fines.insert(f));
}
std::optional<rules::fine> database::load_fine(const std::string& id) {
    STORAGE_CALL(fines.load(id));
}
void database::update_fine(const rules::fine& f) {
    STORAGE_CALL(fines.update(f));
}
std::vector<rules::fine> database::fines() {
    STORAGE_CALL(fines.all());
}
std::int64_t database::fine_count() {
    return impl_->conn.scalar("SELECT COUNT(*) FROM fines");
}
std::vector<rules::fine> database::fines_issued_between(core::instant from, core::instant to) {
    STORAGE_CALL(fines.issued_between(from, to));
}

void database::enqueue(const core::outbound_post& post, core::instant at) {
    STORAGE_CALL(outbox.enqueue(post, at));
}
std::vector<outbox_row> database::pending_outbox(int limit) {
    STORAGE_CALL(outbox.pending(limit));
}
void database::mark_sent(std::int64_t id, core::instant at) {
    STORAGE_CALL(outbox.mark_sent(id, at));
}
void database::mark_retry(std::int64_t id, int attempts, core::instant next_try_at,
                          const std::string& error) {
    STORAGE_CALL(outbox.mark_retry(id, attempts, next_try_at, error));
}
void database::mark_failed(std::int64_t id, int attempts, const std::string& error,
                           std::optional<core::instant> at) {
    STORAGE_CALL(outbox.mark_failed(id, attempts, error, at));
}
std::int64_t database::outbox_failed() {
    STORAGE_CALL(outbox.failed());
}
database::failure_summary database::outbox_failures_since(core::instant since) {
    STORAGE_CALL(outbox.failures_since(since));
}
std::int64_t database::outbox_backlog() {
    STORAGE_CALL(outbox.backlog());
}

#undef STORAGE_CALL

// --- unit of work

void database::observe(transaction_observer* o) {
    impl_->observer = o;
}
transaction_observer* database::observer() const {
    return impl_->observer;
}

unit_of_work::unit_of_work(database& db, mode m) : db_(db), write_(m == mode::write) {
    auto& c = db_.impl_->conn;
    c.begin(m == mode::write ? detail::connection::begin_mode::write : detail::connection::begin_mode::read);
    // One writer at a time on PostgreSQL too, as SQLite's IMMEDIATE gives: the audit chain, the
    // complaint and fine numbers follow from the rows before them.
    // Holding it, the step first learns what other instances committed since this connection last
    // looked, so it never works on a complaint another instance has changed meanwhile.
    std::optional<std::int64_t> foreign_since;
    if (m == mode::write && c.kind() == detail::dialect::postgresql) {
        try {
            c.prepared(detail::write_lock_sql()).step();
            auto seen = db_.impl_->complaints.last_change();
            if (seen > db_.impl_->known_change) foreign_since = db_.impl_->known_change;
            db_.impl_->known_change = std::max(db_.impl_->known_change, seen);
        } catch (...) {
            c.rollback();
            throw;
        }
    }
    active_ = true;
    if (auto* o = db_.impl_->observer) {
        o->on_begin();
        if (foreign_since) o->on_foreign_changes(*foreign_since);
    }
}

unit_of_work::~unit_of_work() {
    try {
        rollback();
    } catch (...) {  // a failed ROLLBACK: SQLite has already rolled back or will on close
    }
}

void unit_of_work::commit() {
    if (!active_) throw error("commit without a transaction in progress", error_kind::other);
    auto& c = db_.impl_->conn;
    // Its own saves (nobody else wrote meanwhile: it holds the writers' lock) are known already.
    std::int64_t seen = write_ && c.kind() == detail::dialect::postgresql && c.in_transaction()
                            ? db_.impl_->complaints.last_change()
                            : db_.impl_->known_change;
    // The other instances look when it is committed (NOTIFY is delivered on COMMIT, never on rollback).
    if (write_ && c.kind() == detail::dialect::postgresql && c.in_transaction())
        c.prepared("SELECT pg_notify('complaint_bot_changes', '')").step();
    c.commit();
    db_.impl_->known_change = std::max(db_.impl_->known_change, seen);
    active_ = false;
    if (auto* o = db_.impl_->observer) o->on_commit();
}

void unit_of_work::rollback() {
    if (!active_) return;
    active_ = false;
    // Whatever happens to the ROLLBACK itself, nothing of this transaction was committed.
    struct tell {
        transaction_observer* o;
        ~tell() {
            if (o) o->on_rollback();
        }
    } told{db_.impl_->observer};
    auto& c = db_.impl_->conn;
    c.rollback();  // nothing when the backend rolled it back itself
}

namespace {
void check_name(const std::string& name) {
    bool ok = !name.empty() && !(name[0] >= '0' && name[0] <= '9');
    for (char ch : name)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
            ok = false;
    if (!ok) throw error("bad savepoint name '" + name + "': use letters, digits and _", error_kind::other);
}
}  // namespace

void unit_of_work::savepoint(const std::string& name) {
    check_name(name);
    auto& c = db_.impl_->conn;
    c.prepared_text("SAVEPOINT " + name).exec();
    if (auto* o = db_.impl_->observer) o->on_savepoint(name);
}

void unit_of_work::release(const std::string& name) {
    check_name(name);
    auto& c = db_.impl_->conn;
    c.prepared_text("RELEASE " + name).exec();
    if (auto* o = db_.impl_->observer) o->on_release(name);
}

void unit_of_work::rollback_to(const std::string& name) {
    check_name(name);
    auto& c = db_.impl_->conn;
    c.prepared_text("ROLLBACK TO " + name).exec();
    if (auto* o = db_.impl_->observer) o->on_rollback_to(name);
}

}  // namespace storage
