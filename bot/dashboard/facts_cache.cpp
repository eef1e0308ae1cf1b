#include "dashboard/facts_cache.hpp"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace app::dashboard {

bool facts_cache::catch_up(std::size_t limit) {
    auto rows = db_.complaint_facts_after(last_seq_, limit + 1);
    bool behind = rows.size() > limit;
    if (behind) rows.pop_back();
    for (const auto& r : rows) {
        try {
            table_.put(rules::facts_from_bytes(r.bytes));
        } catch (const std::runtime_error& e) {
            // Counted but not shown: the complaint itself still reads (its state is elsewhere).
            if (unreadable_++ == 0)
                spdlog::warn(
                    "dashboard: save {} of a complaint has unreadable facts ({}); its next step rewrites "
                    "them",
                    r.seq, e.what());
        }
        last_seq_ = r.seq;
    }
    ready_ = !behind;
    if (ready_) table_.order();  // now, not in the first request that counts them
    return ready_;
}

}  // namespace app::dashboard
