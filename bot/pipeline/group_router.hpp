// A group of companies behind one port and one connection per platform (rules/group.hpp): every
// company is a full tenant with its own database and its own service (engine, outbox sender,
// batcher); the router decodes each callback once, with the platform's one adapter, and hands the
// message to the service of the company whose chat it came from (group_config::route). A message
// from a conversation nobody owns, or from the group centre's chat, is acknowledged and changes
// nothing (logged once per conversation, with its id). /healthz and /metrics cover every company
// (its id in the JSON, a `company` label on every metric).
//
// Thread-safety: everything runs on one io_context thread, as the services do.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/log_throttle.hpp"
#include "pipeline/message_hub.hpp"
#include "pipeline/service.hpp"
#include "rules/group.hpp"

namespace app {

struct company_service {
    const rules::company* co = nullptr;
    service* svc = nullptr;
    storage::database* db = nullptr;
};

class group_router final : public message_hub {
  public:
    // `decoders`: one adapter per served platform, for the inbound side only (the companies' own
    // adapters post, each with its chats' robots).
    group_router(const rules::group_config& g, const core::clock& clock,
                 std::map<std::string, std::unique_ptr<adapters::adapter>> decoders,
                 std::vector<company_service> companies);

    // The request handler given to http_server.
    boost::asio::awaitable<adapters::raw_response> handle_async(adapters::raw_request req);
    // Routes by (platform, conversation) to the owning company's service.
    boost::asio::awaitable<accepted> accept_message_async(std::string platform,
                                                          core::inbound_message msg) override;
    // Every company's posts on `platform` go out through `deliver` (the one long connection).
    void deliver_with(const std::string& platform, delivery deliver) override;
    // The address book is the group's (one DingTalk organization): each company is told, and warns
    // its HR when the person is one of its own.
    void serve_dingtalk_events(std::unique_ptr<adapters::dingtalk_events> events) override {
        events_ = std::move(events);
    }
    // Routes served beside the hooks (the companies' dashboards); nullptr: none.
    void mount(extra_routes* routes) { extra_ = routes; }

    // Each company's /healthz under its id: 200 only when every company is healthy.
    adapters::raw_response healthz(bool digest);
    // Each company's metrics with a `company` label, the router's requests beside them.
    adapters::raw_response metrics();

  private:
    boost::asio::awaitable<adapters::raw_response> on_hook_async(std::string platform,
                                                                 adapters::raw_request req);
    adapters::raw_response on_dingtalk_event(const adapters::raw_request& req);

    const rules::group_config& group_;
    const core::clock& clock_;
    std::map<std::string, std::unique_ptr<adapters::adapter>> decoders_;
    std::vector<company_service> companies_;
    std::unique_ptr<adapters::dingtalk_events> events_;
    extra_routes* extra_ = nullptr;
    std::map<std::string, std::uint64_t> requests_;  // "route status" -> count
    log_throttle id_log_;                            // conversations nobody owns
};

// Prometheus text of several sources merged family by family (a family's HELP and TYPE once, then
// its samples from every source); each source's samples get the label company="<label>" first,
// none for an empty label.
std::string merge_metrics(const std::vector<std::pair<std::string, std::string>>& sources);

}  // namespace app
