// The workflow engine: the one place where a normalized inbound message or a due deadline turns
// into a committed state change. Each call runs one SQLite transaction holding the inbound record,
// the complaint, its events, its deadlines, any fines and the outbox posts (SPEC "Reliability").
// `serve` and `replay` both drive this class; only their clocks differ.
//
// Thread-safety: not thread-safe; owned and called by the loop thread.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/message.hpp"
#include "pipeline/live_state.hpp"
#include "rules/config.hpp"
#include "rules/periodic.hpp"
#include "rules/staff_change.hpp"
#include "rules/workflow.hpp"
#include "storage/database.hpp"

namespace app {

enum class handled { processed, duplicate, ignored };

class engine {
  public:
    // `load_all`: hold every complaint that may still change before returning (replay, whatif,
    // tests); false: only the deadlines now, the complaints by load_more() (serve, which answers
    // meanwhile).
    engine(const rules::config& cfg, storage::database& db, const core::clock& clock, bool load_all = true);
    // Loads up to `n` more complaints into memory; false once all are held.
    bool load_more(std::size_t n) { return live_.load_more(n); }

    // Answers to unusable posts per sender and minute (a flood does not flood the group back).
    static constexpr std::size_t bad_post_replies_per_minute = 5;

    // Processes one message (de-duplicated by platform + msg_id) in one transaction.
    handled handle(const core::inbound_message& msg);
    // The same work inside a transaction the caller opened and will commit or roll back (group
    // commit: many messages, each in its own SAVEPOINT, one COMMIT). Writes only through the
    // database, so rolling the caller's transaction or savepoint back undoes it entirely; a
    // deadline it pushed onto the in-memory heap is then found stale by next_due().
    handled handle_in_transaction(const core::inbound_message& msg);

    // A person left or changed department (DingTalk's address-book events): in one transaction,
    // de-duplicated by the event's id, HR is warned in the default chat when they head a department
    // or have open complaints (rules/staff_change.hpp). Returns whether a warning was queued.
    bool staff_changed(const rules::staff_change& change, const std::string& event_id);

    // Fires every deadline and scheduled job due at or before `until`, oldest first, each in its
    // own transaction, with the clock's now as the firing time. Returns how many fired.
    std::size_t fire_due(core::instant until);
    // The earliest pending deadline or job, if any.
    std::optional<core::instant> next_due();
    // Several instances on one database: reads what the others committed since this one last
    // looked (complaints and their deadlines), between steps. True when something had changed.
    bool refresh() { return db_.catch_up(); }

    const core::zone& tz() const { return tz_; }
    const rules::config& config() const { return cfg_; }
    const core::calendar& calendar() const { return cal_; }
    const live_state& live() const { return live_; }

  private:
    struct heap_entry {
        core::instant fire_at;  // the deadline, or (business calendar closed then) the next opening
        core::instant due;
        std::string complaint;
        std::string key;
        std::uint64_t generation = 0;  // live_state's: another one there means moved or cancelled
        bool operator>(const heap_entry& o) const {
            if (fire_at != o.fire_at) return fire_at > o.fire_at;
            return due != o.due ? due > o.due
                                : (complaint != o.complaint ? complaint > o.complaint : key > o.key);
        }
    };
    heap_entry entry(const std::string& complaint, const live_state::armed& a) const;

    void load_deadlines();
    void ensure_jobs();
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
    // A post the bot cannot use (unregistered sender, bad command, incomplete form) is answered at
    // most bad_post_replies_per_minute times a minute per sender; the rest are recorded silently.
    bool may_answer_bad_post(const std::string& sender);

    const rules::config& cfg_;
    storage::database& db_;
    const core::clock& clock_;
    core::zone tz_;
    core::calendar cal_;
    live_state live_;  // the complaints that may still change and the armed deadlines
    std::priority_queue<heap_entry, std::vector<heap_entry>, std::greater<>> heap_;
    // Entries next_due() dropped inside a transaction as cancelled by it: back on the heap if it
    // rolls back (fire_batch), so a rolled-back batch loses no deadline.
    std::vector<heap_entry> set_aside_;
    std::map<std::string, std::deque<core::instant>> bad_post_replies_;  // per sender, the last minute
};

// What the monthly summary of `month` reads from the database (rules::month_input, its 督办 count
// left 0): only the complaints `keep` and the fines `keep_fine` accept, when given (a viewer's scope).
rules::month_input load_month(storage::database& db, const core::zone& tz, const rules::period& month,
                              core::instant now,
                              const std::function<bool(const rules::complaint&)>& keep = {},
                              const std::function<bool(const rules::fine&)>& keep_fine = {});

// The monthly summary of the month before `today`'s (against the one before it), from the database:
// what the first work day's post says and `report monthly` prints. `supervised`: the 督办 count now.
std::string monthly_report_text(storage::database& db, const core::zone& tz, core::local_date today,
                                const rules::context& ctx, std::size_t supervised);

}  // namespace app
