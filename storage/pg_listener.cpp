#include "storage/pg_listener.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <utility>

namespace storage::detail {

namespace {

struct freemem {
    void operator()(void* p) const noexcept { PQfreemem(p); }
};

constexpr char notify_sql[] = "SELECT pg_notify(?, ?)";

}  // namespace

pg_listener::pg_listener(const std::string& url, const std::optional<std::string>& password)
    : path_(without_password(url)), conn_(pg_connect(url, password)) {}

pg_listener::~pg_listener() = default;

void pg_listener::run_listen(const std::string& channel) {
    std::unique_ptr<char, freemem> quoted(PQescapeIdentifier(conn_.get(), channel.data(), channel.size()));
    if (!quoted)
        throw error(
            "LISTEN on PostgreSQL at " + pg_server_name(conn_.get()) + ": " + PQerrorMessage(conn_.get()),
            error_kind::other);
    const std::string sql = std::string("LISTEN ") + quoted.get();
    pg_result_ptr r(PQexec(conn_.get(), sql.c_str()));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
        const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
        const bool lost = PQstatus(conn_.get()) == CONNECTION_BAD;
        throw error("LISTEN on PostgreSQL at " + pg_server_name(conn_.get()) +
                        " failed: " + (r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get())),
                    lost ? error_kind::io : kind_of_sqlstate(state ? state : ""));
    }
}

void pg_listener::listen(const std::string& channel) {
    if (std::find(channels_.begin(), channels_.end(), channel) != channels_.end()) return;
    if (PQstatus(conn_.get()) != CONNECTION_OK) reconnect();
    run_listen(channel);
    channels_.push_back(channel);
}

int pg_listener::socket() const {
    return PQstatus(conn_.get()) == CONNECTION_OK ? PQsocket(conn_.get()) : -1;
}

void pg_listener::reconnect() {
    pg_reset(conn_.get());
    reconnected_ = true;
    for (const auto& channel : channels_) run_listen(channel);
}

void pg_listener::collect(std::vector<notification>& out) {
    while (std::unique_ptr<PGnotify, freemem> n{PQnotifies(conn_.get())})
        out.push_back({n->relname ? n->relname : "", n->extra ? n->extra : "", n->be_pid});
}

std::vector<notification> pg_listener::drain() {
    std::vector<notification> out;
    // Twice: a server that shut down sends its FATAL message (libpq hands it to the notice
    // processor) and then closes, and the end of the stream is only seen by a read after that.
    for (int i = 0; i < 2 && PQstatus(conn_.get()) == CONNECTION_OK; ++i)
        if (PQconsumeInput(conn_.get()) == 0 && PQstatus(conn_.get()) != CONNECTION_BAD)
            throw error("reading notifications from PostgreSQL at " + pg_server_name(conn_.get()) + ": " +
                            PQerrorMessage(conn_.get()),
                        error_kind::io);
    collect(out);  // what arrived before the connection dropped, if it did
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        reconnect();
        collect(out);
    }
    return out;
}

bool pg_listener::take_reconnected() {
    return std::exchange(reconnected_, false);
}

void notify(connection& c, const std::string& channel, const std::string& payload) {
    if (c.kind() != dialect::postgresql)
        throw error("notify() needs PostgreSQL (" + c.path() + " is not)", error_kind::other);
    auto& q = c.prepared(notify_sql);
    q.bind(1, channel);
    q.bind(2, payload);
    try {
        q.step();
    } catch (...) {
        q.reset();
        q.clear();
        throw;
    }
    q.reset();
    q.clear();
}

}  // namespace storage::detail
