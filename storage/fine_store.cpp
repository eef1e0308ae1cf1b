#include "storage/fine_store.hpp"

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

rules::fine fine_from(statement& q) {
    rules::fine f;
    f.id = "F" + std::to_string(q.int64(0));
    f.complaint = q.text(1);
    f.stage = q.text(2);
    f.department = q.text(3);
    f.person = q.text(4);
    f.person_name = q.text(5);
    f.amount = q.int32(6);
    f.deadline = core::from_ms(q.int64(7));
    f.issued_at = core::from_ms(q.int64(8));
    f.status = q.text(9);
    f.status_reason = q.text(10);
    f.status_by = q.text(11);
    if (!q.is_null(12)) f.status_at = core::from_ms(q.int64(12));
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
    q.step();
    return q.int32(0);
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
    } catch (const error& e) {
        if (e.kind() == error_kind::constraint)  // UNIQUE(complaint_id, stage, department) or the seq
            throw error("fine for " + f.complaint + " " + f.stage + " " + f.department + " already exists",
                        error_kind::constraint, e.sqlite_code());
        throw;
    }
}

std::optional<rules::fine> fine_store::load(const std::string& id) {
    auto seq = fine_seq(id);
    if (seq <= 0) return std::nullopt;
    auto q_own = c_.make(std::string(sql_fine_columns) + " WHERE seq = ?");
    auto& q = *q_own;
    q.bind(1, seq);
    if (!q.step()) return std::nullopt;
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
    auto q_own =
        c_.make(std::string(sql_fine_columns) + " WHERE issued_at >= ? AND issued_at < ? ORDER BY seq");
    auto& q = *q_own;
    q.bind(1, ms(from));
    q.bind(2, ms(to));
    while (q.step()) out.push_back(fine_from(q));
    return out;
}

std::vector<rules::fine> fine_store::of_complaint(const std::string& complaint_id) {
    std::vector<rules::fine> out;
    auto q_own = c_.make(std::string(sql_fine_columns) + " WHERE complaint_id = ? ORDER BY seq");
    auto& q = *q_own;
    q.bind(1, complaint_id);
    while (q.step()) out.push_back(fine_from(q));
    return out;
}

std::vector<rules::fine> fine_store::all() {
    std::vector<rules::fine> out;
    auto q_own = c_.make(std::string(sql_fine_columns) + " ORDER BY seq");
    auto& q = *q_own;
    while (q.step()) out.push_back(fine_from(q));
    return out;
}

}  // namespace storage::detail
