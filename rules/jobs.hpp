// The rules of the scheduled jobs and of 待办: which complaints go on the 17:30 质量投诉处理流程表,
// which sheets the 09:00 forward sends to the VP, and whose name a 待办 filter means. The engine
// loads the complaints, calls these, saves what they changed and posts what they return.
#pragma once

#include <string>
#include <vector>

#include "rules/workflow.hpp"

namespace rules {

// 17:30: every complaint of `open` ready for the sheet goes on today's (sheet_date, sheet_at, one
// "sheet" event each). Appends the sheet's post to out.posts — HR's head and the responsible
// departments' heads @-mentioned — unless none was ready. Returns the complaints it marked.
std::vector<complaint*> sheet_job(std::vector<complaint>& open, core::local_date today, const context& ctx,
                                  outcome& out);

// True when the 09:00 forward sends `c`'s sheet to the VP today: on an earlier day's sheet, not
// forwarded yet.
bool due_for_forward(const complaint& c, core::local_date today);

// 09:00: forwards every sheet due (forward_to_vp). Returns the complaints it forwarded.
std::vector<complaint*> forward_job(std::vector<complaint>& open, core::local_date today, const context& ctx,
                                    outcome& out);

// The (kind, stage) pairs whose stage `department` acts on under `cfg` (respond aside, which has
// its own departments): what 待办 <部门> selects by the storage's indexed columns.
std::vector<std::pair<std::string, std::string>> acting_stages(const config& cfg,
                                                               const std::string& department);

// 待办 [部门]: the department a 待办 filter names (canonical, any script), "" for all; nullopt and
// `refusal` set (the reply) when the word names no department.
std::optional<std::string> todo_department(const command& cmd, const config& cfg, std::string& refusal);

// Which record a command is about: a fine (免罚 已缴 撤销 F1, and 申诉/复核 naming a fine "F…")
// or a complaint, whose id complaint_id_of gives ("运费P1" → "P1").
bool is_fine_command(const command& cmd);
std::string complaint_id_of(const command& cmd);

// A scheduled post for HR (the daily penalty summary, the weekly report): `text` with HR's head
// @-mentioned when there is one.
core::outbound_post hr_post(const std::string& chat, std::string text, const config& cfg);

}  // namespace rules
