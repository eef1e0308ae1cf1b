// The connection half of the PostgreSQL backend: connecting (and saying why it failed), SQLSTATE →
// error_kind, transactions, the reset after a lost connection and the operator's explanation.
#include "storage/pg_connection.hpp"

#include <libpq-fe.h>

#include <array>

namespace storage::detail {

void pg_conn_deleter::operator()(pg_conn* c) const noexcept {
    PQfinish(c);
}

void pg_result_deleter::operator()(pg_result* r) const noexcept {
    PQclear(r);
}

namespace {

// libpq's messages end in a newline and continue on tab-indented lines: one line for ours.
std::string one_line(const char* message) {
    std::string out;
    for (const char* p = message ? message : ""; *p; ++p) {
        if (*p == '\n' || *p == '\t' || *p == '\r') {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += *p;
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

bool contains(const std::string& s, const char* part) {
    return s.find(part) != std::string::npos;
}

std::string server_of(const pg_conn* c) {
    const char* host = PQhost(c);
    const char* port = PQport(c);
    std::string h = host && *host ? host : "localhost";
    if (h[0] == '/') return "socket " + h + "/.s.PGSQL." + (port && *port ? port : "5432");
    return h + ":" + (port && *port ? port : "5432");
}

void quiet_notice(void*, const char*) {}  // notices (WARNING, NOTICE) are not ours to print

// key=value strings: drops `password=…` (the value bare or '…' with \ escapes).
std::string without_password_keywords(const std::string& s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ') ++i;
        const std::size_t start = i;
        while (i < s.size() && s[i] != '=' && s[i] != ' ') ++i;
        std::string key = s.substr(start, i - start);
        while (i < s.size() && s[i] == ' ') ++i;
        if (i < s.size() && s[i] == '=') ++i;
        while (i < s.size() && s[i] == ' ') ++i;
        if (i < s.size() && s[i] == '\'') {
            for (++i; i < s.size() && s[i] != '\''; ++i)
                if (s[i] == '\\') ++i;
            ++i;
        } else {
            while (i < s.size() && s[i] != ' ') ++i;
        }
        if (key != "password" && !key.empty()) {
            if (!out.empty()) out += ' ';
            out += s.substr(start, std::min(i, s.size()) - start);
        }
    }
    return out;
}

}  // namespace

std::string without_password(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return without_password_keywords(url);
    const std::size_t start = scheme + 3;
    std::size_t end = url.find_first_of("/?", start);
    if (end == std::string::npos) end = url.size();
    std::string authority = url.substr(start, end - start);
    const auto at = authority.rfind('@');
    if (at != std::string::npos) {
        const auto colon = authority.find(':');
        if (colon < at) authority.erase(colon, at - colon);
    }
    std::string out = url.substr(0, start) + authority;
    const auto query = url.find('?', end);
    out += url.substr(end, (query == std::string::npos ? url.size() : query) - end);
    if (query == std::string::npos) return out;
    std::string kept;
    std::size_t i = query + 1;
    while (i <= url.size()) {
        auto amp = url.find('&', i);
        if (amp == std::string::npos) amp = url.size();
        const std::string item = url.substr(i, amp - i);
        if (!item.empty() && item.rfind("password=", 0) != 0) kept += (kept.empty() ? "?" : "&") + item;
        i = amp + 1;
    }
    return out + kept;
}

error_kind kind_of_sqlstate(std::string_view s) {
    if (s.size() != 5) return error_kind::other;
    const auto cls = s.substr(0, 2);
    if (cls == "23") return error_kind::constraint;
    if (s == "40001" || s == "40P01") return error_kind::busy;
    if (s == "55P03" || s == "57014") return error_kind::locked;
    if (s == "53100") return error_kind::full;
    if (s == "25006") return error_kind::read_only;
    if (cls == "08" || s == "57P01" || s == "57P02" || s == "57P03") return error_kind::io;
    if (s == "XX001" || s == "XX002") return error_kind::corrupt;
    return error_kind::other;
}

namespace {

// What to do about a failed connection, from libpq's words.
std::string connect_advice(const std::string& said, const std::string& server) {
    if (contains(said, "password authentication failed") || contains(said, "no password supplied") ||
        contains(said, "authentication failed") || contains(said, "SCRAM"))
        return "check the user in database_url and the password in the environment variable that "
               "database_password_env names (or the ~/.pgpass entry)";
    if (contains(said, "pg_hba.conf"))
        return "the server has no pg_hba.conf rule for this client: add one on the server (host, user and "
               "database as above) and reload it, or check the user in database_url";
    if (contains(said, "database \"") && contains(said, "does not exist"))
        return "create it: createdb -h HOST -p PORT -U USER -O USER DBNAME (or CREATE DATABASE as a "
               "superuser), or correct the database name in database_url";
    if (contains(said, "role \"") && contains(said, "does not exist"))
        return "create the user: createuser -h HOST -p PORT -P USER (or CREATE ROLE … LOGIN), or correct "
               "the user in database_url";
    if (contains(said, "too many clients") || contains(said, "remaining connection slots"))
        return "the server is out of connections: raise max_connections there or stop other clients";
    if (contains(said, "the database system is starting up") || contains(said, "shutting down") ||
        contains(said, "in recovery"))
        return "the server is starting or stopping: wait for it, then start the bot again";
    return "check the host and port in database_url and that PostgreSQL runs and accepts TCP connections "
           "there (pg_isready -h HOST -p PORT; listen_addresses in postgresql.conf); server " +
           server;
}

}  // namespace

pg_conn_ptr pg_connect(const std::string& url, const std::optional<std::string>& password) {
    // Our defaults first, then the URL (it may override them), then the password (it overrides one
    // the URL may carry).
    std::array<const char*, 6> keys{"application_name", "connect_timeout", "client_encoding",
                                    "dbname",           nullptr,           nullptr};
    std::array<const char*, 6> values{"complaint-bot", "10", "UTF8", url.c_str(), nullptr, nullptr};
    if (password) {
        keys[4] = "password";
        values[4] = password->c_str();
    }
    pg_conn_ptr c(PQconnectdbParams(keys.data(), values.data(), 1));
    if (!c) throw error("cannot connect to PostgreSQL: out of memory", error_kind::io);
    if (PQstatus(c.get()) != CONNECTION_OK) {
        const auto server = server_of(c.get());
        const char* db = PQdb(c.get());
        const auto said = one_line(PQerrorMessage(c.get()));
        throw error("cannot connect to PostgreSQL at " + server + " (database " + (db ? db : "?") +
                        "): " + said + "; " + connect_advice(said, server),
                    error_kind::io);
    }
    PQsetNoticeProcessor(c.get(), quiet_notice, nullptr);
    return c;
}

pg_connection::pg_connection(const std::string& url, const std::optional<std::string>& password)
    : url_(url), password_(password), path_(without_password(url)), conn_(pg_connect(url, password)) {
    server_ = server_of(conn_.get());
    const char* db = PQdb(conn_.get());
    database_ = db ? db : "";
}

pg_connection::~pg_connection() = default;

void pg_reset(pg_conn* c) {
    PQreset(c);
    if (PQstatus(c) != CONNECTION_OK) {
        const auto server = server_of(c);
        const char* db = PQdb(c);
        const auto said = one_line(PQerrorMessage(c));
        throw error("the connection to PostgreSQL at " + server + " (database " + (db ? db : "?") +
                        ") was lost, and connecting again failed: " + said + "; " +
                        connect_advice(said, server),
                    error_kind::io);
    }
}

std::string pg_server_name(const pg_conn* c) {
    return server_of(c);
}

void pg_connection::reconnect() {
    pg_reset(conn_.get());
    ++generation_;  // every prepared statement is prepared again when next run
}

void pg_connection::ensure_connected() {
    if (PQstatus(conn_.get()) == CONNECTION_OK) return;
    if (tx_open_) {
        tx_open_ = false;
        tx_failed_.reset();
        throw error("the connection to PostgreSQL at " + server_ + " (database " + database_ +
                        ") was lost inside a transaction: the server rolled it back",
                    error_kind::io);
    }
    reconnect();
}

void pg_connection::fail(const pg_result* r, std::string_view sql) {
    const bool lost = PQstatus(conn_.get()) == CONNECTION_BAD;
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const auto kind = lost ? error_kind::io : kind_of_sqlstate(state ? state : "");
    std::string text = "PostgreSQL at " + server_ + " (database " + database_ +
                       "): " + (primary ? std::string(primary) : one_line(PQerrorMessage(conn_.get())));
    if (state) text += " (SQLSTATE " + std::string(state) + ")";
    if (lost)
        text +=
            tx_open_ ? "; the connection is lost and the transaction with it" : "; the connection is lost";
    constexpr std::size_t shown = 160;
    text += " in: " + std::string(sql.substr(0, shown)) + (sql.size() > shown ? "…" : "");
    const auto status = PQtransactionStatus(conn_.get());
    if (status == PQTRANS_INERROR && !(state && std::string_view(state) == "25P02")) tx_failed_ = kind;
    if (status != PQTRANS_INTRANS && status != PQTRANS_INERROR) {
        tx_open_ = false;
        tx_failed_.reset();
    }
    throw error(text, kind);
}

pg_result_ptr pg_connection::checked(pg_result_ptr r, std::string_view sql) {
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return r;
    fail(r.get(), sql);
}

statement& pg_connection::prepared(const char* sql) {
    auto& slot = by_address_[sql];
    if (!slot) slot = std::make_unique<pg_statement>(*this, sql, true);
    slot->reset();
    return *slot;
}

statement& pg_connection::prepared_text(const std::string& sql) {
    auto& slot = by_text_[sql];
    if (!slot) slot = std::make_unique<pg_statement>(*this, sql, true);
    slot->reset();
    return *slot;
}

std::unique_ptr<statement> pg_connection::make(const std::string& sql) {
    return std::make_unique<pg_statement>(*this, sql, false);
}

void pg_connection::exec(const std::string& script) {
    ensure_connected();
    checked(pg_result_ptr(PQexec(conn_.get(), script.c_str())), script);
}

void pg_connection::run_simple(const char* sql) {
    checked(pg_result_ptr(PQexec(conn_.get(), sql)), sql);
}

void pg_connection::begin(begin_mode m) {
    const char* sql = m == begin_mode::write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    if (in_transaction())
        throw error("PostgreSQL at " + server_ + ": begin() inside an open transaction", error_kind::other);
    tx_failed_.reset();
    ensure_connected();
    pg_result_ptr r(PQexec(conn_.get(), sql));
    if (PQstatus(conn_.get()) == CONNECTION_BAD) {
        // The server went away since the last call (a restart): nothing was begun, so once more on a
        // new connection.
        reconnect();
        r.reset(PQexec(conn_.get(), sql));
    }
    checked(std::move(r), sql);
    tx_open_ = true;
}

void pg_connection::commit() {
    ensure_connected();
    const auto failed = tx_failed_;
    auto r = checked(pg_result_ptr(PQexec(conn_.get(), "COMMIT")), "COMMIT");
    tx_open_ = false;
    tx_failed_.reset();
    // COMMIT of a transaction in which a statement failed succeeds as a ROLLBACK.
    if (std::string_view(PQcmdStatus(r.get())) == "ROLLBACK")
        throw error("PostgreSQL at " + server_ + " (database " + database_ +
                        "): COMMIT rolled the transaction back: a statement in it had failed, and PostgreSQL "
                        "refuses the rest of such a transaction",
                    failed.value_or(error_kind::other));
}

void pg_connection::rollback() {
    tx_open_ = false;
    tx_failed_.reset();
    const auto status = PQtransactionStatus(conn_.get());
    if (status == PQTRANS_IDLE || status == PQTRANS_UNKNOWN)
        return;  // nothing open, or the server
                 // rolled it back with the connection
    run_simple("ROLLBACK");
}

bool pg_connection::in_transaction() {
    const auto status = PQtransactionStatus(conn_.get());
    const bool open = status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
    if (!open) tx_open_ = false;
    return open;
}

std::string pg_connection::explain(const std::exception& e) {
    const std::string at = "PostgreSQL at " + server_ + " (database " + database_ + ")";
    const std::string what = e.what();
    const auto* se = dynamic_cast<const error*>(&e);
    if (!se) return "database error on " + at + ": " + what;
    switch (se->kind()) {
        case error_kind::io:
            return "database unreachable: " + at + " does not answer (" + what +
                   "); check that it runs (pg_isready -h HOST -p PORT), that the network to it is up and "
                   "that the host and port in database_url are right";
        case error_kind::full:
            return "disk full on the PostgreSQL server at " + server_ + " (" + what +
                   "); free space on the server's data volume or grow it";
        case error_kind::read_only:
            return "read-only: " + at + " refuses writes (" + what +
                   "); point database_url at the primary (not a standby) and check "
                   "default_transaction_read_only";
        case error_kind::busy:
            return "database busy: " + at +
                   " aborted a transaction for a serialization failure or deadlock (" + what +
                   "); it is retried; if it keeps happening, look for another writer";
        case error_kind::locked:
            return "database locked: " + at + " had a lock not available or cancelled a statement (" + what +
                   "); look for a long transaction holding locks (pg_stat_activity) or a short "
                   "statement_timeout";
        case error_kind::corrupt:
            return "database corrupt: " + at + " reports damaged data (" + what +
                   "); stop the bot, read the server's log and restore from a backup";
        case error_kind::constraint:
            return "constraint: " + at + " refused the change (" + what + ")";
        case error_kind::other:
            break;
    }
    return "database error on " + at + ": " + what;
}

}  // namespace storage::detail
