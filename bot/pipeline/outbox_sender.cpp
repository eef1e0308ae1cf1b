#include "pipeline/outbox_sender.hpp"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

#include <spdlog/spdlog.h>
#include "transport/coroutine_frames.hpp"

namespace app {

namespace asio = boost::asio;

outbox_sender::outbox_sender(asio::io_context& ioc, storage::database& db, const core::clock& clock,
                             https_client& http, router route, sender_options opts)
    : ioc_(ioc),
      db_(db),
      clock_(clock),
      http_(http),
      route_(std::move(route)),
      opts_(opts),
      wake_(ioc),
      rate_db_(&db) {}

void outbox_sender::share_limits(std::shared_ptr<robot_windows> windows, storage::database& rate_db) {
    windows_ = std::move(windows);
    rate_db_ = &rate_db;
}

void outbox_sender::start() {
    asio::co_spawn(ioc_, run(), asio::detached);
}

void outbox_sender::stop() {
    stopping_ = true;
    wake_.cancel();
}

void outbox_sender::kick() {
    kicked_ = true;  // also when a pass is running: it may have read the outbox before the new rows
    wake_.cancel();
}

core::duration outbox_sender::backoff(int attempts) const {
    auto shift = std::min(attempts > 0 ? attempts - 1 : 0, 20);
    auto d = opts_.first_backoff * (std::int64_t{1} << shift);
    return std::min(d, opts_.max_backoff);
}

bool outbox_sender::holds_chat(const std::string& chat, core::instant now) {
    if (auto it = chat_leases_.find(chat);
        it != chat_leases_.end() && it->second - now > opts_.chat_lease / 2)
        return true;  // renewed when half of it is left
    if (db_.take_lease("outbox:" + chat, opts_.instance, now, opts_.chat_lease)) {
        chat_leases_[chat] = now + opts_.chat_lease;
        return true;
    }
    chat_leases_.erase(chat);  // another instance sends this chat's posts
    return false;
}

bool outbox_sender::allowed(const chat_route& route, core::instant now, core::instant& retry_at) {
    if (shared()) {
        // The robot's window in the database, counted for every instance; the slot is this request's.
        auto a = rate_db_->take_rate_slot(route.robot, route.per_minute, route.spacing, now);
        if (!a.taken) {
            retry_at = a.retry_at;
            return false;
        }
        slot_taken_[route.robot] = now;
        return true;
    }
    const auto& blocked = windows_->blocked_until;
    if (auto it = blocked.find(route.robot); it != blocked.end() && it->second > now) {
        retry_at = it->second;
        return false;
    }
    auto& window = windows_->sent_at[route.robot];
    while (!window.empty() && now - window.front() >= std::chrono::minutes(1)) window.pop_front();
    if (static_cast<int>(window.size()) >= route.per_minute) {
        retry_at = window.front() + std::chrono::minutes(1);
        return false;
    }
    if (route.spacing.count() > 0 && !window.empty() && now - window.back() < route.spacing) {
        retry_at = window.back() + route.spacing;
        return false;
    }
    return true;
}

asio::awaitable<core::instant> outbox_sender::pass() {
    auto now = clock_.now();
    core::instant next = now + std::chrono::seconds(30);
    std::set<std::string> blocked_chats;  // an earlier post of the chat is still waiting
    for (const auto& row : db_.pending_outbox(500)) {
        if (stopping_) break;
        if (blocked_chats.count(row.post.chat)) continue;
        blocked_chats.insert(row.post.chat);
        now = clock_.now();
        if (shared() && !holds_chat(row.post.chat, now)) continue;
        if (unmarked_.count(row.id)) {
            // Delivered earlier, but the database refused to record it: record it now, never resend.
            db_.mark_sent(row.id, now);
            unmarked_.erase(row.id);
            blocked_chats.erase(row.post.chat);
            continue;
        }
        if (row.next_try_at > now) {
            next = std::min(next, row.next_try_at);
            continue;
        }
        auto route = route_(row.post.chat);
        if (!route || !route->adapter) {
            spdlog::error("post {} has no platform: chat '{}' is not under chats: in the config", row.id,
                          row.post.chat);
            db_.mark_failed(row.id, row.attempts, "no platform configured for chat '" + row.post.chat + "'",
                            now);
            ++stats_.failed;
            blocked_chats.erase(row.post.chat);
            continue;
        }
        core::instant retry_at{};
        if (!allowed(*route, now, retry_at)) {
            next = std::min(next, retry_at);
            continue;
        }
        auto mentions = route->mentions(row.post.mentions);
        // An immediate answer goes back the way the platform offers for the message itself while
        // that way is open; the group robot otherwise (and for every timed post).
        std::string handle;
        if (!row.post.reply_to.empty() && route->reply_handle)
            handle = route->reply_handle(row.post.reply_to);
        auto requests = handle.empty() ? std::vector<adapters::outbound_request>{}
                                       : route->adapter->encode_reply(handle, row.post, mentions, now);
        bool via_reply = !requests.empty();
        if (!via_reply) requests = route->adapter->encode(row.post, mentions, now);
        if (requests.empty()) {
            // Nothing the adapter can send this through (no robot, no conversation id for the chat):
            // kept as failed for /healthz, never marked sent.
            const std::string why = "no way to post into chat '" + row.post.chat + "' on " +
                                    std::string(route->adapter->platform()) +
                                    ": give the chat its conversation id under chats:, or a group robot";
            spdlog::error("post {}: {}", row.id, why);
            db_.mark_failed(row.id, row.attempts, why, now);
            ++stats_.failed;
            blocked_chats.erase(row.post.chat);
            continue;
        }
        // A long post is several requests, and each counts against the robot's limit (DingTalk
        // blocks a robot for 10 minutes past 20 a minute): the parts go out as the limit allows,
        // the chat's later posts waiting behind them. The parts the platform accepted are
        // remembered, so a retry or a wait resumes at the next part instead of repeating them
        // (after a restart the whole post is sent again: at-least-once, never lost).
        std::size_t first = parts_sent_.count(row.id) ? parts_sent_[row.id] : 0;
        if (first >= requests.size()) first = 0;
        std::size_t done = first;
        bool delivered = true, waiting = false;
        std::string error;
        std::chrono::milliseconds platform_wait{0};
        auto verdict = adapters::adapter::send_verdict::delivered;
        for (std::size_t i = first; i < requests.size(); ++i) {
            if (i > first && !allowed(*route, clock_.now(), retry_at)) {
                waiting = true;
                next = std::min(next, retry_at);
                break;
            }
            const auto asked_at = clock_.now();
            windows_->sent_at[route->robot].push_back(asked_at);
            // (No co_await inside ?: — g++ 12 destroys the temporaries of both arms.)
            http_result result;
            if (route->deliver)
                result = co_await route->deliver(requests[i]);
            else
                result = co_await http_.send(requests[i]);
            // The spacing counts from the platform's answer: the platform had the request by then,
            // so the next one reaches it at least `spacing` later however long this one travelled.
            // (Another company's sender may have added its own request meanwhile: this one's entry.)
            auto& window = windows_->sent_at[route->robot];
            if (auto it = std::find(window.rbegin(), window.rend(), asked_at); it != window.rend())
                *it = std::max(*it, clock_.now());
            if (shared()) rate_db_->stamp_rate_slot(route->robot, slot_taken_[route->robot], clock_.now());
            if (!result.transport_ok) {
                verdict = adapters::adapter::send_verdict::retry;
                error = result.error;
            } else {
                verdict = route->adapter->classify(result.status, result.body);
                error = "HTTP " + std::to_string(result.status) + " " + result.body.substr(0, 200);
                if (verdict == adapters::adapter::send_verdict::rate_limited)
                    platform_wait = route->adapter->wait_after(result.headers, result.body);
            }
            if (verdict != adapters::adapter::send_verdict::delivered) {
                delivered = false;
                break;
            }
            done = i + 1;
        }
        if (done > 0 && done < requests.size())
            parts_sent_[row.id] = done;
        else
            parts_sent_.erase(row.id);
        if (waiting) continue;  // the rest of the post when the robot's window has room
        now = clock_.now();
        if (!delivered && via_reply && verdict == adapters::adapter::send_verdict::permanent_failure) {
            // The message's own reply path is gone (DingTalk's session expired, a used response_url):
            // forget it and send the post through the group robot at once, no attempt counted.
            spdlog::info("post {} to chat '{}': the reply path failed ({}); sending through the group robot",
                         row.id, row.post.chat, error);
            if (route->reply_gone) route->reply_gone(row.post.reply_to);
            parts_sent_.erase(row.id);
            ++stats_.reply_fallbacks;
            next = now;
            continue;
        }
        int attempts = row.attempts + 1;
        if (delivered) {
            ++stats_.sent;
            if (via_reply) ++stats_.replies;
            try {
                db_.mark_sent(row.id, now);
            } catch (const std::exception& e) {
                // Disk full or read-only: the platform has the post, so it is not sent again; the
                // chat waits until the row can be marked.
                unmarked_.insert(row.id);
                spdlog::error("post {} was delivered but cannot be marked sent: {}", row.id, db_.explain(e));
                continue;
            }
            blocked_chats.erase(row.post.chat);  // the chat's next post may go in this pass
            continue;
        }
        switch (verdict) {
            case adapters::adapter::send_verdict::rate_limited: {
                auto penalty = platform_wait.count() > 0               ? core::duration(platform_wait)
                               : route->rate_limit_penalty.count() > 0 ? route->rate_limit_penalty
                                                                       : opts_.rate_limit_penalty;
                windows_->blocked_until[route->robot] = now + penalty;
                if (shared()) rate_db_->block_rate_bucket(route->robot, now + penalty);
                db_.mark_retry(row.id, attempts, now + penalty, error);
                ++stats_.rate_limited;
                next = std::min(next, now + penalty);
                break;
            }
            case adapters::adapter::send_verdict::permanent_failure:
                parts_sent_.erase(row.id);
                spdlog::error(
                    "post {} to chat '{}' refused by the platform for good ({}); kept as failed — check the "
                    "robot's webhook, secret and keywords",
                    row.id, row.post.chat, error);
                db_.mark_failed(row.id, attempts, error, now);
                ++stats_.failed;
                blocked_chats.erase(row.post.chat);
                break;
            default:
                db_.mark_retry(row.id, attempts, now + backoff(attempts), error);
                ++stats_.retries;
                next = std::min(next, now + backoff(attempts));
                break;
        }
    }
    co_return next;
}

asio::awaitable<void> outbox_sender::run() {
    while (!stopping_) {
        core::instant next;
        kicked_ = false;
        try {
            next = co_await pass();
        } catch (const std::exception&) {
            next = clock_.now() + std::chrono::seconds(5);  // database busy or gone: look again soon
        }
        if (stopping_) break;
        if (kicked_) continue;  // rows committed during the pass: look again now
        auto wait = next - clock_.now();
        if (wait.count() < 0) wait = core::duration{0};
        wake_.expires_after(wait);
        co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));  // cancelled by kick()
    }
}

}  // namespace app
