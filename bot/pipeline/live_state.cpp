#include "pipeline/live_state.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"

namespace app {

namespace {

// Closed complaints age out of memory in a sweep every this many saves.
constexpr std::size_t prune_every = 4096;

std::string digest_text(const std::map<std::string, const rules::complaint*>& complaints,
                        const std::map<std::pair<std::string, std::string>, core::instant>& deadlines) {
    std::string text;
    for (const auto& [id, c] : complaints) text += id + "\t" + rules::state_json(*c).dump() + "\n";
    for (const auto& [k, due] : deadlines)
        text += k.first + "\t" + k.second + "\t" + std::to_string(core::to_ms(due)) + "\n";
    return adapters::crypto::base64_encode(adapters::crypto::sha256(text));
}

// The digest covers what does not depend on the hour it is taken: the open complaints, those with
// open freight, and every armed deadline.
bool in_digest(const rules::complaint& c) {
    return c.is_open() || (c.freight && !c.freight->written_off.at);
}

}  // namespace

live_state::live_state(storage::database& db) : db_(db) {
    db_.observe(this);
}

live_state::~live_state() {
    if (db_.observer() == this) db_.observe(nullptr);
}

void live_state::note(const std::string& id) {
    changes_.emplace_back(++version_, id);
    if (changes_.size() > max_changes) changes_.pop_front();
}

void live_state::load(bool all) {
    complaints_.clear();
    changes_.clear();
    ++version_;  // a reader from before starts again
    deadlines_.clear();
    open_by_stage_.clear();
    loading_ = true;
    load_kind_.clear();
    load_seq_ = 0;
    if (all)
        while (load_more(5000)) {
        }
    // Sorted by complaint (the query gives them by due time): one list per run of equal ids.
    auto rows = db_.open_deadlines();
    std::sort(rows.begin(), rows.end(),
              [](const rules::deadline& a, const rules::deadline& b) { return a.complaint < b.complaint; });
    deadlines_.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size();) {
        std::vector<armed> list;
        auto j = i;
        for (; j < rows.size() && rows[j].complaint == rows[i].complaint; ++j)
            list.push_back({std::move(rows[j].key), rows[j].due, next_generation_++});
        deadlines_.set_committed(rows[i].complaint, std::move(list));
        i = j;
    }
}

bool live_state::load_more(std::size_t n) {
    if (!loading_) return false;
    // Between steps only: what the database returns is committed, as what a step may have put here
    // meanwhile — which is never replaced (it is the same or newer).
    auto hold = [&](rules::complaint& c) {
        if (complaints_.find(c.id)) return;
        count(&c, 1);
        auto id = c.id;  // (not c.id itself: the value is moved from before the key is read)
        note(id);
        complaints_.set_committed(id, std::move(c));
    };
    auto page = db_.open_complaints_after(load_kind_, load_seq_, n);
    if (!page.empty()) {
        load_kind_ = std::string(rules::kind_name(page.back().kind));
        load_seq_ = page.back().seq;
    }
    for (auto& c : page) hold(c);
    if (page.size() == n) return true;
    for (auto& c : db_.open_freight_complaints()) hold(c);  // closed ones with freight still open
    loading_ = false;
    return false;
}

std::optional<rules::complaint> live_state::complaint(const std::string& id) {
    if (const auto* c = complaints_.find(id)) return *c;
    return db_.load_complaint(id);
}

void live_state::saved(const rules::complaint& c, core::instant now) {
    bool keep = rules::may_still_change(c, now);
    if (!db_.in_transaction()) {  // autocommit: the row is already durable
        count(complaints_.find_committed(c.id), -1);
        note(c.id);
        if (keep) {
            count(&c, 1);
            complaints_.set_committed(c.id, c);
        } else {
            complaints_.evict_committed(c.id);
        }
        return;
    }
    if (keep)
        complaints_.set(c.id, c);
    else
        complaints_.erase(c.id);  // read from the database from now on
    if (++saves_since_prune_ >= prune_every) saves_since_prune_ = 0, prune(now);
}

void live_state::prune(core::instant now) {
    // Only committed entries that no pending write shadows are dropped: a cache eviction.
    std::vector<std::string> stale;
    for (const auto& [id, c] : complaints_.committed())
        if (!rules::may_still_change(c, now)) stale.push_back(id);
    for (const auto& id : stale) {
        complaints_.evict_committed(id);
        note(id);
    }
}

live_state::sync_result live_state::sync(const std::string& complaint,
                                         const std::vector<rules::deadline>& wanted) {
    const auto* current = deadlines_.find(complaint);
    std::vector<armed> next, fresh;
    next.reserve(wanted.size());
    for (const auto& w : wanted) {
        const armed* same = nullptr;
        if (current)
            for (const auto& a : *current)
                if (a.key == w.key && a.due == w.due) same = &a;
        if (same) {
            next.push_back(*same);  // unchanged: its heap entry stays valid
        } else {
            next.push_back({w.key, w.due, next_generation_++});
            fresh.push_back(next.back());
        }
    }
    bool unchanged = fresh.empty() && (current ? current->size() == next.size() : next.empty());
    if (unchanged) return {};
    sync_result r{true, std::move(fresh), {}};
    if (current)
        for (const auto& a : *current) r.open_before.push_back({complaint, a.key, a.due});
    if (next.empty())
        deadlines_.erase(complaint);
    else
        deadlines_.set(complaint, std::move(next));
    return r;
}

