// Group commit on a real SQLite file: many messages submitted at once share one transaction (one
// COMMIT, one fsync), each in its own savepoint; duplicates within a batch are processed once; a
// message whose processing throws is rolled back alone; a storage failure fails the whole batch.
#include "pipeline/ingest_batcher.hpp"
#include "storage/sql_console.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <map>

#include "support/harness.hpp"

namespace asio = boost::asio;

namespace {

struct batch_run {
    batch_run() { bench.clock().set(harness::at("09:00")); }  // after the posts' 投诉时间 (08:55)

    harness::bench bench;
    asio::io_context ioc{1};
    std::function<void(const core::inbound_message&)> before;  // a test hook that may throw
    int commits = 0;
    app::ingest_batcher batcher{ioc, bench.db(),
                                [this](const core::inbound_message& m) {
                                    if (before) before(m);
                                    return bench.engine().handle_in_transaction(m);
                                },
                                [this] { ++commits; }};

    // Submits every message "at the same time" (all queued before the loop runs) and runs the
    // loop until each has its verdict.
    std::vector<app::ingest_status> submit_all(const std::vector<core::inbound_message>& msgs) {
        std::vector<app::ingest_status> out(msgs.size(), app::ingest_status::unavailable);
        for (std::size_t i = 0; i < msgs.size(); ++i)
            asio::co_spawn(
                ioc, [&, i]() -> asio::awaitable<void> { out[i] = co_await batcher.submit(msgs[i]); },
                asio::detached);
        ioc.restart();
        ioc.run();
        return out;
    }

    std::int64_t count(const std::string& sql) {
        storage::database reader(bench.db_path());  // a second connection: what is on disk
        return storage::sql_console(reader).scalar(sql);
    }
};

core::inbound_message msg(const std::string& id, const std::string& from, const std::string& text) {
    return {"dingtalk", "group", id, from, text, harness::at("09:00")};
}

}  // namespace

TEST(IngestBatcher, ManyMessagesShareOneCommitAndAllAreDurable) {
    batch_run run;
    std::vector<core::inbound_message> msgs;
    for (int i = 0; i < 100; ++i)
        msgs.push_back(msg("m" + std::to_string(i), "zhangsan", harness::product_post));
    auto verdicts = run.submit_all(msgs);
    for (auto v : verdicts) EXPECT_EQ(v, app::ingest_status::committed);
    EXPECT_EQ(run.commits, 1);
    EXPECT_EQ(run.batcher.stats().batches, 1u);
    EXPECT_EQ(run.batcher.stats().largest, 100u);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM complaints"), 100);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM inbound"), 100);
    // Sequence numbers are assigned in submission order inside the one transaction.
    EXPECT_TRUE(run.bench.complaint("P100"));
    EXPECT_FALSE(run.bench.complaint("P101"));
    if (test_support::on_postgresql()) return;  // the server's commit is durable by itself
    EXPECT_EQ(run.batcher.stats().syncs, 1u);   // the WAL fsync'd on the helper thread before the answers
    // Every other transaction of the connection is back to synchronous=FULL (2).
    EXPECT_EQ(storage::sql_console(run.bench.db()).scalar("PRAGMA synchronous"), 2);
}

TEST(IngestBatcher, WithoutThePipelinedFsyncTheCommitItselfIsFull) {
    harness::bench bench;
    bench.clock().set(harness::at("09:00"));
    asio::io_context ioc{1};
    app::batch_options opts;
    opts.pipelined_fsync = false;
    app::ingest_batcher batcher{
        ioc,
        bench.db(),
        [&](const core::inbound_message& m) { return bench.engine().handle_in_transaction(m); },
        {},
        opts};
    std::vector<app::ingest_status> out(3, app::ingest_status::unavailable);
    for (int i = 0; i < 3; ++i)
        asio::co_spawn(
            ioc,
            [&, i]() -> asio::awaitable<void> {
                out[static_cast<std::size_t>(i)] =
                    co_await batcher.submit(msg("n" + std::to_string(i), "zhangsan", harness::product_post));
            },
            asio::detached);
    ioc.run();
    for (auto v : out) EXPECT_EQ(v, app::ingest_status::committed);
    EXPECT_EQ(batcher.stats().batches, 1u);
    EXPECT_EQ(batcher.stats().syncs, 0u);
    storage::database reader(bench.db_path());
    EXPECT_EQ(reader.complaint_count(), 3);
}

