#include "storage/deadline_store.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace storage::detail {

namespace {
// `(state || '')`: look up by the primary key (complaint_id, key), not by the deadlines_open index,
// whose `state = 'open'` prefix would scan every open deadline of every complaint (an expression, not
// the column, so neither SQLite nor PostgreSQL picks that index for it).
constexpr const char* sql_open_deadlines_of =
    "SELECT key, due_at FROM deadlines WHERE complaint_id = ? AND (state || '') = 'open'";
// The upsert of n rows (1..upsert_rows): a new complaint arms six deadlines or more at once. Each
// text lives as long as the program, as prepared() keys its statements by the text's address.
constexpr std::size_t upsert_rows = 8;
const char* upsert_sql(std::size_t n) {
    static const std::vector<std::string> texts = [] {
        std::vector<std::string> out;
        for (std::size_t rows = 1; rows <= upsert_rows; ++rows) {
            std::string sql = "INSERT INTO deadlines(complaint_id, key, due_at, state) VALUES";
            for (std::size_t i = 0; i < rows; ++i)
                sql += i == 0 ? "(?, ?, ?, 'open')" : ", (?, ?, ?, 'open')";
            sql +=
                " ON CONFLICT(complaint_id, key) DO UPDATE SET due_at = excluded.due_at, state = 'open', "
                "fired_at = NULL WHERE deadlines.state <> 'fired'";
            out.push_back(std::move(sql));
        }
        return out;
    }();
    return texts.at(n - 1).c_str();
}
constexpr const char* sql_cancel_deadline =
    "UPDATE deadlines SET state = 'cancelled' WHERE complaint_id = ? AND key = ? AND state = 'open'";
constexpr const char* sql_add_deadline =
    "INSERT INTO deadlines(complaint_id, key, due_at, state) VALUES(?, ?, ?, 'open') ON CONFLICT DO NOTHING";
constexpr const char* sql_open_deadlines =
    "SELECT complaint_id, key, due_at FROM deadlines WHERE state = 'open' ORDER BY due_at, complaint_id, key";
constexpr const char* sql_deadline_open =
    "SELECT 1 FROM deadlines WHERE complaint_id = ? AND key = ? AND due_at = ? AND state = 'open'";
constexpr const char* sql_mark_fired =
    "UPDATE deadlines SET state = 'fired', fired_at = ? WHERE complaint_id = ? AND key = ? AND state = "
    "'open'";
}  // namespace

void deadline_store::sync(const std::string& complaint_id, const std::vector<rules::deadline>& wanted,
                          const std::vector<rules::deadline>* open_now) {
    std::vector<std::pair<std::string, std::int64_t>> current;
    if (open_now) {  // the caller's mirror of the open rows: a complaint reminded every hour for a
                     // year has thousands of fired rows that the query would walk
        for (const auto& d : *open_now) current.emplace_back(d.key, ms(d.due));
    } else {
        auto& q = c_.prepared(sql_open_deadlines_of);
        reset_on_exit q_done{q};
        q.bind(1, complaint_id);
        while (q.step()) current.emplace_back(q.text(0), q.int64(1));
    }
    // The rows that change, each key once (a key wanted twice: its last due), then as few
    // statements as there are groups of upsert_rows (one round trip each to a server).
    std::vector<const rules::deadline*> changed;
    for (const auto& d : wanted) {
        bool same = false;
        for (const auto& [key, due] : current)
            if (key == d.key && due == ms(d.due)) same = true;
        if (same) continue;
        bool later = false;
        for (const auto& other : wanted)
            if (&other > &d && other.key == d.key) later = true;
        if (!later) changed.push_back(&d);
    }
    for (std::size_t first = 0; first < changed.size(); first += upsert_rows) {
        const auto n = std::min(upsert_rows, changed.size() - first);
        auto& upsert = c_.prepared(upsert_sql(n));
        reset_on_exit upsert_done{upsert};
        for (std::size_t i = 0; i < n; ++i) {
            const auto& d = *changed[first + i];
            const int at = static_cast<int>(3 * i);
            upsert.bind(at + 1, complaint_id);
            upsert.bind(at + 2, d.key);
            upsert.bind(at + 3, ms(d.due));
        }
        upsert.exec();
    }
    auto& cancel = c_.prepared(sql_cancel_deadline);
    reset_on_exit cancel_done{cancel};
    for (const auto& [key, due] : current) {
        bool keep = false;
        for (const auto& d : wanted)
            if (d.key == key) keep = true;
        if (keep) continue;
        cancel.reset();
        cancel.bind(1, complaint_id);
        cancel.bind(2, key);
        cancel.exec();
    }
}

bool deadline_store::add(const rules::deadline& d) {
    auto& q = c_.prepared(sql_add_deadline);
    reset_on_exit q_done{q};
    q.bind(1, d.complaint);
    q.bind(2, d.key);
    q.bind(3, ms(d.due));
    return q.exec() > 0;
}

std::vector<rules::deadline> deadline_store::open() {
    std::vector<rules::deadline> out;
    auto q_own = c_.make(sql_open_deadlines);
    auto& q = *q_own;
    while (q.step()) out.push_back({q.text(0), q.text(1), core::from_ms(q.int64(2))});
    return out;
}

bool deadline_store::is_open(const std::string& complaint_id, const std::string& key, core::instant due) {
    auto& q = c_.prepared(sql_deadline_open);
    reset_on_exit q_done{q};
    q.bind(1, complaint_id);
    q.bind(2, key);
    q.bind(3, ms(due));
    return q.step();
}

void deadline_store::mark_fired(const std::string& complaint_id, const std::string& key,
                                core::instant fired_at) {
    auto& q = c_.prepared(sql_mark_fired);
    reset_on_exit q_done{q};
    q.bind(1, ms(fired_at));
    q.bind(2, complaint_id);
    q.bind(3, key);
    q.exec();
}

std::vector<std::string> deadline_store::open_job_keys() {
    std::vector<std::string> out;
    auto q_own =
        c_.make("SELECT key FROM deadlines WHERE complaint_id = '' AND (state || '') = 'open' ORDER BY key");
    auto& q = *q_own;
    while (q.step()) out.push_back(q.text(0));
    return out;
}

std::vector<rules::deadline> deadline_store::open_of(const std::string& complaint_id) {
    auto& q = c_.prepared(sql_open_deadlines_of);
    reset_on_exit q_done{q};
    q.bind(1, complaint_id);
    std::vector<rules::deadline> out;
    while (q.step()) out.push_back({complaint_id, q.text(0), core::from_ms(q.int64(1))});
    return out;
}

bool deadline_store::claim(const std::string& complaint_id, const std::string& key, core::instant due) {
    if (c_.kind() != dialect::postgresql) return is_open(complaint_id, key, due);  // the one writer
    auto& q = c_.prepared(
        "SELECT 1 FROM deadlines WHERE complaint_id = ? AND key = ? AND due_at = ? AND state = 'open' FOR "
        "UPDATE SKIP LOCKED");
    reset_on_exit q_done{q};
    q.bind(1, complaint_id);
    q.bind(2, key);
    q.bind(3, ms(due));
    return q.step();
}

}  // namespace storage::detail
