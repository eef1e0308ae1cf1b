#include "pipeline/service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>

#include <sstream>
#include "transport/coroutine_frames.hpp"

namespace app {

namespace asio = boost::asio;

adapters::raw_response text(int status, std::string body) {
    return {status, "text/plain; charset=utf-8", std::move(body)};
}

std::optional<adapters::raw_response> refusal_of(const adapters::dingtalk_event_result& r) {
    if (!r.result.error || r.result.reply) return std::nullopt;
    spdlog::warn("dingtalk event refused: {} ({})", adapters::name_of(*r.result.error), r.result.detail);
    return text(adapters::status_of(*r.result.error), std::string(adapters::name_of(*r.result.error)) + "\n");
}

rules::staff_change staff_change_of(const adapters::dingtalk_org_event& e) {
    return {e.what == adapters::dingtalk_org_event::kind::left ? rules::staff_change_kind::left
                                                               : rules::staff_change_kind::changed,
            "dingtalk", e.user_ids};
}

service::service(asio::io_context& ioc, const rules::config& cfg, storage::database& db,
                 const core::clock& clock, https_client& http,
                 std::map<std::string, std::unique_ptr<adapters::adapter>> adapters,
                 std::vector<chat_binding> chats)
    : ioc_(ioc),
      cfg_(cfg),
      db_(db),
      instance_(db.shared() ? instance_sync::make_name(cfg.server.port) : std::string()),
      clock_(clock),
      adapters_(std::move(adapters)),
      chats_(std::move(chats)),
      engine_(cfg, db, clock, /*load_all=*/false),
      sender_(
          ioc, db, clock, http,
          [this](const std::string& chat) -> std::optional<chat_route> {
              for (const auto& c : chats_) {
                  if (c.id != chat) continue;
                  auto it = adapters_.find(c.platform);
                  if (it == adapters_.end()) return std::nullopt;
                  chat_route r;
                  r.adapter = it->second.get();
                  // All chats of a platform post through its one robot webhook, so they
                  // share its limit (the platform counts per robot, not per group).
                  r.robot = !c.bucket.empty() ? c.bucket
                            : c.own_bucket    ? c.platform + ":" + c.id
                                              : c.platform;
                  r.per_minute = c.per_minute;
                  r.spacing = c.spacing;
                  // DingTalk blocks a robot for 10 minutes after "send too fast" (130101).
                  if (c.platform == "dingtalk") r.rate_limit_penalty = std::chrono::minutes(10);
                  auto platform = c.platform;
                  r.mentions = [this, platform](const std::vector<std::string>& people) {
                      std::vector<adapters::mention_target> out;
                      for (const auto& id : people) {
                          const auto* p = cfg_.org.find_person(id);
                          for (const auto& m : also_mention_)
                              if (!p && m.id == id) p = &m;
                          if (!p) continue;
                          auto acc = p->accounts.find(platform);
                          out.push_back(
                              {p->id, p->name, acc == p->accounts.end() ? std::string{} : acc->second});
                      }
                      return out;
                  };
                  if (auto d = deliveries_.find(platform); d != deliveries_.end()) r.deliver = d->second;
                  r.reply_handle = [this, platform](const std::string& msg_id) {
                      return replies_.find(platform, msg_id, clock_.now());
                  };
                  r.reply_gone = [this, platform](const std::string& msg_id) {
                      replies_.forget(platform, msg_id);
                  };
                  return r;
              }
              return std::nullopt;
          },
          sender_options{.instance = instance_}),
      batcher_(
          ioc, db, [this](const core::inbound_message& m) { return engine_.handle_in_transaction(m); },
          [this] { after_commit(); }),
      timer_(ioc) {}

void service::start() {
    // Deadlines missed while the bot was down fire now, with their original deadline recorded.
    last_tick_ = clock_.now();
    deadlines_fired_ += engine_.fire_due(clock_.now());
    sender_.start();
    arm_scheduler();
    load_in_background();
    if (db_.shared()) {
        spdlog::info(
            "instance {} on a shared database: the others' commits are seen by NOTIFY and every {} s",
            instance_, std::chrono::duration_cast<std::chrono::seconds>(instance_sync::poll_every).count());
        sync_ = std::make_unique<instance_sync>(ioc_, db_, [this] { on_others_committed(); });
        sync_->start();
        // The jobs wait for the lease (each occurrence would still run once: its row is claimed).
        engine_.set_runs_jobs(false);
        jobs_lease_ = std::make_unique<lease_keeper>(ioc_, db_, clock_, "jobs", instance_, [this](bool held) {
            engine_.set_runs_jobs(held);
            if (held) after_commit();  // re-arm the scheduler for them
        });
        jobs_lease_->start();
    }
}

void service::on_others_committed() {
    if (stopping_) return;
    try {
        engine_.refresh();
    } catch (const std::exception& e) {
        spdlog::warn("cannot read the other instances' changes: {} (next look in a few seconds)",
                     db_.explain(e));
    }
    after_commit();  // their deadlines on the heap, their posts perhaps this instance's to send
}

// The open complaints come into memory a page at a time between the other work of the loop, so
// /healthz and the callbacks are answered from the first moment (a step on a complaint not loaded
// yet reads it from the database).
void service::load_in_background() {
    boost::asio::post(ioc_, [this] {
        if (stopping_) return;
        try {
            if (engine_.load_more(50)) return load_in_background();  // ~2 ms a page
            spdlog::info("holding {} complaints and {} deadlines in memory", engine_.live().complaints_held(),
                         engine_.live().deadlines_armed());
        } catch (const std::exception& e) {
            spdlog::error("loading the open complaints failed: {} (they are read from the database)",
                          db_.explain(e));
        }
    });
}

void service::stop() {
    stopping_ = true;
    if (sync_) sync_->stop();
    if (jobs_lease_) jobs_lease_->stop();
    timer_.cancel();
    sender_.stop();
}

void service::arm_scheduler() {
    if (stopping_) return;
    auto next = engine_.next_due();
    auto now = clock_.now();
    // Wake at least once a minute: the wall clock can jump, and /healthz reports the last tick.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::minutes(1));
    if (next) wait = std::min(wait, std::max(core::duration{0}, *next - now));
    timer_.expires_after(wait);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopping_) return;
        auto woke = clock_.now();
        last_tick_ = woke;
        while (auto due = engine_.next_due()) {
            if (*due > woke) break;
            double late = static_cast<double>((woke - *due).count());
            lateness_sum_ms_ += late;
            lateness_max_ms_ = std::max(lateness_max_ms_, late);
            try {
                deadlines_fired_ += engine_.fire_due(*due);
            } catch (const std::exception& e) {
                spdlog::error("firing deadlines failed: {} (will retry)", e.what());
                break;
            }
        }
        sender_.kick();
        arm_scheduler();
    });
}

