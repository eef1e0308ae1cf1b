// Internal to rules/: the command handlers of the stages and flows, called by apply_command
// (workflow.cpp) and fire_reminder. Each refusal changes nothing and adds one reply; each returns
// true when the complaint changed.
#pragma once

#include <string>
#include <vector>

#include "rules/workflow.hpp"

namespace rules::detail {

// stages.cpp
bool do_accept(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
               outcome& out);
bool do_assign(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out);  // 工艺 (publish) and 分流 (route)
bool do_respond(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out);
bool do_notify(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
               outcome& out);
bool do_pause(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
              const context& ctx, outcome& out);  // 暂停 and 恢复
bool do_invalid(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out);

// compensation.cpp
bool do_sign(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
             outcome& out);
bool do_compensation_step(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                          const context& ctx, outcome& out);  // 副总意见 总经理审批 执行

// appeal.cpp
bool do_appeal(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out);
// Reopens `c` for the appeal department's review (the "review" stage), as 申诉 does: `actor` is
// who asked, `reason` what they said; posts the request to the appeal department on `post`'s text.
void open_review(complaint& c, const std::string& actor, const std::string& reason, const std::string& chat,
                 const context& ctx, outcome& out);
// Every "F<digits>" in a text (full-width folded), not glued to a preceding ASCII letter.
std::vector<std::string> fine_ids_in(const std::string& text);
bool do_review(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out, const std::vector<fine>& fines);

// freight.cpp
std::string freight_id(const complaint& c);  // "运费P1"
bool do_freight(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out);
// "生产部负责人签字", "打单部经理签字", "财务部付款", "人力资源部核销".
std::string freight_step_label(freight_step step, const config& cfg, const complaint& c);
std::string freight_step_hint(freight_step step, const complaint& c);  // "签字 运费P1", "付款 运费P1"
// Who must act on a freight step (person ids): the same people its reminders name.
std::vector<std::string> freight_actors(freight_step step, const config& cfg, const complaint& c);
bool do_freight_step(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                     const context& ctx, outcome& out);  // 签字/付款/核销 运费P1

// followup.cpp: 回访, 整改 and 分类.
bool do_followup(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                 const context& ctx, outcome& out);
bool do_corrective(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out);
bool do_categorize(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out);
// cases.cpp: 案例.
bool do_share_case(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out);
// severity.cpp: 级别.
bool do_severity(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                 const context& ctx, outcome& out);
// approval.cpp: 批准 (the head lets the clocks start).
bool do_approve(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
                outcome& out);
// amount.cpp: 赔偿 and 补签.
bool do_amount(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out);
bool do_countersign(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                    const context& ctx, outcome& out);
// customer.cpp: 已答复客户, 延期 and 同意延期.
bool do_answered(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                 const context& ctx, outcome& out);
bool do_extend(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out);
bool do_approve_extension(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                          const context& ctx, outcome& out);
// The form's 问题类别 at registration: sets c.category when it names a configured one; otherwise
// returns the receipt's sentence (what was written, the list, how to correct it).
std::string form_category(complaint& c, const config& cfg);

}  // namespace rules::detail
