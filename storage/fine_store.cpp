#include "storage/fine_store.hpp"

#include <sqlite3.h>

namespace storage::detail {

namespace {
constexpr const char* sql_next_fine = "SELECT COALESCE(MAX(seq), 0) + 1 FROM fines";
constexpr const char* sql_insert_fine =
    "INSERT INTO fines(seq, complaint_id, stage, department, person, person_name, amount, deadline, "
    "issued_at, status, status_reason, status_by, status_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* sql_fine_columns =
    "SELECT seq, complaint_id, stage, department, person, person_name, amount, deadline, issued_at, status, "
    "status_reason, status_by, status_at FROM fines";
constexpr const char* sql_update_fine =
    "UPDATE fines SET status = ?, status_reason = ?, status_by = ?, status_at = ? WHERE seq = ?";

rules::fine fine_from(SQLite::Statement& q) {
    rules::fine f;
    f.id = "F" + std::to_string(q.getColumn(0).getInt64());
    f.complaint = q.getColumn(1).getString();
    f.stage = q.getColumn(2).getString();
    f.department = q.getColumn(3).getString();
    f.person = q.getColumn(4).getString();
    f.person_name = q.getColumn(5).getString();
    f.amount = q.getColumn(6).getInt();
    f.deadline = core::from_ms(q.getColumn(7).getInt64());
    f.issued_at = core::from_ms(q.getColumn(8).getInt64());
    f.status = q.getColumn(9).getString();
    f.status_reason = q.getColumn(10).getString();
    f.status_by = q.getColumn(11).getString();
    if (!q.getColumn(12).isNull()) f.status_at = core::from_ms(q.getColumn(12).getInt64());
    return f;
}

std::int64_t fine_seq(const std::string& id) {
    if (id.size() < 2 || (id[0] != 'F' && id[0] != 'f')) return -1;
    std::int64_t v = 0;
    for (std::size_t i = 1; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9' || v > 1'000'000'000) return -1;
        v = v * 10 + (id[i] - '0');
    }
    return v;
}
}  // namespace

int fine_store::next_seq() {
    auto& q = c_.prepared(sql_next_fine);
    reset_on_exit q_done{q};
    q.executeStep();
    return q.getColumn(0).getInt();
}

void fine_store::insert(const rules::fine& f) {
    auto seq = fine_seq(f.id);
    if (seq <= 0) throw error("bad fine id '" + f.id + "'");
    auto& q = c_.prepared(sql_insert_fine);
    reset_on_exit q_done{q};
    q.bind(1, seq);
    q.bind(2, f.complaint);
    q.bind(3, f.stage);
    q.bind(4, f.department);
    q.bind(5, f.person);
    q.bind(6, f.person_name);
    q.bind(7, f.amount);
    q.bind(8, ms(f.deadline));
    q.bind(9, ms(f.issued_at));
    q.bind(10, f.status);
    q.bind(11, f.status_reason);
    q.bind(12, f.status_by);
    bind_opt(q, 13, f.status_at);
    try {
        q.exec();
    } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
            e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY)
            throw error("fine for " + f.complaint + " " + f.stage + " " + f.department + " already exists",
                        error_kind::constraint, SQLITE_CONSTRAINT);
        throw;
    }
}

std::optional<rules::fine> fine_store::load(const std::string& id) {
    auto seq = fine_seq(id);
    if (seq <= 0) return std::nullopt;
    SQLite::Statement q(c_.db(), std::string(sql_fine_columns) + " WHERE seq = ?");
    q.bind(1, seq);
    if (!q.executeStep()) return std::nullopt;
    return fine_from(q);
}

void fine_store::update(const rules::fine& f) {
    auto& q = c_.prepared(sql_update_fine);
    reset_on_exit q_done{q};
    q.bind(1, f.status);
    q.bind(2, f.status_reason);
    q.bind(3, f.status_by);
    bind_opt(q, 4, f.status_at);
    q.bind(5, fine_seq(f.id));
    q.exec();
}

std::vector<rules::fine> fine_store::issued_between(core::instant from, core::instant to) {
    std::vector<rules::fine> out;
    SQLite::Statement q(
        c_.db(), std::string(sql_fine_columns) + " WHERE issued_at >= ? AND issued_at < ? ORDER BY seq");
    q.bind(1, ms(from));
    q.bind(2, ms(to));
    while (q.executeStep()) out.push_back(fine_from(q));
    return out;
}

std::vector<rules::fine> fine_store::of_complaint(const std::string& complaint_id) {
    std::vector<rules::fine> out;
    SQLite::Statement q(c_.db(), std::string(sql_fine_columns) + " WHERE complaint_id = ? ORDER BY seq");
    q.bind(1, complaint_id);
    while (q.executeStep()) out.push_back(fine_from(q));
    return out;
}

std::vector<rules::fine> fine_store::all() {
    std::vector<rules::fine> out;
    SQLite::Statement q(c_.db(), std::string(sql_fine_columns) + " ORDER BY seq");
    while (q.executeStep()) out.push_back(fine_from(q));
    return out;
}

}  // namespace storage::detail
