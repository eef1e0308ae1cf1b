// The complaint state machines (SPEC "The workflow"): product complaints P (accept → publish →
// respond) and service complaints S (accept → route → respond → notify). Pure: every function
// takes the complaint state and "now" and returns what changed — events for the log, fines, posts —
// and the caller persists it in one transaction. Deadlines are derived from the state
// (pending_deadlines), so the scheduler's table is always a projection of the complaint.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/message.hpp"
#include "core/time.hpp"
#include "rules/commands.hpp"
#include "rules/config.hpp"
#include "rules/forms.hpp"

namespace rules {

// One stage of a complaint's clock.
struct stage_state {
    std::string name;                  // accept, publish, route, respond, notify
    std::optional<core::instant> due;  // unset until the stage is armed (respond, notify)
    std::optional<core::instant> armed_at;
    std::optional<core::instant> done_at;
    std::string done_by;        // person id
    bool missed = false;        // the deadline passed and its miss action ran
    int escalations_fired = 0;  // levels of the chain already posted
    bool warned = false;        // respond: the warning before the deadline was posted
};

// A department that must answer in the respond stage.
struct department_reply {
    std::string department;
    std::optional<core::instant> replied_at;
    std::string by;
    std::string text;
    bool fined = false;
};

struct complaint {
    std::string id;  // "P1"
    complaint_kind kind = complaint_kind::product;
    int seq = 0;
    std::string status = "open";  // open, closed, invalid
    std::string chat;
    std::string poster;       // person id who posted
    std::string complainant;  // person id named in 投诉人 (the poster when no match)
    std::string complainant_department;
    core::instant posted_at{};
    std::vector<std::pair<std::string, std::string>> fields;
    workflow_rules rules;  // frozen at registration
    std::vector<stage_state> stages;
    std::vector<department_reply> departments;
    std::string process_flow;  // 工艺 text
    bool compensation = false;
    std::optional<core::local_date> sheet_date;  // day it went on the 质量投诉处理流程表
    std::vector<std::string> sheet_signed;       // departments whose head signed
    // The compensation flow after the sheet: forwarded to the VP, the VP's opinion, the general
    // manager's approval, executed by 打单部 (which closes the complaint).
    struct step {
        std::string text;
        std::string by;
        std::optional<core::instant> at;
    };
    std::optional<core::instant> forwarded_at;
    step vp_opinion;
    step gm_approval;
    step executed;
    std::optional<core::instant> paused_since;
    std::string pause_reason;
    core::duration paused_total{0};
    std::optional<core::instant> closed_at;

    stage_state* find_stage(std::string_view name);
    const stage_state* find_stage(std::string_view name) const;
    // The first stage not yet done, or nullptr when all are done.
    const stage_state* pending_stage() const;
    const std::string* field(std::string_view key) const;
    bool is_open() const { return status == "open"; }
};

void to_json(nlohmann::json& j, const complaint& c);
void from_json(const nlohmann::json& j, complaint& c);
void to_json(nlohmann::json& j, const workflow_rules& r);
void from_json(const nlohmann::json& j, workflow_rules& r);

// A deadline the scheduler must fire. `key` is unique per complaint: "accept:miss",
// "accept:esc:2", "respond:warn", ...
struct deadline {
    std::string complaint;
    std::string key;
    core::instant due{};
    friend bool operator==(const deadline&, const deadline&) = default;
};

// An entry of the append-only event log.
struct event {
    std::string complaint;
    core::instant at{};
    std::string actor;  // person id, or "bot"
    std::string type;   // registered, accepted, published, routed, replied, notified, missed, escalated,
                        // warned, fined, paused, resumed, closed, refused, ...
    std::string stage;
    std::string detail;
    std::optional<core::instant> deadline;
    core::duration late{0};  // how late the action was (0 when on time)
};

struct fine {
    std::string id;  // "F1"
    std::string complaint;
    std::string stage;
    std::string department;
    std::string person;
    std::string person_name;
    int amount = 0;
    core::instant deadline{};
    core::instant issued_at{};
    std::string status = "open";  // open, paid, waived
    std::string status_reason;
    std::string status_by;
    std::optional<core::instant> status_at;
};

// What one step produced. The caller commits all of it in one transaction.
struct outcome {
    std::vector<event> events;
    std::vector<fine> new_fines;
    std::vector<core::outbound_post> posts;
    bool complaint_changed = false;
};

// Everything the state machine may read besides the complaint.
struct context {
    const config& cfg;
    const core::zone& tz;
    core::instant now;
    int* next_fine_seq;  // the next F-number; incremented for each fine issued
};

// All deadlines still to fire for `c`, derived from its state. Empty when closed or paused.
std::vector<deadline> pending_deadlines(const complaint& c);

// Registers a well-formed complaint as `id`; the rules in force are frozen onto it.
complaint register_complaint(const complaint_form& form, const core::inbound_message& msg, int seq,
                             const context& ctx, outcome& out);

// Applies a complaint command (受理 工艺 分流 回复/方案 已通知 暂停 恢复) from `actor`.
// Refusals change nothing and add one reply post (and one "refused" event is NOT added: the
// complaint is unchanged). Returns true when the complaint changed.
bool apply_command(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out);

// Fires the deadline `key` of `c` (its original due time is `due`).
void fire_deadline(complaint& c, const std::string& key, core::instant due, const context& ctx, outcome& out);

// Who must act on the pending stage: department names still owing (respond) or the acting
// department; empty when closed.
std::vector<std::string> pending_departments(const complaint& c, const config& cfg);
// One line for 待办: "P1 待回复（采购部）剩余 25分钟".
std::string pending_summary(const complaint& c, const context& ctx);
// The 查询 reply: fields, timeline, what is pending.
std::string describe(const complaint& c, const std::vector<event>& timeline, const context& ctx);
// The next morning's forward of the sheet to the complainant's VP (marks the complaint forwarded).
core::outbound_post forward_to_vp(complaint& c, const context& ctx, outcome& out);

// Stage names in Chinese: 受理, 公布工艺, 分流, 回复, 通知投诉人.
std::string stage_label(std::string_view stage);

}  // namespace rules
