// The complaint state machines (SPEC "The workflow"): product complaints P (accept → publish →
// respond) and service complaints S (accept → route → respond → notify). Pure: every function
// takes the complaint state and "now" and returns what changed — events for the log, fines, posts —
// and the caller persists it in one transaction. Deadlines are derived from the state
// (pending_deadlines), so the scheduler's table is always a projection of the complaint.
#pragma once

#include "rules/complaint.hpp"

namespace rules {

// The calendar a complaint's clocks run on (frozen: its rules say whether business time applies).
const core::calendar& calendar_of(const complaint& c, const core::calendar* business);

// All deadlines still to fire for `c`, derived from its state. Empty when closed or paused (an
// open freight record keeps its reminders even on a closed complaint, and so does a 回访 not yet
// recorded).
std::vector<deadline> pending_deadlines(const complaint& c, const core::calendar* business = nullptr);

// Registers a well-formed complaint as `id`; the rules in force are frozen onto it.
complaint register_complaint(const complaint_form& form, const core::inbound_message& msg, int seq,
                             const context& ctx, outcome& out);

// Applies a complaint command (受理 工艺 分流 回复/方案 已通知 暂停 恢复 无效 签字 副总意见
// 总经理审批 执行 申诉 复核 运费 付款 核销 回访 整改 分类) from `actor`.
// Refusals change nothing and add one reply post (and one "refused" event is NOT added: the
// complaint is unchanged). Returns true when the complaint changed.
bool apply_command(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out);

// Fires the deadline `key` of `c` (its original due time is `due`).
void fire_deadline(complaint& c, const std::string& key, core::instant due, const context& ctx, outcome& out);

// Whether `person` may mark fines paid, waive them or undo either (已缴 / 免罚 / 撤销): the members of
// roles.hr. The chat commands and the dashboard's buttons ask the same.
bool may_settle_fines(const config& cfg, std::string_view person);

// A fine command (免罚 已缴 撤销 F1, 申诉 F1, 复核 F1 维持|撤销) from `actor` on fine `f` (cmd.target;
// null when there is no such fine), which belongs to complaint `c` (null when missing). A changed
// fine is appended to out.updated_fines; refusals change nothing and add one reply. Returns true
// when `c` changed.
bool apply_fine_command(complaint* c, const fine* f, const command& cmd, const std::string& actor,
                        const std::string& chat, const context& ctx, outcome& out);

// The deadline a department must answer by: its own (added late by 调查) or the stage's.
std::optional<core::instant> reply_due(const complaint& c, const department_reply& d);

// Who must act on the pending stage: department names still owing (respond) or the acting
// department; empty when closed.
std::vector<std::string> pending_departments(const complaint& c, const config& cfg);
// One line for 待办: "P1 待回复（采购部）剩余 25分钟".
std::string pending_summary(const complaint& c, const context& ctx);
// The same without the id: "待回复（采购部） 剩余25分钟" (the 督办 and crisis posts name the id first).
std::string pending_words(const complaint& c, const context& ctx);
// 赔偿 P1 <金额> below the limit in force when it was recorded: 打单部 executes once the heads
// signed, without the VP and the general manager (rules/amount.cpp).
bool self_approvable(const complaint& c);
// Executed without the general manager's approval and not countersigned (补签 P1) yet.
bool countersign_pending(const complaint& c);
// "一级（危机事件）：十余户集体投诉（王五 11-23 10:00）"; empty when no 级别 was set.
std::string severity_words(const complaint& c, const context& ctx);
// 首问负责人 (000 首问责任制): the person who accepted the complaint owns it in 查询, 待办 and the
// reports; empty until it is accepted.
std::string owner_of(const complaint& c);
// The 查询 reply: fields (the form's, then the extra ones), timeline, what is pending. Longer than
// max_query_reply_chars, it is a summary under that size (values cut, the timeline's first and last
// entries around "…省略 N 条…") that says where the full record is.
inline constexpr std::size_t max_query_reply_chars = 1500;
std::string describe(const complaint& c, const std::vector<event>& timeline, const context& ctx);
// The next morning's forward of the sheet to the complainant's VP (marks the complaint forwarded).
core::outbound_post forward_to_vp(complaint& c, const context& ctx, outcome& out);

// The freight step still waiting, or nullopt when there is no record or it is written off.
std::optional<freight_step> freight_pending_step(const complaint& c);
// The same as its string ("head", "desk", "pay", "write_off"), or empty.
std::string freight_pending(const complaint& c);
// One line for HR's report: "运费P1 120 元（生产部）待付款（财务部）".
std::string freight_summary(const complaint& c, const config& cfg);

// Stage names in Chinese: 受理, 公布工艺, 分流, 回复, 通知投诉人.
std::string stage_label(std::string_view stage);  // a name that is no stage: as written
std::string stage_label(stage_id stage);

}  // namespace rules
