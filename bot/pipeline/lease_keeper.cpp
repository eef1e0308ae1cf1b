#include "pipeline/lease_keeper.hpp"

#include <spdlog/spdlog.h>

namespace app {

lease_keeper::lease_keeper(boost::asio::io_context& ioc, storage::database& db, const core::clock& clock,
                           std::string name, std::string instance, std::function<void(bool)> changed)
    : db_(db),
      clock_(clock),
      name_(std::move(name)),
      instance_(std::move(instance)),
      changed_(std::move(changed)),
      timer_(ioc) {}

lease_keeper::~lease_keeper() {
    stop();
}

void lease_keeper::stop() {
    if (stopping_) return;
    stopping_ = true;
    timer_.cancel();
    if (!held_) return;
    held_ = false;
    changed_(false);
    try {
        db_.drop_lease(name_, instance_);
    } catch (const std::exception&) {  // it expires by itself
    }
}

void lease_keeper::tick() {
    if (stopping_) return;
    bool now_held = false;
    try {
        now_held = db_.take_lease(name_, instance_, clock_.now(), ttl);
    } catch (const std::exception& e) {
        spdlog::warn("lease {}: {} (what it guards stops here until it can be renewed)", name_,
                     db_.explain(e));
    }
    if (now_held != held_) {
        held_ = now_held;
        if (held_)
            spdlog::info("lease {}: this instance ({}) holds it", name_, instance_);
        else
            spdlog::warn("lease {}: lost (another instance holds it now, or the database is unreachable)",
                         name_);
        changed_(held_);
    }
    timer_.expires_after(held_ ? renew_every : try_every);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) tick();
    });
}

}  // namespace app
