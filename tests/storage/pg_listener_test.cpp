// storage/pg_listener and notify() against real PostgreSQL 15 servers: a NOTIFY arrives when its
// transaction commits and never when it rolls back, and the listener LISTENs again after a restart.
#include "storage/pg_listener.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/pg_server.hpp"

namespace {

using storage::detail::notification;
using storage::detail::pg_connection;
using storage::detail::pg_listener;
using begin_mode = storage::detail::connection::begin_mode;

// Waits on the listener's socket, as the event loop would, until `want` notifications arrived or
// `limit` passed; returns what arrived.
std::vector<notification> wait_for(pg_listener& l, std::size_t want, std::chrono::milliseconds limit) {
    std::vector<notification> got;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
        pollfd p{l.socket(), POLLIN, 0};
        if (::poll(&p, 1, 20) > 0)
            for (auto& n : l.drain()) got.push_back(std::move(n));
    }
    return got;
}

TEST(PgListener, NotifiedOnCommitNeverOnRollback) {
    const auto url = test_support::pg_server::shared().create_database("listener");
    pg_listener listener(url, std::nullopt);
    listener.listen("complaints");
    listener.listen("投诉 \"quoted\"");
    listener.listen("complaints");  // twice is once
    EXPECT_EQ(listener.path(), url);
    ASSERT_GE(listener.socket(), 0);
    pg_connection db(url, std::nullopt);
    const int sender = static_cast<int>(db.scalar("SELECT pg_backend_pid()"));

    db.begin(begin_mode::write);
    storage::detail::notify(db, "complaints", "42");
    EXPECT_TRUE(wait_for(listener, 1, std::chrono::milliseconds(300)).empty());  // not before COMMIT
    db.commit();
    auto got = wait_for(listener, 1, std::chrono::seconds(10));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].channel, "complaints");
    EXPECT_EQ(got[0].payload, "42");
    EXPECT_EQ(got[0].backend_pid, sender);

    db.begin(begin_mode::write);
    storage::detail::notify(db, "complaints", "rolled back");
    db.rollback();
    storage::detail::notify(db, "not listened", "x");
    EXPECT_TRUE(wait_for(listener, 1, std::chrono::milliseconds(500)).empty());

    storage::detail::notify(db, "投诉 \"quoted\"", "客户 7 的投诉");  // outside a transaction: at once
    storage::detail::notify(db, "complaints", "");
    got = wait_for(listener, 2, std::chrono::seconds(10));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].channel, "投诉 \"quoted\"");
    EXPECT_EQ(got[0].payload, "客户 7 的投诉");
    EXPECT_EQ(got[1].channel, "complaints");
    EXPECT_EQ(got[1].payload, "");
    EXPECT_FALSE(listener.take_reconnected());
}

TEST(PgListener, ListensAgainAfterARestart) {
    test_support::pg_server own;
    const auto url = own.create_database("relisten");
    pg_listener listener(url, std::nullopt);
    listener.listen("jobs");
    pg_connection db(url, std::nullopt);

    own.stop();
    pollfd p{listener.socket(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 5000), 1);  // the server closed the connection: readable
    try {
        listener.drain();
        ADD_FAILURE() << "drain() connected to a stopped server";
    } catch (const storage::error& e) {
        EXPECT_EQ(e.kind(), storage::error_kind::io);
        EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(own.port())), std::string::npos)
            << e.what();
    }
    EXPECT_EQ(listener.socket(), -1);

    own.start();
    EXPECT_TRUE(listener.drain().empty());  // connects and LISTENs again
    EXPECT_TRUE(listener.take_reconnected());
    EXPECT_FALSE(listener.take_reconnected());
    ASSERT_GE(listener.socket(), 0);

    db.begin(begin_mode::write);
    storage::detail::notify(db, "jobs", "after restart");
    db.commit();
    auto got = wait_for(listener, 1, std::chrono::seconds(10));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].channel, "jobs");
    EXPECT_EQ(got[0].payload, "after restart");
}

}  // namespace