const chat_binding* service::chat_for(const std::string& platform, const std::string& conversation) const {
    for (const auto& c : chats_)
        if (c.platform == platform && (c.conversation.empty() || c.conversation == conversation)) return &c;
    return nullptr;
}

std::optional<adapters::raw_response> service::route_plain(const adapters::raw_request& req,
                                                           std::string& route) {
    auto path = req.path();
    route = path;
    // A route answers its own methods only: 405 with Allow for any other.
    auto only = [&](const char* allow) -> std::optional<adapters::raw_response> {
        std::string_view a = allow;
        for (std::size_t start = 0; start <= a.size();) {
            auto comma = a.find(", ", start);
            if (a.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start) ==
                req.method)
                return std::nullopt;
            if (comma == std::string_view::npos) break;
            start = comma + 2;
        }
        auto res = text(405, "method not allowed: use " + std::string(allow) + "\n");
        res.headers["Allow"] = allow;
        return res;
    };
    if (path == "/healthz" || path == "/livez" || path == "/metrics") {
        if (auto refused = only("GET")) return refused;
        if (path == "/livez") return text(200, "alive\n");  // the process runs and answers
        return path == "/healthz" ? healthz(req.query("digest").has_value()) : metrics();
    }
    if (path == "/hooks/dingtalk/events" && events_) {
        if (auto refused = only("POST")) return refused;
        return on_dingtalk_event(req);
    }
    if (path.rfind("/hooks/", 0) == 0 && adapters_.count(path.substr(7))) {
        // WeCom verifies the URL with a GET (echostr); every callback is a POST.
        if (auto refused = only(path == "/hooks/wecom" ? "GET, POST" : "POST")) return refused;
        return std::nullopt;
    }
    route = "other";
    return text(404, "not found\n");
}

