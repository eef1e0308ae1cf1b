// The compensation flow after the 质量投诉处理流程表: the departments' heads sign, the sheet goes to
// the complainant's VP next morning, the VP's opinion, the general manager's approval, 打单部
// executes; and the reminders of every timed step outside the stages (this flow's and freight's).
#include <algorithm>

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

core::outbound_post forward_to_vp(complaint& c, const context& ctx, outcome& out) {
    c.forwarded_at = ctx.now;
    core::outbound_post post{c.chat, {}, {}};
    const auto* vp = vp_of(c, ctx.cfg);
    std::string who = vp ? "副总" : "总经理";
    if (vp)
        add_mention(post, *vp);
    else
        for (const auto& gm : ctx.cfg.roles.general_manager) add_mention(post, gm);
    out.events.push_back(make_event(c, ctx, "bot", "forwarded", "", "流程表转交" + who));
    post.text = "📄 " + c.id + " 质量投诉处理流程表（" + core::format_date(*c.sheet_date) + "）转交" + who +
                "：请与客户协商后填写综合处理意见（副总意见 " + c.id + " <意见>）。";
    return finish(std::move(post), ctx.cfg);
}

namespace detail {

// 签字: a responsible department's head signs the 质量投诉处理流程表 for the complaint.
bool do_sign(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
             outcome& out) {
    if (!c.sheet_date) {
        refuse(out, ctx, chat, actor, c.id + " 尚未列入质量投诉处理流程表，无需签字。");
        return false;
    }
    std::vector<std::string> mine;
    for (const auto& d : c.departments)
        if (ctx.cfg.org.head_of(d.department) == actor) mine.push_back(d.department);
    if (mine.empty()) {
        std::vector<std::string> heads;
        for (const auto& d : c.departments) heads.push_back(d.department + "负责人");
        refuse(out, ctx, chat, actor, "只有" + join(heads) + "可以为 " + c.id + " 签字。");
        return false;
    }
    std::vector<std::string> signed_now;
    for (const auto& d : mine)
        if (std::find(c.sheet_signed.begin(), c.sheet_signed.end(), d) == c.sheet_signed.end()) {
            c.sheet_signed.push_back(d);
            signed_now.push_back(d);
        }
    if (signed_now.empty()) {
        refuse(out, ctx, chat, actor, join(mine) + " 已为 " + c.id + " 签过字，无需重复。");
        return false;
    }
    out.events.push_back(
        make_event(c, ctx, actor, "signed", "",
                   join(signed_now) + "负责人 " + ctx.cfg.org.display_name(actor) + " 签字"));
    auto waiting = unsigned_departments(c);
    std::string text =
        "✍️ " + c.id + " " + join(signed_now) + "负责人" + ctx.cfg.org.display_name(actor) + "已签字。";
    auto post = reply_to(chat, actor, "");
    if (!waiting.empty()) {
        text += "待签字：" + join(waiting) + "。";
    } else if (self_approvable(c) && !c.vp_opinion.at) {
        text += "责任部门均已签字。赔偿 " + c.amount->yuan + " 元低于 " + std::to_string(c.amount->limit) +
                " 元，请" + ctx.cfg.roles.order_desk + "直接执行（执行 " + c.id + "），总经理事后补签。";
        for (const auto& m : members_of(ctx.cfg, ctx.cfg.roles.order_desk)) add_mention(post, m);
    } else {
        text += "责任部门均已签字，流程表将转交副总。";
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), ctx.cfg));
    return true;
}

