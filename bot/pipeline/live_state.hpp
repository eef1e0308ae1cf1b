// What the engine keeps in memory beside the database, owned by the loop thread: every complaint a
// step may still change (rules::may_still_change) and every open deadline with a generation number.
//
// A step reads a complaint here (the database only for one that is not held), applies the rules
// to a copy, writes it through in its transaction and hands it back with saved(); the new value is
// published when the database reports the COMMIT (storage::transaction_observer), and forgotten
// when the transaction or the message's savepoint rolls back. Deadlines likewise: the scheduler's
// heap holds (complaint, key, generation) entries and asks is_armed() instead of the database; a
// moved or cancelled deadline simply has another generation (or none) here.
//
// Not thread-safe: the loop thread only.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "pipeline/overlay_map.hpp"
#include "rules/complaint.hpp"
#include "storage/database.hpp"

namespace app {

class live_state final : public storage::transaction_observer {
  public:
    struct armed {
        std::string key;
        core::instant due{};
        std::uint64_t generation = 0;
    };

    // Observes `db`'s transactions until destroyed.
    explicit live_state(storage::database& db);
    ~live_state() override;
    live_state(const live_state&) = delete;
    live_state& operator=(const live_state&) = delete;

    // Start-up: every open deadline, and the open complaints (and those with open freight) — all of
    // them, or (`all` false) only the deadlines now and the complaints page by page with
    // load_more(), between the steps, while the bot already serves (a complaint not loaded yet is
    // read from the database, as one not held).
    void load(bool all = true);
    // Loads up to `n` more open complaints; false once all are loaded.
    bool load_more(std::size_t n);
    bool loading() const { return loading_; }

    // --- complaints
    // As the current transaction sees it: held in memory, else read from the database.
    std::optional<rules::complaint> complaint(const std::string& id);
    // The held complaint itself (nullptr when not held), valid until the next change here.
    const rules::complaint* held(const std::string& id) const { return complaints_.find(id); }
    // `c` was written to the database in the current transaction (or in autocommit, outside one).
    void saved(const rules::complaint& c, core::instant now);
    std::size_t complaints_held() const { return complaints_.committed().size(); }
    // f(complaint) for every committed complaint held (the dashboard's 现在, once loading() is false).
    template <class F>
    void for_each_held(F&& f) const {
        for (const auto& [id, c] : complaints_.committed()) f(c);
    }
    // The change feed of the held complaints (the dashboard's 现在 keeps its rows up to date by
    // it): a number that grows with each committed change, and f(id) for each complaint stored,
    // replaced or dropped after version `since` (an id may come more than once). false when the
    // feed no longer reaches back that far: start again from for_each_held.
    std::uint64_t version() const { return version_; }
    template <class F>
    bool changed_since(std::uint64_t since, F&& f) const {
        if (since == version_) return true;
        if (since > version_ || changes_.empty() || changes_.front().first > since + 1) return false;
        auto it = std::lower_bound(changes_.begin(), changes_.end(), since + 1,
                                   [](const auto& change, std::uint64_t v) { return change.first < v; });
        for (; it != changes_.end(); ++it) f(it->second);
        return true;
    }
    // Open complaints per pending stage ("" past every stage), counted as they change (/metrics);
    // complete once loading() is false.
    const std::map<std::string, std::int64_t>& open_by_stage() const { return open_by_stage_; }

    // --- deadlines (complaint "" holds the scheduled jobs)
    // Makes the complaint's armed deadlines `wanted` (as database::sync_deadlines does): whether
    // anything changed (nothing: the database needs no sync either) and those new or moved, with
    // their generation, for the heap.
    struct sync_result {
        bool changed = false;
        std::vector<armed> fresh;
        std::vector<rules::deadline> open_before;  // when changed: the open rows it had (the table's)
    };
    sync_result sync(const std::string& complaint, const std::vector<rules::deadline>& wanted);
    // Arms one (a job's occurrence) unless its key is armed; returns it when new.
    std::optional<armed> add(const std::string& complaint, const std::string& key, core::instant due);
    void fired(const std::string& complaint, const std::string& key);
    bool is_armed(const std::string& complaint, const std::string& key, std::uint64_t generation) const;
    bool is_armed_committed(const std::string& complaint, const std::string& key,
                            std::uint64_t generation) const;
    // Every committed armed deadline (start-up builds the heap from it).
    std::vector<std::pair<std::string, armed>> all_armed() const;
    std::size_t deadlines_armed() const;

    // A digest of the held complaints and armed deadlines, and the same computed from a database:
    // the fault tests compare a restarted bot's memory with its file.
    std::string digest() const;
    static std::string digest_of(storage::database& db);

    // --- several instances on one database
    // The clock that says whether a complaint another instance changed may still change.
    void set_clock(const core::clock* clock) { clock_ = clock; }
    // The deadlines armed by on_foreign_changes since the last call (for the scheduler's heap).
    std::vector<std::pair<std::string, armed>> take_fresh() { return std::exchange(fresh_, {}); }

    // storage::transaction_observer
    void on_begin() override {}
    // Another instance saved these complaints: the held copies and their armed deadlines are read
    // again from the database (committed: they are another instance's commits).
    void on_foreign_changes(std::int64_t since) override;
    void on_savepoint(const std::string& name) override;
    void on_release(const std::string& name) override;
    void on_rollback_to(const std::string& name) override;
    void on_commit() override;
    void on_rollback() override;

  private:
    void prune(core::instant now);

    storage::database& db_;
    overlay_map<std::string, rules::complaint> complaints_;
    overlay_map<std::string, std::vector<armed>> deadlines_;  // by complaint id
    std::uint64_t next_generation_ = 1;
    std::size_t saves_since_prune_ = 0;
    void count(const rules::complaint* c, int by);
    std::map<std::string, std::int64_t> open_by_stage_;
    bool loading_ = false;
    // The change feed: (version, complaint id), the newest max_changes.
    static constexpr std::size_t max_changes = 1 << 16;
    void note(const std::string& id);
    std::uint64_t version_ = 0;
    std::deque<std::pair<std::uint64_t, std::string>> changes_;
    const core::clock* clock_ = nullptr;
    std::vector<std::pair<std::string, armed>> fresh_;
    std::string load_kind_;  // where load_more() goes on: after this (kind, seq)
    int load_seq_ = 0;
};

}  // namespace app
