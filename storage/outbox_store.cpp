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
    while (q.executeStep()) {
        outbox_row r;
        r.id = q.getColumn(0).getInt64();
        r.post.outbox_id = r.id;
        r.created_at = core::from_ms(q.getColumn(1).getInt64());
        r.post.chat = q.getColumn(2).getString();
        r.post.text = q.getColumn(3).getString();
        r.post.mentions = nlohmann::json::parse(q.getColumn(4).getString()).get<std::vector<std::string>>();
        r.state = q.getColumn(5).getString();
        r.attempts = q.getColumn(6).getInt();
        r.next_try_at = core::from_ms(q.getColumn(7).getInt64());
        for (const auto& a : nlohmann::json::parse(q.getColumn(8).getString()))
            r.post.actions.push_back({a.value("label", ""), a.value("command", "")});
        r.post.reply_to = q.getColumn(9).getString();
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
    SQLite::Statement q(c_.db(),
                        "SELECT COUNT(*), MIN(next_try_at), MAX(next_try_at) FROM outbox "
                        "WHERE state = 'failed' AND next_try_at >= ?");
    q.bind(1, from);
    if (!q.executeStep() || q.getColumn(0).getInt64() == 0) return s;
    s.count = q.getColumn(0).getInt64();
    s.first = core::from_ms(q.getColumn(1).getInt64());
    s.last = core::from_ms(q.getColumn(2).getInt64());
    SQLite::Statement last(c_.db(),
                           "SELECT chat, last_error FROM outbox WHERE state = 'failed' AND next_try_at >= ? "
                           "ORDER BY next_try_at DESC, id DESC LIMIT 1");
    last.bind(1, from);
    if (last.executeStep()) {
        s.chat = last.getColumn(0).getString();
        s.last_error = last.getColumn(1).getString();
    }
    return s;
}

std::int64_t outbox_store::failed() {
    return c_.db().execAndGet("SELECT COUNT(*) FROM outbox WHERE state = 'failed'").getInt64();
}

std::int64_t outbox_store::backlog() {
    return c_.db().execAndGet("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").getInt64();
}

}  // namespace storage::detail
