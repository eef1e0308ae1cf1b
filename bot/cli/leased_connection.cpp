#include "cli/leased_connection.hpp"

#include <spdlog/spdlog.h>

namespace app {

leased_connection::leased_connection(boost::asio::io_context& ioc, storage::database& db,
                                     const core::clock& clock, std::string lease, std::string instance,
                                     starter start)
    : ioc_(ioc),
      db_(db),
      clock_(clock),
      lease_(std::move(lease)),
      instance_(std::move(instance)),
      start_(std::move(start)),
      timer_(ioc) {
    tick();
}

leased_connection::~leased_connection() {
    stop();
}

void leased_connection::stop() {
    if (stopping_) return;
    stopping_ = true;
    timer_.cancel();
    if (running_) {
        running_->stop();
        running_.reset();
        try {
            db_.drop_lease(lease_, instance_);  // the next instance need not wait for the expiry
        } catch (const std::exception&) {
        }
    }
}

void leased_connection::tick() {
    if (stopping_) return;
    bool held = false;
    try {
        held = db_.take_lease(lease_, instance_, clock_.now(), ttl);
    } catch (const std::exception& e) {
        spdlog::warn("lease {}: {} (the connection stops until it can be renewed)", lease_, db_.explain(e));
    }
    if (held && !running_) {
        spdlog::info("lease {}: this instance ({}) holds it and opens the connection", lease_, instance_);
        try {
            running_ = start_();
        } catch (const std::exception& e) {
            spdlog::error("lease {}: cannot open the connection: {}", lease_, e.what());
        }
    } else if (!held && running_) {
        spdlog::warn("lease {}: lost (another instance holds it now); closing this instance's connection",
                     lease_);
        running_->stop();
        running_.reset();
    }
    timer_.expires_after(running_ ? renew_every : try_every);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) tick();
    });
}

}  // namespace app
