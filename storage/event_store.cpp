#include "storage/event_store.hpp"

#include <openssl/evp.h>

#include <map>

#include "rules/fine_audit.hpp"

namespace storage::detail {

namespace {
constexpr const char* sql_last_event = "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1";
constexpr const char* sql_append_event =
    "INSERT INTO events(id, complaint_id, at, actor, type, stage, detail, deadline, late_ms, hash) "
    "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* sql_events_of =
    "SELECT complaint_id, at, actor, type, stage, detail, deadline, late_ms FROM events WHERE complaint_id = "
    "? ORDER BY id";

std::string hex(const unsigned char* p, unsigned n) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (unsigned i = 0; i < n; ++i) {
        out.push_back(digits[p[i] >> 4]);
        out.push_back(digits[p[i] & 15]);
    }
    return out;
}
}  // namespace

std::string chain_hash(const std::string& prev, std::int64_t id, const std::string& complaint,
                       std::int64_t at, const std::string& actor, const std::string& type,
                       const std::string& stage, const std::string& detail,
                       const std::optional<std::int64_t>& deadline, std::int64_t late) {
    std::string msg = prev;
    auto add = [&](const std::string& v) {
        msg.push_back('\x1f');
        msg += v;
    };
    add(std::to_string(id));
    add(complaint);
    add(std::to_string(at));
    add(actor);
    add(type);
    add(stage);
    add(detail);
    add(deadline ? std::to_string(*deadline) : std::string("-"));
    add(std::to_string(late));
    return sha256_hex(msg);
}

std::string sha256_hex(const std::string& data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
        throw error("SHA-256 failed (OpenSSL): cannot extend the audit chain or store a rule set");
    return hex(md, len);
}

void chain_existing_events(connection& c) {
    std::string prev;
    auto q_own = c.make(
        "SELECT id, complaint_id, at, actor, type, stage, detail, deadline, late_ms FROM events "
        "ORDER BY id");
    auto& q = *q_own;
    auto u_own = c.make("UPDATE events SET hash = ? WHERE id = ?");
    auto& u = *u_own;
    while (q.step()) {
        std::optional<std::int64_t> deadline;
        if (!q.is_null(7)) deadline = q.int64(7);
        auto id = q.int64(0);
        prev = chain_hash(prev, id, q.text(1), q.int64(2), q.text(3), q.text(4), q.text(5), q.text(6),
                          deadline, q.int64(8));
        u.reset();
        u.bind(1, prev);
        u.bind(2, id);
        u.exec();
    }
}

void event_store::append(const std::vector<rules::event>& events) {
    if (events.empty()) return;
    std::int64_t last_id = 0;
    std::string prev;
    {
        statement& last = c_.prepared(sql_last_event);
        reset_on_exit last_done{last};
        if (last.step()) {
            last_id = last.int64(0);
            prev = last.text(1);
        }
    }
    auto& q = c_.prepared(sql_append_event);
    reset_on_exit q_done{q};
    for (const auto& e : events) {
        auto id = ++last_id;
        auto at = ms(e.at);
        std::optional<std::int64_t> deadline;
        if (e.deadline) deadline = ms(*e.deadline);
        auto late = static_cast<std::int64_t>(e.late.count());
        prev = chain_hash(prev, id, e.complaint, at, e.actor, e.type, e.stage, e.detail, deadline, late);
        q.reset();
        q.clear();
        q.bind(1, id);
        q.bind(2, e.complaint);
        q.bind(3, at);
        q.bind(4, e.actor);
        q.bind(5, e.type);
        q.bind(6, e.stage);
        q.bind(7, e.detail);
        bind_opt(q, 8, e.deadline);
        q.bind(9, late);
        q.bind(10, prev);
        q.exec();
    }
}

std::vector<rules::event> event_store::of(const std::string& complaint_id) {
    std::vector<rules::event> out;
    auto& q = c_.prepared(sql_events_of);
    reset_on_exit q_done{q};
    q.bind(1, complaint_id);
    while (q.step()) {
        rules::event e;
        e.complaint = q.text(0);
        e.at = core::from_ms(q.int64(1));
        e.actor = q.text(2);
        e.type = q.text(3);
        e.stage = q.text(4);
        e.detail = q.text(5);
        if (!q.is_null(6)) e.deadline = core::from_ms(q.int64(6));
        e.late = core::duration{q.int64(7)};
        out.push_back(std::move(e));
    }
    return out;
}