// 副总意见 / 总经理审批 / 执行: the compensation flow after the sheet, each step role-checked and in order.
bool do_compensation_step(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                          const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status_is(complaint_status::invalid) ? " 已判为无效投诉" : " 已关闭") +
                   "，无需再处理。");
        return false;
    }
    if (!c.compensation || !c.sheet_date) {
        refuse(out, ctx, chat, actor,
               c.id + (c.compensation ? " 尚未列入质量投诉处理流程表" : " 不涉及赔款或退换货") + "，无需" +
                   std::string(command_word(cmd.kind)) + "。");
        return false;
    }
    auto who = cfg.org.display_name(actor);
    core::outbound_post post{chat, {}, {}};
    if (cmd.kind == command_kind::vp_opinion) {
        auto vp = cfg.roles.vice_presidents.find(c.complainant_department);
        bool allowed =
            vp != cfg.roles.vice_presidents.end() ? vp->second == actor : is_general_manager(cfg, actor);
        if (!allowed) {
            refuse(out, ctx, chat, actor,
                   "只有" +
                       (vp != cfg.roles.vice_presidents.end()
                            ? c.complainant_department + "的副总" + cfg.org.display_name(vp->second)
                            : std::string("总经理")) +
                       "可以填写 " + c.id + " 的副总意见。");
            return false;
        }
        if (c.vp_opinion.at) {
            refuse(out, ctx, chat, actor,
                   c.id + " 的副总意见已于 " + ctx.tz.short_time(*c.vp_opinion.at) + " 填写，无需重复。");
            return false;
        }
        c.vp_opinion = {cmd.text, actor, ctx.now};
        out.events.push_back(
            make_event(c, ctx, actor, "vp_opinion", "", "副总意见（" + who + "）：" + cmd.text));
        post.text = "📝 " + c.id + " 副总意见已记录（" + who + "）：" + cmd.text +
                    "\n请总经理或助理审批（总经理审批 " + c.id + " <审批意见>）。";
        for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
    } else if (cmd.kind == command_kind::gm_approval) {
        if (!is_general_manager(cfg, actor)) {
            std::vector<std::string> names;
            for (const auto& gm : cfg.roles.general_manager) names.push_back(cfg.org.display_name(gm));
            refuse(out, ctx, chat, actor, "只有" + join(names) + "可以审批 " + c.id + "。");
            return false;
        }
        if (!c.vp_opinion.at) {
            refuse(out, ctx, chat, actor,
                   c.id + " 还没有副总意见，请先由副总填写（副总意见 " + c.id + " <意见>）。");
            return false;
        }
        if (c.gm_approval.at) {
            refuse(out, ctx, chat, actor,
                   c.id + " 已于 " + ctx.tz.short_time(*c.gm_approval.at) + " 审批，无需重复。");
            return false;
        }
        c.gm_approval = {cmd.text, actor, ctx.now};
        out.events.push_back(
            make_event(c, ctx, actor, "gm_approval", "", "总经理审批（" + who + "）：" + cmd.text));
        post.text = "✅ " + c.id + " 已审批（" + who + "）：" + cmd.text + "\n请" + cfg.roles.order_desk +
                    "按审批意见执行（执行 " + c.id + "）。";
        for (const auto& m : members_of(cfg, cfg.roles.order_desk)) add_mention(post, m);
    } else {
        if (!check_member(c, cfg.roles.order_desk, ctx, out, chat, actor, "执行")) return false;
        const bool by_amount = !c.gm_approval.at && self_approvable(c);
        if (by_amount && !unsigned_departments(c).empty()) {
            refuse(out, ctx, chat, actor,
                   c.id + " 赔偿 " + c.amount->yuan + " 元可由" + cfg.roles.order_desk + "直接执行，但还待" +
                       join(unsigned_departments(c)) + "负责人签字（签字 " + c.id + "）。");
            return false;
        }
        if (!c.gm_approval.at && !by_amount) {
            refuse(out, ctx, chat, actor, c.id + " 尚未经总经理审批，不能执行。");
            return false;
        }
        c.executed = {cmd.text, actor, ctx.now};
        mark_closed(c, ctx);
        if (by_amount) {
            out.events.push_back(make_event(c, ctx, actor, "executed", "",
                                            who + " 按金额直接执行（赔偿 " + c.amount->yuan + " 元，低于 " +
                                                std::to_string(c.amount->limit) + " 元）"));
            out.events.push_back(
                make_event(c, ctx, actor, "closed", "", "赔偿/退换货已执行，投诉关闭，待总经理补签"));
            post.text = "🏁 " + c.id + " 已由" + who + "执行（赔偿 " + c.amount->yuan + " 元，低于 " +
                        std::to_string(c.amount->limit) +
                        " 元，无需副总和总经理事先审批），投诉关闭。请总经理补签（补签 " + c.id + "）。";
            add_mention(post, actor);
            for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
        } else {
            out.events.push_back(make_event(c, ctx, actor, "executed", "", who + " 按审批意见执行"));
            out.events.push_back(make_event(c, ctx, actor, "closed", "", "赔偿/退换货已执行，投诉关闭"));
            post.text = "🏁 " + c.id + " 已由" + who + "按审批意见执行，投诉关闭。";
            add_mention(post, actor);
        }
    }
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

void fire_reminder(complaint& c, const deadline_key& key, core::instant due, const context& ctx,
                   outcome& out) {
    const auto& cfg = ctx.cfg;
    const std::string step(to_string(key.step));
    int n = key.level;
    auto& done = c.reminded[step];
    if (n <= done) return;
    core::outbound_post post{c.chat, {}, {}};
    std::string what;
    if (auto fs = freight_step_of(key.step)) {
        if (!c.freight || freight_pending_step(c) != fs) return;
        for (const auto& p : freight_actors(*fs, cfg, c)) add_mention(post, p);
        what =
            freight_id(c) + " 待" + freight_step_label(*fs, cfg, c) + "（" + freight_step_hint(*fs, c) + "）";
    } else if (key.step == timed_step::approve) {
        what = approval_reminder(c, cfg, post);
        if (what.empty()) return;
    } else if (key.step == timed_step::countersign) {
        if (!countersign_pending(c)) return;
        for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
        what = c.id + " 已按金额由" + cfg.roles.order_desk + "执行，待总经理补签（补签 " + c.id + "）";
    } else {
        if (!c.is_open()) return;
        if (key.step == timed_step::sign) {
            auto waiting = unsigned_departments(c);
            if (waiting.empty()) return;
            for (const auto& d : waiting) add_mention(post, cfg.org.head_of(d));
            what = c.id + " 质量投诉处理流程表待" + join(waiting) + "负责人签字（签字 " + c.id + "）";
        } else if (key.step == timed_step::vp) {
            if (c.vp_opinion.at) return;
            if (const auto* vp = vp_of(c, cfg))
                add_mention(post, *vp);
            else
                for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
            what = c.id + " 待副总填写综合处理意见（副总意见 " + c.id + " <意见>）";
        } else if (key.step == timed_step::gm) {
            if (c.gm_approval.at) return;
            for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
            what = c.id + " 待总经理审批（总经理审批 " + c.id + " <审批意见>）";
        } else if (key.step == timed_step::execute) {
            if (c.executed.at) return;
            add_mention(post, cfg.org.head_of(cfg.roles.order_desk));
            what = c.id + " 待" + cfg.roles.order_desk +
                   (c.gm_approval.at ? "按审批意见执行" : "按金额直接执行") + "（执行 " + c.id + "）";
        } else {
            return;
        }
    }
    done = n;
    auto e = make_event(c, ctx, "bot", "reminded", step, "第" + std::to_string(n) + "次提醒：" + what);
    e.deadline = due;
    out.events.push_back(std::move(e));
    post.text = "⏰ 提醒（第" + std::to_string(n) + "次）：" + what + "。";
    out.posts.push_back(finish(std::move(post), cfg));
}

}  // namespace detail

}  // namespace rules
