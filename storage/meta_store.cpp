#include "storage/meta_store.hpp"

namespace storage::detail {

namespace {
constexpr const char* sql_set_meta =
    "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
constexpr const char* sql_meta = "SELECT value FROM meta WHERE key = ?";
}  // namespace

std::optional<std::string> meta_store::get(const std::string& key) {
    auto& q = c_.prepared(sql_meta);
    reset_on_exit q_done{q};
    q.bind(1, key);
    if (q.step()) return q.text(0);
    return std::nullopt;
}

void meta_store::set(const std::string& key, const std::string& value) {
    auto& q = c_.prepared(sql_set_meta);
    reset_on_exit q_done{q};
    q.bind(1, key);
    q.bind(2, value);
    q.exec();
}

}  // namespace storage::detail
