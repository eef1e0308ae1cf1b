#include "storage/complaint_store.hpp"

#include <nlohmann/json.hpp>

namespace storage::detail {

namespace {
using json = nlohmann::json;

constexpr const char* sql_next_seq = "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaints WHERE kind = ?";
constexpr const char* sql_save_complaint =
    "INSERT INTO complaints(id, kind, seq, status, posted_at, state, updated_at) VALUES(?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET status = excluded.status, state = excluded.state, updated_at = "
    "excluded.updated_at";
constexpr const char* sql_load_complaint = "SELECT state FROM complaints WHERE id = ?";

rules::complaint complaint_from(const std::string& state) {
    return json::parse(state).get<rules::complaint>();
}
}  // namespace

int complaint_store::next_seq(rules::complaint_kind kind) {
    auto& q = c_.prepared(sql_next_seq);
    reset_on_exit q_done{q};
    q.bind(1, std::string(rules::kind_name(kind)));
    q.executeStep();
    return q.getColumn(0).getInt();
}

void complaint_store::save(const rules::complaint& c) {
    auto& q = c_.prepared(sql_save_complaint);
    reset_on_exit q_done{q};
    q.bind(1, c.id);
    q.bind(2, std::string(rules::kind_name(c.kind)));
    q.bind(3, c.seq);
    q.bind(4, c.status);
    q.bind(5, ms(c.posted_at));
    q.bind(6, json(c).dump());
    q.bind(7, ms(c.posted_at));
    q.exec();
}

std::optional<rules::complaint> complaint_store::load(const std::string& id) {
    auto& q = c_.prepared(sql_load_complaint);
    reset_on_exit q_done{q};
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return complaint_from(q.getColumn(0).getString());
}

std::vector<rules::complaint> complaint_store::select(SQLite::Statement& q) {
    std::vector<rules::complaint> out;
    while (q.executeStep()) out.push_back(complaint_from(q.getColumn(0).getString()));
    return out;
}

std::vector<rules::complaint> complaint_store::open() {
    SQLite::Statement q(c_.db(), "SELECT state FROM complaints WHERE status = 'open' ORDER BY kind, seq");
    return select(q);
}

std::vector<rules::complaint> complaint_store::all() {
    SQLite::Statement q(c_.db(), "SELECT state FROM complaints ORDER BY posted_at, kind, seq");
    return select(q);
}

std::vector<rules::complaint> complaint_store::posted_between(core::instant from, core::instant to) {
    SQLite::Statement q(
        c_.db(),
        "SELECT state FROM complaints WHERE posted_at >= ? AND posted_at < ? ORDER BY posted_at, kind, seq");
    q.bind(1, ms(from));
    q.bind(2, ms(to));
    return select(q);
}

std::vector<rules::complaint> complaint_store::open_freight() {
    SQLite::Statement q(c_.db(),
                        "SELECT state FROM complaints WHERE json_extract(state, '$.freight') IS NOT NULL AND "
                        "json_extract(state, '$.freight.written_off.at') IS NULL ORDER BY kind, seq");
    return select(q);
}

}  // namespace storage::detail
