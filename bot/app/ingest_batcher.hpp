// Group commit for inbound messages. The HTTP handlers and the Stream client (coroutines on the one
// io_context thread) verify and decode a callback, then submit() the normalized message and await
// its verdict; only then do they answer 2xx or ACK.
//
// Durability guarantee: a message's verdict is `committed` only after the COMMIT of the transaction
// holding it has returned, and the database runs WAL with synchronous=FULL, so that COMMIT has
// fsync'd the WAL: everything answered 2xx/ACKed is on disk before the answer is sent, exactly as
// with one transaction per request. The batcher only shares that fsync among the messages queued
// at the same moment: it takes everything queued (up to max_batch), opens ONE transaction, runs
// each message inside its own SAVEPOINT, commits once and then completes every waiter.
// - A message whose processing throws (a bug, a constraint) is rolled back to its savepoint alone
//   and gets `rejected` (answered 500, so the platform redelivers); the others commit.
// - A storage failure (disk full, read-only, I/O error, or SQLite dropped the transaction) or a
//   failed COMMIT rolls the whole batch back: every waiter gets `unavailable` (503, no ACK).
// - De-duplication by (platform, msg_id) sees the earlier messages of the same batch, because they
//   run in order inside the one transaction: two copies in one batch are processed once and both
//   answered 2xx.
//
// Thread-safety: not thread-safe; construct and use on the io_context's thread.
#pragma once

#include <SQLiteCpp/Statement.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "app/engine.hpp"
#include "core/message.hpp"
#include "storage/database.hpp"

namespace app {

enum class ingest_status {
    committed,   // processed (or a duplicate, or ignored) and durable: answer 2xx / ACK
    rejected,    // its processing failed and was rolled back alone: answer 500, do not ACK
    unavailable  // storage failed, the whole batch was rolled back: answer 503, do not ACK
};

struct batch_options {
    std::size_t max_batch = 256;
    // Before a batch runs, the flush yields to the event loop up to this many times while the
    // queue still grows, so requests that are already readable join the same commit.
    int settle_rounds = 3;
};

struct batch_stats {
    std::uint64_t batches = 0;
    std::uint64_t messages = 0;
    std::uint64_t rejected = 0;
    std::uint64_t unavailable = 0;
    std::size_t largest = 0;
};

class ingest_batcher {
  public:
    // Processes one message inside the batch's open transaction (engine::handle_in_transaction).
    using processor = std::function<handled(const core::inbound_message&)>;
    // Called after each successful COMMIT, before the waiters resume (kick the outbox, re-arm timers).
    using committed_hook = std::function<void()>;

    ingest_batcher(boost::asio::io_context& ioc, storage::database& db, processor process,
                   committed_hook on_commit = {}, batch_options opts = {});

    // Queues `msg` for the next group commit and resumes once its fate is durable.
    boost::asio::awaitable<ingest_status> submit(core::inbound_message msg);

    const batch_stats& stats() const { return stats_; }
    std::size_t queued() const { return queue_.size(); }

  private:
    struct waiter;
    void schedule();
    void settle();
    void flush();
    void run_batch(std::deque<std::shared_ptr<waiter>>& batch);

    boost::asio::io_context& ioc_;
    storage::database& db_;
    processor process_;
    committed_hook on_commit_;
    batch_options opts_;
    std::deque<std::shared_ptr<waiter>> queue_;
    bool scheduled_ = false;
    int rounds_ = 0;
    std::size_t seen_ = 0;
    batch_stats stats_;
    // SAVEPOINT, RELEASE and ROLLBACK TO, compiled once (they run for every message).
    std::unique_ptr<SQLite::Statement> savepoint_, release_, rollback_to_;
};

}  // namespace app
