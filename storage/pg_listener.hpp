// Internal to storage/: PostgreSQL's LISTEN/NOTIFY. A pg_listener is a connection of its own that
// LISTENs to channels; its socket() goes into the event loop (an asio stream_descriptor waiting
// for read), and drain() hands out what arrived. When the connection dropped, drain() connects
// again and LISTENs again; notifications sent meanwhile are lost, so take_reconnected() tells the
// caller to run its safety poll and to wait on the new socket() (a new stream_descriptor: the old
// one must be release()d, never closed, since libpq owns the descriptor, and the number may even
// be the same).
//
// notify() sends one through a connection: inside a transaction it is delivered on COMMIT, and
// never when the transaction rolls back. Nothing outside storage/ includes this.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/pg_connection.hpp"

namespace storage::detail {

struct notification {
    std::string channel;
    std::string payload;
    int backend_pid = 0;  // the server process that sent it
};

class pg_listener {
  public:
    pg_listener(const std::string& url, const std::optional<std::string>& password);
    ~pg_listener();
    pg_listener(const pg_listener&) = delete;
    pg_listener& operator=(const pg_listener&) = delete;

    // LISTEN `channel` (any text: it is quoted as an identifier); again after every reconnect.
    void listen(const std::string& channel);
    // The connection's socket, for waiting until it is readable (-1 while there is no connection).
    int socket() const;
    // Reads what the server sent and returns the notifications that arrived, in order. A dropped
    // connection is reset and LISTENs again first (take_reconnected() is then true); throws
    // storage::error kind io when the server still does not answer (call again later).
    std::vector<notification> drain();
    // True once after drain() had to reconnect: notifications may have been lost, and socket()
    // changed.
    bool take_reconnected();
    // The URL without its password.
    const std::string& path() const { return path_; }

  private:
    void reconnect();
    void run_listen(const std::string& channel);
    void collect(std::vector<notification>& out);

    std::string path_;
    pg_conn_ptr conn_;
    std::vector<std::string> channels_;
    bool reconnected_ = false;
};

// SELECT pg_notify(channel, payload) on `c` (PostgreSQL only: throws storage::error on SQLite).
void notify(connection& c, const std::string& channel, const std::string& payload);

}  // namespace storage::detail