adapters::raw_response service::on_dingtalk_event(const adapters::raw_request& req) {
    auto r = events_->decode(req, clock_.now());
    if (auto refused = refusal_of(r)) return *refused;
    if (r.org_event) {
        auto change = staff_change_of(*r.org_event);
        try {
            if (engine_.staff_changed(change, r.org_event->event_id)) sender_.kick();
        } catch (const std::exception& e) {
            // Not answered "success": DingTalk pushes the event again.
            spdlog::error("dingtalk event {} not recorded: {}", adapters::log_word(r.event_type),
                          db_.explain(e));
            return text(503, "storage unavailable, retry later\n");
        }
    }
    spdlog::info("dingtalk event {} answered", adapters::log_word(r.event_type));
    return *r.result.reply;
}

adapters::inbound_result service::decode_hook(const std::string& platform, const adapters::raw_request& req) {
    const auto& adapter = *adapters_.at(platform);
    auto result = adapter.decode(req, clock_.now());
    if (result.error && adapters::status_of(*result.error) >= 400)
        spdlog::warn("{} callback refused: {} ({})", platform, adapters::name_of(*result.error),
                     result.detail);
    else if (result.error)  // authentic, answered 200 (the platform would only retry), but not a post
        spdlog::info("{} callback answered 200, not a post the bot uses: {}", platform, result.detail);
    else if (result.reply && !result.message)
        spdlog::info("{} callback answered: {}", platform, result.detail);
    return result;
}

adapters::raw_response service::answer(const adapters::inbound_result& result, accepted how) {
    if (result.error) {
        auto status = adapters::status_of(*result.error);
        return result.reply ? *result.reply
                            : text(status, std::string(adapters::name_of(*result.error)) + "\n");
    }
    switch (how) {
        case accepted::failed:
            return text(503, "storage unavailable, retry later\n");
        case accepted::rejected:
            return text(500, "internal error, retry later\n");
        default:
            return result.reply ? *result.reply : text(200, "");
    }
}

boost::asio::awaitable<adapters::raw_response> service::handle_async(adapters::raw_request req) {
    auto path = req.path();
    std::string route;
    if (extra_ && extra_->claims(path)) {
        route = extra_->route_label(path);
        auto res = co_await extra_->handle_async(std::move(req));
        requests_[route + " " + std::to_string(res.status)]++;
        co_return res;
    }
    auto res = route_plain(req, route);
    if (!res) res = co_await on_hook_async(path.substr(7), std::move(req));
    requests_[route + " " + std::to_string(res->status)]++;
    co_return *res;
}

boost::asio::awaitable<adapters::raw_response> service::on_hook_async(std::string platform,
                                                                      adapters::raw_request req) {
    auto result = decode_hook(platform, req);
    if (result.error || !result.message) co_return answer(result, accepted::ignored);
    auto how = co_await accept_message_async(platform, *result.message);
    co_return answer(result, how);
}
bool service::route_message(const std::string& platform, core::inbound_message& msg) {
    const auto* chat = chat_for(platform, msg.chat);
    if (!chat) {
        // The ids are what the IT person needs to bind the group; neither is a secret.
        if (id_log_.allow("chat " + platform + " " + msg.chat, clock_.now()))
            spdlog::info(
                "{} message from unbound chat '{}' (sender '{}') ignored: to serve this group add "
                "{{ id: <name>, platform: {}, conversation: \"{}\" }} under chats:",
                platform, msg.chat, msg.sender, platform, msg.chat);
        return false;
    }
    msg.chat = chat->id;
    msg.platform = platform;
    const auto* person = cfg_.org.find_by_account(platform, msg.sender);
    if (!person && id_log_.allow("sender " + platform + " " + msg.sender, clock_.now()))
        spdlog::info(
            "{} sender '{}' in chat '{}' is not registered: add `{}: {}` to that person's accounts: in the "
            "config (the bot's reply shows the id)",
            platform, msg.sender, chat->id, platform, msg.sender);
    msg.sender = person ? person->id : "unregistered:" + msg.sender;
    return true;
}

