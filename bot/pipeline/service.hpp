// The live bot behind `serve`: the route table (/hooks/<platform>, /healthz, /livez, /metrics), the
// inbound pipeline (adapter verify+decode → account to person → engine, committed before the 2xx),
// the scheduler timer that fires deadlines on the wall clock, and the outbox sender. `serve` uses
// the coroutine entry points (handle_async, accept_message_async), which group-commit concurrent
// messages through an ingest_batcher (see ingest_batcher.hpp for the durability guarantee); the
// synchronous ones run one transaction per message.
//
// Thread-safety: everything runs on one io_context thread (STYLE.md guideline 7).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/adapter.hpp"
#include "adapters/dingtalk_events.hpp"
#include "pipeline/engine.hpp"
#include "pipeline/ingest_batcher.hpp"
#include "pipeline/instance_sync.hpp"
#include "pipeline/lease_keeper.hpp"
#include "pipeline/log_throttle.hpp"
#include "pipeline/message_hub.hpp"
#include "pipeline/outbox_sender.hpp"
#include "pipeline/reply_book.hpp"

namespace app {

// A plain-text answer (hooks, /livez, 404…).
adapters::raw_response text(int status, std::string body);
// The answer to a DingTalk event its decoder refused (logged); nullopt when it may be handled.
std::optional<adapters::raw_response> refusal_of(const adapters::dingtalk_event_result& r);
// The staff change a DingTalk address-book event says.
rules::staff_change staff_change_of(const adapters::dingtalk_org_event& e);

// One configured chat: our id for it, its platform, and the platform's id for the conversation.
struct chat_binding {
    std::string id;            // as the config names it ("group")
    std::string platform;      // dingtalk, wecom
    std::string conversation;  // platform chat id; empty = any conversation of that platform
    int per_minute = 20;
    // The platform counts per conversation (Slack's channel, Feishu's group, WeCom's long
    // connection) rather than per robot: the chat has a rate-limit bucket of its own.
    bool own_bucket = false;
    core::duration spacing{0};  // at least this long between two of its requests (Slack: 1 s)
    // The rate-limit bucket's name when not the default (the platform's, or platform:chat for a
    // bucket of its own): a group's companies name theirs apart (serve_group).
    std::string bucket = {};
};

// Routes served beside the hooks on the same port (HR's dashboard, bot/dashboard/): the service
// asks claims() first for every request, and awaits handle_async for a path claimed. Runs on the
// io_context's thread.
class extra_routes {
  public:
    virtual ~extra_routes() = default;
    virtual bool claims(const std::string& path) const = 0;
    // The metrics label of a claimed path (a fixed set, not the path typed).
    virtual std::string route_label(const std::string& path) const = 0;
    virtual boost::asio::awaitable<adapters::raw_response> handle_async(adapters::raw_request req) = 0;
};

class service final : public message_hub {
  public:
    // /healthz answers 503 while a post was refused for good within this window (it clears by
    // itself a day after the last one: the operator has seen it by then or the monitor has), or while
    // a due deadline has waited longer than scheduler_stuck_after (the loop is stuck).
    static constexpr core::duration failure_window{std::chrono::hours(24)};
    static constexpr core::duration scheduler_stuck_after{std::chrono::minutes(2)};

    service(boost::asio::io_context& ioc, const rules::config& cfg, storage::database& db,
            const core::clock& clock, https_client& http,
            std::map<std::string, std::unique_ptr<adapters::adapter>> adapters,
            std::vector<chat_binding> chats);

    void start();
    void stop();
    // Serves `routes` beside the hooks from now on (nullptr: none); it must outlive the service.
    void mount(extra_routes* routes) { extra_ = routes; }
    // The request handler given to http_server: the callback waits for its batch's COMMIT (group
    // commit: one transaction for the callbacks that arrived together, a savepoint each).
    boost::asio::awaitable<adapters::raw_response> handle_async(adapters::raw_request req);

