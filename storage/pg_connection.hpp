// Internal to storage/: the PostgreSQL side of storage/sql.hpp over libpq. One pg_connection is one
// libpq connection with its statement cache; `?` placeholders become $1, $2… (outside quoted text
// and comments), parameters go as text (bytea as binary), results come back as text.
//
// A connection found lost outside a transaction is reset once (PQreset) and its statements are
// prepared again when next used; inside a transaction a lost connection is an error of kind io and
// the transaction is gone (in_transaction() is false). Nothing here logs, and no message or path()
// holds the password. Nothing outside storage/ includes this.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/sql.hpp"

// libpq's handles (libpq-fe.h declares them as `typedef struct pg_conn PGconn` and so on); only
// pg_connection.cpp and pg_listener.cpp include libpq itself.
struct pg_conn;
struct pg_result;

namespace storage::detail {

struct pg_conn_deleter {
    void operator()(pg_conn* c) const noexcept;
};
struct pg_result_deleter {
    void operator()(pg_result* r) const noexcept;
};
using pg_conn_ptr = std::unique_ptr<pg_conn, pg_conn_deleter>;
using pg_result_ptr = std::unique_ptr<pg_result, pg_result_deleter>;

// `sql` with every `?` outside '…' strings, "…" identifiers and -- comments numbered $1, $2…;
// `count` gets how many there were.
std::string number_placeholders(std::string_view sql, int& count);
// A libpq URI (or key=value string) without its password: what messages may name.
std::string without_password(const std::string& url);
// The storage::error_kind of an SQLSTATE ("23505" → constraint…).
error_kind kind_of_sqlstate(std::string_view sqlstate);

// Opens a libpq connection to `url` (a URI or key=value string, parsed by libpq) with `password`
// when given, application_name complaint-bot and connect_timeout 10 (the URL may override both).
// Throws storage::error kind io saying what libpq said and what to do about it.
pg_conn_ptr pg_connect(const std::string& url, const std::optional<std::string>& password);
// Connects `c` again with the same parameters (PQreset); throws storage::error kind io the same way.
void pg_reset(pg_conn* c);
// "host:port" of `c`'s server (or its socket), what messages name.
std::string pg_server_name(const pg_conn* c);

class pg_connection;

class pg_statement final : public statement {
  public:
    // `cached`: prepared on the server (s1, s2…) when first run; otherwise run with PQexecParams.
    pg_statement(pg_connection& c, std::string_view sql, bool cached);
    ~pg_statement() override = default;

    void bind(int index, std::int64_t v) override;
    using statement::bind;
    void bind(int index, const std::string& v) override;
    void bind_blob(int index, std::string_view bytes) override;
    void bind_null(int index) override;

    bool step() override;
    int exec() override;
    void reset() override;
    void clear() override;

    bool is_null(int column) override;
    std::int64_t int64(int column) override;
    std::string text(int column) override;
    std::string blob(int column) override;
    int columns() override;

  private:
    enum class param { null, text, int8, bytea };
    struct value {
        param type = param::null;
        std::string data;
    };

    value& slot(int index);
    void run();
    void check_row(int column);

    pg_connection& c_;
    std::string sql_;  // numbered $1…
    bool cached_;
    std::vector<value> values_;
    // The prepared statement on the server: its name, the connection generation it was prepared
    // on, and the parameter types it was prepared with (a change of type prepares it again).
    std::string name_;
    std::uint64_t generation_ = 0;
    std::vector<param> prepared_types_;
    pg_result_ptr result_;
    bool ran_ = false;
    int row_ = -1;
};

class pg_connection final : public connection {
  public:
    pg_connection(const std::string& url, const std::optional<std::string>& password);
    ~pg_connection() override;
    pg_connection(const pg_connection&) = delete;
    pg_connection& operator=(const pg_connection&) = delete;

    dialect kind() const override { return dialect::postgresql; }
    const std::string& path() const override { return path_; }

    statement& prepared(const char* sql) override;
    statement& prepared_text(const std::string& sql) override;
    std::unique_ptr<statement> make(const std::string& sql) override;
    void exec(const std::string& script) override;

    void begin(begin_mode m) override;
    void commit() override;
    void rollback() override;
    bool in_transaction() override;

    std::string explain(const std::exception& e) override;

    // "host:port" of the server (what explain() names).
    const std::string& server() const { return server_; }
    // How many times the connection was re-established (0: the first connection is still up).
    std::uint64_t reconnects() const { return generation_ - 1; }

  private:
    friend class pg_statement;

    pg_conn* handle() { return conn_.get(); }
    // Before a call: a lost connection outside a transaction is reset (throws io when the server
    // still does not answer); inside a transaction it throws io.
    void ensure_connected();
    void reconnect();
    // Checks `r` (nullptr: libpq had no result at all); throws the storage::error it stands for.
    pg_result_ptr checked(pg_result_ptr r, std::string_view sql);
    [[noreturn]] void fail(const pg_result* r, std::string_view sql);
    std::string next_name() { return "s" + std::to_string(++names_); }
    void run_simple(const char* sql);

    std::string url_;
    std::optional<std::string> password_;
    std::string path_;
    std::string server_;
    std::string database_;
    pg_conn_ptr conn_;
    std::uint64_t generation_ = 1;
    std::uint64_t names_ = 0;
    bool tx_open_ = false;                 // begin() ran and neither commit() nor rollback() yet
    std::optional<error_kind> tx_failed_;  // the first failure inside the open transaction
    std::map<const char*, std::unique_ptr<pg_statement>> by_address_;
    std::map<std::string, std::unique_ptr<pg_statement>> by_text_;
};

}  // namespace storage::detail
