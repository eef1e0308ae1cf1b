// Commands on a fine: HR's 免罚/已缴 and their undoing (撤销 F1 <原因>), the fined head's appeal
// of the fine itself (申诉 F1 <理由>) and the appeal department's review (复核 F1 维持|撤销 <结论>),
// which runs on the clock like a stage (reminded and escalated until answered). Every status
// change is an event in the audit chain: storage::verify_audit checks that each fine's status is
// the one its last fine_paid / fine_waived / fine_reopened event says.
#include <algorithm>

#include "rules/fine_audit.hpp"
#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace {

std::string fine_title(const fine& f) {
    return f.id + "（" + f.person_name + "，" + std::to_string(f.amount) + " 元）";
}

event fine_event(const fine& f, const context& ctx, const std::string& actor, std::string type,
                 std::string detail) {
    event e;
    e.complaint = f.complaint;
    e.at = ctx.now;
    e.actor = actor;
    e.type = std::move(type);
    e.stage = f.stage;
    e.detail = std::move(detail);
    return e;
}

bool hr_only(const command& cmd, const std::string& actor, const std::string& chat, const context& ctx,
             outcome& out) {
    const auto& cfg = ctx.cfg;
    if (may_settle_fines(cfg, actor)) return true;
    const char* what = cmd.kind == command_kind::waive  ? "免罚"
                       : cmd.kind == command_kind::paid ? "登记缴款"
                                                        : "撤销缴款或免罚";
    refuse(out, ctx, chat, actor,
           "只有" + cfg.roles.hr + "可以" + what + "，" + cfg.org.display_name(actor) + "不在" +
               cfg.roles.hr + "。");
    return false;
}

std::string review_hint_for(const fine& f) {
    return "复核 " + f.id + " 维持 <结论> 或 复核 " + f.id + " 撤销 <结论>";
}

// 免罚 F1 <原因> / 已缴 F1.
bool waive_or_paid(complaint* c, const fine& f, const command& cmd, const std::string& actor,
                   const std::string& chat, const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    const bool waive = cmd.kind == command_kind::waive;
    if (!f.status_is(fine_status::open)) {
        refuse(out, ctx, chat, actor,
               f.id + " 已" + (f.status_is(fine_status::paid) ? "缴纳" : "免罚") + "（" +
                   cfg.org.display_name(f.status_by) + "），无法再" + (waive ? "免罚" : "登记缴款") + "。");
        return false;
    }
    auto* appeal = c ? c->find_fine_appeal(f.id) : nullptr;
    const bool appeal_pending = appeal && appeal->decision.empty();
    if (!waive && appeal_pending) {
        refuse(out, ctx, chat, actor, f.id + " 正在申诉复核（" + cfg.roles.appeal + "），复核后再登记缴款。");
        return false;
    }
    fine changed = f;
    changed.set_status(waive ? fine_status::waived : fine_status::paid);
    changed.status_reason = cmd.text;
    // A fine the appeal review overturned: the waiver cites the appeal.
    if (waive && c) {
        const auto& o = c->appeal.overturned;
        if (std::find(o.begin(), o.end(), f.id) != o.end())
            changed.status_reason += "（依据 " + c->id + " 申诉复核：" + c->appeal.conclusion + "）";
    }
    changed.status_by = actor;
    changed.status_at = ctx.now;
    out.events.push_back(fine_event(
        changed, ctx, actor, std::string(waive ? fine_waived_event : fine_paid_event),
        f.id + (waive ? " 免罚：" + changed.status_reason : " 已缴 " + std::to_string(f.amount) + " 元") +
            "（" + cfg.org.display_name(actor) + "）"));
    out.updated_fines.push_back(changed);
    std::string text = waive ? "✅ " + fine_title(f) + "已免罚：" + changed.status_reason
                             : "✅ " + fine_title(f) + "已登记缴纳。";
    bool complaint_changed = false;
    if (appeal_pending) {  // waived while its appeal waits: the review is no longer needed
        appeal->decision = "免罚";
        appeal->review.done_at = ctx.now;
        appeal->review.done_by = actor;
        complaint_changed = true;
        text += "\n" + f.id + " 的申诉无需再复核。";
    }
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
    return complaint_changed;
}

// 撤销 F1 <原因>: HR undoes 已缴 or 免罚; the fine is open again.
bool undo(const fine& f, const command& cmd, const std::string& actor, const std::string& chat,
          const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (f.status_is(fine_status::open)) {
        refuse(out, ctx, chat, actor, f.id + " 尚未缴纳或免罚，无需撤销。");
        return false;
    }
    const std::string was = f.status_is(fine_status::paid) ? "已缴" : "免罚";
    fine changed = f;
    changed.set_status(fine_status::open);
    changed.status_reason = "撤销" + was + "：" + cmd.text;
    changed.status_by = actor;
    changed.status_at = ctx.now;
    out.events.push_back(
        fine_event(changed, ctx, actor, std::string(fine_reopened_event),
                   f.id + " 撤销" + was + "：" + cmd.text + "（" + cfg.org.display_name(actor) + "）"));
    out.updated_fines.push_back(changed);
    out.posts.push_back(
        finish(reply_to(chat, actor,
                        "↩️ " + fine_title(f) + "已撤销" + was + "（" + cmd.text + "），恢复为未缴。"),
               cfg));
    return false;
}

