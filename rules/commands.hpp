// Chat commands (SPEC "The workflow" and "Everybody's commands"): words folded from Traditional
// and full-width, ids in every accepted spelling, the @-mention already stripped by the caller.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace rules {

enum class command_kind {
    accept,       // 受理 P1
    publish,      // 工艺 P1 <text> [调查: 生产部 采购部]
    route,        // 分流 S1 <dept> [<dept> ...]
    respond,      // 回复 P1 <text> / 方案 S1 <text>
    notify,       // 已通知 S1
    pause,        // 暂停 P1 <reason>
    resume,       // 恢复 P1
    query,        // 查询 P1
    todo,         // 待办 [department]
    penalties,    // 罚款汇总 [今天|本周|本月|2026-11|2026-11-01 2026-11-30]
    waive,        // 免罚 F3 <reason>
    paid,         // 已缴 F3
    help,         // 帮助
    sign,         // 签字 P1 / 签字 运费P1
    vp_opinion,   // 副总意见 P1 <text>
    gm_approval,  // 总经理审批 P1 <text>
    execute,      // 执行 P1
    appeal,       // 申诉 P1 <reason>
    review,       // 复核 P1 <conclusion>
    freight,      // 运费 P1 <amount> <department>
    pay,          // 付款 运费P1
    write_off,    // 核销 运费P1
    invalid,      // 无效 P1 <reason>
    complainant,  // 投诉人 P1 <姓名>: HR corrects who the complainant is
    investigate,  // 调查 P1 <部门> [<部门> …]: the investigating departments changed after 工艺
    undo,         // 撤销 F1 <原因>: HR undoes 已缴 or 免罚
    followup,     // 回访 P1 满意|基本满意|不满意 [备注]
    corrective,   // 整改 P1 <措施> [期限]
    categorize,   // 分类 P1 <类别>
    answered,     // 已答复客户 P1 <答复内容>: the complainant told the customer
    extend,       // 延期 P1 <时间> <原因>: a responsible department asks for a later reply time
    approve_extension,  // 同意延期 P1 [部门]: its head or VP approves; the deadline moves
    refuse_extension,   // 驳回延期 P1 [部门] <原因>: they say no; the deadline stays
    supervise,          // 督办: the complaints open past customer.resolve_within
    amount,             // 赔偿 P1 <金额>: the compensation agreed with the customer
    countersign,        // 补签 P1 [意见]: the general manager after a self-approved execution
    approve,            // 批准 P1: the complainant's head lets the post's clocks start
    severity,           // 级别 P1 一级|二级|三级 <原因>: HR, the general manager or a VP
    share_case,         // 案例 P1 [说明]: a case to share in the quarterly handbook
};

// The command word as SPEC writes it ("受理", "方案" for respond when typed so, ...).
std::string_view command_word(command_kind k);

struct command {
    command_kind kind;
    std::string word;    // the word as matched, after folding ("回复" or "方案")
    std::string target;  // normalized id: "P1", "S12", "F3", "运费P1"; empty when none
    std::string text;    // the rest, trimmed (verdict, plan, reason, process-flow text ...)
    // 工艺: the departments after "调查:"/"调查："; 分流 and 调查: every word after the id;
    // 待办: the optional department; 运费: the department.
    std::vector<std::string> departments;
    // 罚款汇总: the period words; 运费: the amount; 复核 F1: 维持 or 撤销; 回访: the result
    // ("satisfied", "basically_satisfied", "unsatisfied"); 整改: the 期限 as typed (or none);
    // 延期: the time as typed ("明天 17:00").
    std::vector<std::string> args;
};

// A command word was recognized but its arguments are wrong; `reply` is the Chinese text to post
// (it names what is wrong and shows the command's usage).
struct command_error {
    command_kind kind;
    std::string reply;
};

using command_parse_result = std::variant<std::monostate, command, command_error>;

// std::monostate: the text is not a command at all (the caller then tries the complaint forms).
command_parse_result parse_command(std::string_view text);

// Normalizes a complaint id in any accepted spelling ("P1", "p1", "#P1", "P-1", "Ｐ１", "P 1" is
// not accepted) to "P1"; fine ids likewise to "F3". nullopt when it is not an id.
std::optional<std::string> normalize_id(std::string_view text);

// A positive amount of yuan as typed ("120", "85.5", "320元", full-width folded): the digits
// without 元, or nullopt.
std::optional<std::string> parse_yuan(std::string_view word);

// Usage lines for 帮助 and for error replies.
std::string usage(command_kind k);
// The same for one complaint: its id instead of the sample's ("回访 P3 满意|基本满意|不满意 [备注]"),
// the hint the bot's posts give.
std::string usage(command_kind k, std::string_view id);
std::string help_text();

}  // namespace rules
