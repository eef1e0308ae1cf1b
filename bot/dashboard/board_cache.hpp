// 现在's rows kept from the engine's memory (pipeline/live_state): a held complaint's row is worked
// out again only when the complaint changes (the live state's change feed); a request then only
// works out each row's clock at its own now, picks the viewer's rows, counts them and orders the
// ones it shows. The rows sit side by side with a small key each (deadline, id as a number), so
// the pass over 100,000 open complaints touches a few megabytes, not every row's strings.
//
// Not thread-safe: the loop thread, as the live state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pipeline/live_state.hpp"
#include "rules/board.hpp"

namespace app::dashboard {

// Rows for a view: pointers into the cache (valid until its next use) or into `own`.
struct board_list {
    std::vector<rules::board_row> own;
    std::vector<const rules::board_row*> rows;  // sorted as rules::sort_board (see rows(): `first`)
    rules::board_counts counts;                 // of every row
};

class board_cache {
  public:
    board_cache(const rules::config& cfg, const core::zone& tz, const core::calendar* business)
        : cfg_(cfg), tz_(tz), business_(business) {}

    // The rows of the held complaints that `keep` lets through and, when `department` is not empty,
    // that wait on it, with their clocks at `now`, sorted — or, with `first`, only the first
    // `first` of them in order with their clocks set, the others after them in no order (现在
    // shows 500 and counts all).
    board_list rows(const live_state& live, core::instant now,
                    const std::function<bool(const rules::complaint&)>& keep, const std::string& department,
                    std::size_t first = SIZE_MAX);

    // Builds the rows a page of `n` complaints at a time (serve, once the live state is loaded, so
    // the first 现在 does not build 100,000 rows at once); true while pages remain. A request
    // meanwhile finishes the build.
    bool warm_up(const live_state& live, core::instant now, std::size_t n);
    std::size_t size() const { return rows_.size(); }

  private:
    struct slot {
        std::int64_t due_ms;   // INT64_MIN: no deadline
        std::uint64_t id_key;  // the id's place in rules::board_before's order (id_key_of)
        const core::calendar* calendar;
        bool paused, compensation, freight;
    };
    void refresh(const live_state& live, core::instant now);
    void update(const rules::complaint& c, core::instant now);
    void erase(const std::string& id);

    const rules::config& cfg_;
    const core::zone& tz_;
    const core::calendar* business_;
    std::vector<rules::board_row> rows_;  // side by side with slots_
    std::vector<slot> slots_;
    std::unordered_map<std::string, std::size_t> index_;  // id → position in rows_ and slots_
    std::uint64_t version_ = 0;
    bool built_ = false;
    std::vector<std::string> to_build_;  // warm_up(): the held ids not built yet
    bool warming_ = false;
};

}  // namespace app::dashboard
