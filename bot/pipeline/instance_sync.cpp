#include "pipeline/instance_sync.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include <random>

namespace app {

namespace asio = boost::asio;

instance_sync::instance_sync(asio::io_context& ioc, storage::database& db, std::function<void()> look)
    : ioc_(ioc), db_(db), look_(std::move(look)), poll_(ioc) {}

instance_sync::~instance_sync() {
    stop();
}

std::string instance_sync::make_name(int port) {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    const std::string name = host[0] ? host : "host";
    if (port > 0) return name + ":" + std::to_string(port);
    std::random_device rd;
    return name + ":pid" + std::to_string(::getpid()) + ":" + std::to_string(rd() % 100000);
}

void instance_sync::start() {
    connect();
    arm_poll();
}

void instance_sync::stop() {
    stopping_ = true;
    poll_.cancel();
    if (socket_) {
        socket_->cancel();
        socket_->release();  // libpq owns the descriptor
        socket_.reset();
    }
}

void instance_sync::connect() {
    try {
        if (!listener_) listener_ = std::make_unique<storage::change_listener>(db_);
        if (socket_) {
            socket_->cancel();
            socket_->release();
            socket_.reset();
        }
        if (int fd = listener_->socket(); fd >= 0) {
            socket_ = std::make_unique<asio::posix::stream_descriptor>(ioc_, fd);
            wait_socket();
        }
    } catch (const std::exception& e) {
        // The poll goes on meanwhile; the next one tries the connection again.
        spdlog::warn("cannot listen for the other instances' changes: {} (looking every {} s instead)",
                     e.what(), std::chrono::duration_cast<std::chrono::seconds>(poll_every).count());
    }
}

void instance_sync::wait_socket() {
    socket_->async_wait(asio::posix::stream_descriptor::wait_read,
                        [this](const boost::system::error_code& ec) {
                            if (ec || stopping_) return;
                            bool look = false;
                            try {
                                look = listener_->drain();
                                if (listener_->take_reconnected()) {
                                    look = true;
                                    connect();  // a new socket
                                    if (look) {
                                        ++notified_;
                                        look_();
                                    }
                                    return;
                                }
                            } catch (const std::exception&) {
                                // The server went away: the poll looks and reconnects.
                                socket_->release();
                                socket_.reset();
                                return;
                            }
                            if (look) {
                                ++notified_;
                                look_();
                            }
                            wait_socket();
                        });
}

void instance_sync::arm_poll() {
    if (stopping_) return;
    poll_.expires_after(poll_every);
    poll_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        ++polled_;
        if (!socket_) connect();
        look_();
        arm_poll();
    });
}

}  // namespace app
