#include "storage/outbox_store.hpp"

#include <nlohmann/json.hpp>

namespace storage::detail {

namespace {
constexpr const char* sql_enqueue =
    "INSERT INTO outbox(created_at, chat, text, mentions, state, next_try_at, actions, reply_to) VALUES(?, "
    "?, "
    "?, ?, 'pending', ?, ?, ?)";
constexpr const char* sql_pending_outbox =
    "SELECT id, created_at, chat, text, mentions, state, attempts, next_try_at, actions, reply_to FROM "
    "outbox "
    "WHERE state = "
    "'pending' ORDER BY id LIMIT ?";
constexpr const char* sql_mark_sent = "UPDATE outbox SET state = 'sent', sent_at = ? WHERE id = ?";
constexpr const char* sql_mark_retry =
    "UPDATE outbox SET attempts = ?, next_try_at = ?, last_error = ? WHERE id = ?";
constexpr const char* sql_mark_failed =
    "UPDATE outbox SET state = 'failed', attempts = ?, last_error = ?, next_try_at = COALESCE(?, "
    "next_try_at) WHERE id = ?";
}  // namespace

void outbox_store::enqueue(const core::outbound_post& post, core::instant at) {
    auto& q = c_.prepared(sql_enqueue);
    reset_on_exit q_done{q};
    q.bind(1, ms(at));
    q.bind(2, post.chat);
    q.bind(3, post.text);
    q.bind(4, nlohmann::json(post.mentions).dump());
    q.bind(5, ms(at));
    auto actions = nlohmann::json::array();
    for (const auto& a : post.actions) actions.push_back({{"label", a.label}, {"command", a.command}});
    q.bind(6, actions.dump());
    q.bind(7, post.reply_to);
    q.exec();
}

std::vector<outbox_row> outbox_store::pending(int limit) {
    std::vector<outbox_row> out;
    auto& q = c_.prepared(sql_pending_outbox);
    reset_on_exit q_done{q};
    q.bind(1, limit);
    while (q.step()) {
        outbox_row r;
        r.id = q.int64(0);
        r.post.outbox_id = r.id;
        r.created_at = core::from_ms(q.int64(1));
        r.post.chat = q.text(2);
        r.post.text = q.text(3);
        r.post.mentions = nlohmann::json::parse(q.text(4)).get<std::vector<std::string>>();
        r.state = q.text(5);
        r.attempts = q.int32(6);
        r.next_try_at = core::from_ms(q.int64(7));
        for (const auto& a : nlohmann::json::parse(q.text(8)))
            r.post.actions.push_back({a.value("label", ""), a.value("command", "")});
        r.post.reply_to = q.text(9);
        out.push_back(std::move(r));
    }
    return out;
}

void outbox_store::mark_sent(std::int64_t id, core::instant at) {
    auto& q = c_.prepared(sql_mark_sent);
    reset_on_exit q_done{q};
    q.bind(1, ms(at));
    q.bind(2, id);
    q.exec();
}

void outbox_store::mark_retry(std::int64_t id, int attempts, core::instant next_try_at,
                              const std::string& error) {
    auto& q = c_.prepared(sql_mark_retry);
    reset_on_exit q_done{q};
    q.bind(1, attempts);
    q.bind(2, ms(next_try_at));
    q.bind(3, error);
    q.bind(4, id);
    q.exec();
}

void outbox_store::mark_failed(std::int64_t id, int attempts, const std::string& error,
                               std::optional<core::instant> at) {
    auto& q = c_.prepared(sql_mark_failed);
    reset_on_exit q_done{q};
    q.bind(1, attempts);
    q.bind(2, error);
    bind_opt(q, 3, at);
    q.bind(4, id);
    q.exec();
}

failure_summary outbox_store::failures_since(core::instant since) {
    failure_summary s;
    const auto from = ms(since);
    auto q_own = c_.make(
        "SELECT COUNT(*), MIN(next_try_at), MAX(next_try_at) FROM outbox "
        "WHERE state = 'failed' AND next_try_at >= ?");
    auto& q = *q_own;
    q.bind(1, from);
    if (!q.step() || q.int64(0) == 0) return s;
    s.count = q.int64(0);
    s.first = core::from_ms(q.int64(1));
    s.last = core::from_ms(q.int64(2));
    auto last_own = c_.make(
        "SELECT chat, last_error FROM outbox WHERE state = 'failed' AND next_try_at >= ? "
        "ORDER BY next_try_at DESC, id DESC LIMIT 1");
    auto& last = *last_own;
    last.bind(1, from);
    if (last.step()) {
        s.chat = last.text(0);
        s.last_error = last.text(1);
    }
    return s;
}

std::int64_t outbox_store::failed() {
    return c_.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'failed'");
}

std::int64_t outbox_store::backlog() {
    return c_.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'pending'");
}

}  // namespace storage::detail
