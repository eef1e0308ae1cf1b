#include "storage/complaint_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "rules/facts.hpp"
#include "rules/workflow_support.hpp"
#include "storage/event_store.hpp"

namespace storage::detail {

namespace {
using json = nlohmann::json;

constexpr const char* sql_next_seq = "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaints WHERE kind = ?";
constexpr const char* sql_save_complaint =
    "INSERT INTO complaints(id, kind, seq, status, posted_at, state, updated_at, rule_set, pending_stage, "
    "pending_due, sheet_date, forward_step, freight_step) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(id) DO UPDATE SET status = excluded.status, state = excluded.state, updated_at = "
    "excluded.updated_at, rule_set = excluded.rule_set, pending_stage = excluded.pending_stage, pending_due "
    "= excluded.pending_due, sheet_date = excluded.sheet_date, forward_step = excluded.forward_step, "
    "freight_step = excluded.freight_step";
// On PostgreSQL each save also numbers the row one more than any save before it (under the
// writers' lock, so the numbers are unique): another instance finds what changed since it looked.
constexpr const char* sql_save_complaint_numbered =
    "INSERT INTO complaints(id, kind, seq, status, posted_at, state, updated_at, rule_set, pending_stage, "
    "pending_due, sheet_date, forward_step, freight_step, change_seq) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, "
    "?, ?, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM complaints)) "
    "ON CONFLICT(id) DO UPDATE SET status = excluded.status, state = excluded.state, updated_at = "
    "excluded.updated_at, rule_set = excluded.rule_set, pending_stage = excluded.pending_stage, pending_due "
    "= excluded.pending_due, sheet_date = excluded.sheet_date, forward_step = excluded.forward_step, "
    "freight_step = excluded.freight_step, change_seq = excluded.change_seq";
// The facts in a table of their own (small rows, read in order of seq without touching the states):
// each save numbers its row one more than any before, so a reader that remembers the last number it
// read finds every complaint saved since.
constexpr const char* sql_save_facts =
    "INSERT INTO complaint_facts(seq, complaint_id, facts) VALUES((SELECT COALESCE(MAX(seq), 0) + 1 FROM "
    "complaint_facts), ?, ?) ON CONFLICT(complaint_id) DO UPDATE SET seq = excluded.seq, facts = "
    "excluded.facts";
constexpr const char* sql_facts_after =
    "SELECT seq, facts FROM complaint_facts WHERE seq > ? ORDER BY seq LIMIT ?";
constexpr const char* sql_pending_of = "SELECT department FROM complaint_pending WHERE complaint_id = ?";
constexpr const char* sql_clear_pending = "DELETE FROM complaint_pending WHERE complaint_id = ?";
constexpr const char* sql_add_pending =
    "INSERT INTO complaint_pending(complaint_id, department) VALUES(?, ?)";
// Every read joins the rule set's SHA-256: the parsed rules are cached by content, so a rule set
// inserted by a transaction that was rolled back (its id then reused) can never be mistaken.
#define SELECT_COMPLAINTS \
    "SELECT c.state, r.sha256 FROM complaints c LEFT JOIN rule_sets r ON r.id = c.rule_set "
constexpr const char* sql_load_complaint = SELECT_COMPLAINTS "WHERE c.id = ?";
constexpr const char* sql_rule_set_by_sha = "SELECT id FROM rule_sets WHERE sha256 = ?";
constexpr const char* sql_insert_rule_set = "INSERT INTO rule_sets(sha256, rules) VALUES(?, ?) RETURNING id";
constexpr const char* sql_rule_set = "SELECT rules FROM rule_sets WHERE sha256 = ?";

void bind_opt_text(statement& q, int i, const std::optional<std::string>& v) {
    if (v)
        q.bind(i, *v);
    else
        q.bind_null(i);
}
}  // namespace

complaint_columns columns_of(const rules::complaint& c) {
    complaint_columns k;
    const auto* p = c.pending_stage();
    if (p) {
        k.pending_stage = p->name;
        if (p->due) k.pending_due = ms(*p->due);
        if (c.is_open() && p->name == "respond") k.pending_departments = rules::detail::silent_departments(c);
    }
    if (c.sheet_date) k.sheet_date = core::format_date(*c.sheet_date);
    if (!c.sheet_date)
        k.forward_step = c.compensation ? std::optional<std::string>("sheet_pending") : std::nullopt;
    else if (!c.forwarded_at)
        k.forward_step = "on_sheet";
    else if (!c.vp_opinion.at)
        k.forward_step = "vp";
    else if (!c.gm_approval.at)
        k.forward_step = "gm";
    else if (!c.executed.at)
        k.forward_step = "execute";
    else
        k.forward_step = "executed";
    if (const auto& f = c.freight) {
        k.freight_step = f->written_off.at   ? "written_off"
                         : f->paid.at        ? "paid"
                         : f->desk_signed.at ? "desk_signed"
                         : f->head_signed.at ? "head_signed"
                                             : "opened";
    }
    return k;
}

int complaint_store::next_seq(rules::complaint_kind kind) {
    auto& q = c_.prepared(sql_next_seq);
    reset_on_exit q_done{q};
    q.bind(1, std::string(rules::kind_name(kind)));
    q.step();
    return q.int32(0);
}

std::int64_t complaint_store::rule_set_id(const rules::frozen_rules& r) {
    // The complaints under one rule set share one copy: its text and hash are computed once.
    auto cached = text_by_rules_.find(r.shared().get());
    if (cached == text_by_rules_.end()) {
        if (text_by_rules_.size() >= 64) text_by_rules_.clear();  // bounded: rule sets are few
        auto text = json(*r).dump();
        auto sha = sha256_hex(text);
        cached = text_by_rules_
                     .emplace(r.shared().get(),
                              rule_text{r.shared(), std::move(text), std::move(sha), std::nullopt})
                     .first;
    }
    auto& entry = cached->second;
    if (entry.id) return *entry.id;
    std::int64_t id = 0;
    {
        auto& q = c_.prepared(sql_rule_set_by_sha);
        reset_on_exit q_done{q};
        q.bind(1, entry.sha);
        if (q.step()) id = q.int64(0);
    }
    if (id != 0) {
        // Rule sets are never deleted: a row this store did not insert itself was committed before
        // and keeps its id. One it inserted may still be rolled back with its savepoint (and the
        // id reused): that one is looked up every time.
        if (!inserted_.count(entry.sha)) entry.id = id;
        return id;
    }
    auto& ins = c_.prepared(sql_insert_rule_set);
    reset_on_exit ins_done{ins};
    ins.bind(1, entry.sha);
    ins.bind(2, entry.text);
    if (!ins.step()) throw error("rule set " + entry.sha + " was not stored in '" + c_.path() + "'");
    inserted_.insert(entry.sha);
    return ins.int64(0);
}

const std::shared_ptr<const rules::workflow_rules>& complaint_store::rule_set(const std::string& sha) {
    if (auto it = rules_by_sha_.find(sha); it != rules_by_sha_.end()) return it->second;
    auto& q = c_.prepared(sql_rule_set);
    reset_on_exit q_done{q};
    q.bind(1, sha);
    if (!q.step())
        throw error("rule set " + sha + " is missing from '" + c_.path() +
                        "': the database is damaged; restore it from a backup",
                    error_kind::corrupt);
    auto r =
        std::make_shared<const rules::workflow_rules>(json::parse(q.text(0)).get<rules::workflow_rules>());
    return rules_by_sha_.emplace(sha, std::move(r)).first->second;
}

void complaint_store::save(const rules::complaint& c, core::instant updated_at,
                           const rules::complaint* before) {
    auto rule_set = rule_set_id(c.rules);
    json j = rules::state_json(c);
    auto k = columns_of(c);
    {
        auto& q =
            c_.prepared(c_.kind() == dialect::postgresql ? sql_save_complaint_numbered : sql_save_complaint);
        reset_on_exit q_done{q};
        q.bind(1, c.id);
        q.bind(2, std::string(rules::kind_name(c.kind)));
        q.bind(3, c.seq);
        q.bind(4, c.status);
        q.bind(5, ms(c.posted_at));
        q.bind(6, j.dump());
        q.bind(7, ms(updated_at));
        q.bind(8, rule_set);
        bind_opt_text(q, 9, k.pending_stage);
        if (k.pending_due)
            q.bind(10, *k.pending_due);
        else
            q.bind_null(10);
        bind_opt_text(q, 11, k.sheet_date);
        bind_opt_text(q, 12, k.forward_step);
        bind_opt_text(q, 13, k.freight_step);
        q.exec();
    }
    auto facts = rules::facts_of(c);
    if (!before || rules::facts_of(*before) != facts) {  // unchanged: the readers need not look again
        auto bytes = rules::to_bytes(facts);
        auto& q = c_.prepared(sql_save_facts);
        reset_on_exit q_done{q};
        q.bind(1, c.id);
        q.bind_blob(2, bytes);
        q.exec();
    }
    std::vector<std::string> current;
    if (before) {
        current = columns_of(*before).pending_departments;  // what the rows hold, without reading them
        std::sort(current.begin(), current.end());
        current.erase(std::unique(current.begin(), current.end()), current.end());
    } else {
        auto& q = c_.prepared(sql_pending_of);
        reset_on_exit q_done{q};
        q.bind(1, c.id);
        while (q.step()) current.push_back(q.text(0));
    }
    auto wanted = k.pending_departments;
    std::sort(current.begin(), current.end());
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    if (current == wanted) return;
    {
        auto& q = c_.prepared(sql_clear_pending);
        reset_on_exit q_done{q};
        q.bind(1, c.id);
        q.exec();
    }
    auto& add = c_.prepared(sql_add_pending);
    reset_on_exit add_done{add};
    for (const auto& d : wanted) {
        add.reset();
        add.bind(1, c.id);
        add.bind(2, d);
        add.exec();
    }
}

std::vector<rules::complaint> complaint_store::select(statement& q) {
    std::vector<rules::complaint> out;
    while (q.step()) {
        auto c = json::parse(q.text(0)).get<rules::complaint>();
        if (!q.is_null(1)) c.rules = rules::frozen_rules(rule_set(q.text(1)));
        out.push_back(std::move(c));
    }
    return out;
}

std::optional<rules::complaint> complaint_store::load(const std::string& id) {
    auto& q = c_.prepared(sql_load_complaint);
    reset_on_exit q_done{q};
    q.bind(1, id);
    auto v = select(q);
    if (v.empty()) return std::nullopt;
    return std::move(v.front());
}

std::vector<rules::complaint> complaint_store::open() {
    auto q_own = c_.make(SELECT_COMPLAINTS "WHERE c.status = 'open' ORDER BY c.kind, c.seq");
    auto& q = *q_own;
    return select(q);
}

std::int64_t complaint_store::open_count() {
    return c_.scalar("SELECT COUNT(*) FROM complaints WHERE status = 'open'");
}

std::vector<facts_row> complaint_store::facts_after(std::int64_t seq, std::size_t limit) {
    auto& q = c_.prepared(sql_facts_after);
    reset_on_exit q_done{q};
    q.bind(1, seq);
    q.bind(2, static_cast<std::int64_t>(limit));
    std::vector<facts_row> out;
    while (q.step()) {
        out.push_back({q.int64(0), q.blob(1)});
    }
    return out;
}

std::size_t complaint_store::fill_facts() {
    // A page at a time by id, so a large file is not read into memory at once; numbered after
    // every save already there.
    std::string after;
    std::size_t filled = 0;
    for (;;) {
        auto q_own = c_.make(
            "SELECT c.state, r.sha256, c.id FROM complaints c LEFT JOIN rule_sets r ON r.id = "
            "c.rule_set WHERE c.id > ? AND c.id NOT IN (SELECT complaint_id FROM "
            "complaint_facts) ORDER BY c.id LIMIT 2000");
        auto& q = *q_own;
        q.bind(1, after);
        std::vector<std::pair<std::string, std::string>> page;
        while (q.step()) {
            auto c = json::parse(q.text(0)).get<rules::complaint>();
            if (!q.is_null(1)) c.rules = rules::frozen_rules(rule_set(q.text(1)));
            after = q.text(2);
            page.emplace_back(c.id, rules::to_bytes(rules::facts_of(c)));
        }
        if (page.empty()) return filled;
        auto& add = c_.prepared(sql_save_facts);
        reset_on_exit add_done{add};
        for (const auto& [id, facts] : page) {
            add.reset();
            add.bind(1, id);
            add.bind_blob(2, facts);
            add.exec();
            ++filled;
        }
    }
}

std::vector<rules::complaint> complaint_store::all() {
    auto q_own = c_.make(SELECT_COMPLAINTS "ORDER BY c.posted_at, c.kind, c.seq");
    auto& q = *q_own;
    return select(q);
}

std::vector<rules::complaint> complaint_store::posted_page(core::instant from, core::instant to,
                                                           const std::optional<complaint_key>& after,
                                                           std::size_t limit) {
    auto q_own =
        c_.make(SELECT_COMPLAINTS
                "WHERE c.posted_at >= ? AND c.posted_at < ? AND (c.posted_at, c.kind, c.seq) > (?, ?, ?) "
                "ORDER BY c.posted_at, c.kind, c.seq LIMIT ?");
    auto& q = *q_own;
    q.bind(1, ms(from));
    q.bind(2, ms(to));
    q.bind(3, after ? ms(after->posted_at) : INT64_MIN);
    q.bind(4, after ? after->kind : std::string());
    q.bind(5, after ? after->seq : 0);
    q.bind(6, static_cast<std::int64_t>(limit));
    return select(q);
}

std::optional<complaint_key> complaint_store::key_of(const std::string& id) {
    auto q_own = c_.make("SELECT posted_at, kind, seq FROM complaints WHERE id = ?");
    auto& q = *q_own;
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return complaint_key{core::from_ms(q.int64(0)), q.text(1), q.int32(2)};
}

std::vector<rules::complaint> complaint_store::posted_between(core::instant from, core::instant to) {
    auto q_own = c_.make(SELECT_COMPLAINTS
                         "WHERE c.posted_at >= ? AND c.posted_at < ? ORDER BY c.posted_at, c.kind, c.seq");
    auto& q = *q_own;
    q.bind(1, ms(from));
    q.bind(2, ms(to));
    return select(q);
}

std::vector<rules::complaint> complaint_store::on_sheet_between(const std::optional<std::string>& from,
                                                                const std::optional<std::string>& to) {
    auto q_own = c_.make(SELECT_COMPLAINTS
                         "WHERE c.sheet_date IS NOT NULL AND c.sheet_date >= ? AND c.sheet_date <= ? "
                         "ORDER BY c.sheet_date, c.kind, c.seq");
    auto& q = *q_own;
    q.bind(1, from.value_or(""));
    q.bind(2, to.value_or("9999-12-31"));
    return select(q);
}

std::vector<rules::complaint> complaint_store::updated_between(core::instant from, core::instant to) {
    auto q_own = c_.make(SELECT_COMPLAINTS
                         "WHERE c.updated_at >= ? AND c.updated_at < ? ORDER BY c.posted_at, c.kind, c.seq");
    auto& q = *q_own;
    q.bind(1, ms(from));
    q.bind(2, ms(to));
    return select(q);
}

std::vector<rules::complaint> complaint_store::open_freight() {
    auto q_own = c_.make(SELECT_COMPLAINTS
                         "WHERE c.freight_step IS NOT NULL AND c.freight_step <> 'written_off' "
                         "ORDER BY c.kind, c.seq");
    auto& q = *q_own;
    return select(q);
}

namespace {
void bind_awaiting(statement& q, const std::string& department,
                   const std::vector<std::pair<std::string, std::string>>& acting) {
    q.bind(1, department);
    int i = 2;
    for (const auto& [kind, stage] : acting) {
        q.bind(i++, kind);
        q.bind(i++, stage);
    }
}
std::vector<std::string> ids_of(statement& q) {
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
}
}  // namespace

std::vector<rules::complaint> complaint_store::open_awaiting(
    const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting) {
    std::vector<rules::complaint> out;
    for (const auto& id : open_awaiting_ids(department, acting))
        if (auto c = load(id)) out.push_back(std::move(*c));
    return out;
}

std::vector<std::string> complaint_store::open_awaiting_ids(
    const std::string& department, const std::vector<std::pair<std::string, std::string>>& acting) {
    // One indexed lookup per part (complaint_pending_department, complaints_open_stage) instead of
    // an OR that makes SQLite walk every open complaint.
    std::string sql =
        "SELECT c.id, c.kind, c.seq FROM complaint_pending p JOIN complaints c ON c.id = p.complaint_id "
        "WHERE p.department = ? AND c.status = 'open' AND c.pending_stage = 'respond'";
    for (std::size_t i = 0; i < acting.size(); ++i)
        sql +=
            " UNION SELECT id, kind, seq FROM complaints WHERE status = 'open' AND kind = ? AND "
            "pending_stage = ?";
    sql += " ORDER BY 2, 3";
    auto q_own = c_.make(sql);
    auto& q = *q_own;
    bind_awaiting(q, department, acting);
    return ids_of(q);
}

std::vector<rules::complaint> complaint_store::open_after(const std::string& kind, int seq,
                                                          std::size_t limit) {
    // One kind at a time, so that every page is a range of the index (status, kind, seq) (SQLite
    // scans from the start for a row-value comparison across kinds).
    std::vector<rules::complaint> out;
    for (auto k : {rules::complaint_kind::product, rules::complaint_kind::service}) {
        std::string name(rules::kind_name(k));
        if (!kind.empty() && name < kind) continue;
        auto& q = c_.prepared(SELECT_COMPLAINTS
                              "WHERE c.status = 'open' AND c.kind = ? AND c.seq > ? ORDER BY c.seq LIMIT ?");
        reset_on_exit q_done{q};
        q.bind(1, name);
        q.bind(2, name == kind ? seq : 0);
        q.bind(3, static_cast<std::int64_t>(limit - out.size()));
        for (auto& c : select(q)) out.push_back(std::move(c));
        if (out.size() >= limit) break;
    }
    return out;
}

std::vector<std::string> complaint_store::first_open_ids(std::size_t limit) {
    auto q_own = c_.make("SELECT id FROM complaints WHERE status = 'open' ORDER BY kind, seq LIMIT ?");
    auto& q = *q_own;
    q.bind(1, static_cast<std::int64_t>(limit));
    return ids_of(q);
}

std::vector<rules::complaint> complaint_store::open_at_forward_step(
    const std::string& step, const std::optional<std::string>& sheet_before) {
    auto q_own = c_.make(sheet_before ? SELECT_COMPLAINTS
                             "WHERE c.status = 'open' AND c.forward_step = ? AND "
                             "c.sheet_date < ? ORDER BY c.kind, c.seq"
                                      : SELECT_COMPLAINTS
                             "WHERE c.status = 'open' AND c.forward_step = ? "
                             "ORDER BY c.kind, c.seq");
    auto& q = *q_own;
    q.bind(1, step);
    if (sheet_before) q.bind(2, *sheet_before);
    return select(q);
}

std::map<std::string, std::int64_t> complaint_store::open_by_stage() {
    std::map<std::string, std::int64_t> out;
    auto q_own = c_.make(
        "SELECT COALESCE(pending_stage, ''), COUNT(*) FROM complaints WHERE status = 'open' "
        "GROUP BY 1");
    auto& q = *q_own;
    while (q.step()) out[q.text(0)] = q.int64(1);
    return out;
}

std::int64_t complaint_store::count() {
    return c_.scalar("SELECT COUNT(*) FROM complaints");
}

#undef SELECT_COMPLAINTS

std::int64_t complaint_store::last_change() {
    auto& q = c_.prepared("SELECT COALESCE(MAX(change_seq), 0) FROM complaints");
    reset_on_exit q_done{q};
    return q.step() ? q.int64(0) : 0;
}

std::vector<std::string> complaint_store::changed_after(std::int64_t seq) {
    auto& q = c_.prepared("SELECT id FROM complaints WHERE change_seq > ? ORDER BY change_seq");
    reset_on_exit q_done{q};
    q.bind(1, seq);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text(0));
    return out;
}

}  // namespace storage::detail
