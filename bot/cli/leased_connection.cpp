#include "cli/leased_connection.hpp"

#include <spdlog/spdlog.h>

namespace app {

leased_connection::leased_connection(boost::asio::io_context& ioc, storage::database& db,
                                     const core::clock& clock, std::string lease, std::string instance,
                                     starter start)
    : start_(std::move(start)) {
    lease_ = std::make_unique<lease_keeper>(ioc, db, clock, std::move(lease), std::move(instance),
                                            [this](bool held) { changed(held); });
    lease_->start();
}

leased_connection::~leased_connection() {
    stop();
}

void leased_connection::stop() {
    if (lease_) lease_->stop();  // closes the connection (changed(false)), then gives the lease up
    if (running_) {
        running_->stop();
        closed_.push_back(std::move(running_));
    }
}

void leased_connection::changed(bool held) {
    if (held && !running_) {
        spdlog::info("lease {}: opening the connection on this instance", lease_->name());
        try {
            running_ = start_();
        } catch (const std::exception& e) {
            spdlog::error("lease {}: cannot open the connection: {}", lease_->name(), e.what());
        }
    } else if (!held && running_) {
        spdlog::warn("lease {}: closing this instance's connection", lease_->name());
        running_->stop();
        closed_.push_back(std::move(running_));
    }
}

}  // namespace app
