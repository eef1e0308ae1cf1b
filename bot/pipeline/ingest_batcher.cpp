#include "pipeline/ingest_batcher.hpp"

#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace app {

namespace asio = boost::asio;

struct ingest_batcher::waiter {
    explicit waiter(asio::io_context& ioc, core::inbound_message m)
        : msg(std::move(m)), timer(ioc, asio::steady_timer::time_point::max()) {}
    core::inbound_message msg;
    asio::steady_timer timer;  // cancelled when the verdict is in
    ingest_status status = ingest_status::unavailable;
    bool done = false;
};

namespace {

// Errors that are about the database file or the connection, not about one message: the batch's
// transaction cannot be trusted any more.
bool storage_failure(const std::exception& e, storage::database& db) {
    if (!db.in_transaction()) return true;  // SQLite rolled it back itself
    const auto* se = dynamic_cast<const storage::error*>(&e);
    return se != nullptr && se->is_storage_failure();
}

// fdatasync of one file (and, when asked, fsync of its directory). Returns 0 or the errno.
int sync_file(const std::string& path, bool and_directory) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int err = ::fdatasync(fd) == 0 ? 0 : errno;
    ::close(fd);
    if (err != 0 || !and_directory) return err;
    auto dir = std::filesystem::path(path).parent_path();
    fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    err = ::fsync(fd) == 0 ? 0 : errno;
    ::close(fd);
    return err;
}

}  // namespace

ingest_batcher::ingest_batcher(asio::io_context& ioc, storage::database& db, processor process,
                               committed_hook on_commit, batch_options opts)
    : ioc_(ioc), db_(db), process_(std::move(process)), on_commit_(std::move(on_commit)), opts_(opts) {
    opts_.max_batch = std::max<std::size_t>(opts_.max_batch, 1);
    if (opts_.pipelined_fsync) {
        auto mode = db_.journal_mode();
        const auto& file = db_.path();
        if (mode == "wal" && !file.empty() && file != ":memory:") {
            wal_path_ = file + "-wal";
            fsync_thread_ = std::make_unique<asio::thread_pool>(1);
        }
    }
}

ingest_batcher::~ingest_batcher() {
    if (fsync_thread_) fsync_thread_->join();  // a sync in flight finishes; its completion is dropped
}

asio::awaitable<ingest_status> ingest_batcher::submit(core::inbound_message msg) {
    auto w = std::make_shared<waiter>(ioc_, std::move(msg));
    queue_.push_back(w);
    schedule();
    // The flush runs from the event loop, never inside this call, so the wait below is always
    // started before the verdict can arrive; `done` guards it anyway.
    while (!w->done) co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return w->status;
}

void ingest_batcher::schedule() {
    if (scheduled_) return;
    scheduled_ = true;
    rounds_ = 0;
    seen_ = 0;
    asio::post(ioc_, [this] { settle(); });
}

void ingest_batcher::settle() {
    // Requests already readable on other connections are one or two loop turns behind the first:
    // let them queue up while the queue keeps growing, then commit them all at once.
    if (queue_.size() > seen_ && queue_.size() < opts_.max_batch && rounds_ < opts_.settle_rounds) {
        seen_ = queue_.size();
        ++rounds_;
        asio::post(ioc_, [this] { settle(); });
        return;
    }
    flush();
}

void ingest_batcher::flush() {
    scheduled_ = false;
    while (!queue_.empty()) {
        std::deque<std::shared_ptr<waiter>> batch;
        while (!queue_.empty() && batch.size() < opts_.max_batch) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        bool committed = run_batch(batch);
        if (committed && fsync_thread_) {
            unsynced_.push_back(std::move(batch));  // answered once the WAL is on disk
            start_sync();
            continue;
        }
        if (committed) after_commit();
        complete(batch);
    }
}

void ingest_batcher::complete(std::deque<std::shared_ptr<waiter>>& batch) {
    for (auto& w : batch) {
        w->done = true;
        w->timer.cancel();
    }
}