std::optional<live_state::armed> live_state::add(const std::string& complaint, const std::string& key,
                                                 core::instant due) {
    std::vector<armed> list;
    if (const auto* current = deadlines_.find(complaint)) {
        for (const auto& a : *current)
            if (a.key == key) return std::nullopt;
        list = *current;
    }
    armed a{key, due, next_generation_++};
    list.push_back(a);
    deadlines_.set(complaint, std::move(list));
    return a;
}

void live_state::fired(const std::string& complaint, const std::string& key) {
    const auto* current = deadlines_.find(complaint);
    if (!current) return;
    std::vector<armed> list;
    for (const auto& a : *current)
        if (a.key != key) list.push_back(a);
    if (list.size() == current->size()) return;
    if (list.empty())
        deadlines_.erase(complaint);
    else
        deadlines_.set(complaint, std::move(list));
}

namespace {
bool has(const std::vector<live_state::armed>* list, const std::string& key, std::uint64_t generation) {
    if (!list) return false;
    return std::any_of(list->begin(), list->end(), [&](const live_state::armed& a) {
        return a.generation == generation && a.key == key;
    });
}
}  // namespace

bool live_state::is_armed(const std::string& complaint, const std::string& key,
                          std::uint64_t generation) const {
    return has(deadlines_.find(complaint), key, generation);
}

bool live_state::is_armed_committed(const std::string& complaint, const std::string& key,
                                    std::uint64_t generation) const {
    return has(deadlines_.find_committed(complaint), key, generation);
}

std::vector<std::pair<std::string, live_state::armed>> live_state::all_armed() const {
    std::vector<std::pair<std::string, armed>> out;
    for (const auto& [id, list] : deadlines_.committed())
        for (const auto& a : list) out.emplace_back(id, a);
    return out;
}

std::size_t live_state::deadlines_armed() const {
    std::size_t n = 0;
    for (const auto& [id, list] : deadlines_.committed()) n += list.size();
    return n;
}

std::string live_state::digest() const {
    std::map<std::string, const rules::complaint*> held;
    for (const auto& [id, c] : complaints_.committed())
        if (in_digest(c)) held.emplace(id, &c);
    std::map<std::pair<std::string, std::string>, core::instant> armed_at;
    for (const auto& [id, list] : deadlines_.committed())
        for (const auto& a : list) armed_at[{id, a.key}] = a.due;
    return digest_text(held, armed_at);
}

std::string live_state::digest_of(storage::database& db) {
    auto snapshot = db.read_snapshot();
    auto all = db.all_complaints();
    std::map<std::string, const rules::complaint*> held;
    for (const auto& c : all)
        if (in_digest(c)) held.emplace(c.id, &c);
    std::map<std::pair<std::string, std::string>, core::instant> armed_at;
    for (const auto& d : db.open_deadlines()) armed_at[{d.complaint, d.key}] = d.due;
    auto out = digest_text(held, armed_at);
    snapshot->commit();
    return out;
}

void live_state::on_savepoint(const std::string& name) {
    complaints_.savepoint(name);
    deadlines_.savepoint(name);
}
void live_state::on_release(const std::string& name) {
    complaints_.release(name);
    deadlines_.release(name);
}
void live_state::on_rollback_to(const std::string& name) {
    complaints_.rollback_to(name);
    deadlines_.rollback_to(name);
}
void live_state::count(const rules::complaint* c, int by) {
    if (!c || !c->is_open()) return;
    const auto* st = c->pending_stage();
    auto& n = open_by_stage_[st ? st->name : std::string()];
    n += by;
    if (n == 0) open_by_stage_.erase(st ? st->name : std::string());
}

void live_state::on_foreign_changes(std::int64_t since) {
    const auto now = clock_ ? clock_->now() : core::instant{};
    for (const auto& id : db_.changed_after(since)) {
        auto c = db_.load_complaint(id);
        count(complaints_.find_committed(id), -1);
        note(id);
        if (c && (clock_ ? rules::may_still_change(*c, now) : c->is_open())) {
            count(&*c, 1);
            complaints_.set_committed(id, std::move(*c));
        } else {
            complaints_.evict_committed(id);
        }
        // Its deadlines as the table has them now, each with a new generation: the heap's old
        // entries for it go stale, the new ones are handed to the scheduler.
        std::vector<armed> list;
        for (auto& d : db_.open_deadlines_of(id)) {
            list.push_back({std::move(d.key), d.due, next_generation_++});
            fresh_.emplace_back(id, list.back());
        }
        if (list.empty())
            deadlines_.evict_committed(id);
        else
            deadlines_.set_committed(id, std::move(list));
    }
}

void live_state::on_commit() {
    complaints_.for_each_pending(
        [this](const std::string& id, const rules::complaint* before, const rules::complaint* after) {
            count(before, -1);
            count(after, 1);
            note(id);
        });
    complaints_.commit();
    deadlines_.commit();
}
void live_state::on_rollback() {
    complaints_.rollback();
    deadlines_.rollback();
}

}  // namespace app