    // A decoded message from any transport (HTTP callback or Stream): chat and sender mapped,
    // then committed through the group-commit batcher. `failed` or `rejected`: nothing of it was
    // committed, do not acknowledge.
    boost::asio::awaitable<accepted> accept_message_async(std::string platform,
                                                          core::inbound_message msg) override;

    void deliver_with(const std::string& platform, delivery deliver) override {
        deliveries_[platform] = std::move(deliver);
    }
    const reply_book& replies() const { return replies_; }
    void serve_dingtalk_events(std::unique_ptr<adapters::dingtalk_events> events) override {
        events_ = std::move(events);
    }
    // In a group of companies: the group centre's members, @-mentioned in the group chat (the
    // roll-up, the escalations it hears of) though they are no people of this company.
    void also_mention(std::vector<rules::person> people) { also_mention_ = std::move(people); }

    // The answer to a decoded callback (the group router answers the hooks it decodes the same way).
    static adapters::raw_response answer(const adapters::inbound_result& result, accepted how);
    // /healthz and /metrics (the group router gathers every company's). `digest`: also the digest of
    // what the engine holds in memory beside the same digest read from the database at the same
    // moment (the fault tests check that a restarted bot's memory is its file); at most once a
    // second, as it reads every open complaint.
    adapters::raw_response healthz(bool digest = false);
    adapters::raw_response metrics();

    engine& workflow() { return engine_; }
    outbox_sender& sender() { return sender_; }
    // This instance's name on a shared database ("" when it is the database's only writer).
    const std::string& instance() const { return instance_; }
    const batch_stats& ingest_stats() const { return batcher_.stats(); }

  private:
    boost::asio::awaitable<adapters::raw_response> on_hook_async(std::string platform,
                                                                 adapters::raw_request req);
    adapters::inbound_result decode_hook(const std::string& platform, const adapters::raw_request& req);
    // Maps the platform's chat and sender to ours; false when the chat is not bound (ignored). Logs
    // an unbound chat and an unregistered sender with their platform ids (throttled per id).
    bool route_message(const std::string& platform, core::inbound_message& msg);
    void after_commit();
    // /healthz, /livez, /metrics, unknown paths (404) and wrong methods (405 with Allow); nullopt for
    // a platform hook, which the caller runs. `route` is the metrics label.
    std::optional<adapters::raw_response> route_plain(const adapters::raw_request& req, std::string& route);
    void load_in_background();
    void arm_scheduler();
    const chat_binding* chat_for(const std::string& platform, const std::string& conversation) const;

    // Another instance on the shared database committed (or the poll came round).
    void on_others_committed();

    boost::asio::io_context& ioc_;
    const rules::config& cfg_;
    storage::database& db_;
    std::string instance_;  // this instance's name on a shared database ("" alone)
    const core::clock& clock_;
    std::map<std::string, std::unique_ptr<adapters::adapter>> adapters_;
    std::vector<chat_binding> chats_;
    adapters::raw_response on_dingtalk_event(const adapters::raw_request& req);

    std::map<std::string, delivery> deliveries_;
    std::unique_ptr<adapters::dingtalk_events> events_;
    reply_book replies_;
    extra_routes* extra_ = nullptr;
    std::vector<rules::person> also_mention_;
    engine engine_;
    outbox_sender sender_;
    ingest_batcher batcher_;
    boost::asio::steady_timer timer_;
    std::unique_ptr<instance_sync> sync_;
    std::unique_ptr<lease_keeper> jobs_lease_;  // several instances: who runs the scheduled jobs
    bool stopping_ = false;
    core::instant last_tick_{};
    std::chrono::steady_clock::time_point last_digest_{};
    std::map<std::string, std::uint64_t> requests_;  // "route status" -> count
    log_throttle id_log_;                            // unbound chats and unregistered senders
    std::uint64_t deadlines_fired_ = 0;
    double lateness_sum_ms_ = 0;
    double lateness_max_ms_ = 0;
};

}  // namespace app