void ingest_batcher::after_commit() {
    if (!on_commit_) return;
    try {
        on_commit_();
    } catch (const std::exception& e) {
        spdlog::error("after a commit: {}", e.what());
    }
}

void ingest_batcher::start_sync() {
    if (syncing_ || unsynced_.empty()) return;
    syncing_ = true;
    // Every batch committed so far is in the WAL (written, maybe not yet on disk); one fdatasync
    // that starts now covers them all. Batches committed while it runs wait for the next one.
    auto batches = std::make_shared<std::vector<std::deque<std::shared_ptr<waiter>>>>(std::move(unsynced_));
    unsynced_.clear();
    bool first = !dir_synced_;
    dir_synced_ = true;
    std::weak_ptr<int> alive = alive_;
    asio::post(*fsync_thread_,
               [this, batches, alive, first, path = wal_path_, work = asio::make_work_guard(ioc_)]() mutable {
                   int err = sync_file(path, first);
                   asio::post(work.get_executor(), [this, batches, alive, err] {
                       if (alive.expired()) return;
                       finish_sync(*batches, err);
                   });
                   work.reset();
               });
}

void ingest_batcher::finish_sync(std::vector<std::deque<std::shared_ptr<waiter>>>& batches, int err) {
    syncing_ = false;
    if (err != 0) {
        // After a failed fsync the kernel may have dropped the dirty pages: what SQLite shows as
        // committed can no longer be trusted, and answering these callbacks would be a lie. Stop
        // hard, as PostgreSQL does; on restart SQLite recovers what is on disk and the platforms
        // redeliver everything that was not acknowledged.
        spdlog::critical("fsync of {} failed: {}; stopping so that nothing unsynced is acknowledged",
                         wal_path_, std::strerror(err));
        std::abort();
    }
    ++stats_.syncs;
    after_commit();
    for (auto& b : batches) complete(b);
    start_sync();
}

bool ingest_batcher::run_batch(std::deque<std::shared_ptr<waiter>>& batch) {
    std::uint64_t rejected = 0;
    // With the fsync pipelined, the batch's COMMIT only writes the WAL (synchronous=NORMAL) and the
    // helper thread fdatasyncs it; every other transaction of the connection keeps FULL.
    struct synchronous_full_again {
        ingest_batcher& b;
        ~synchronous_full_again() {
            if (!b.relax_sync_) return;
            try {
                b.db_.set_durability(storage::durability::full);
            } catch (const std::exception& e) {
                spdlog::error("could not restore synchronous=FULL: {}", e.what());
            }
        }
    } restore{*this};
    try {
        relax_sync_ = fsync_thread_ != nullptr;
        if (relax_sync_) db_.set_durability(storage::durability::normal);
        auto tx = db_.begin();
        for (auto& w : batch) {
            tx->savepoint("ingest_message");
            try {
                process_(w->msg);
                tx->release("ingest_message");
                w->status = ingest_status::committed;
            } catch (const std::exception& e) {
                if (storage_failure(e, db_)) throw;
                tx->rollback_to("ingest_message");
                tx->release("ingest_message");
                w->status = ingest_status::rejected;
                ++rejected;
                spdlog::error(
                    "a {} message could not be processed and was rolled back alone: {} (answered 500, so "
                    "the platform redelivers it)",
                    w->msg.platform, e.what());
            }
        }
        tx->commit();  // FULL: fsync'd before this returns; pipelined: fsync'd before anyone is answered
    } catch (const std::exception& e) {
        for (auto& w : batch) w->status = ingest_status::unavailable;
        ++stats_.batches;
        stats_.unavailable += batch.size();
        spdlog::error(
            "could not commit a batch of {} message(s): {} (none acknowledged, so the platforms redeliver)",
            batch.size(), db_.explain(e));
        return false;
    }
    ++stats_.batches;
    stats_.messages += batch.size() - rejected;
    stats_.rejected += rejected;
    stats_.largest = std::max(stats_.largest, batch.size());
    return true;
}

}  // namespace app
