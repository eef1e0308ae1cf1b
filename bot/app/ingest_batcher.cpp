#include "app/ingest_batcher.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

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
    if (sqlite3_get_autocommit(db.raw().getHandle()) != 0) return true;  // SQLite rolled it back itself
    const auto* se = dynamic_cast<const SQLite::Exception*>(&e);
    if (se == nullptr) return false;
    switch (se->getErrorCode() & 0xff) {
        case SQLITE_FULL:
        case SQLITE_IOERR:
        case SQLITE_READONLY:
        case SQLITE_CANTOPEN:
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_NOMEM:
        case SQLITE_PROTOCOL:
        case SQLITE_PERM:
            return true;
        default:
            return false;
    }
}

}  // namespace

ingest_batcher::ingest_batcher(asio::io_context& ioc, storage::database& db, processor process,
                               committed_hook on_commit, batch_options opts)
    : ioc_(ioc), db_(db), process_(std::move(process)), on_commit_(std::move(on_commit)), opts_(opts) {
    opts_.max_batch = std::max<std::size_t>(opts_.max_batch, 1);
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
        run_batch(batch);
        for (auto& w : batch) {
            w->done = true;
            w->timer.cancel();
        }
    }
}

void ingest_batcher::run_batch(std::deque<std::shared_ptr<waiter>>& batch) {
    std::uint64_t rejected = 0;
    auto run = [](std::unique_ptr<SQLite::Statement>& st) {
        st->tryReset();
        st->exec();
    };
    try {
        if (!savepoint_) {
            savepoint_ = std::make_unique<SQLite::Statement>(db_.raw(), "SAVEPOINT ingest_message");
            release_ = std::make_unique<SQLite::Statement>(db_.raw(), "RELEASE ingest_message");
            rollback_to_ = std::make_unique<SQLite::Statement>(db_.raw(), "ROLLBACK TO ingest_message");
        }
        auto tx = db_.begin();
        for (auto& w : batch) {
            run(savepoint_);
            try {
                process_(w->msg);
                run(release_);
                w->status = ingest_status::committed;
            } catch (const std::exception& e) {
                if (storage_failure(e, db_)) throw;
                run(rollback_to_);
                run(release_);
                w->status = ingest_status::rejected;
                ++rejected;
                spdlog::error(
                    "a {} message could not be processed and was rolled back alone: {} (answered 500, so "
                    "the platform redelivers it)",
                    w->msg.platform, e.what());
            }
        }
        tx->commit();  // synchronous=FULL: the WAL is fsync'd before this returns
    } catch (const std::exception& e) {
        for (auto& w : batch) w->status = ingest_status::unavailable;
        ++stats_.batches;
        stats_.unavailable += batch.size();
        spdlog::error(
            "could not commit a batch of {} message(s): {} (none acknowledged, so the platforms redeliver; "
            "check disk space and permissions of the database)",
            batch.size(), e.what());
        return;
    }
    ++stats_.batches;
    stats_.messages += batch.size() - rejected;
    stats_.rejected += rejected;
    stats_.largest = std::max(stats_.largest, batch.size());
    if (on_commit_) {
        try {
            on_commit_();
        } catch (const std::exception& e) {
            spdlog::error("after a commit: {}", e.what());
        }
    }
}

}  // namespace app