// 申诉 F1 <理由>: only the fined head, once, within the appeal window from the fine.
bool appeal_fine(complaint& c, const fine& f, const command& cmd, const std::string& actor,
                 const std::string& chat, const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (actor != f.person) {
        refuse(out, ctx, chat, actor,
               "只有被罚的" + f.department + "负责人" + f.person_name + "可以申诉 " + f.id + "。");
        return false;
    }
    if (const auto* a = c.find_fine_appeal(f.id)) {
        refuse(out, ctx, chat, actor,
               f.id + " 已于 " + ctx.tz.short_time(a->at) + " 申诉过" +
                   (a->decision.empty() ? "，正在复核" : "（" + a->decision + "）") + "，不能重复申诉。");
        return false;
    }
    if (!f.status_is(fine_status::open)) {
        refuse(out, ctx, chat, actor,
               f.status_is(fine_status::waived) ? f.id + " 已免罚，无需申诉。"
                                                : f.id + " 已登记缴纳，不能再申诉；如登记有误，请" +
                                                      cfg.roles.hr + "撤销（撤销 " + f.id + " <原因>）。");
        return false;
    }
    if (ctx.now > f.issued_at + c.rules->appeal_window) {
        refuse(out, ctx, chat, actor,
               f.id + " 已超过申诉期限（罚款 " + ctx.tz.short_time(f.issued_at) + " 起 " +
                   core::format_duration_zh(c.rules->appeal_window) + "），不能申诉。");
        return false;
    }
    fine_appeal a;
    a.fine = f.id;
    a.by = actor;
    a.reason = cmd.text;
    a.at = ctx.now;
    a.review.name = "review";
    a.review.armed_at = ctx.now;
    a.review.due = cal(c, ctx).add(ctx.now, c.rules->review.due);
    c.fine_appeals.push_back(a);
    out.events.push_back(make_event(c, ctx, actor, "fine_appealed", "",
                                    f.id + " 申诉（" + cfg.org.display_name(actor) + "）：" + cmd.text +
                                        "，转" + cfg.roles.appeal + "复核"));
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    for (const auto& m : members_of(cfg, cfg.roles.appeal)) add_mention(post, m);
    post.text = "📣 已收到" + f.person_name + "对 " + f.id + "（" + c.id + " " + f.department + "，" +
                std::to_string(f.amount) + " 元）的申诉：" + cmd.text + "\n请" + cfg.roles.appeal + "于 " +
                hm(ctx, *a.review.due) + " 前复核（" + review_hint_for(f) + "）。复核前暂不缴款。";
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

// 复核 F1 维持|撤销 <结论>: the appeal department; 撤销 waives the fine citing the review.
bool review_fine(complaint& c, const fine& f, const command& cmd, const std::string& actor,
                 const std::string& chat, const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    auto* a = c.find_fine_appeal(f.id);
    if (!a) {
        refuse(out, ctx, chat, actor, f.id + " 没有申诉，无需复核。");
        return false;
    }
    if (!a->decision.empty()) {
        refuse(out, ctx, chat, actor,
               f.id + " 的申诉已于 " + ctx.tz.short_time(*a->review.done_at) + " 由" +
                   cfg.org.display_name(a->review.done_by) + "处理（" + a->decision + "），无需重复。");
        return false;
    }
    if (!cfg.org.is_member(actor, cfg.roles.appeal)) {
        refuse(out, ctx, chat, actor,
               "只有" + cfg.roles.appeal + "可以复核 " + f.id + "，" + cfg.org.display_name(actor) + "不在" +
                   cfg.roles.appeal + "。");
        return false;
    }
    const bool overturn = !cmd.args.empty() && cmd.args.front() == "撤销";
    auto late = late_by(a->review, ctx.now);
    a->decision = overturn ? "撤销" : "维持";
    a->conclusion = cmd.text;
    a->review.done_at = ctx.now;
    a->review.done_by = actor;
    auto who = cfg.org.display_name(actor);
    auto e = make_event(c, ctx, actor, "fine_reviewed", "",
                        f.id + " 申诉复核（" + who + "）：" + a->decision + "，" + cmd.text);
    e.deadline = a->review.due;
    e.late = late;
    out.events.push_back(std::move(e));
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    add_mention(post, a->by);
    std::string text = "⚖️ " + f.id + " 申诉复核（" + who + "，" + lateness(late) + "）：";
    if (overturn) {
        fine changed = f;
        changed.set_status(fine_status::waived);
        changed.status_reason = "经申诉复核撤销：" + cmd.text;
        changed.status_by = actor;
        changed.status_at = ctx.now;
        out.events.push_back(fine_event(changed, ctx, actor, std::string(fine_waived_event),
                                        f.id + " 免罚：" + changed.status_reason + "（" + who + "）"));
        out.updated_fines.push_back(changed);
        text += "撤销处罚，" + f.id + " 作废。" + cmd.text;
        add_mention(post, cfg.org.head_of(cfg.roles.hr));
    } else {
        text += "维持处罚。" + cmd.text + "\n请" + f.department + "负责人" + f.person_name + "按规定缴纳 " +
                std::to_string(f.amount) + " 元。";
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

}  // namespace

bool may_settle_fines(const config& cfg, std::string_view person) {
    return cfg.org.is_member(person, cfg.roles.hr);
}

bool apply_fine_command(complaint* c, const fine* f, const command& cmd, const std::string& actor,
                        const std::string& chat, const context& ctx, outcome& out) {
    const bool hr_command =
        cmd.kind == command_kind::waive || cmd.kind == command_kind::paid || cmd.kind == command_kind::undo;
    if (hr_command && !hr_only(cmd, actor, chat, ctx, out)) return false;  // who may, before which fine
    if (!f) {
        refuse(out, ctx, chat, actor, "没有找到罚款 " + cmd.target + "，请用“罚款汇总 本月”查看罚款编号。");
        return false;
    }
    switch (cmd.kind) {
        case command_kind::waive:
        case command_kind::paid:
            return waive_or_paid(c, *f, cmd, actor, chat, ctx, out);
        case command_kind::undo:
            return undo(*f, cmd, actor, chat, ctx, out);
        case command_kind::appeal:
        case command_kind::review:
            if (!c) {
                refuse(out, ctx, chat, actor,
                       "找不到 " + f->id + " 所属的投诉 " + f->complaint + "，无法" +
                           std::string(command_word(cmd.kind)) + "。");
                return false;
            }
            return cmd.kind == command_kind::appeal ? appeal_fine(*c, *f, cmd, actor, chat, ctx, out)
                                                    : review_fine(*c, *f, cmd, actor, chat, ctx, out);
        default:
            break;
    }
    refuse(out, ctx, chat, actor,
           "“" + std::string(command_word(cmd.kind)) + "”不能用于罚款 " + f->id + "。");
    return false;
}

void detail::fine_appeal_deadlines(const complaint& c, const core::calendar& k, std::vector<deadline>& out) {
    for (const auto& a : c.fine_appeals) {
        if (!a.decision.empty()) continue;
        chain_deadlines(c.id, deadline_key::review_key(a.fine, deadline_action::miss), a.review,
                        c.rules->review, repeat_period(c.rules, c.rules->review), k, out);
    }
}

// "F1:review:miss", "F1:review:esc:<level>", "F1:review:repeat:<n>".
void detail::fire_fine_review(complaint& c, const deadline_key& key, core::instant due, const context& ctx,
                              outcome& out) {
    const auto& fine_id = key.fine;
    auto* a = c.find_fine_appeal(fine_id);
    if (!a || !a->decision.empty() || !a->review.due) return;
    const auto& cfg = ctx.cfg;
    const auto& rule = c.rules->review;
    fine f;
    f.id = fine_id;
    if (key.action == deadline_action::miss) {
        if (a->review.missed) return;
        a->review.missed = true;
        auto e = make_event(c, ctx, "bot", "missed", "review", fine_id + " 申诉复核超时");
        e.deadline = due;
        e.late = ctx.now - due;
        out.events.push_back(std::move(e));
        core::outbound_post post{c.chat, {}, {}};
        for (const auto& m : members_of(cfg, cfg.roles.appeal)) add_mention(post, m);
        int level = post_levels_at_miss(c, a->review, rule, "review", due, ctx, out, post);
        post.text = "⏰ " + fine_id + " 罚款申诉复核已超时（应于 " + hm(ctx, due) + " 前完成），请" +
                    cfg.roles.appeal + "立即处理（" + review_hint_for(f) + "）。";
        out.posts.push_back(finish(std::move(post), cfg));
        copy_to_group(out.posts.back(), level, cfg, out);
        return;
    }
    chain_words w;
    w.stage = "review";
    w.event_stage = "review";
    w.subject = fine_id + " 罚款申诉复核";
    w.who = cfg.roles.appeal;
    w.hint = review_hint_for(f);
    fire_chain_step(c, a->review, rule, w, key, ctx, out);
}

}  // namespace rules
