// The live bot behind `serve`: the route table (/hooks/<platform>, /healthz, /metrics), the
// inbound pipeline (adapter verify+decode → account to person → engine, committed before the 2xx),
// the scheduler timer that fires deadlines on the wall clock, and the outbox sender.
//
// Thread-safety: everything runs on one io_context thread (STYLE.md guideline 7).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "adapters/adapter.hpp"
#include "app/engine.hpp"
#include "app/outbox_sender.hpp"

namespace app {

// One configured chat: our id for it, its platform, and the platform's id for the conversation.
struct chat_binding {
    std::string id;            // as the config names it ("group")
    std::string platform;      // dingtalk, wecom
    std::string conversation;  // platform chat id; empty = any conversation of that platform
    int per_minute = 20;
};

class service {
  public:
    service(boost::asio::io_context& ioc, const rules::config& cfg, storage::database& db,
            const core::clock& clock, https_client& http,
            std::map<std::string, std::unique_ptr<adapters::adapter>> adapters,
            std::vector<chat_binding> chats);

    void start();
    void stop();
    // The request handler given to http_server.
    adapters::raw_response handle(const adapters::raw_request& req);

    enum class accepted { committed, ignored, failed };
    // A decoded message from any transport (HTTP callback or Stream): chat and sender mapped,
    // then committed by the engine. `failed` means nothing was committed: do not acknowledge.
    accepted accept_message(const std::string& platform, core::inbound_message msg);

    engine& workflow() { return engine_; }
    outbox_sender& sender() { return sender_; }

  private:
    adapters::raw_response on_hook(const std::string& platform, const adapters::raw_request& req);
    adapters::raw_response healthz();
    adapters::raw_response metrics();
    void arm_scheduler();
    const chat_binding* chat_for(const std::string& platform, const std::string& conversation) const;

    boost::asio::io_context& ioc_;
    const rules::config& cfg_;
    storage::database& db_;
    const core::clock& clock_;
    std::map<std::string, std::unique_ptr<adapters::adapter>> adapters_;
    std::vector<chat_binding> chats_;
    engine engine_;
    outbox_sender sender_;
    boost::asio::steady_timer timer_;
    bool stopping_ = false;
    core::instant last_tick_{};
    std::map<std::string, std::uint64_t> requests_;  // "route status" -> count
    std::uint64_t deadlines_fired_ = 0;
    double lateness_sum_ms_ = 0;
    double lateness_max_ms_ = 0;
};

}  // namespace app
