// Drains the durable outbox to the platforms: per chat in commit order (a post is not sent while an
// earlier post of the same chat waits for a retry), one request in flight, a per-robot rate limit
// (20/min by default, every request counting: a post split into 3 parts is 3), exponential backoff on
// retryable failures, the platform's block penalty on rate limiting, and no retry on permanent errors (kept
// as 'failed' for /healthz and /metrics). A post is marked sent only after the platform accepted it, so a
// crash between the two resends it once (at-least-once; posts are safe to repeat). When the database cannot
// record the delivery (disk full, read-only) the sender remembers it and marks it later instead of sending it
// again.
//
// Thread-safety: runs on the io_context's thread, like the engine that fills the outbox.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "adapters/adapter.hpp"
#include "core/clock.hpp"
#include "storage/database.hpp"
#include "transport/https_client.hpp"

namespace app {

// Where a chat's posts go: the adapter that encodes them, the people it can @-mention, the robot
// whose rate limit applies.
struct chat_route {
    const adapters::adapter* adapter = nullptr;
    std::string robot;  // rate-limit bucket
    int per_minute = 20;
    // At least this long between two requests of the robot (Slack: one post a second per channel;
    // Feishu: 5 a second per group); 0 = only the per-minute limit.
    core::duration spacing{0};
    core::duration rate_limit_penalty{0};  // the platform's block after "too fast"; 0 = sender default
    std::function<std::vector<adapters::mention_target>(const std::vector<std::string>&)> mentions;
    // How a request goes out: null = HTTPS (https_client); a long connection's send (WeCom's
    // aibot_send_msg) sets its own and answers with the receipt as the body.
    std::function<boost::asio::awaitable<http_result>(const adapters::outbound_request&)> deliver;
    // The reply handle of the message a post answers (outbound_post::reply_to), empty when unknown
    // or expired; null = the chat has no reply path. reply_gone: that handle failed, forget it.
    std::function<std::string(const std::string& reply_to)> reply_handle;
    std::function<void(const std::string& reply_to)> reply_gone;
};

struct sender_stats {
    std::uint64_t sent = 0;
    std::uint64_t retries = 0;
    std::uint64_t failed = 0;
    std::uint64_t rate_limited = 0;
    std::uint64_t replies = 0;          // posts delivered through the answered message's reply path
    std::uint64_t reply_fallbacks = 0;  // a reply path failed: the post went through the group robot
};

// Each robot's requests of the last minute and its block after "too fast", by bucket. Senders of
// several companies served by one process share one (serve_group): a robot one chat of theirs has
// in common — the group centre's, a platform's shared robot — counts every company's requests.
struct robot_windows {
    std::map<std::string, std::deque<core::instant>> sent_at;
    std::map<std::string, core::instant> blocked_until;
};

struct sender_options {
    core::duration first_backoff{std::chrono::seconds(1)};  // doubles per failed try
    core::duration max_backoff{std::chrono::minutes(5)};
    core::duration rate_limit_penalty{std::chrono::minutes(1)};  // after the platform says "too fast"
    // Several instances on one (PostgreSQL) database: this one's name. Each chat's posts are sent by
    // the instance holding the chat's lease (so a chat's order holds), and the robots' rate limits
    // are counted in the database (so all instances together keep them).
    std::string instance;
    core::duration chat_lease{std::chrono::seconds(20)};  // a killed holder's chats move on after it
};

class outbox_sender {
  public:
    using router = std::function<std::optional<chat_route>(const std::string& chat)>;

    outbox_sender(boost::asio::io_context& ioc, storage::database& db, const core::clock& clock,
                  https_client& http, router route, sender_options opts = {});

    void start();
    void stop();
    // New rows were committed: look at the outbox now.
    void kick();
    const sender_stats& stats() const { return stats_; }

    // Counts the robots' requests in `windows` (shared with other senders) instead of its own, and,
    // several instances on PostgreSQL, in `rate_db`'s buckets instead of its own database's. Call
    // before start(); both must outlive the sender.
    void share_limits(std::shared_ptr<robot_windows> windows, storage::database& rate_db);

    // Backoff after `attempts` failed tries: first_backoff, doubled each time, capped at max_backoff.
    core::duration backoff(int attempts) const;

  private:
    boost::asio::awaitable<void> run();
    // Sends what is due; returns when the next look should happen.
    boost::asio::awaitable<core::instant> pass();
    bool allowed(const chat_route& route, core::instant now, core::instant& retry_at);
    // Several instances: whether this one sends the chat's posts now (holds or took its lease).
    bool holds_chat(const std::string& chat, core::instant now);
    bool shared() const { return db_.shared() && !opts_.instance.empty(); }

    boost::asio::io_context& ioc_;
    storage::database& db_;
    const core::clock& clock_;
    https_client& http_;
    router route_;
    sender_options opts_;
    boost::asio::steady_timer wake_;
    bool stopping_ = false;
    bool kicked_ = false;  // kick() since the current pass began
    std::shared_ptr<robot_windows> windows_ = std::make_shared<robot_windows>();
    storage::database* rate_db_;       // where shared() counts the robots (db_ unless share_limits)
    std::set<std::int64_t> unmarked_;  // delivered, but mark_sent failed (disk full, read-only)
    std::map<std::int64_t, std::size_t> parts_sent_;    // a split post partly accepted: parts done
    std::map<std::string, core::instant> chat_leases_;  // shared(): chat -> until when this one holds it
    std::map<std::string, core::instant> slot_taken_;  // shared(): robot -> the slot of the request in flight
    sender_stats stats_;
};

}  // namespace app
