// The views of a complaint: stage names in Chinese, who still owes what, the 待办 line. (The 查询
// reply is in query_reply.cpp.)
#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

std::string stage_label(stage_id stage) {
    switch (stage) {
        case stage_id::accept:
            return "受理";
        case stage_id::publish:
            return "公布工艺流程";
        case stage_id::route:
            return "分流";
        case stage_id::respond:
            return "回复";
        case stage_id::notify:
            return "通知投诉人";
        case stage_id::review:
            break;
    }
    return "复核";
}

std::string stage_label(std::string_view stage) {
    auto id = parse_stage(stage);
    return id ? stage_label(*id) : std::string(stage);
}

std::optional<core::instant> reply_due(const complaint& c, const department_reply& d) {
    if (d.due) return d.due;
    const auto* st = c.find_stage(stage_id::respond);
    return st ? st->due : std::nullopt;
}

// Views

std::vector<std::string> pending_departments(const complaint& c, const config& cfg) {
    if (!c.is_open()) return {};
    if (c.awaiting_approval()) return {c.complainant_department};  // its head must 批准 first
    const auto* p = c.pending_stage();
    if (!p) return {};
    if (p->is(stage_id::respond)) return silent_departments(c);
    return {acting_department(c, cfg, p->name)};
}

std::string owner_of(const complaint& c) {
    const auto* accept = c.find_stage(stage_id::accept);
    return accept && accept->done_at ? accept->done_by : std::string{};
}

std::string pending_summary(const complaint& c, const context& ctx) {
    return c.id + " " + pending_words(c, ctx);
}

std::string pending_words(const complaint& c, const context& ctx) {
    std::string line;
    if (c.awaiting_approval())
        return line + "待批准（" + c.complainant_department + "负责人" +
               ctx.cfg.org.display_name(c.approval->head) + "）";
    const auto* p = c.pending_stage();
    if (!p) {
        const auto& cfg = ctx.cfg;
        if (!c.compensation) return line + "已完成";
        if (!c.sheet_date) return line + "待列入质量投诉处理流程表";
        if (auto waiting = unsigned_departments(c); !waiting.empty()) {
            line += "待签字（" + join(waiting) + "负责人）";
            if (!c.forwarded_at) return line;
            line += "，";
        }
        if (self_approvable(c) && !c.vp_opinion.at && !c.gm_approval.at)
            return line + "待执行（" + cfg.roles.order_desk + "，赔偿 " + c.amount->yuan +
                   " 元，按金额直接执行）";
        if (!c.forwarded_at) return line + "待转交副总";
        if (!c.vp_opinion.at) {
            const auto* vp = vp_of(c, cfg);
            return line + "待副总意见（" + (vp ? cfg.org.display_name(*vp) : std::string("总经理")) + "）";
        }
        if (!c.gm_approval.at) return line + "待总经理审批";
        return line + "待执行（" + cfg.roles.order_desk + "）";
    }
    line += "待" + stage_label(p->name) + "（" + who_may(c, ctx.cfg, p->name) + "）";
    if (c.paused_since) return line + " 已暂停";
    if (p->due) {
        if (*p->due >= ctx.now)
            line +=
                " 剩余" + core::format_duration_zh(calendar_of(c, ctx.business).between(ctx.now, *p->due));
        else
            line += " 已超时" + core::format_duration_zh(ctx.now - *p->due);
    }
    return line;
}

}  // namespace rules
