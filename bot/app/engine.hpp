// The workflow engine: the one place where a normalized inbound message or a due deadline turns
// into a committed state change. Each call runs one SQLite transaction holding the inbound record,
// the complaint, its events, its deadlines, any fines and the outbox posts (SPEC "Reliability").
// `serve` and `replay` both drive this class; only their clocks differ.
//
// Thread-safety: not thread-safe; owned and called by the loop thread.
#pragma once

#include <cstddef>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/message.hpp"
#include "rules/config.hpp"
#include "rules/workflow.hpp"
#include "storage/database.hpp"

namespace app {

enum class handled { processed, duplicate, ignored };

class engine {
  public:
    engine(const rules::config& cfg, storage::database& db, const core::clock& clock);

    // Processes one message (de-duplicated by platform + msg_id) in one transaction.
    handled handle(const core::inbound_message& msg);

    // Fires every deadline and scheduled job due at or before `until`, oldest first, each in its
    // own transaction, with the clock's now as the firing time. Returns how many fired.
    std::size_t fire_due(core::instant until);
    // The earliest pending deadline or job, if any.
    std::optional<core::instant> next_due();

    const core::zone& tz() const { return tz_; }
    const rules::config& config() const { return cfg_; }

  private:
    struct heap_entry {
        core::instant due;
        std::string complaint;
        std::string key;
        bool operator>(const heap_entry& o) const {
            return due != o.due ? due > o.due
                                : (complaint != o.complaint ? complaint > o.complaint : key > o.key);
        }
    };

    void load_deadlines();
    void ensure_jobs();
    void push(const std::vector<rules::deadline>& ds);
    void persist(const rules::outcome& out);
    void save(const rules::complaint& c);

    void on_command(const rules::command& cmd, const core::inbound_message& msg, rules::outcome& out);
    void on_complaint_command(const rules::command& cmd, const core::inbound_message& msg,
                              rules::outcome& out);
    void on_fine_command(const rules::command& cmd, const core::inbound_message& msg, rules::outcome& out);
    std::size_t fire_batch(core::instant until);
    void fire_one(const heap_entry& e);
    void run_job(const std::string& name, core::instant due, rules::outcome& out);
    std::optional<core::instant> next_occurrence(const std::string& job, core::instant after) const;
    rules::context make_context(int* fine_seq) const;
    void reply(rules::outcome& out, const core::inbound_message& msg, std::string text) const;

    const rules::config& cfg_;
    storage::database& db_;
    const core::clock& clock_;
    core::zone tz_;
    std::priority_queue<heap_entry, std::vector<heap_entry>, std::greater<>> heap_;
};

}  // namespace app
