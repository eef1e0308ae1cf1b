// A long connection only one client may hold (WeCom's AI bot: a second connection takes the first
// one's place) run by one instance of several on a shared database: the instance holding the
// lease row runs it, renewing the lease every few seconds; when a renewal fails (or the holder
// died and its lease expired) another instance takes the lease and starts its own connection.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <string>

#include "cli/platforms.hpp"
#include "core/clock.hpp"
#include "storage/database.hpp"

namespace app {

class leased_connection final : public connection_runner {
  public:
    static constexpr core::duration ttl{std::chrono::seconds(15)};
    static constexpr core::duration renew_every{std::chrono::seconds(5)};  // the holder
    static constexpr core::duration try_every{std::chrono::seconds(1)};  // the others: failover ≤ ttl + 1 s

    using starter = std::function<std::unique_ptr<connection_runner>()>;
    leased_connection(boost::asio::io_context& ioc, storage::database& db, const core::clock& clock,
                      std::string lease, std::string instance, starter start);
    ~leased_connection() override;
    void stop() override;
    bool holding() const { return running_ != nullptr; }

  private:
    void tick();

    boost::asio::io_context& ioc_;
    storage::database& db_;
    const core::clock& clock_;
    std::string lease_, instance_;
    starter start_;
    std::unique_ptr<connection_runner> running_;
    boost::asio::steady_timer timer_;
    bool stopping_ = false;
};

}  // namespace app
