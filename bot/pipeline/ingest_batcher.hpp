// Group commit for inbound messages. The HTTP handlers and the Stream client (coroutines on the one
// io_context thread) verify and decode a callback, then submit() the normalized message and await
// its verdict; only then do they answer 2xx or ACK.
//
// Durability guarantee: a message's verdict is `committed` only after the transaction holding it
// has committed AND the WAL holding that commit has been fsync'd, so everything answered 2xx/ACKed
// is on disk before the answer is sent, exactly as with one synchronous=FULL transaction per
// request. The batcher only shares the fsync among the messages queued at the same moment: it takes
// everything queued (up to max_batch), opens ONE transaction, runs each message inside its own
// SAVEPOINT, commits once and then completes every waiter.
// With a WAL database (pipelined_fsync, the default) the fsync leaves the loop thread: the batch
// commits with synchronous=NORMAL (the frames are written to the WAL, not yet synced), a helper
// thread fdatasyncs the WAL file — which covers every frame written before it started — and only
// then are that batch's waiters completed, while the loop already processes the next batch. Every
// other transaction of the connection keeps synchronous=FULL. A failed fsync stops the process
// (nothing it covered can be trusted); the platforms redeliver what was not acknowledged. Until the
// fsync returns, the batch's rows are visible to the connection (e.g. the outbox sender may post a
// receipt a few ms early); a crash in that window loses a complaint nobody was told was stored,
// which the platform redelivers, so at worst a receipt is posted twice (the outbox is
// at-least-once anyway).
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

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "pipeline/engine.hpp"
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
    // fsync the WAL on a helper thread while the loop goes on (WAL databases only; see above).
    bool pipelined_fsync = true;
};

struct batch_stats {
    std::uint64_t batches = 0;
    std::uint64_t messages = 0;
    std::uint64_t rejected = 0;
    std::uint64_t unavailable = 0;
    std::size_t largest = 0;
    std::uint64_t syncs = 0;  // pipelined fsyncs of the WAL (each covers one or more batches)
};

class ingest_batcher {
  public:
    // Processes one message inside the batch's open transaction (engine::handle_in_transaction).
    using processor = std::function<handled(const core::inbound_message&)>;
    // Called after each successful COMMIT, before the waiters resume (kick the outbox, re-arm timers).
    using committed_hook = std::function<void()>;

    ingest_batcher(boost::asio::io_context& ioc, storage::database& db, processor process,
                   committed_hook on_commit = {}, batch_options opts = {});
    ~ingest_batcher();
    ingest_batcher(const ingest_batcher&) = delete;
    ingest_batcher& operator=(const ingest_batcher&) = delete;

    // Queues `msg` for the next group commit and resumes once its fate is durable.
    boost::asio::awaitable<ingest_status> submit(core::inbound_message msg);

    const batch_stats& stats() const { return stats_; }
    std::size_t queued() const { return queue_.size(); }

  private:
    struct waiter;
    void schedule();
    void settle();
    void flush();
    // True when the batch committed (its statuses are set either way).
    bool run_batch(std::deque<std::shared_ptr<waiter>>& batch);
    void complete(std::deque<std::shared_ptr<waiter>>& batch);
    void after_commit();
    void start_sync();
    void finish_sync(std::vector<std::deque<std::shared_ptr<waiter>>>& batches, int err);

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
    bool relax_sync_ = false;  // pipelined fsync: each batch's COMMIT at synchronous=NORMAL
    // Pipelined fsync: the WAL's path, the helper thread, the committed batches not yet synced.
    std::string wal_path_;
    std::vector<std::deque<std::shared_ptr<waiter>>> unsynced_;
    bool syncing_ = false;
    bool dir_synced_ = false;  // the WAL's directory entry is fsync'd once, with the first sync
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
    std::unique_ptr<boost::asio::thread_pool> fsync_thread_;  // last: joined first
};

}  // namespace app
