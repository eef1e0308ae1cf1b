#include "storage/coordination_store.hpp"

#include <charconv>

namespace storage::detail {

namespace {
constexpr const char* sql_take_lease =
    "INSERT INTO leases(name, holder, expires_at) VALUES(?, ?, ?) ON CONFLICT(name) DO UPDATE SET holder = "
    "excluded.holder, expires_at = excluded.expires_at WHERE leases.holder = excluded.holder OR "
    "leases.expires_at <= ? RETURNING holder";
constexpr const char* sql_drop_lease = "DELETE FROM leases WHERE name = ? AND holder = ?";
constexpr const char* sql_lease_holder = "SELECT holder FROM leases WHERE name = ? AND expires_at > ?";
constexpr const char* sql_ensure_bucket = "INSERT INTO rate_buckets(bucket) VALUES(?) ON CONFLICT DO NOTHING";
constexpr const char* sql_lock_bucket_pg =
    "SELECT sent, blocked_until FROM rate_buckets WHERE bucket = ? FOR UPDATE";
constexpr const char* sql_lock_bucket = "SELECT sent, blocked_until FROM rate_buckets WHERE bucket = ?";
constexpr const char* sql_store_bucket =
    "UPDATE rate_buckets SET sent = ?, blocked_until = ? WHERE bucket = ?";
}  // namespace

bool coordination_store::take_lease(const std::string& name, const std::string& holder, core::instant now,
                                    core::instant until) {
    auto& q = c_.prepared(sql_take_lease);
    reset_on_exit q_done{q};
    q.bind(1, name);
    q.bind(2, holder);
    q.bind(3, ms(until));
    q.bind(4, ms(now));
    return q.step() && q.text(0) == holder;
}

void coordination_store::drop_lease(const std::string& name, const std::string& holder) {
    auto& q = c_.prepared(sql_drop_lease);
    reset_on_exit q_done{q};
    q.bind(1, name);
    q.bind(2, holder);
    q.exec();
}

std::optional<std::string> coordination_store::lease_holder(const std::string& name, core::instant now) {
    auto& q = c_.prepared(sql_lease_holder);
    reset_on_exit q_done{q};
    q.bind(1, name);
    q.bind(2, ms(now));
    if (!q.step()) return std::nullopt;
    return q.text(0);
}

coordination_store::bucket coordination_store::lock_bucket(const std::string& name) {
    {
        auto& q = c_.prepared(sql_ensure_bucket);
        reset_on_exit q_done{q};
        q.bind(1, name);
        q.exec();
    }
    auto& q = c_.prepared(c_.kind() == dialect::postgresql ? sql_lock_bucket_pg : sql_lock_bucket);
    reset_on_exit q_done{q};
    q.bind(1, name);
    bucket b;
    if (!q.step()) return b;
    const auto text = q.text(0);
    b.blocked_until = q.int64(1);
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {  // "t1,t2,…": milliseconds, oldest first
        std::int64_t v = 0;
        auto r = std::from_chars(p, end, v);
        if (r.ec != std::errc{}) break;  // a damaged row counts as empty: the platform still refuses
        b.sent.push_back(v);
        p = r.ptr;
        if (p < end && *p == ',') ++p;
    }
    return b;
}

void coordination_store::store_bucket(const std::string& name, const bucket& b) {
    std::string text;
    for (auto v : b.sent) {
        if (!text.empty()) text += ',';
        text += std::to_string(v);
    }
    auto& q = c_.prepared(sql_store_bucket);
    reset_on_exit q_done{q};
    q.bind(1, text);
    q.bind(2, b.blocked_until);
    q.bind(3, name);
    q.exec();
}

}  // namespace storage::detail
