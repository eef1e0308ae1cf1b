#include "dashboard/board_cache.hpp"

#include <algorithm>
#include <climits>

namespace app::dashboard {

namespace {

// "P12" as a number that orders as rules::board_before orders ids (shorter first, then as text):
// the length, the letter, the digits. Ids are a letter and a number; anything else gets the
// largest key and is ordered by its text.
std::uint64_t id_key_of(const std::string& id) {
    if (id.size() < 2 || id.size() > 12) return UINT64_MAX;
    std::uint64_t n = 0;
    for (std::size_t i = 1; i < id.size(); ++i) {
        if (id[i] < '0' || id[i] > '9') return UINT64_MAX;
        n = n * 10 + static_cast<std::uint64_t>(id[i] - '0');
    }
    return (static_cast<std::uint64_t>(id.size()) << 56) |
           (static_cast<std::uint64_t>(static_cast<unsigned char>(id[0])) << 48) | n;
}

}  // namespace

void board_cache::update(const rules::complaint& c, core::instant now) {
    rules::context ctx{cfg_, tz_, now, nullptr, business_};
    auto row = rules::board_row_of(c, ctx);
    if (!row) return erase(c.id);
    slot s{row->due ? core::to_ms(*row->due) : INT64_MIN,
           id_key_of(row->id),
           &rules::calendar_of(c, business_),
           row->paused,
           row->compensation,
           row->freight};
    if (auto it = index_.find(c.id); it != index_.end()) {
        rows_[it->second] = std::move(*row);
        slots_[it->second] = s;
        return;
    }
    index_.emplace(c.id, rows_.size());
    rows_.push_back(std::move(*row));
    slots_.push_back(s);
}

void board_cache::erase(const std::string& id) {
    auto it = index_.find(id);
    if (it == index_.end()) return;
    auto at = it->second;
    index_.erase(it);
    if (at + 1 != rows_.size()) {  // the last row takes its place
        rows_[at] = std::move(rows_.back());
        slots_[at] = slots_.back();
        index_[rows_[at].id] = at;
    }
    rows_.pop_back();
    slots_.pop_back();
}

bool board_cache::warm_up(const live_state& live, core::instant now, std::size_t n) {
    if (built_) return false;
    if (!warming_) {
        rows_.clear();
        slots_.clear();
        index_.clear();
        to_build_.clear();
        live.for_each_held([&](const rules::complaint& c) { to_build_.push_back(c.id); });
        version_ = live.version();  // what changes from here on, refresh() applies after
        warming_ = true;
    }
    for (; n > 0 && !to_build_.empty(); --n) {
        if (const auto* c = live.held(to_build_.back())) update(*c, now);
        to_build_.pop_back();
    }
    if (!to_build_.empty()) return true;
    warming_ = false;
    built_ = true;
    return false;
}

void board_cache::refresh(const live_state& live, core::instant now) {
    if (warming_) warm_up(live, now, SIZE_MAX);  // finish it now
    std::vector<std::string> changed;
    bool reaches =
        built_ && live.changed_since(version_, [&](const std::string& id) { changed.push_back(id); });
    version_ = live.version();
    if (!reaches) {
        rows_.clear();
        slots_.clear();
        index_.clear();
        live.for_each_held([&](const rules::complaint& c) { update(c, now); });
        built_ = true;
        return;
    }
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    for (const auto& id : changed) {
        if (const auto* c = live.held(id))
            update(*c, now);
        else
            erase(id);  // closed for good or aged out of memory: no row
    }
}

board_list board_cache::rows(const live_state& live, core::instant now,
                             const std::function<bool(const rules::complaint&)>& keep,
                             const std::string& department, std::size_t first) {
    refresh(live, now);
    // The viewer's rows, each with its clock and its place in the order as two numbers.
    struct pick {
        std::int64_t clock;  // minutes (late: negative); LLONG_MAX: no clock, after all with one
        std::uint64_t id_key;
        std::size_t at;
    };
    std::vector<pick> picks;
    picks.reserve(slots_.size());
    board_list out;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        const auto& s = slots_[i];
        const auto& row = rows_[i];
        if (!department.empty() &&
            std::find(row.departments.begin(), row.departments.end(), department) == row.departments.end())
            continue;
        if (keep) {
            const auto* c = live.held(row.id);
            if (!c || !keep(*c)) continue;
        }
        std::optional<core::instant> due;
        if (s.due_ms != INT64_MIN) due = core::from_ms(s.due_ms);
        auto minutes = rules::clock_minutes(due, s.paused, *s.calendar, now);
        out.counts.add(minutes, s.paused, s.compensation, s.freight);
        picks.push_back({minutes ? *minutes : LLONG_MAX, s.id_key, i});
    }
    auto before = [this](const pick& a, const pick& b) {
        if (a.clock != b.clock) return a.clock < b.clock;
        if (a.id_key != b.id_key) return a.id_key < b.id_key;
        return rules::board_before(rows_[a.at], rows_[b.at]);  // ids that are no letter and number
    };
    auto shown = std::min(first, picks.size());
    if (shown < picks.size()) {
        // Only the first rows are shown: pick them (linear), then order just those.
        auto mid = picks.begin() + static_cast<std::ptrdiff_t>(shown);
        std::nth_element(picks.begin(), mid, picks.end(), before);
        std::sort(picks.begin(), mid, before);
    } else {
        std::sort(picks.begin(), picks.end(), before);
    }
    out.rows.reserve(picks.size());
    for (std::size_t k = 0; k < picks.size(); ++k) {
        auto& row = rows_[picks[k].at];
        if (k < shown) rules::set_clock(row, *slots_[picks[k].at].calendar, now);
        out.rows.push_back(&row);
    }
    return out;
}

}  // namespace app::dashboard
