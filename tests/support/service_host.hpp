// The service in process over loopback, as `serve` runs it: app::service on a loop thread of its
// own behind the bot's HTTP server on 127.0.0.1 (callbacks group-committed), with the HTTPS client
// it posts through. For tests that need the bot's insides at hand (its clock, its database
// connection, its counters) where the real process would hide them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/service.hpp"
#include "support/loopback_server.hpp"

namespace loopback {

class service_host {
  public:
    service_host() = default;
    ~service_host() { stop(); }
    service_host(const service_host&) = delete;
    service_host& operator=(const service_host&) = delete;

    // The loop, for what the test puts on it before start() (e.g. a fake platform).
    asio::io_context& context() { return loop_.context(); }

    // Starts the service with these adapters and chats, the HTTP server in front of it, and the loop.
    // `routes` (e.g. the dashboard, living longer than this host) are mounted beside the hooks.
    void start(const rules::config& cfg, storage::database& db, const core::clock& clock,
               std::map<std::string, std::unique_ptr<adapters::adapter>> adapters,
               std::vector<app::chat_binding> chats, app::extra_routes* routes = nullptr) {
        svc_ = std::make_unique<app::service>(loop_.context(), cfg, db, clock, http_, std::move(adapters),
                                              std::move(chats));
        svc_->mount(routes);
        server_ = std::make_unique<server>(loop_.context(),
                                           app::async_request_handler([this](adapters::raw_request r) {
                                               return svc_->handle_async(std::move(r));
                                           }));
        svc_->start();
        loop_.start();
    }
    // Stops the server, `also` (e.g. a fake platform on the loop) and the service on the loop, lets
    // the loop wind down and joins (idempotent).
    void stop(const std::function<void()>& also = {}) {
        loop_.stop([&] {
            if (server_) server_->stop();
            if (also) also();
            if (svc_) svc_->stop();
        });
    }

    unsigned short port() const { return server_->port(); }
    app::service& service() { return *svc_; }
    // Runs `f` on the loop's thread and waits for its result.
    template <class F>
    auto on_loop(F f) {
        return loop_.on_loop(std::move(f));
    }

  private:
    loop_thread loop_;
    app::https_client http_{loop_.context()};
    std::unique_ptr<app::service> svc_;
    std::unique_ptr<server> server_;
};

}  // namespace loopback
