// Internal to rules/: the helpers the state machines share (workflow.cpp, deadlines.cpp,
// corrections.cpp, fines.cpp) — wording, mentions, role checks, stage bookkeeping. Not part of
// the rules API; include only from rules/*.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rules/workflow.hpp"

namespace rules::detail {

// The form field `key` trimmed, empty when the post has none (the reports' groupings).
std::string field_text(const complaint& c, const char* key);
// complaint::customer() the same way.
std::string customer_text(const complaint& c);

// "09:05", or "11-24 09:05" when not today.
std::string hm(const context& ctx, core::instant t);
std::string at_name(const config& cfg, const std::string& person_id);
void add_mention(core::outbound_post& post, const std::string& person);
// Appends " @A @B" for every mention to the text, so the post reads right on any platform.
core::outbound_post finish(core::outbound_post post, const config& cfg);
// The head first, then the other members.
std::vector<std::string> members_of(const config& cfg, std::string_view dept);
std::string join(const std::vector<std::string>& v, std::string_view sep = "、");
std::string lateness(core::duration late);
const stage_rule& rule_for(const workflow_rules& r, stage_id stage);
const stage_rule& rule_for(const workflow_rules& r, std::string_view stage);  // unknown: notify's
const core::calendar& cal(const complaint& c, const context& ctx);
// The department that must act on a stage (respond has several: see pending_departments).
std::string acting_department(const complaint& c, const config& cfg, stage_id stage);
std::string acting_department(const complaint& c, const config& cfg, std::string_view stage);
// The command that completes a stage, as a hint ("受理 P1", "工艺 P1 <工艺流程> 调查: …").
std::string command_hint(const complaint& c, const config& cfg, stage_id stage);
std::string command_hint(const complaint& c, const config& cfg, std::string_view stage);
core::outbound_post reply_to(const std::string& chat, const std::string& actor, std::string text);
void refuse(outcome& out, const context& ctx, const std::string& chat, const std::string& actor,
            std::string text);
event make_event(const complaint& c, const context& ctx, std::string actor, std::string type,
                 std::string stage, std::string detail);
// Resolves an escalation target ("head", "vp", "person:<id>", ...) to person ids at `now` (respond's
// "head": the heads of the departments silent past their deadline).
std::vector<std::string> escalation_targets(const complaint& c, const config& cfg, std::string_view stage,
                                            const std::string& notify, core::instant now);
// The same target in words for the timeline: "打单部负责人李四", "总经理王总、丁小玲".
std::string target_words(const complaint& c, const config& cfg, std::string_view stage,
                         const std::string& notify, core::instant now);
// Departments still owing a reply; `due_by`: only those whose own deadline is at or before it.
std::vector<std::string> silent_departments(const complaint& c);
std::vector<std::string> silent_departments(const complaint& c, core::instant due_by);
// Responsible departments whose head has not signed the 质量投诉处理流程表 yet.
std::vector<std::string> unsigned_departments(const complaint& c);
// roles.general_manager holds `person` (the general manager or the assistant); some VP of
// roles.vice_presidents is `person`.
bool is_general_manager(const config& cfg, const std::string& person);
bool is_vice_president(const config& cfg, const std::string& person);
// The complainant department's VP, who gives the 副总意见; nullptr when none is configured (the
// general manager and assistant stand in).
const std::string* vp_of(const complaint& c, const config& cfg);
void close_if_done(complaint& c, const context& ctx, outcome& out, const std::string& actor);
// Every closing goes through here (close_if_done, 执行, a review back to closed): sets the status and
// closed_at and starts the 回访 clock (followup.cpp) unless one was recorded already.
void mark_closed(complaint& c, const context& ctx);
// The 回访's deadlines (followup:ask, followup:remind:1, followup:esc:1) and their firing.
void followup_deadlines(const complaint& c, std::vector<deadline>& out);
void fire_followup(complaint& c, const deadline_key& key, const context& ctx, outcome& out);
// The customer's clock (customer.cpp): fixed at registration when customer.enabled; its deadlines
// (customer:remind:1, customer:esc:1, supervise:esc:1|2), their firing, and its JSON (beside the
// rest of the complaint's, absent when there is none).
void start_customer_clock(complaint& c, const context& ctx);
void customer_deadlines(const complaint& c, std::vector<deadline>& out);
void fire_customer(complaint& c, const deadline_key& key, const context& ctx, outcome& out);
void customer_to(nlohmann::json& j, const complaint& c);
void customer_from(const nlohmann::json& j, complaint& c);
// Manager approval before the clock (approval.cpp): whether a post needs it, asking at registration
// (the stages unarmed), the receipt's sentence, the reminders and their text, its JSON.
bool needs_approval(const complaint& c, const config& cfg, const std::string& poster);
void ask_approval(complaint& c, const context& ctx);
std::string approval_receipt(const complaint& c, const context& ctx);
void approval_deadlines(const complaint& c, std::vector<deadline>& out);
std::string approval_reminder(complaint& c, const config& cfg, core::outbound_post& post);  // "" none due
void approval_to(nlohmann::json& j, const complaint& c);
void approval_from(const nlohmann::json& j, complaint& c);
// Severity and crisis (severity.cpp): the crisis keyword a post names ("" none), the general manager
// added to a crisis complaint's miss and escalation posts, a crisis respond stage's cap, the status
// posts' deadlines and firing, the JSON.
std::string crisis_keyword(const complaint& c, const config& cfg);
void crisis_mentions(const complaint& c, const config& cfg, core::outbound_post& post);
std::optional<core::instant> crisis_respond_due(const complaint& c, core::instant now);
void severity_deadlines(const complaint& c, std::vector<deadline>& out);
void fire_crisis(complaint& c, const deadline_key& key, const context& ctx, outcome& out);
void severity_to(nlohmann::json& j, const complaint& c);
void severity_from(const nlohmann::json& j, complaint& c);
// 案例's mark in the complaint's JSON (cases.cpp).
void case_to(nlohmann::json& j, const complaint& c);
void case_from(const nlohmann::json& j, complaint& c);
// 赔偿's amount and 补签 in the complaint's JSON (absent when there are none).
void amount_to(nlohmann::json& j, const complaint& c);
void amount_from(const nlohmann::json& j, complaint& c);
// Validates department words against the organization; returns canonical names or sets `bad`.
std::vector<std::string> resolve_departments(const std::vector<std::string>& words, const config& cfg,
                                             std::vector<std::string>& bad);
std::string department_names(const config& cfg);
std::string who_may(const complaint& c, const config& cfg, std::string_view stage);
// Checks that the complaint is open and `stage` is the pending one; otherwise refuses.
bool check_stage(const complaint& c, std::string_view stage, const context& ctx, outcome& out,
                 const std::string& chat, const std::string& actor);
bool check_member(const complaint& c, std::string_view dept, const context& ctx, outcome& out,
                  const std::string& chat, const std::string& actor, std::string_view what);
void complete_stage(complaint& c, stage_state& st, const std::string& actor, const context& ctx, outcome& out,
                    std::string type, std::string detail);
core::duration late_by(const stage_state& st, core::instant now);
core::duration late_by(const std::optional<core::instant>& due, core::instant now);

// Every department has answered: closes the respond stage, arms notify (service) or closes the
// complaint, and appends what happens next to `text` (HR @-mentioned on `post` for notify).
void respond_complete(complaint& c, const std::string& actor, const context& ctx, outcome& out,
                      std::string& text, core::outbound_post& post);
// A reminder of a timed step outside the stages (compensation flow, freight): "<step>:remind:<n>".
void fire_reminder(complaint& c, const deadline_key& key, core::instant due, const context& ctx,
                   outcome& out);
// How often a stage is reminded after its chain (0 = never).
core::duration repeat_period(const workflow_rules& r, const stage_rule& rule);

// A stage's chain (deadlines.cpp), shared by the complaint's stages and the fine appeals' reviews:
// "<prefix>:miss", "<prefix>:esc:<level>" for the levels after the deadline, then, once the chain
// is through, "<prefix>:repeat:<n>" every `every` after its last level (one key at a time).
// `subject` names the stage or the fine's review (its action and level are set for each key).
void chain_deadlines(const std::string& complaint_id, deadline_key subject, const stage_state& s,
                     const stage_rule& rule, core::duration every, const core::calendar& k,
                     std::vector<deadline>& out);
// The levels due at the deadline itself, @-mentioned on the miss post and recorded. Returns the
// highest of them (0: none).
int post_levels_at_miss(complaint& c, stage_state& st, const stage_rule& rule, std::string_view stage,
                        core::instant due, const context& ctx, outcome& out, core::outbound_post& post);
// The copy of escalation post `post` (level `level` of its chain, 1-based) for the group chat, when
// the company is in a group whose centre hears of that level (config::group): "【华东】" before the
// text, the centre's members @-mentioned after it.
void copy_to_group(const core::outbound_post& post, int level, const config& cfg, outcome& out);
// How a chain's escalation and repeat posts name things.
struct chain_words {
    std::string stage;        // for escalation targets: "accept", "review", ...
    std::string event_stage;  // the events' stage field
    std::string subject;      // "P1 受理", "F1 罚款申诉复核"
    std::string who;          // who still owes it ("打单部"); empty = nobody is overdue (nothing posted)
    std::string hint;         // the command that settles it
};
// Fires "esc:<level>" or "repeat:<n>" of a chain (any other action: nothing).
void fire_chain_step(complaint& c, stage_state& st, const stage_rule& rule, const chain_words& w,
                     const deadline_key& key, const context& ctx, outcome& out);
// The respond stage's per-department deadlines: "respond:miss:<department>".
void fire_department_miss(complaint& c, const std::string& department, core::instant due, const context& ctx,
                          outcome& out);
// The deadlines and firing of the fine appeals' reviews ("F1:review:…").
void fine_appeal_deadlines(const complaint& c, const core::calendar& k, std::vector<deadline>& out);
void fire_fine_review(complaint& c, const deadline_key& key, core::instant due, const context& ctx,
                      outcome& out);

// 投诉人 P1 <姓名> and 调查 P1 <部门> … (corrections.cpp).
bool do_complainant(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                    const context& ctx, outcome& out);
bool do_investigate(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                    const context& ctx, outcome& out);
// A department that already replied sends 回复/方案 again before the stage is done for everyone.
bool do_amend(complaint& c, department_reply& mine, const command& cmd, const std::string& actor,
              const std::string& chat, const context& ctx, outcome& out);

// "张三（销售一部）".
std::string name_with_department(const config& cfg, const std::string& person_id);
// What the 投诉人 text matched, for the registration receipt: empty when it named the person
// taken; otherwise the sentence that says who is taken instead and how HR corrects it.
std::string complainant_warning(const complaint& c, const person_match& m, const std::string& written,
                                const config& cfg);

}  // namespace rules::detail
