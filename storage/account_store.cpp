#include "storage/account_store.hpp"

namespace storage::detail {

namespace {
constexpr const char* sql_set =
    "INSERT INTO dashboard_accounts(person, password_hash, updated_at, locked_until) VALUES(?, ?, ?, NULL) "
    "ON CONFLICT(person) DO UPDATE SET password_hash = excluded.password_hash, updated_at = "
    "excluded.updated_at, locked_until = NULL";
constexpr const char* sql_remove = "DELETE FROM dashboard_accounts WHERE person = ?";
constexpr const char* sql_get =
    "SELECT person, password_hash, updated_at, locked_until FROM dashboard_accounts WHERE person = ?";
constexpr const char* sql_people = "SELECT person FROM dashboard_accounts ORDER BY person";
constexpr const char* sql_lock = "UPDATE dashboard_accounts SET locked_until = ? WHERE person = ?";
constexpr const char* sql_add_session =
    "INSERT INTO dashboard_sessions(id_hash, person, csrf, created_at, last_seen) VALUES(?, ?, ?, ?, ?)";
constexpr const char* sql_session =
    "SELECT id_hash, person, csrf, created_at, last_seen FROM dashboard_sessions WHERE id_hash = ?";
constexpr const char* sql_touch = "UPDATE dashboard_sessions SET last_seen = ? WHERE id_hash = ?";
constexpr const char* sql_remove_session = "DELETE FROM dashboard_sessions WHERE id_hash = ?";
constexpr const char* sql_remove_sessions_of = "DELETE FROM dashboard_sessions WHERE person = ?";
constexpr const char* sql_remove_idle = "DELETE FROM dashboard_sessions WHERE last_seen < ?";
constexpr const char* sql_add_failure = "INSERT INTO dashboard_login_failures(person, at) VALUES(?, ?)";
constexpr const char* sql_count_failures =
    "SELECT COUNT(*) FROM dashboard_login_failures WHERE person = ? AND at >= ?";
constexpr const char* sql_clear_failures = "DELETE FROM dashboard_login_failures WHERE person = ?";
}  // namespace

void account_store::set(const std::string& person, const std::string& password_hash, core::instant at) {
    auto& q = c_.prepared(sql_set);
    reset_on_exit done{q};
    q.bind(1, person);
    q.bind(2, password_hash);
    q.bind(3, ms(at));
    q.exec();
}

bool account_store::remove(const std::string& person) {
    auto& q = c_.prepared(sql_remove);
    reset_on_exit done{q};
    q.bind(1, person);
    return q.exec() > 0;
}

std::optional<account_row> account_store::get(const std::string& person) {
    auto& q = c_.prepared(sql_get);
    reset_on_exit done{q};
    q.bind(1, person);
    if (!q.step()) return std::nullopt;
    account_row r;
    r.person = q.text(0);
    r.password_hash = q.text(1);
    r.updated_at = core::from_ms(q.int64(2));
    if (!q.is_null(3)) r.locked_until = core::from_ms(q.int64(3));
    return r;
}

std::vector<std::string> account_store::people() {
    auto& q = c_.prepared(sql_people);
    reset_on_exit done{q};
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
}

void account_store::lock(const std::string& person, core::instant until) {
    auto& q = c_.prepared(sql_lock);
    reset_on_exit done{q};
    q.bind(1, ms(until));
    q.bind(2, person);
    q.exec();
}

void account_store::add_session(const session_row& s) {
    auto& q = c_.prepared(sql_add_session);
    reset_on_exit done{q};
    q.bind(1, s.id_hash);
    q.bind(2, s.person);
    q.bind(3, s.csrf);
    q.bind(4, ms(s.created_at));
    q.bind(5, ms(s.last_seen));
    q.exec();
}

std::optional<session_row> account_store::session(const std::string& id_hash) {
    auto& q = c_.prepared(sql_session);
    reset_on_exit done{q};
    q.bind(1, id_hash);
    if (!q.step()) return std::nullopt;
    return session_row{q.text(0), q.text(1), q.text(2), core::from_ms(q.int64(3)), core::from_ms(q.int64(4))};
}

void account_store::touch_session(const std::string& id_hash, core::instant at) {
    auto& q = c_.prepared(sql_touch);
    reset_on_exit done{q};
    q.bind(1, ms(at));
    q.bind(2, id_hash);
    q.exec();
}

bool account_store::remove_session(const std::string& id_hash) {
    auto& q = c_.prepared(sql_remove_session);
    reset_on_exit done{q};
    q.bind(1, id_hash);
    return q.exec() > 0;
}

std::int64_t account_store::remove_sessions_of(const std::string& person) {
    auto& q = c_.prepared(sql_remove_sessions_of);
    reset_on_exit done{q};
    q.bind(1, person);
    return q.exec();
}

std::int64_t account_store::remove_sessions_idle_since(core::instant before) {
    auto& q = c_.prepared(sql_remove_idle);
    reset_on_exit done{q};
    q.bind(1, ms(before));
    return q.exec();
}

std::int64_t account_store::add_failure(const std::string& person, core::instant at, core::instant since) {
    {
        auto& q = c_.prepared(sql_add_failure);
        reset_on_exit done{q};
        q.bind(1, person);
        q.bind(2, ms(at));
        q.exec();
    }
    auto& q = c_.prepared(sql_count_failures);
    reset_on_exit done{q};
    q.bind(1, person);
    q.bind(2, ms(since));
    q.step();
    return q.int64(0);
}

void account_store::clear_failures(const std::string& person) {
    auto& q = c_.prepared(sql_clear_failures);
    reset_on_exit done{q};
    q.bind(1, person);
    q.exec();
}

}  // namespace storage::detail