namespace {

// The hash event row `q` should carry after `prev`: its columns id, complaint_id, at, actor, type,
// stage, detail, deadline, late_ms, in that order.
std::string expected_hash(statement& q, const std::string& prev) {
    std::optional<std::int64_t> deadline;
    if (!q.is_null(7)) deadline = q.int64(7);
    return chain_hash(prev, q.int64(0), q.text(1), q.int64(2), q.text(3), q.text(4), q.text(5), q.text(6),
                      deadline, q.int64(8));
}

// The fines' trail through the chained events: the event that issued each and the status its
// last status event set, held against the ledger at the end.
struct fine_trail {
    std::map<std::string, std::string> fined;          // fine id -> the "fined" event's detail
    std::map<std::string, rules::fine_status> status;  // fine id -> the status its last event set

    void note(const std::string& type, const std::string& detail) {
        auto fine_id = std::string(rules::fine_id_of_detail(detail));
        if (type == rules::fine_issued_event) fined[fine_id] = detail;
        if (auto set = rules::fine_status_set_by(type)) status[fine_id] = *set;
    }
    void check(const std::vector<rules::fine>& fines, audit_result& r) const {
        for (const auto& f : fines) {
            ++r.fines;
            auto it = fined.find(f.id);
            auto st = status.find(f.id);
            for (auto& p :
                 rules::fine_audit_problems(f, it == fined.end() ? nullptr : &it->second,
                                            st == status.end() ? rules::fine_status::open : st->second))
                r.problems.push_back(std::move(p));
        }
        r.ok = r.problems.empty();
    }
};

}  // namespace

audit_result event_store::verify(const std::vector<rules::fine>& fines) {
    audit_result r;
    std::string prev;
    auto q_own = c_.make(
        "SELECT id, complaint_id, at, actor, type, stage, detail, deadline, late_ms, hash FROM events "
        "ORDER BY id");
    auto& q = *q_own;
    fine_trail trail;
    std::int64_t expected_id = 0;
    while (q.step()) {
        auto id = q.int64(0);
        auto want = expected_hash(q, prev);
        auto stored = q.text(9);
        if (id != ++expected_id && r.problems.empty())
            r.problems.push_back("event #" + std::to_string(expected_id) + " is missing (the log jumps to #" +
                                 std::to_string(id) + "): events were deleted");
        expected_id = id;
        if (stored != want && r.problems.empty())
            r.problems.push_back("event #" + std::to_string(id) + " (" + q.text(1) + " " + q.text(4) +
                                 ") does not match its hash: it was changed after it was written");
        trail.note(q.text(4), q.text(6));
        prev = stored;
        ++r.events;
    }
    r.last_hash = prev;
    // Each fine in the ledger must match the chained events that issued it and set its status.
    trail.check(fines, r);
    return r;
}

audit_result event_store::verify_complaint(const std::string& complaint_id,
                                           const std::vector<rules::fine>& fines) {
    audit_result r;
    auto q_own = c_.make(
        "SELECT e.id, e.complaint_id, e.at, e.actor, e.type, e.stage, e.detail, e.deadline, "
        "e.late_ms, e.hash, (SELECT p.hash FROM events p WHERE p.id = e.id - 1) FROM events e "
        "WHERE e.complaint_id = ? ORDER BY e.id");
    auto& q = *q_own;
    q.bind(1, complaint_id);
    fine_trail trail;
    while (q.step()) {
        auto id = q.int64(0);
        auto type = q.text(4);
        if (id > 1 && q.is_null(10))
            r.problems.push_back("event #" + std::to_string(id - 1) + " before " + complaint_id +
                                 "'s event #" + std::to_string(id) + " is missing: events were deleted");
        auto prev = q.is_null(10) ? std::string{} : q.text(10);
        if (q.text(9) != expected_hash(q, prev))
            r.problems.push_back("event #" + std::to_string(id) + " (" + complaint_id + " " + type +
                                 ") does not match its hash: it was changed after it was written");
        trail.note(type, q.text(6));
        r.last_hash = q.text(9);
        ++r.events;
    }
    trail.check(fines, r);
    return r;
}

}  // namespace storage::detail
