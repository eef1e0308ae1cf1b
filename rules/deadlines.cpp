// The deadlines of a complaint, derived from its state (pending_deadlines), and what firing each
// one does (fire_deadline): a stage's miss, its escalation chain, then a reminder every
// `repeat_every` until someone acts; the respond warning and fines; the reminders of the
// compensation flow and freight (workflow.cpp), the fine appeals' reviews (fines.cpp) and the 回访
// (followup.cpp).
#include <algorithm>

#include "rules/fine_audit.hpp"
#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace {

// One past the index of the last level posted after the deadline (0: all go with the miss).
int last_timed_level(const stage_rule& rule) {
    int last = 0;
    for (std::size_t i = 0; i < rule.escalation.size(); ++i)
        if (rule.escalation[i].after.count() > 0) last = static_cast<int>(i) + 1;
    return last;
}

// Fines `d`'s head for missing the respond deadline `due`; adds the line for the post.
void fine_department(complaint& c, department_reply& d, core::instant due, const context& ctx, outcome& out,
                     std::vector<std::string>& lines, core::outbound_post& post) {
    const auto& cfg = ctx.cfg;
    d.fined = true;
    fine f;
    f.id = "F" + std::to_string((*ctx.next_fine_seq)++);
    f.complaint = c.id;
    f.stage = "respond";
    f.department = d.department;
    f.person = cfg.org.head_of(d.department);
    f.person_name = cfg.org.display_name(f.person);
    f.amount = c.rules->fine_amount;
    f.deadline = due;
    f.issued_at = ctx.now;
    // storage::verify_audit checks the fine against this text: both take it from fine_issued_detail.
    auto fe = make_event(c, ctx, "bot", std::string(fine_issued_event), "respond", fine_issued_detail(f));
    fe.deadline = due;
    out.events.push_back(std::move(fe));
    lines.push_back(f.id + "：" + d.department + "负责人" + at_name(cfg, f.person) + " " +
                    std::to_string(f.amount) + " 元");
    add_mention(post, f.person);
    post.actions.push_back({"申诉 " + f.id, "申诉 " + f.id});  // the reason follows in the chat
    out.new_fines.push_back(std::move(f));
}

}  // namespace

// -------------------------------------------------------------------------------------------------
// Shared by the stages and the fine appeals' reviews

void detail::chain_deadlines(const std::string& complaint_id, deadline_key subject, const stage_state& s,
                             const stage_rule& rule, core::duration every, const core::calendar& k,
                             std::vector<deadline>& out) {
    if (!s.due) return;
    auto key = [&](deadline_action a, int level) {
        subject.action = a;
        subject.level = level;
        return subject.to_string();
    };
    if (!s.missed) out.push_back({complaint_id, key(deadline_action::miss, 0), *s.due});
    for (std::size_t i = 0; i < rule.escalation.size(); ++i) {
        const auto& level = rule.escalation[i];
        if (level.after.count() == 0) continue;  // posted with the miss itself
        if (static_cast<int>(i) + 1 <= s.escalations_fired) continue;
        out.push_back({complaint_id, key(deadline_action::escalate, static_cast<int>(i) + 1),
                       k.add(*s.due, level.after)});
    }
    // The chain is through: one reminder at a time, each key once ("accept:repeat:3").
    if (s.missed && s.escalations_fired >= last_timed_level(rule) && every.count() > 0) {
        auto base = rule.escalation.empty() ? *s.due : k.add(*s.due, rule.escalation.back().after);
        int n = s.repeats_fired + 1;
        out.push_back({complaint_id, key(deadline_action::repeat, n), k.add(base, every * n)});
    }
}

void detail::copy_to_group(const core::outbound_post& post, int level, const config& cfg, outcome& out) {
    if (!cfg.group || level < 1 || level < cfg.group->from_level) return;
    const auto& g = *cfg.group;
    // The company's own @ line means nothing in the group chat: its people are named instead.
    std::string text = post.text;
    std::string own, names;
    for (const auto& m : post.mentions) {
        own += (own.empty() ? "@" : " @") + cfg.org.display_name(m);
        names += (names.empty() ? "" : "、") + cfg.org.display_name(m);
    }
    if (!own.empty() && text.ends_with("\n" + own)) {
        text.resize(text.size() - own.size() - 1);
        text += text.ends_with("：") ? names : "（已提醒：" + names + "）";
    }
    core::outbound_post copy{g.chat, g.prefix + text, g.members};
    if (!g.member_names.empty()) {
        std::string line;
        for (const auto& name : g.member_names) line += (line.empty() ? "@" : " @") + name;
        copy.text += "\n" + line;
    }
    out.posts.push_back(std::move(copy));
}