TEST(IngestBatcher, BatchesAreCappedAndTheRestFollowAtOnce) {
    batch_run run;
    std::vector<core::inbound_message> msgs;
    for (int i = 0; i < 300; ++i) msgs.push_back(msg("m" + std::to_string(i), "zhangsan", "帮助"));
    auto verdicts = run.submit_all(msgs);
    for (auto v : verdicts) EXPECT_EQ(v, app::ingest_status::committed);
    EXPECT_EQ(run.batcher.stats().batches, 2u);  // 256 + 44
    EXPECT_EQ(run.batcher.stats().largest, 256u);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM inbound"), 300);
}

TEST(IngestBatcher, TwoCopiesOfOneMessageInOneBatchAreProcessedOnce) {
    batch_run run;
    auto verdicts = run.submit_all({msg("dup", "zhangsan", harness::product_post),
                                    msg("other", "zhangsan", harness::service_post),
                                    msg("dup", "zhangsan", harness::product_post)});
    EXPECT_EQ(run.batcher.stats().batches, 1u);
    for (auto v : verdicts) EXPECT_EQ(v, app::ingest_status::committed);  // both copies answered 2xx
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM complaints"), 2);           // P1 and S1, no P2
    EXPECT_TRUE(run.bench.complaint("P1"));
    EXPECT_FALSE(run.bench.complaint("P2"));
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM outbox"), 2);  // one receipt each
}

TEST(IngestBatcher, AMessageThatThrowsIsRolledBackAloneAndTheOthersCommit) {
    batch_run run;
    // The engine writes the poison message's inbound row, complaint and receipt, then fails.
    run.before = [&](const core::inbound_message& m) {
        if (m.msg_id != "poison") return;
        run.bench.engine().handle_in_transaction(m);
        throw std::runtime_error("simulated bug");
    };
    auto verdicts = run.submit_all({msg("a", "zhangsan", harness::product_post),
                                    msg("poison", "zhangsan", harness::product_post),
                                    msg("b", "zhangsan", harness::product_post)});
    EXPECT_EQ(run.batcher.stats().batches, 1u);
    EXPECT_EQ(verdicts[0], app::ingest_status::committed);
    EXPECT_EQ(verdicts[1], app::ingest_status::rejected);
    EXPECT_EQ(verdicts[2], app::ingest_status::committed);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM complaints"), 2);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM inbound WHERE msg_id = 'poison'"), 0);  // redelivery works
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM outbox"), 2);
    EXPECT_EQ(run.batcher.stats().rejected, 1u);
    // The poison's complaint, rolled back with its savepoint, is not in memory either: P2 is b's.
    EXPECT_EQ(run.bench.engine().live().digest(), app::live_state::digest_of(run.bench.db()));

    // The redelivery of the rejected message is processed normally.
    run.before = nullptr;
    auto again = run.submit_all({msg("poison", "zhangsan", harness::product_post)});
    EXPECT_EQ(again[0], app::ingest_status::committed);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM complaints"), 3);
}

TEST(IngestBatcher, AStorageFailureFailsTheWholeBatchAndCommitsNothing) {
    batch_run run;
    // Every write fails: SQLITE_READONLY, or PostgreSQL's 25006 read-only transaction.
    const bool pg = test_support::on_postgresql();
    storage::sql_console(run.bench.db())
        .exec(pg ? "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY" : "PRAGMA query_only = 1");
    auto verdicts = run.submit_all(
        {msg("a", "zhangsan", harness::product_post), msg("b", "zhangsan", harness::service_post)});
    for (auto v : verdicts) EXPECT_EQ(v, app::ingest_status::unavailable);
    EXPECT_EQ(run.commits, 0);
    EXPECT_EQ(run.batcher.stats().unavailable, 2u);
    storage::sql_console(run.bench.db())
        .exec(pg ? "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE" : "PRAGMA query_only = 0");
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM inbound"), 0);
    EXPECT_EQ(run.bench.engine().live().complaints_held(), 0u);  // nothing committed, nothing held

    // Once the disk is back, the redeliveries commit.
    auto again = run.submit_all(
        {msg("a", "zhangsan", harness::product_post), msg("b", "zhangsan", harness::service_post)});
    for (auto v : again) EXPECT_EQ(v, app::ingest_status::committed);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM complaints"), 2);
}

TEST(IngestBatcher, TheSingleMessageApiStillWorksBetweenBatches) {
    batch_run run;
    EXPECT_EQ(run.bench.engine().handle(msg("s1", "zhangsan", harness::product_post)),
              app::handled::processed);
    auto verdicts = run.submit_all(
        {msg("s1", "zhangsan", harness::product_post), msg("s2", "zhangsan", harness::product_post)});
    for (auto v : verdicts) EXPECT_EQ(v, app::ingest_status::committed);
    EXPECT_EQ(run.count("SELECT COUNT(*) FROM complaints"), 2);  // s1 was a duplicate
}
