// The typed vocabulary of the rules: complaint and fine statuses, stages, the timed steps of the
// compensation flow and the freight record, and the deadline keys built from them. The string forms
// are what the database and the audit chain hold (a complaint's JSON, the deadlines table, the
// events' stage field): to_string / parse keep them byte for byte.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rules {

enum class complaint_status { open, closed, invalid };
std::string_view to_string(complaint_status s);  // "open", "closed", "invalid"
std::optional<complaint_status> parse_complaint_status(std::string_view s);

enum class fine_status { open, paid, waived };
std::string_view to_string(fine_status s);  // "open", "paid", "waived"
std::optional<fine_status> parse_fine_status(std::string_view s);

// A stage of a complaint's clock, and a fine appeal's review (which runs like one).
enum class stage_id { accept, publish, route, respond, notify, review };
std::string_view to_string(stage_id s);  // "accept", …, "review"
std::optional<stage_id> parse_stage(std::string_view s);

// The freight record's sign-offs, in order.
enum class freight_step { head, desk, pay, write_off };
std::string_view to_string(freight_step s);  // "head", "desk", "pay", "write_off"
std::optional<freight_step> parse_freight_step(std::string_view s);

// A timed step outside the stages, reminded every period: the compensation flow after the sheet
// and the freight record's sign-offs. Its string is the key of complaint::reminded.
enum class timed_step {
    sign,
    vp,
    gm,
    execute,
    freight_head,
    freight_desk,
    freight_pay,
    freight_write_off,
    countersign,  // 补签: the general manager after a self-approved execution (赔偿 below the limit)
    approve,      // 批准: the head, before the clocks start (workflow.require_manager_approval)
    crisis,       // 一级投诉's status posts until it closes, then its closing report
};
std::string_view to_string(
    timed_step s);  // "sign", "vp", "gm", "execute", "freight:head", …, "countersign", "approve", "crisis"
std::optional<timed_step> parse_timed_step(std::string_view s);
timed_step timed_step_of(freight_step s);
std::optional<freight_step> freight_step_of(timed_step s);  // nullopt for the compensation steps

// The result of a 回访 (the customer's satisfaction after the complaint closed).
enum class satisfaction { satisfied, basically_satisfied, unsatisfied };
std::string_view to_string(satisfaction s);  // "satisfied", "basically_satisfied", "unsatisfied"
std::optional<satisfaction> parse_satisfaction(std::string_view s);
std::string_view satisfaction_label(satisfaction s);  // "满意", "基本满意", "不满意"

enum class deadline_action {
    ask,       // "followup:ask": the 回访 is requested
    miss,      // "<stage>:miss", and a department's own respond deadline "respond:miss:<部门>"
    escalate,  // "<stage>:esc:<level>"
    warn,      // "respond:warn"
    repeat,    // "<stage>:repeat:<n>" after the chain
    remind,    // "<step>:remind:<n>"
};

// The key of a deadline, unique per complaint. Four subjects:
//   a stage:            accept:miss  accept:esc:2  accept:repeat:3  respond:warn  respond:miss:采购部
//   a fine's review:    F1:review:miss  F1:review:esc:2  F1:review:repeat:1
//   a timed step:       sign:remind:1  vp:remind:2  freight:head:remind:1
//   the 回访:           followup:ask  followup:remind:1  followup:esc:1
//   the customer's clock: customer:remind:1  customer:esc:1 (已答复客户), supervise:esc:1 (the VP)
//                       supervise:esc:2 (the general manager) while the complaint stays open
struct deadline_key {
    enum class subject_kind { stage, fine_review, step, followup, customer, supervise };
    subject_kind subject = subject_kind::stage;
    stage_id stage = stage_id::accept;   // subject stage (fine_review: always review)
    std::string fine;                    // subject fine_review: "F1"
    timed_step step = timed_step::sign;  // subject step
    deadline_action action = deadline_action::miss;
    int level = 0;           // escalate: the level; repeat, remind: the count (from 1)
    std::string department;  // respond's miss of one department's own later deadline

    static deadline_key stage_key(stage_id s, deadline_action a, int level = 0);
    static deadline_key department_miss(std::string department);
    static deadline_key review_key(std::string fine_id, deadline_action a, int level = 0);
    static deadline_key reminder(timed_step s, int n);
    // ask, remind (level 1) or escalate (level 1).
    static deadline_key followup_key(deadline_action a);
    // remind (level 1) or escalate (level 1).
    static deadline_key customer_key(deadline_action a);
    // escalate, level 1 (the VP) or 2 (the general manager).
    static deadline_key supervise_key(int level);

    std::string to_string() const;
    // nullopt for anything to_string cannot produce (an unknown stage, a level that is not a
    // positive number, a warn on a stage other than respond…).
    static std::optional<deadline_key> parse(std::string_view key);
    friend bool operator==(const deadline_key&, const deadline_key&) = default;
};

}  // namespace rules