int detail::post_levels_at_miss(complaint& c, stage_state& st, const stage_rule& rule, std::string_view stage,
                                core::instant due, const context& ctx, outcome& out,
                                core::outbound_post& post) {
    int highest = 0;
    for (std::size_t i = 0; i < rule.escalation.size() && rule.escalation[i].after.count() == 0; ++i) {
        for (const auto& p : escalation_targets(c, ctx.cfg, stage, rule.escalation[i].notify, ctx.now))
            add_mention(post, p);
        st.escalations_fired = static_cast<int>(i) + 1;
        auto ee = make_event(c, ctx, "bot", "escalated", std::string(stage),
                             "第" + std::to_string(i + 1) + "级提醒：" +
                                 target_words(c, ctx.cfg, stage, rule.escalation[i].notify, ctx.now));
        ee.deadline = due;
        out.events.push_back(std::move(ee));
        highest = static_cast<int>(i) + 1;
    }
    return highest;
}

void detail::fire_chain_step(complaint& c, stage_state& st, const stage_rule& rule, const chain_words& w,
                             const deadline_key& key, const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    core::outbound_post post{c.chat, {}, {}};
    if (key.action == deadline_action::escalate) {
        int level = key.level;
        if (level < 1 || static_cast<std::size_t>(level) > rule.escalation.size() ||
            level <= st.escalations_fired)
            return;
        st.escalations_fired = level;
        const auto& lv = rule.escalation[static_cast<std::size_t>(level - 1)];
        auto targets = escalation_targets(c, cfg, w.stage, lv.notify, ctx.now);
        auto e = make_event(
            c, ctx, "bot", "escalated", w.event_stage,
            "第" + std::to_string(level) + "级升级：" + target_words(c, cfg, w.stage, lv.notify, ctx.now));
        e.deadline = *st.due;
        e.late = ctx.now - *st.due;
        out.events.push_back(std::move(e));
        if (targets.empty() || w.who.empty()) return;
        for (const auto& p : targets) add_mention(post, p);
        crisis_mentions(c, cfg, post);
        post.text = "⏫ " + w.subject + "已超时 " + core::format_duration_zh(ctx.now - *st.due) + "（截止 " +
                    hm(ctx, *st.due) + "），" + w.who + "仍未处理，升级提醒：";
        out.posts.push_back(finish(std::move(post), cfg));
        copy_to_group(out.posts.back(), level, cfg, out);
        return;
    }
    if (key.action != deadline_action::repeat) return;
    int n = key.level;
    auto every = repeat_period(c.rules, rule);
    if (n < 1 || n <= st.repeats_fired || !st.missed || every.count() <= 0) return;
    // A bot that was down posts one reminder for the ones it missed, not a burst.
    const auto& k = cal(c, ctx);
    auto base = rule.escalation.empty() ? *st.due : k.add(*st.due, rule.escalation.back().after);
    auto elapsed = k.between(base, ctx.now);
    st.repeats_fired = std::max(n, static_cast<int>(elapsed / every));
    const std::string notify = rule.escalation.empty() ? "head" : rule.escalation.back().notify;
    auto targets = escalation_targets(c, cfg, w.stage, notify, ctx.now);
    if (w.who.empty()) return;  // respond: only departments whose own later deadline is still ahead
    auto e = make_event(c, ctx, "bot", "reminded", w.event_stage,
                        "第" + std::to_string(st.repeats_fired) + "次催办：" +
                            target_words(c, cfg, w.stage, notify, ctx.now));
    e.deadline = *st.due;
    e.late = ctx.now - *st.due;
    out.events.push_back(std::move(e));
    for (const auto& p : targets) add_mention(post, p);
    crisis_mentions(c, cfg, post);
    post.text = "🔔 再次提醒：" + w.subject + "已超时" + core::format_duration_zh(ctx.now - *st.due) +
                "（截止 " + hm(ctx, *st.due) + "），" + w.who + "仍未处理，请尽快办理（" + w.hint + "）。";
    out.posts.push_back(finish(std::move(post), cfg));
}

// -------------------------------------------------------------------------------------------------
// Deadlines

const core::calendar& calendar_of(const complaint& c, const core::calendar* business) {
    return c.rules->business_time && business ? *business : core::calendar::wall();
}

