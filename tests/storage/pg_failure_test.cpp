// storage/pg_connection when things go wrong, against real PostgreSQL 15 servers: a password that
// is never shown, a server that is not there or lacks the database, and a server that stops and
// starts again under an open connection.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "storage/pg_connection.hpp"
#include "support/pg_server.hpp"
#include "support/storage_errors.hpp"
#include "support/test_support.hpp"

namespace {

using storage::error_kind;
using storage::detail::pg_connection;
using begin_mode = storage::detail::connection::begin_mode;

using test_support::caught;

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

constexpr char insert_r[] = "INSERT INTO r (id) VALUES (?)";

void insert(pg_connection& db, std::int64_t id) {
    auto& q = db.prepared(insert_r);
    q.bind(1, id);
    q.exec();
}

TEST(PgPassword, UsedToConnectAndNeverShown) {
    auto& server = test_support::pg_server::shared();
    const std::string role = "app_" + std::to_string(::getpid());
    const std::string password = "Pw-never-shown-4711";
    const auto admin_url = server.create_database("password");
    const std::string db = admin_url.substr(admin_url.rfind('/') + 1);
    server.admin("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
    server.admin("ALTER DATABASE " + db + " OWNER TO " + role);
    server.prepend_hba("host all " + role + " 127.0.0.1/32 scram-sha-256");
    const std::string at = "127.0.0.1:" + std::to_string(server.port());
    const std::string url = "postgresql://" + role + "@" + at + "/" + db + "?sslmode=disable";
    ::setenv("PGPASSFILE", "/nonexistent/pgpass", 1);  // no ~/.pgpass of the machine's

    pg_connection ok(url, password);
    EXPECT_EQ(ok.scalar("SELECT 1"), 1);
    EXPECT_EQ(ok.scalar_text("SELECT current_user"), role);
    EXPECT_EQ(ok.path(), url);
    ok.exec("CREATE TABLE r (id BIGINT PRIMARY KEY)");
    insert(ok, 1);
    auto dup = caught([&] { insert(ok, 1); });
    EXPECT_EQ(dup.kind(), error_kind::constraint);
    const auto line = ok.explain(dup);
    EXPECT_TRUE(has(line, "constraint")) << line;
    EXPECT_TRUE(has(line, at)) << line;
    EXPECT_FALSE(has(line, password)) << line;

    const std::string with_password = "postgresql://" + role + ":" + password + "@" + at + "/" + db +
                                      "?password=" + password + "&sslmode=disable";
    pg_connection in_url(with_password, std::nullopt);
    EXPECT_EQ(in_url.scalar("SELECT count(*) FROM r"), 1);
    EXPECT_EQ(in_url.path(), url);
    EXPECT_FALSE(has(in_url.explain(dup), password));

    auto wrong = caught([&] { pg_connection bad(url, std::string("Wrong-pw-0815")); });
    EXPECT_EQ(wrong.kind(), error_kind::io);
    EXPECT_TRUE(has(wrong.what(), "password authentication failed")) << wrong.what();
    EXPECT_TRUE(has(wrong.what(), "database_password_env")) << wrong.what();
    EXPECT_TRUE(has(wrong.what(), at)) << wrong.what();
    EXPECT_FALSE(has(wrong.what(), "Wrong-pw-0815")) << wrong.what();
    EXPECT_FALSE(has(wrong.what(), password)) << wrong.what();

    auto none = caught([&] { pg_connection bad(url, std::nullopt); });
    EXPECT_EQ(none.kind(), error_kind::io);
    EXPECT_TRUE(has(none.what(), "database_password_env")) << none.what();
}

TEST(PgConnect, ServerDownOrDatabaseMissingSaysWhatToDo) {
    const auto port = std::to_string(test_support::free_port());
    auto down =
        caught([&] { pg_connection db("postgresql://postgres@127.0.0.1:" + port + "/x", std::nullopt); });
    EXPECT_EQ(down.kind(), error_kind::io);
    EXPECT_TRUE(has(down.what(), "127.0.0.1:" + port)) << down.what();
    EXPECT_TRUE(has(down.what(), "Connection refused")) << down.what();
    EXPECT_TRUE(has(down.what(), "PostgreSQL runs")) << down.what();

    auto& server = test_support::pg_server::shared();
    auto missing = caught([&] { pg_connection db(server.url_for("no_such_database"), std::nullopt); });
    EXPECT_EQ(missing.kind(), error_kind::io);
    EXPECT_TRUE(has(missing.what(), "does not exist")) << missing.what();
    EXPECT_TRUE(has(missing.what(), "createdb")) << missing.what();
}

TEST(PgRestart, ReconnectsAtTheNextBeginAndPreparesAgain) {
    test_support::pg_server own;
    const auto url = own.create_database("restart");
    const std::string at = "127.0.0.1:" + std::to_string(own.port());
    pg_connection db(url, std::nullopt);
    db.exec("CREATE TABLE r (id BIGINT PRIMARY KEY)");
    insert(db, 1);
    EXPECT_EQ(db.reconnects(), 0u);

    own.stop();
    auto lost = caught([&] { insert(db, 2); });
    EXPECT_EQ(lost.kind(), error_kind::io);
    const auto line = db.explain(lost);
    EXPECT_TRUE(has(line, "database unreachable: PostgreSQL at " + at)) << line;
    EXPECT_TRUE(has(line, "check that it runs")) << line;
    auto still_down = caught([&] { db.begin(begin_mode::write); });
    EXPECT_EQ(still_down.kind(), error_kind::io);
    EXPECT_TRUE(has(still_down.what(), at)) << still_down.what();
    EXPECT_FALSE(db.in_transaction());

    own.start();
    db.begin(begin_mode::write);  // connects again; the INSERT is prepared again on the new connection
    insert(db, 3);
    db.commit();
    EXPECT_EQ(db.reconnects(), 1u);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM r"), 2);

    // Lost inside a transaction: io, the transaction is gone, the next begin() works.
    db.begin(begin_mode::write);
    insert(db, 4);
    own.stop();
    own.start();
    auto in_tx = caught([&] { insert(db, 5); });
    EXPECT_EQ(in_tx.kind(), error_kind::io);
    EXPECT_FALSE(db.in_transaction());
    db.rollback();
    db.begin(begin_mode::read);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM r"), 2);  // 4 was never committed
    db.commit();

    // A restart between two transactions is not even seen: begin() tries once more.
    own.stop();
    own.start();
    db.begin(begin_mode::write);
    insert(db, 6);
    db.commit();
    EXPECT_EQ(db.scalar("SELECT count(*) FROM r"), 3);
    EXPECT_EQ(db.reconnects(), 3u);
}

TEST(PgServer, StartsWithFsyncOnWhenAsked) {
    test_support::pg_server durable(test_support::pg_server::options{true});
    pg_connection db(durable.create_database("fsync"), std::nullopt);
    EXPECT_EQ(db.scalar_text("SHOW fsync"), "on");
    pg_connection fast(test_support::pg_server::shared().create_database("nofsync"), std::nullopt);
    EXPECT_EQ(fast.scalar_text("SHOW fsync"), "off");
    EXPECT_EQ(fast.scalar_text("SHOW server_encoding"), "UTF8");
}

}  // namespace
