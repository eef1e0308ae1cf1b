// The dashboard's copy of every complaint's facts (rules/fact_table.hpp), kept up to date from the
// database: each save numbers the complaint's row (facts_seq), so catching up reads only the rows
// saved since the last look — nothing when nothing changed, whichever process wrote them. The
// first catch-up reads them all, a page at a time between the loop's other work (1,000,000
// complaints: a few seconds); until then the pages count from the complaints' states.
//
// Not thread-safe: the loop thread, as the database.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rules/fact_table.hpp"
#include "storage/database.hpp"

namespace app::dashboard {

class facts_cache {
  public:
    explicit facts_cache(storage::database& db) : db_(db) {}

    // Reads up to `limit` rows saved since the last call; true when the table is then up to date.
    bool catch_up(std::size_t limit);
    // Up to date with the database as of the last catch_up() that returned true.
    bool ready() const { return ready_; }
    const rules::fact_table& table() const { return table_; }
    std::size_t unreadable() const { return unreadable_; }

  private:
    storage::database& db_;
    rules::fact_table table_;
    std::int64_t last_seq_ = 0;
    bool ready_ = false;
    std::size_t unreadable_ = 0;
};

}  // namespace app::dashboard