std::vector<deadline> pending_deadlines(const complaint& c, const core::calendar* business) {
    std::vector<deadline> out;
    const auto& k = calendar_of(c, business);
    // Timed steps outside the stages: reminders at start + n × period, up to `reminders`.
    auto remind = [&](timed_step step, const std::optional<core::instant>& start, core::duration period) {
        if (!start || period.count() <= 0) return;
        auto it = c.reminded.find(std::string(to_string(step)));
        int done = it == c.reminded.end() ? 0 : it->second;
        if (done >= c.rules->reminders) return;
        out.push_back(
            {c.id, deadline_key::reminder(step, done + 1).to_string(), k.add(*start, period * (done + 1))});
    };
    if (c.freight && !c.status_is(complaint_status::invalid)) {
        if (auto step = freight_pending_step(c)) {
            const auto& f = *c.freight;
            const std::optional<core::instant>* start = *step == freight_step::head   ? &f.opened.at
                                                        : *step == freight_step::desk ? &f.head_signed.at
                                                        : *step == freight_step::pay  ? &f.desk_signed.at
                                                                                      : &f.paid.at;
            remind(timed_step_of(*step), *start, c.rules->freight_due);
        }
    }
    if (countersign_pending(c)) remind(timed_step::countersign, c.executed.at, c.rules->gm_due);  // closed
    fine_appeal_deadlines(c, k, out);  // a fine's appeal runs whatever the complaint's state
    followup_deadlines(c, out);        // the 回访 runs once the complaint is closed
    customer_deadlines(c, out);        // 已答复客户 and 督办, paused or not
    approval_deadlines(c, out);        // 批准 before the clocks start
    severity_deadlines(c, out);        // 一级投诉's status posts and closing report
    const bool running = c.is_open() && !c.paused_since;
    if (running && c.compensation && c.sheet_date) {
        if (!unsigned_departments(c).empty()) remind(timed_step::sign, c.sheet_at, c.rules->sign_due);
        if (c.forwarded_at && !c.vp_opinion.at) remind(timed_step::vp, c.forwarded_at, c.rules->vp_due);
        if (c.vp_opinion.at && !c.gm_approval.at) remind(timed_step::gm, c.vp_opinion.at, c.rules->gm_due);
        if (c.gm_approval.at && !c.executed.at)
            remind(timed_step::execute, c.gm_approval.at, c.rules->execute_due);
        // 赔偿 below the limit, every head signed: 打单部 executes, reminded from the sheet on.
        else if (!c.executed.at && !c.vp_opinion.at && self_approvable(c) && unsigned_departments(c).empty())
            remind(timed_step::execute, c.sheet_at, c.rules->execute_due);
    }
    for (const auto& s : c.stages) {
        if (!running || s.done_at || !s.due) continue;
        auto id = parse_stage(s.name);
        if (!id) continue;  // no stage of that name in the rules: nothing can fire it
        const auto& rule = rule_for(c.rules, s.name);
        chain_deadlines(c.id, deadline_key::stage_key(*id, deadline_action::miss), s, rule,
                        repeat_period(c.rules, rule), k, out);
        if (*id != stage_id::respond) continue;
        if (!s.warned && !s.missed && c.rules->respond_warning.count() > 0) {
            auto warn_at = k.subtract(*s.due, c.rules->respond_warning);
            if (s.armed_at && warn_at > *s.armed_at)
                out.push_back({c.id,
                               deadline_key::stage_key(stage_id::respond, deadline_action::warn).to_string(),
                               warn_at});
        }
        // Departments added by 调查 with their own later deadline.
        for (const auto& d : c.departments)
            if (d.due && *d.due > *s.due && !d.replied_at && !d.fined)
                out.push_back({c.id, deadline_key::department_miss(d.department).to_string(), *d.due});
    }
    std::sort(out.begin(), out.end(), [](const deadline& a, const deadline& b) {
        return a.due != b.due ? a.due < b.due : a.key < b.key;
    });
    return out;
}

// -------------------------------------------------------------------------------------------------
// Deadlines firing

void detail::fire_department_miss(complaint& c, const std::string& department, core::instant due,
                                  const context& ctx, outcome& out) {
    auto* st = c.find_stage(stage_id::respond);
    if (!st || st->done_at) return;
    auto it = std::find_if(c.departments.begin(), c.departments.end(),
                           [&](const department_reply& d) { return d.department == department; });
    if (it == c.departments.end() || it->replied_at || it->fined) return;  // released, answered or fined
    auto e = make_event(c, ctx, "bot", "missed", "respond", department + "回复超时");
    e.deadline = due;
    e.late = ctx.now - due;
    out.events.push_back(std::move(e));
    core::outbound_post post{c.chat, {}, {}};
    std::vector<std::string> lines;
    fine_department(c, *it, due, ctx, out, lines, post);
    crisis_mentions(c, ctx.cfg, post);
    post.text = "💰 " + c.id + " " + department + "回复已超时（截止 " + hm(ctx, due) +
                "），按水果基金处罚：\n" + join(lines, "\n") + "\n请尽快回复（" +
                command_hint(c, ctx.cfg, stage_id::respond) + "）。";
    out.posts.push_back(finish(std::move(post), ctx.cfg));
}

