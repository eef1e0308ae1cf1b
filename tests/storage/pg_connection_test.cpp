// storage/pg_connection against a real PostgreSQL 15 (tests/support/pg_server): placeholders, the
// round trip of every type, constraint failures and what they do to the transaction, ON CONFLICT
// and RETURNING, read-only snapshots, what errors say, and the reset after a restart.
#include "storage/pg_connection.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

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

class PgConnection : public ::testing::Test {
  protected:
    void SetUp() override {
        url = test_support::pg_server::shared().create_database(
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        db = std::make_unique<pg_connection>(url, std::nullopt);
    }
    std::string url;
    std::unique_ptr<pg_connection> db;
};

constexpr char insert_u[] = "INSERT INTO u (id, v) VALUES (?, ?)";
constexpr char insert_r[] = "INSERT INTO r (id) VALUES (?)";

TEST(PgPlaceholders, NumberedOutsideQuotedTextAndComments) {
    int n = 0;
    EXPECT_EQ(storage::detail::number_placeholders("SELECT ?, '?', \"a?\", ? -- ?\nFROM t WHERE x = ?", n),
              "SELECT $1, '?', \"a?\", $2 -- ?\nFROM t WHERE x = $3");
    EXPECT_EQ(n, 3);
    EXPECT_EQ(storage::detail::number_placeholders("SELECT 'it''s ?', E'\\'?', ?, /* ? */ $$ ? $$, $1", n),
              "SELECT 'it''s ?', E'\\'?', $1, /* ? */ $$ ? $$, $1");
    EXPECT_EQ(n, 1);
    EXPECT_EQ(storage::detail::number_placeholders("SELECT 1", n), "SELECT 1");
    EXPECT_EQ(n, 0);
}

TEST(PgErrors, SqlstateKinds) {
    using storage::detail::kind_of_sqlstate;
    EXPECT_EQ(kind_of_sqlstate("23505"), error_kind::constraint);
    EXPECT_EQ(kind_of_sqlstate("23503"), error_kind::constraint);
    EXPECT_EQ(kind_of_sqlstate("40001"), error_kind::busy);
    EXPECT_EQ(kind_of_sqlstate("40P01"), error_kind::busy);
    EXPECT_EQ(kind_of_sqlstate("55P03"), error_kind::locked);
    EXPECT_EQ(kind_of_sqlstate("57014"), error_kind::locked);
    EXPECT_EQ(kind_of_sqlstate("53100"), error_kind::full);
    EXPECT_EQ(kind_of_sqlstate("25006"), error_kind::read_only);
    EXPECT_EQ(kind_of_sqlstate("08006"), error_kind::io);
    EXPECT_EQ(kind_of_sqlstate("57P01"), error_kind::io);
    EXPECT_EQ(kind_of_sqlstate("57P03"), error_kind::io);
    EXPECT_EQ(kind_of_sqlstate("XX001"), error_kind::corrupt);
    EXPECT_EQ(kind_of_sqlstate("XX002"), error_kind::corrupt);
    EXPECT_EQ(kind_of_sqlstate("42P01"), error_kind::other);
    EXPECT_EQ(kind_of_sqlstate("25P02"), error_kind::other);
    EXPECT_EQ(kind_of_sqlstate(""), error_kind::other);
}

TEST(PgErrors, PasswordLeftOutOfUrls) {
    using storage::detail::without_password;
    EXPECT_EQ(without_password("postgresql://bot:s3cret@db.example:5433/complaints?sslmode=require"),
              "postgresql://bot@db.example:5433/complaints?sslmode=require");
    EXPECT_EQ(without_password("postgresql://bot@h/db?password=s3cret&sslmode=verify-full"),
              "postgresql://bot@h/db?sslmode=verify-full");
    EXPECT_EQ(without_password("postgres://bot:pw@h"), "postgres://bot@h");
    EXPECT_EQ(without_password("postgresql://h/db?password=x"), "postgresql://h/db");
    EXPECT_EQ(without_password("host=h password='a b\\' c' user=u"), "host=h user=u");
    EXPECT_EQ(without_password("postgresql://bot@h:5432/db"), "postgresql://bot@h:5432/db");
}

TEST_F(PgConnection, PlaceholdersInsideQuotedTextAreLeftAlone) {
    EXPECT_EQ(db->kind(), storage::detail::dialect::postgresql);
    auto q = db->make("SELECT ?, '?', ? || '-?' -- ?");
    q->bind(1, "a");
    q->bind(2, "b");
    ASSERT_TRUE(q->step());
    EXPECT_EQ(q->columns(), 3);
    EXPECT_EQ(q->text(0), "a");
    EXPECT_EQ(q->text(1), "?");
    EXPECT_EQ(q->text(2), "b-?");
    EXPECT_FALSE(q->step());
    EXPECT_EQ(caught([&] { q->bind(3, "c"); }).kind(), error_kind::other);
}

TEST_F(PgConnection, RoundTripOfEveryType) {
    db->exec(
        "CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, note TEXT, data BYTEA);"
        "CREATE INDEX t_name ON t (name)");
    static constexpr char insert_t[] = "INSERT INTO t (id, name, note, data) VALUES (?, ?, ?, ?)";
    std::string bytes;
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
    const std::string chinese = "投诉：客户说货物迟到了三天，要求赔偿 ¥120 🚚";
    struct row {
        std::int64_t id;
        std::optional<std::string> name, note, data;
    };
    const row rows[] = {{INT64_MAX, chinese, std::nullopt, bytes},
                        {0, std::nullopt, "n", std::nullopt},
                        {INT64_MIN, "", "'quoted' \"text\" \\ ?", std::string()}};
    for (const auto& r : rows) {
        auto& q = db->prepared(insert_t);  // the same prepared statement, NULL and not NULL in turn
        q.bind(1, r.id);
        storage::detail::bind_opt(q, 2, r.name);
        storage::detail::bind_opt(q, 3, r.note);
        if (r.data)
            q.bind_blob(4, *r.data);
        else
            q.bind_null(4);
        EXPECT_EQ(q.exec(), 1);
        q.reset();
        q.clear();
    }
    auto q = db->make("SELECT id, name, note, data FROM t ORDER BY id DESC");
    for (const auto& r : rows) {
        ASSERT_TRUE(q->step());
        EXPECT_EQ(q->int64(0), r.id);
        EXPECT_EQ(q->is_null(1), !r.name);
        EXPECT_EQ(q->text(1), r.name.value_or(""));
        EXPECT_EQ(q->is_null(2), !r.note);
        EXPECT_EQ(q->text(2), r.note.value_or(""));
        EXPECT_EQ(q->is_null(3), !r.data);
        EXPECT_EQ(q->blob(3), r.data.value_or(""));
    }
    EXPECT_FALSE(q->step());
    EXPECT_EQ(caught([&] { q->int64(0); }).kind(), error_kind::other);  // no current row

    auto n = db->make("SELECT name, EXISTS (SELECT 1 FROM t), 7::int4, NULL FROM t WHERE id = ?");
    n->bind(1, INT64_MAX);
    ASSERT_TRUE(n->step());
    EXPECT_EQ(caught([&] { n->int64(0); }).kind(), error_kind::other);  // text, not an integer
    EXPECT_EQ(n->int64(1), 1);                                          // a boolean
    EXPECT_EQ(n->int32(2), 7);
    EXPECT_EQ(n->int64(3), 0);
    EXPECT_TRUE(n->is_null(3));
    EXPECT_EQ(db->scalar("SELECT count(*) FROM t"), 3);
    EXPECT_EQ(db->scalar_text("SELECT name FROM t WHERE id = 0"), "");
    EXPECT_EQ(caught([&] { db->make("SELECT ?")->bind(1, std::string("a\0b", 3)); }).kind(),
              error_kind::other);
}

TEST_F(PgConnection, UniqueViolationIsAConstraintAndSpoilsTheTransaction) {
    db->exec("CREATE TABLE u (id BIGINT PRIMARY KEY, v TEXT UNIQUE)");
    auto insert = [&](std::int64_t id, const std::string& v) {
        auto& q = db->prepared(insert_u);
        q.bind(1, id);
        q.bind(2, v);
        return q.exec();
    };
    insert(1, "a");
    auto e = caught([&] { insert(2, "a"); });  // outside a transaction
    EXPECT_EQ(e.kind(), error_kind::constraint);
    EXPECT_TRUE(has(e.what(), "SQLSTATE 23505")) << e.what();
    EXPECT_EQ(e.sqlite_code(), 0);
    EXPECT_FALSE(db->in_transaction());

    db->begin(begin_mode::write);
    EXPECT_TRUE(db->in_transaction());
    insert(3, "b");
    EXPECT_EQ(caught([&] { insert(4, "a"); }).kind(), error_kind::constraint);
    EXPECT_TRUE(db->in_transaction());  // open, but PostgreSQL refuses the rest of it
    auto refused = caught([&] { insert(5, "c"); });
    EXPECT_EQ(refused.kind(), error_kind::other);
    EXPECT_TRUE(has(refused.what(), "25P02")) << refused.what();
    auto at_commit = caught([&] { db->commit(); });
    EXPECT_EQ(at_commit.kind(), error_kind::constraint);
    EXPECT_TRUE(has(at_commit.what(), "rolled the transaction back")) << at_commit.what();
    EXPECT_FALSE(db->in_transaction());
    EXPECT_EQ(db->scalar("SELECT count(*) FROM u"), 1);

    // A savepoint keeps the rest of the transaction (the lead's unit of work does this).
    db->begin(begin_mode::write);
    insert(3, "b");
    db->prepared_text("SAVEPOINT m1").exec();
    EXPECT_EQ(caught([&] { insert(4, "a"); }).kind(), error_kind::constraint);
    db->prepared_text("ROLLBACK TO SAVEPOINT m1").exec();
    db->prepared_text("RELEASE SAVEPOINT m1").exec();
    insert(6, "x");
    db->commit();
    EXPECT_EQ(db->scalar("SELECT count(*) FROM u"), 3);

    db->begin(begin_mode::write);
    insert(7, "y");
    db->rollback();
    EXPECT_FALSE(db->in_transaction());
    EXPECT_EQ(db->scalar("SELECT count(*) FROM u"), 3);
    db->rollback();  // nothing open: a no-op
}

TEST_F(PgConnection, OnConflictAndReturning) {
    db->exec("CREATE TABLE k (id BIGINT PRIMARY KEY, n BIGINT NOT NULL)");
    auto ins = db->make("INSERT INTO k (id, n) VALUES (?, ?) RETURNING id");
    ins->bind(1, 7);
    ins->bind(2, 1);
    ASSERT_TRUE(ins->step());
    EXPECT_EQ(ins->int64(0), 7);
    EXPECT_FALSE(ins->step());

    auto nothing = db->make("INSERT INTO k (id, n) VALUES (?, ?) ON CONFLICT (id) DO NOTHING");
    nothing->bind(1, 7);
    nothing->bind(2, 100);
    EXPECT_EQ(nothing->exec(), 0);
    nothing->bind(1, 8);
    EXPECT_EQ(nothing->exec(), 1);

    auto upsert = db->make(
        "INSERT INTO k (id, n) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET n = k.n + excluded.n RETURNING "
        "n");
    upsert->bind(1, 7);
    upsert->bind(2, 5);
    ASSERT_TRUE(upsert->step());
    EXPECT_EQ(upsert->int64(0), 6);
    upsert->reset();
    ASSERT_TRUE(upsert->step());  // the same bindings again
    EXPECT_EQ(upsert->int64(0), 11);

    auto skipped = db->make("INSERT INTO k (id, n) VALUES (?, 0) ON CONFLICT DO NOTHING RETURNING id");
    skipped->bind(1, 8);
    EXPECT_FALSE(skipped->step());
    EXPECT_EQ(db->make("UPDATE k SET n = n + 1")->exec(), 2);
    EXPECT_EQ(db->scalar("SELECT sum(n) FROM k"), 12 + 101);
}

TEST_F(PgConnection, ReadSnapshotIsConsistentAndRefusesWrites) {
    db->exec("CREATE TABLE r (id BIGINT)");
    db->exec("INSERT INTO r VALUES (1)");
    pg_connection other(url, std::nullopt);
    db->begin(begin_mode::read);
    EXPECT_EQ(db->scalar("SELECT count(*) FROM r"), 1);
    other.exec("INSERT INTO r VALUES (2)");
    EXPECT_EQ(db->scalar("SELECT count(*) FROM r"), 1);  // the snapshot of the first read
    auto e = caught([&] {
        auto& q = db->prepared(insert_r);
        q.bind(1, 3);
        q.exec();
    });
    EXPECT_EQ(e.kind(), error_kind::read_only);
    EXPECT_TRUE(has(e.what(), "25006")) << e.what();
    EXPECT_TRUE(has(db->explain(e), "read-only")) << db->explain(e);
    db->rollback();
    EXPECT_EQ(db->scalar("SELECT count(*) FROM r"), 2);
}

TEST_F(PgConnection, LockNotAvailableAndCancelledStatementAreLocked) {
    db->exec("CREATE TABLE r (id BIGINT PRIMARY KEY); INSERT INTO r VALUES (1)");
    pg_connection other(url, std::nullopt);
    db->begin(begin_mode::write);
    db->exec("UPDATE r SET id = 2 WHERE id = 1");
    other.exec("SET lock_timeout = '100ms'");
    other.begin(begin_mode::write);
    auto waited = caught([&] { other.exec("UPDATE r SET id = 3 WHERE id = 1"); });
    EXPECT_EQ(waited.kind(), error_kind::locked);
    EXPECT_TRUE(has(waited.what(), "55P03")) << waited.what();
    EXPECT_TRUE(has(other.explain(waited), "database locked")) << other.explain(waited);
    other.rollback();
    db->commit();

    other.exec("SET statement_timeout = '50ms'");
    auto cancelled = caught([&] { other.scalar("SELECT count(*) FROM pg_sleep(5)"); });
    EXPECT_EQ(cancelled.kind(), error_kind::locked);
    EXPECT_TRUE(has(cancelled.what(), "57014")) << cancelled.what();
    EXPECT_EQ(other.scalar("SELECT id FROM r"), 2);  // the connection goes on
}

TEST_F(PgConnection, BadSqlIsOtherAndExplainNamesTheServer) {
    auto e = caught([&] { db->exec("SELECT * FROM no_such_table"); });
    EXPECT_EQ(e.kind(), error_kind::other);
    EXPECT_TRUE(has(e.what(), "42P01")) << e.what();
    const auto port = std::to_string(test_support::pg_server::shared().port());
    EXPECT_TRUE(has(db->explain(e), "127.0.0.1:" + port)) << db->explain(e);
    EXPECT_EQ(db->server(), "127.0.0.1:" + port);
    EXPECT_EQ(db->path(), url);
}

}  // namespace
