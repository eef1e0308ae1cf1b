// Holds an expiring lease row for one instance of several on a shared database (River's pattern):
// tries to take it every second while another holds it, renews it every 5 s while holding it, and
// says when that changes — so a singleton (WeCom's one connection, the scheduled digests) runs on
// exactly one instance, and on another within the lease's expiry after its holder died.
//
// Thread-safety: the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <string>

#include "core/clock.hpp"
#include "storage/database.hpp"

namespace app {

class lease_keeper {
  public:
    static constexpr core::duration ttl{std::chrono::seconds(15)};
    static constexpr core::duration renew_every{std::chrono::seconds(5)};  // the holder
    static constexpr core::duration try_every{std::chrono::seconds(1)};  // the others: failover ≤ ttl + 1 s

    // `changed(true)`: this instance holds it now; `changed(false)`: it lost it (a renewal failed or
    // another instance took it after it expired). start() makes the first try.
    lease_keeper(boost::asio::io_context& ioc, storage::database& db, const core::clock& clock,
                 std::string name, std::string instance, std::function<void(bool)> changed);
    ~lease_keeper();
    void start() { tick(); }
    // Stops trying and gives the lease up when held (the next instance need not wait for the expiry).
    void stop();
    bool holding() const { return held_; }
    const std::string& name() const { return name_; }

  private:
    void tick();

    storage::database& db_;
    const core::clock& clock_;
    std::string name_, instance_;
    std::function<void(bool)> changed_;
    boost::asio::steady_timer timer_;
    bool held_ = false;
    bool stopping_ = false;
};

}  // namespace app
