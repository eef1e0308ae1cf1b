// 现在's rows kept from the engine's memory (pipeline/live_state): a held complaint's row is worked
// out again only when the complaint changes (the live state's change feed); a request then only
// sets each row's clock at its own now, picks the viewer's rows and sorts them. With 100,000 open
// complaints that is a few milliseconds instead of working out every row on every poll.
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
};

class board_cache {
  public:
    board_cache(const rules::config& cfg, const core::zone& tz, const core::calendar* business)
        : cfg_(cfg), tz_(tz), business_(business) {}

    // The rows of the held complaints that `keep` lets through and, when `department` is not empty,
    // that wait on it, with their clocks at `now`, sorted — or, with `first`, only the first
    // `first` of them in order, the others after them in no order (现在 shows 500 and counts all).
    board_list rows(const live_state& live, core::instant now,
                    const std::function<bool(const rules::complaint&)>& keep, const std::string& department,
                    std::size_t first = SIZE_MAX);

  private:
    struct entry {
        rules::board_row row;
        const core::calendar* calendar = nullptr;  // rules::calendar_of the complaint
    };
    void refresh(const live_state& live, core::instant now);
    void update(const rules::complaint& c, core::instant now);

    const rules::config& cfg_;
    const core::zone& tz_;
    const core::calendar* business_;
    std::unordered_map<std::string, entry> entries_;
    std::uint64_t version_ = 0;
    bool built_ = false;
};

}  // namespace app::dashboard