boost::asio::awaitable<service::accepted> service::accept_message_async(std::string platform,
                                                                        core::inbound_message msg) {
    if (!route_message(platform, msg)) co_return accepted::ignored;
    replies_.remember(platform, msg.msg_id, std::move(msg.reply_handle), msg.reply_until, clock_.now());
    msg.reply_handle.clear();
    // Resumes after its batch's COMMIT. (Kept out of a switch condition: with co_await there,
    // g++ 12 -O2 built a binary that died with SIGILL on the first callback.)
    auto status = co_await batcher_.submit(std::move(msg));
    accepted how = accepted::failed;
    if (status == ingest_status::committed) how = accepted::committed;
    if (status == ingest_status::rejected) how = accepted::rejected;
    co_return how;
}

void service::after_commit() {
    sender_.kick();
    timer_.cancel();  // new deadlines: re-arm
    arm_scheduler();
}

adapters::raw_response service::healthz(bool digest) {
    // 200 only when healthy; otherwise 503 with every reason, each saying what to look at.
    auto now = clock_.now();
    nlohmann::json out;
    const auto& live = engine_.live();
    out["live"] = {{"complaints", live.complaints_held()},
                   {"deadlines", live.deadlines_armed()},
                   {"loading", live.loading()}};
    if (digest && live.loading())
        return {503, "text/plain; charset=utf-8", "still loading the open complaints: ask again\n"};
    if (digest) {
        auto wall = std::chrono::steady_clock::now();
        if (wall - last_digest_ < std::chrono::seconds(1))
            return {429, "text/plain; charset=utf-8", "the digest is computed at most once a second\n"};
        last_digest_ = wall;
        if (db_.in_transaction())
            return {503, "text/plain; charset=utf-8", "a transaction is open: ask again\n"};
        try {
            out["live"]["digest"] = live.digest();
            out["live"]["database_digest"] = live_state::digest_of(db_);
        } catch (const std::exception& e) {
            return {503, "text/plain; charset=utf-8", "cannot read the database: " + db_.explain(e) + "\n"};
        }
    }
    std::vector<std::string> reasons;
    std::int64_t backlog = -1, failed = -1;
    storage::database::failure_summary recent;
    try {
        backlog = db_.outbox_backlog();
        failed = db_.outbox_failed();
        recent = db_.outbox_failures_since(now - failure_window);
    } catch (const std::exception& e) {
        reasons.push_back("database unreadable: " + db_.explain(e));
    }
    if (recent.count > 0) {
        core::zone tz(cfg_.timezone);
        reasons.push_back(
            std::to_string(recent.count) + " post(s) refused for good by the platform since " +
            tz.long_time(recent.first) + " (last to chat '" + recent.chat + "' at " +
            tz.long_time(recent.last) + ": " + recent.last_error.substr(0, 200) +
            "): check the robot's webhook, secret and keywords; this clears 24 h after the last one");
    }
    auto since_tick = now - last_tick_;
    bool scheduler_alive = since_tick < std::chrono::minutes(3);
    if (!scheduler_alive)
        reasons.push_back(
            "the scheduler has not woken for " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(since_tick).count()) +
            " s (it wakes at least once a minute)");
    std::int64_t overdue_s = 0;
    try {
        if (auto due = engine_.next_due(); due && now - *due > scheduler_stuck_after) {
            overdue_s = std::chrono::duration_cast<std::chrono::seconds>(now - *due).count();
            reasons.push_back("a deadline due at " + core::zone(cfg_.timezone).long_time(*due) +
                              " has not run for " + std::to_string(overdue_s) +
                              " s: the scheduler is stuck (see the log for \"firing "
                              "deadlines failed\")");
        }
    } catch (const std::exception& e) {
        reasons.push_back("cannot read the deadlines: " + db_.explain(e));
    }
    bool ok = reasons.empty();
    out["status"] = ok ? "ok" : "degraded";
    out["reasons"] = reasons;
    out["database"] = backlog >= 0;
    out["scheduler_alive"] = scheduler_alive;
    out["deadline_overdue_s"] = overdue_s;
    out["outbox_backlog"] = backlog;
    out["outbox_failed"] = failed;
    out["outbox_failed_24h"] = recent.count;
    return {ok ? 200 : 503, "application/json", out.dump() + "\n"};
}

