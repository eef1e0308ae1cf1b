// A unit of work: one IMMEDIATE transaction on the database, committed by commit() and rolled back
// by the destructor otherwise, with named savepoints inside it (group commit runs each message in
// one: savepoint, then release, or rollback_to and release when the message fails alone).
//
// Every failure is a storage::error. Not thread-safe: use it on the database's thread.
#pragma once

#include <cstdint>
#include <string>

namespace storage {

class database;

// Told, after the SQL succeeded, what became of the work of the transactions on a database: what a
// cache kept beside it (the engine's live complaints and deadlines) needs in order to publish only
// what COMMIT made durable, and to forget what a savepoint or the transaction rolled back.
// Set with database::observe(); called on the database's thread.
class transaction_observer {
  public:
    virtual ~transaction_observer() = default;
    virtual void on_begin() = 0;
    virtual void on_savepoint(const std::string& name) = 0;
    virtual void on_release(const std::string& name) = 0;
    virtual void on_rollback_to(const std::string& name) = 0;
    virtual void on_commit() = 0;
    virtual void on_rollback() = 0;  // also when SQLite rolled the transaction back itself
    // Another instance on the same (PostgreSQL) database saved complaints since this connection's
    // change number `since` (database::changed_after(since) lists them): called inside the
    // transaction, after on_begin and before anything is written, so what it reads is current and
    // what it keeps is committed already (whether this transaction commits or not). Also between
    // transactions by database::catch_up().
    virtual void on_foreign_changes(std::int64_t since) { (void)since; }
};

class unit_of_work {
  public:
    enum class mode {
        write,  // BEGIN IMMEDIATE: takes the write lock now, so a step never fails half-way on it
        read    // BEGIN (deferred): one consistent snapshot for several reads, on a read-only file too
    };
    explicit unit_of_work(database& db, mode m = mode::write);
    ~unit_of_work();  // ROLLBACK unless committed (errors swallowed)
    unit_of_work(const unit_of_work&) = delete;
    unit_of_work& operator=(const unit_of_work&) = delete;

    void commit();
    // Explicit rollback (the destructor does it too); a no-op once committed or rolled back.
    void rollback();
    bool active() const { return active_; }

    // SAVEPOINT name / RELEASE name / ROLLBACK TO name. `name` is an SQL identifier chosen by the
    // program ([A-Za-z_][A-Za-z0-9_]*), never user input.
    void savepoint(const std::string& name);
    void release(const std::string& name);
    void rollback_to(const std::string& name);

  private:
    database& db_;
    bool active_ = false;
};

}  // namespace storage
