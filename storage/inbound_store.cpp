#include "storage/inbound_store.hpp"

namespace storage::detail {

namespace {
constexpr const char* sql_seen = "SELECT 1 FROM inbound WHERE platform = ? AND msg_id = ?";
constexpr const char* sql_record_inbound =
    "INSERT INTO inbound(platform, msg_id, received_at, sender, chat, text) VALUES(?, ?, ?, ?, ?, ?)";
constexpr const char* sql_record_inbound_once =
    "INSERT INTO inbound(platform, msg_id, received_at, sender, chat, text) VALUES(?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(platform, msg_id) DO NOTHING";

void bind_row(statement& q, const inbound_row& row) {
    q.bind(1, row.platform);
    q.bind(2, row.msg_id);
    q.bind(3, ms(row.received_at));
    q.bind(4, row.sender);
    q.bind(5, row.chat);
    q.bind(6, row.text);
}
}  // namespace

bool inbound_store::seen(const std::string& platform, const std::string& msg_id) {
    auto& q = c_.prepared(sql_seen);
    reset_on_exit q_done{q};
    q.bind(1, platform);
    q.bind(2, msg_id);
    return q.step();
}

void inbound_store::record(const inbound_row& row) {
    auto& q = c_.prepared(sql_record_inbound);
    reset_on_exit q_done{q};
    bind_row(q, row);
    q.exec();
}

bool inbound_store::record_once(const inbound_row& row) {
    auto& q = c_.prepared(sql_record_inbound_once);
    reset_on_exit q_done{q};
    bind_row(q, row);
    return q.exec() > 0;
}

std::int64_t inbound_store::count() {
    return c_.scalar("SELECT COUNT(*) FROM inbound");
}

}  // namespace storage::detail
