// A long connection only one client may hold (WeCom's AI bot: a second connection takes the first
// one's place) run by one instance of several on a shared database: the instance holding the
// lease (pipeline/lease_keeper) runs it; when the lease is lost the connection closes, and another
// instance that took the lease opens its own.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/platforms.hpp"
#include "pipeline/lease_keeper.hpp"

namespace app {

class leased_connection final : public connection_runner {
  public:
    using starter = std::function<std::unique_ptr<connection_runner>()>;
    leased_connection(boost::asio::io_context& ioc, storage::database& db, const core::clock& clock,
                      std::string lease, std::string instance, starter start);
    ~leased_connection() override;
    void stop() override;

  private:
    void changed(bool held);

    starter start_;
    std::unique_ptr<connection_runner> running_;
    // Closed connections: kept until this object goes (after the loop stopped), since their
    // coroutines may still be finishing on the loop when they are told to stop.
    std::vector<std::unique_ptr<connection_runner>> closed_;
    std::unique_ptr<lease_keeper> lease_;
};

}  // namespace app
