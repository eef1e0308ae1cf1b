// The complaint commands' dispatcher: each command goes to the rules of its stage or flow
// (stages.cpp, compensation.cpp, appeal.cpp, freight.cpp, corrections.cpp, followup.cpp).
#include "rules/workflow.hpp"

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

bool apply_command(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out) {
    // Before the head's 批准 nothing runs; HR may still rule it invalid or correct the complainant.
    if (c.awaiting_approval() && cmd.kind != command_kind::approve && cmd.kind != command_kind::invalid &&
        cmd.kind != command_kind::complainant && cmd.kind != command_kind::categorize &&
        cmd.kind != command_kind::severity) {
        refuse(out, ctx, chat, actor,
               c.id + " 尚待" + c.complainant_department + "负责人" +
                   ctx.cfg.org.display_name(c.approval->head) + "批准（批准 " + c.id +
                   "），批准后才开始处理。");
        return false;
    }
    switch (cmd.kind) {
        case command_kind::approve:
            return do_approve(c, actor, chat, ctx, out);
        case command_kind::severity:
            return do_severity(c, cmd, actor, chat, ctx, out);
        case command_kind::share_case:
            return do_share_case(c, cmd, actor, chat, ctx, out);
        case command_kind::accept:
            return do_accept(c, actor, chat, ctx, out);
        case command_kind::publish:
        case command_kind::route:
            return do_assign(c, cmd, actor, chat, ctx, out);
        case command_kind::respond:
            return do_respond(c, cmd, actor, chat, ctx, out);
        case command_kind::notify:
            return do_notify(c, actor, chat, ctx, out);
        case command_kind::pause:
        case command_kind::resume:
            return do_pause(c, cmd, actor, chat, ctx, out);
        case command_kind::invalid:
            return do_invalid(c, cmd, actor, chat, ctx, out);
        case command_kind::sign:
            if (cmd.target.rfind("运费", 0) == 0) return do_freight_step(c, cmd, actor, chat, ctx, out);
            return do_sign(c, actor, chat, ctx, out);
        case command_kind::pay:
        case command_kind::write_off:
            return do_freight_step(c, cmd, actor, chat, ctx, out);
        case command_kind::freight:
            return do_freight(c, cmd, actor, chat, ctx, out);
        case command_kind::complainant:
            return do_complainant(c, cmd, actor, chat, ctx, out);
        case command_kind::investigate:
            return do_investigate(c, cmd, actor, chat, ctx, out);
        case command_kind::appeal:
            return do_appeal(c, cmd, actor, chat, ctx, out);
        case command_kind::review:
            return do_review(c, cmd, actor, chat, ctx, out, ctx.fines ? *ctx.fines : std::vector<fine>{});
        case command_kind::vp_opinion:
        case command_kind::gm_approval:
        case command_kind::execute:
            return do_compensation_step(c, cmd, actor, chat, ctx, out);
        case command_kind::followup:
            return do_followup(c, cmd, actor, chat, ctx, out);
        case command_kind::corrective:
            return do_corrective(c, cmd, actor, chat, ctx, out);
        case command_kind::categorize:
            return do_categorize(c, cmd, actor, chat, ctx, out);
        case command_kind::amount:
            return do_amount(c, cmd, actor, chat, ctx, out);
        case command_kind::countersign:
            return do_countersign(c, cmd, actor, chat, ctx, out);
        case command_kind::answered:
            return do_answered(c, cmd, actor, chat, ctx, out);
        case command_kind::extend:
            return do_extend(c, cmd, actor, chat, ctx, out);
        case command_kind::approve_extension:
        case command_kind::refuse_extension:
            return do_approve_extension(c, cmd, actor, chat, ctx, out);
        default:
            break;
    }
    refuse(out, ctx, chat, actor, "“" + std::string(command_word(cmd.kind)) + "”暂不支持用于 " + c.id + "。");
    return false;
}

}  // namespace rules