adapters::raw_response service::metrics() {
    std::ostringstream out;
    out << "# HELP complaint_bot_requests_total HTTP requests by route and status.\n"
        << "# TYPE complaint_bot_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
        auto space = key.rfind(' ');
        out << "complaint_bot_requests_total{route=\"" << key.substr(0, space) << "\",status=\""
            << key.substr(space + 1) << "\"} " << n << "\n";
    }
    std::map<std::string, std::int64_t> stages;
    std::int64_t fines = 0;
    try {
        // Counted in memory as complaints change; by the indexed columns while still loading.
        const auto& live = engine_.live();
        for (const auto& [stage, n] : live.loading() ? db_.open_complaints_by_stage() : live.open_by_stage())
            stages[stage.empty() ? "compensation" : stage] += n;
        fines = db_.fine_count();
    } catch (const std::exception&) {
    }
    out << "# HELP complaint_bot_open_complaints Open complaints by pending stage.\n"
        << "# TYPE complaint_bot_open_complaints gauge\n";
    for (const auto& [stage, n] : stages)
        out << "complaint_bot_open_complaints{stage=\"" << stage << "\"} " << n << "\n";
    const auto& s = sender_.stats();
    out << "# TYPE complaint_bot_fines_total counter\ncomplaint_bot_fines_total " << fines << "\n"
        << "# TYPE complaint_bot_outbox_backlog gauge\ncomplaint_bot_outbox_backlog " << db_.outbox_backlog()
        << "\n"
        << "# TYPE complaint_bot_outbox_sent_total counter\ncomplaint_bot_outbox_sent_total " << s.sent
        << "\n"
        << "# TYPE complaint_bot_outbox_retries_total counter\ncomplaint_bot_outbox_retries_total "
        << s.retries << "\n"
        << "# TYPE complaint_bot_outbox_failed_total counter\ncomplaint_bot_outbox_failed_total " << s.failed
        << "\n"
        << "# TYPE complaint_bot_outbox_rate_limited_total counter\ncomplaint_bot_outbox_rate_limited_total "
        << s.rate_limited << "\n"
        << "# HELP complaint_bot_outbox_replies_total Posts answered through the message's own reply path.\n"
        << "# TYPE complaint_bot_outbox_replies_total counter\ncomplaint_bot_outbox_replies_total "
        << s.replies << "\n"
        << "# TYPE complaint_bot_outbox_reply_fallbacks_total "
           "counter\ncomplaint_bot_outbox_reply_fallbacks_total "
        << s.reply_fallbacks << "\n"
        << "# TYPE complaint_bot_deadlines_fired_total counter\ncomplaint_bot_deadlines_fired_total "
        << deadlines_fired_ << "\n"
        << "# TYPE complaint_bot_deadline_lateness_max_ms gauge\ncomplaint_bot_deadline_lateness_max_ms "
        << lateness_max_ms_ << "\n";
    const auto& b = batcher_.stats();
    out << "# HELP complaint_bot_ingest_batches_total Group commits of inbound messages (one fsync each).\n"
        << "# TYPE complaint_bot_ingest_batches_total counter\ncomplaint_bot_ingest_batches_total "
        << b.batches << "\n"
        << "# TYPE complaint_bot_ingest_messages_total counter\ncomplaint_bot_ingest_messages_total "
        << b.messages << "\n"
        << "# TYPE complaint_bot_ingest_rejected_total counter\ncomplaint_bot_ingest_rejected_total "
        << b.rejected << "\n"
        << "# TYPE complaint_bot_ingest_unavailable_total counter\ncomplaint_bot_ingest_unavailable_total "
        << b.unavailable << "\n"
        << "# TYPE complaint_bot_ingest_largest_batch gauge\ncomplaint_bot_ingest_largest_batch " << b.largest
        << "\n"
        << "# TYPE complaint_bot_ingest_wal_syncs_total counter\ncomplaint_bot_ingest_wal_syncs_total "
        << b.syncs << "\n";
    return {200, "text/plain; version=0.0.4", out.str()};
}

}  // namespace app