void fire_deadline(complaint& c, const std::string& key_text, core::instant due, const context& ctx,
                   outcome& out) {
    auto parsed = deadline_key::parse(key_text);
    if (!parsed) return;  // no key the rules write: nothing to do
    const auto& key = *parsed;
    if (key.subject == deadline_key::subject_kind::step) {
        if (key.step == timed_step::crisis) {  // paused or not: the leaders hear of it
            fire_crisis(c, key, ctx, out);
            return;
        }
        if (c.paused_since && !freight_step_of(key.step)) return;
        fire_reminder(c, key, due, ctx, out);
        return;
    }
    if (key.subject == deadline_key::subject_kind::fine_review) {
        fire_fine_review(c, key, due, ctx, out);
        return;
    }
    if (key.subject == deadline_key::subject_kind::followup) {
        fire_followup(c, key, ctx, out);
        return;
    }
    if (key.subject == deadline_key::subject_kind::customer ||
        key.subject == deadline_key::subject_kind::supervise) {
        fire_customer(c, key, ctx, out);
        return;
    }
    if (!c.is_open() || c.paused_since) return;
    if (!key.department.empty()) {
        fire_department_miss(c, key.department, due, ctx, out);
        return;
    }
    const std::string stage_name(to_string(key.stage));
    auto* st = c.find_stage(key.stage);
    if (!st || st->done_at) return;
    const auto& rule = rule_for(c.rules, stage_name);
    const auto& cfg = ctx.cfg;
    core::outbound_post post{c.chat, {}, {}};

    if (key.action == deadline_action::warn) {
        if (st->warned || st->missed) return;
        st->warned = true;
        auto silent = silent_departments(c, *st->due);  // not those added late with their own deadline
        if (silent.empty()) return;
        auto e = make_event(c, ctx, "bot", "warned", stage_name, "提醒未回复部门：" + join(silent));
        e.deadline = due;
        out.events.push_back(std::move(e));
        post.text = "⚠️ " + c.id + " 距回复截止（" + hm(ctx, *st->due) + "）还有 " +
                    core::format_duration_zh(cal(c, ctx).between(ctx.now, *st->due)) + "，" + join(silent) +
                    "尚未回复（" + command_hint(c, cfg, stage_id::respond) + "）。逾期将罚负责人 " +
                    std::to_string(c.rules->fine_amount) + " 元。";
        for (const auto& d : silent) add_mention(post, cfg.org.head_of(d));
        out.posts.push_back(finish(std::move(post), cfg));
        return;
    }

    if (key.action == deadline_action::miss) {
        if (st->missed) return;
        st->missed = true;
        auto e = make_event(c, ctx, "bot", "missed", stage_name, stage_label(stage_name) + "超时");
        e.deadline = due;
        e.late = ctx.now - due;
        // respond: only when a department is due now (the others have later deadlines of their own).
        if (key.stage != stage_id::respond) out.events.push_back(std::move(e));
        std::string text;
        if (key.stage == stage_id::respond) {
            std::vector<std::string> lines;
            for (auto& d : c.departments) {
                auto own = reply_due(c, d);
                if (d.replied_at || d.fined || (own && *own > due)) continue;
                if (lines.empty()) out.events.push_back(e);  // before the first fine, as always
                fine_department(c, d, due, ctx, out, lines, post);
            }
            if (lines.empty()) {
                // Everyone due now has answered; the levels at the deadline have nobody to name.
                for (std::size_t i = 0; i < rule.escalation.size() && rule.escalation[i].after.count() == 0;
                     ++i)
                    st->escalations_fired = static_cast<int>(i) + 1;
                return;
            }
            text = "💰 " + c.id + " 回复已超时（截止 " + hm(ctx, due) + "），按水果基金处罚：\n" +
                   join(lines, "\n") + "\n请尽快回复（" + command_hint(c, cfg, stage_id::respond) + "）。";
        } else {
            auto dept = acting_department(c, cfg, stage_name);
            text = "⏰ " + c.id + " " + stage_label(stage_name) + "已超时（应于 " + hm(ctx, due) +
                   " 前完成），请" + dept + "立即处理（" + command_hint(c, cfg, stage_name) + "）。";
        }
        // Levels of the chain due at the deadline itself are posted with the miss.
        int level = post_levels_at_miss(c, *st, rule, stage_name, due, ctx, out, post);
        crisis_mentions(c, cfg, post);
        post.text = std::move(text);
        out.posts.push_back(finish(std::move(post), cfg));
        copy_to_group(out.posts.back(), level, cfg, out);
        return;
    }

    chain_words w;
    w.stage = stage_name;
    w.event_stage = stage_name;
    w.subject = c.id + " " + stage_label(stage_name);
    w.who = key.stage == stage_id::respond ? join(silent_departments(c, ctx.now))
                                           : acting_department(c, cfg, stage_name);
    w.hint = command_hint(c, cfg, stage_name);
    fire_chain_step(c, *st, rule, w, key, ctx, out);
}

}  // namespace rules
