#include "dashboard/board_cache.hpp"

#include <algorithm>

namespace app::dashboard {

void board_cache::update(const rules::complaint& c, core::instant now) {
    rules::context ctx{cfg_, tz_, now, nullptr, business_};
    auto row = rules::board_row_of(c, ctx);
    if (!row) {
        entries_.erase(c.id);
        return;
    }
    entries_.insert_or_assign(c.id, entry{std::move(*row), &rules::calendar_of(c, business_)});
}

void board_cache::refresh(const live_state& live, core::instant now) {
    std::vector<std::string> changed;
    bool reaches =
        built_ && live.changed_since(version_, [&](const std::string& id) { changed.push_back(id); });
    version_ = live.version();
    if (!reaches) {
        entries_.clear();
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
            entries_.erase(id);  // closed for good or aged out of memory: no row
    }
}

board_list board_cache::rows(const live_state& live, core::instant now,
                             const std::function<bool(const rules::complaint&)>& keep,
                             const std::string& department, std::size_t first) {
    refresh(live, now);
    board_list out;
    out.rows.reserve(entries_.size());
    for (auto& [id, e] : entries_) {
        if (!department.empty() && std::find(e.row.departments.begin(), e.row.departments.end(),
                                             department) == e.row.departments.end())
            continue;
        if (keep) {
            const auto* c = live.held(id);
            if (!c || !keep(*c)) continue;
        }
        rules::set_clock(e.row, *e.calendar, now);
        out.rows.push_back(&e.row);
    }
    auto before = [](const rules::board_row* a, const rules::board_row* b) {
        return rules::board_before(*a, *b);
    };
    if (first < out.rows.size()) {
        // Only the first rows are shown: pick them (linear), then order just those.
        auto mid = out.rows.begin() + static_cast<std::ptrdiff_t>(first);
        std::nth_element(out.rows.begin(), mid, out.rows.end(), before);
        std::sort(out.rows.begin(), mid, before);
    } else {
        std::sort(out.rows.begin(), out.rows.end(), before);
    }
    return out;
}

}  // namespace app::dashboard
