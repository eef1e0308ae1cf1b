// Keeps one instance up to date with the others on a shared (PostgreSQL) database: it waits on the
// change listener's socket (another instance committed: NOTIFY) and polls every few seconds besides
// (a notification lost with a dropped connection), and each time calls `look` — which reads what
// the others committed (engine::refresh), re-arms the scheduler and wakes the outbox sender.
//
// Thread-safety: the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

#include "core/time.hpp"
#include "storage/change_listener.hpp"
#include "storage/database.hpp"

namespace app {

class instance_sync {
  public:
    static constexpr core::duration poll_every{std::chrono::seconds(5)};

    instance_sync(boost::asio::io_context& ioc, storage::database& db, std::function<void()> look);
    ~instance_sync();
    void start();
    void stop();
    std::uint64_t notifications() const { return notified_; }
    std::uint64_t polls() const { return polled_; }

    // A name for this instance in leases and logs: the host and the port it serves on, so that an
    // instance restarted on its host resumes its own leases at once; the PID and a random part
    // instead when the port is chosen by the system (0).
    static std::string make_name(int port);

  private:
    void wait_socket();
    void arm_poll();
    void connect();

    boost::asio::io_context& ioc_;
    storage::database& db_;
    std::function<void()> look_;
    std::unique_ptr<storage::change_listener> listener_;
    std::unique_ptr<boost::asio::posix::stream_descriptor> socket_;
    boost::asio::steady_timer poll_;
    bool stopping_ = false;
    std::uint64_t notified_ = 0, polled_ = 0;
};

}  // namespace app
