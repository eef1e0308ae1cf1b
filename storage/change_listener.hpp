// Several instances on one PostgreSQL database wake each other: every write transaction of one
// sends a NOTIFY on commit (unit_of_work), and a change_listener — a connection of its own that
// LISTENs — tells the others to look (database::catch_up, the outbox). A notification can be lost
// (a dropped connection), so the instances also look every few seconds: this is the fast path.
#pragma once

#include <memory>

namespace storage {

class database;
namespace detail {
class pg_listener;
}

class change_listener {
  public:
    // The channel every write transaction notifies.
    static constexpr const char* channel = "complaint_bot_changes";

    // Connects to `db`'s server (PostgreSQL only: throws storage::error otherwise) and LISTENs.
    explicit change_listener(database& db);
    ~change_listener();
    change_listener(const change_listener&) = delete;
    change_listener& operator=(const change_listener&) = delete;

    // The socket to wait on until readable (-1 while disconnected); it changes after a reconnect.
    int socket() const;
    // Reads what arrived: true when another commit was announced or the connection had to be made
    // again (then something may have been missed: look anyway). Throws storage::error while the
    // server does not answer.
    bool drain();
    // True once after drain() reconnected (the caller waits on the new socket()).
    bool take_reconnected();

  private:
    std::unique_ptr<detail::pg_listener> l_;
};

}  // namespace storage
