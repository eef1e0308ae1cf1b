// The complaint and what a step of the rules produces: the complaint's state (its stages, the
// departments' replies, the compensation flow, the freight record, the appeals), the deadlines,
// events and fines, and the context a step reads. The JSON form is what the database stores.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/message.hpp"
#include "core/time.hpp"
#include "rules/commands.hpp"
#include "rules/config.hpp"
#include "rules/forms.hpp"
#include "rules/model.hpp"

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
    int repeats_fired = 0;      // reminders after the last level of the chain (every repeat_every)

    bool is(stage_id s) const { return name == to_string(s); }
};

// A department that must answer in the respond stage.
struct department_reply {
    std::string department;
    std::optional<core::instant> replied_at;  // the first reply: it decides lateness
    std::string by;                           // who wrote the text that counts (the latest)
    std::string text;                         // the latest reply: amendments replace it
    bool fined = false;
    // Added by `调查 P1 …` after 工艺 with less than respond_minimum left: its own later deadline.
    std::optional<core::instant> due{};
    std::optional<core::instant> amended_at{};  // the latest amendment, if any
};

// A fined head's appeal of the fine itself (申诉 F1 <理由>) and the appeal department's review
// (复核 F1 维持|撤销 <结论>). Kept on the complaint the fine belongs to, so its deadlines are
// derived like the stages' ("F1:review:miss", "F1:review:esc:2", "F1:review:repeat:1").
struct fine_appeal {
    std::string fine;  // "F1"
    std::string by;    // the fined head
    std::string reason;
    core::instant at{};
    stage_state review;    // name "review": due, escalations, repeats, done_at/done_by
    std::string decision;  // "" pending, "维持", "撤销", "免罚" (HR waived the fine meanwhile)
    std::string conclusion;
};

// The 回访 after a closing (rules/followup.cpp). The times are fixed when the complaint closes, so
// a later config change or a restart never moves them; the deadlines follow from the flags.
struct followup_record {
    core::instant closed_at{};  // the closing it follows
    core::instant ask_at{};     // the bot asks for the visit ("followup:ask")
    core::instant remind_at{};  // the reminder halfway ("followup:remind:1")
    core::instant due{};        // to be recorded by then; escalated when not ("followup:esc:1")
    std::string by;             // "" = the complainant; else the department that visits
    bool asked = false;
    bool reminded = false;
    bool escalated = false;
    std::optional<satisfaction> result;  // set by 回访 P1 满意|基本满意|不满意
    std::string recorded_by;
    std::optional<core::instant> recorded_at;
    std::string remark;
};

// 整改 P1 <措施> [期限]: a responsible department's corrective action, checked at the 回访.
struct corrective_action {
    std::string department;
    std::string by;
    std::string measure;
    std::string until;  // the 期限 as typed ("12月5日前"); empty when none
    core::instant at{};
};

// The customer's clock (rules/customer.cpp), fixed at registration: the complainant confirms
// 已答复客户 P1 by `answer_due`; a complaint still open at `resolve_due` goes to the VP (督办),
// at `gm_due` to the general manager.
struct customer_clock {
    core::instant answer_due{};   // "customer:esc:1": the complainant's head is told
    core::instant remind_at{};    // "customer:remind:1" (== answer_due: no reminder)
    core::instant resolve_due{};  // "supervise:esc:1"
    core::instant gm_due{};       // "supervise:esc:2"
    bool reminded = false;
    bool escalated = false;
    int supervised = 0;                        // levels posted: 1 the VP, 2 the general manager
    std::optional<core::instant> answered_at;  // the first confirmation: it decides lateness
    std::string answered_by;
    std::string answer;  // what the customer was told (the latest)
};

// 延期 P1 <时间> <原因>: a responsible department asks for a later reply time; 同意延期 P1 by its
// head or its VP moves the department's respond deadline. Kept whether approved or not.
struct extension_request {
    std::string department;
    std::string by;
    core::instant until{};
    std::string reason;
    core::instant at{};
    std::string approved_by;  // empty while pending
    std::optional<core::instant> approved_at;
    std::optional<core::instant> previous_due;  // the deadline the approval replaced
    std::string refused_by;                     // 驳回延期: who said no (the deadline stays)
    std::optional<core::instant> refused_at;
    std::string refusal;
    bool pending() const { return approved_by.empty() && refused_by.empty(); }
};

// workflow.require_manager_approval (004 篇2 step 1): a salesperson's post waits for their head's
// 批准 P1 before any clock runs; the stages are armed at the approval (rules/approval.cpp).
struct manager_approval {
    std::string head;  // who is asked: the complainant department's head
    core::instant asked_at{};
    core::duration remind_every{std::chrono::minutes(5)};  // "approve:remind:<n>", up to `reminders`
    std::optional<core::instant> approved_at;
    std::string approved_by;
};

// 级别 P1 一级|二级|三级 <原因> (rules/severity.cpp). 一级 is a crisis: the clocks it shortened to, the
// status posts ("crisis:remind:<n>") and the closing report posted once.
struct severity_record {
    int level = 0;  // 1, 2, 3
    std::string reason;
    std::string by;
    core::instant at{};
    core::duration status_every{0};    // 一级: from crisis.status_every when set
    core::duration respond_within{0};  // 一级: a respond stage armed later is due within this
    int status_posted = 0;
    bool closing_posted = false;
};

// 案例 P1 [说明]: the complaint is marked as a case to share (总结与经验分享) in the quarterly handbook.
struct case_mark {
    std::string note;
    std::string by;
    core::instant at{};
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
    // What came with the post besides its text (photos of the goods…): kind and the platform's
    // download code, so the files can be fetched for the dispute; 查询 shows how many.
    std::vector<core::attachment> attachments;
    frozen_rules rules;  // frozen at registration (shared between complaints)
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
    std::optional<core::instant> sheet_at;  // when the sheet was posted (starts the 签字 clock)
    std::optional<core::instant> forwarded_at;
    step vp_opinion;
    step gm_approval;
    step executed;
    // 赔偿 P1 <金额>: the amount agreed with the customer, and the self-approval limit in force when
    // it was recorded (compensation.self_approve_below; 0 none). Below it 打单部 executes once the
    // heads signed and the general manager countersigns later (补签 P1).
    struct amount_record {
        std::string yuan;  // as typed, without 元 ("320", "85.5")
        std::int64_t cents = 0;
        int limit = 0;
        std::string by;
        core::instant at{};
    };
    std::optional<amount_record> amount;
    step countersigned;
    // 申诉 and its 复核 (the "review" stage is appended to `stages` when the appeal is filed).
    struct appeal_record {
        std::string by;
        std::string reason;
        std::optional<core::instant> at;
        std::string prior_status;             // status before the appeal reopened the complaint
        std::string conclusion;               // 复核 text
        std::vector<std::string> overturned;  // fine ids the review overturned
    };
    appeal_record appeal;
    // 退货运费: the expense record and its sign-offs, in order.
    struct freight_record {
        std::string amount;  // yuan, as typed ("120", "85.5")
        std::string department;
        step opened;
        step head_signed;  // the bearing department's head
        step desk_signed;  // 打单部 manager or assistant
        step paid;         // 财务部
        step written_off;  // 人力资源部 checked it was honoured
    };
    std::optional<freight_record> freight;
    // Reminders already posted per timed step ("sign", "vp", "gm", "execute", "freight:head", ...).
    std::map<std::string, int> reminded;
    std::optional<core::instant> paused_since;
    std::string pause_reason;
    core::duration paused_total{0};
    std::optional<core::instant> closed_at;
    std::vector<fine_appeal> fine_appeals;
    // 问题类别: one of config::categories (from the form's field or 分类 P1 <类别>); empty = none.
    std::string category;
    std::string category_by;  // who set it by 分类 (empty: from the form)
    std::optional<core::instant> category_at;
    std::vector<corrective_action> corrective_actions;  // one per department, the latest
    std::optional<followup_record> followup;            // from the first closing on
    std::optional<customer_clock> customer;             // from registration (when configured)
    std::vector<extension_request> extensions;          // 延期, in order
    std::optional<manager_approval> approval;           // when the post had to be approved first
    std::optional<severity_record> severity;            // 级别 P1, when set
    std::optional<case_mark> shared_case;               // 案例 P1
    bool crisis() const { return severity && severity->level == 1; }

    fine_appeal* find_fine_appeal(std::string_view fine_id);
    const fine_appeal* find_fine_appeal(std::string_view fine_id) const;

    stage_state* find_stage(std::string_view name);
    const stage_state* find_stage(std::string_view name) const;
    stage_state* find_stage(stage_id s) { return find_stage(to_string(s)); }
    const stage_state* find_stage(stage_id s) const { return find_stage(to_string(s)); }
    // The first stage not yet done, or nullptr when all are done.
    const stage_state* pending_stage() const;
    const std::string* field(std::string_view key) const;
    // 客户名称, or a service complaint's 投诉对象 (whom it is about); null when the post has none.
    const std::string* customer_field() const;
    bool is_open() const { return status_is(complaint_status::open); }
    // Waiting for the head's 批准 P1: no stage runs yet.
    bool awaiting_approval() const { return approval && !approval->approved_at && is_open(); }
    // Where the stages' clocks start: the approval when one was needed, else the post.
    core::instant clock_start() const {
        return approval && approval->approved_at ? *approval->approved_at : posted_at;
    }
    bool status_is(complaint_status s) const { return status == to_string(s); }
    void set_status(complaint_status s) { status = std::string(to_string(s)); }
};

// Whether a step may still change `c` at `now`: it is open, its return freight is not written off,
// or an appeal (of it or of a fine on it) may still come — the complaints the engine keeps in
// memory. Errs on the side of true (a complaint outside it is read from the database).
bool may_still_change(const complaint& c, core::instant now);

void to_json(nlohmann::json& j, const complaint& c);
// The complaint without its rules (storage keeps those once per rule set).
nlohmann::json state_json(const complaint& c);
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

    bool status_is(fine_status s) const { return status == to_string(s); }
    void set_status(fine_status s) { status = std::string(to_string(s)); }
};

// What one step produced. The caller commits all of it in one transaction.
struct outcome {
    std::vector<event> events;
    std::vector<fine> new_fines;
    std::vector<fine> updated_fines;  // status changes of existing fines (免罚 已缴 撤销 复核)
    std::vector<core::outbound_post> posts;
};

// Everything the state machine may read besides the complaint.
struct context {
    const config& cfg;
    const core::zone& tz;
    core::instant now;
    int* next_fine_seq;  // the next F-number; incremented for each fine issued
    // The business calendar, used by complaints registered in business mode; null = wall clock.
    const core::calendar* business = nullptr;
    // The fines issued so far (复核 checks the fine ids it overturns); null = none.
    const std::vector<fine>* fines = nullptr;
};

}  // namespace rules
