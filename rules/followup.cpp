// 回访 after a complaint closed: the bot asks the complainant (or followup.by's department) to visit
// the customer, reminds once halfway, escalates to the head at the end; 回访 P1 <结果> records the
// satisfaction, and 不满意 reopens the complaint for the appeal department's review as 申诉 does.
// Also 整改 P1 (a responsible department's corrective action, checked at the 回访) and 分类 P1
// (the 问题类别).
#include "rules/followup.hpp"

#include <algorithm>

#include "rules/text.hpp"
#include "rules/wording.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

std::optional<std::string> match_category(const config& cfg, std::string_view text) {
    auto folded = fold(trim(text));
    folded.erase(std::remove(folded.begin(), folded.end(), ' '), folded.end());
    if (folded.empty()) return std::nullopt;
    for (const auto& name : cfg.categories)
        if (fold(name) == folded) return name;
    return std::nullopt;
}

std::string category_list(const config& cfg) {
    return join(cfg.categories);
}

core::instant add_work_days(core::instant t, int n, const core::calendar_settings& s, const core::zone& tz) {
    auto rules_of_days = s;
    rules_of_days.business = true;  // the work days count in either mode
    const core::calendar k(rules_of_days, tz);
    auto local = tz.to_local(t);
    auto day = local.date;
    for (int i = 0; n > 0 && i < 800; ++i) {
        day = core::add_days(day, 1);
        if (k.is_work_day(day)) --n;
    }
    auto same_time = tz.to_utc({day, local.hour, local.minute, local.second});
    return k.next_open(same_time);
}

namespace detail {

namespace {

const followup_settings& settings(const context& ctx) {
    return ctx.cfg.followup;
}

// Who is asked to visit (person ids): the complainant, or followup.by's members (head first).
std::vector<std::string> visitors(const complaint& c, const config& cfg) {
    if (!c.followup || c.followup->by.empty()) return {c.complainant};
    return members_of(cfg, c.followup->by);
}

// Who the end of the 回访 is escalated to: the head of the department that owes it.
std::string owing_department(const complaint& c) {
    return c.followup && !c.followup->by.empty() ? c.followup->by : c.complainant_department;
}

// "张三" or "客服部".
std::string visitor_words(const complaint& c, const config& cfg) {
    if (!c.followup || c.followup->by.empty()) return cfg.org.display_name(c.complainant);
    return c.followup->by;
}

bool may_record(const complaint& c, const config& cfg, const std::string& actor) {
    if (c.followup && !c.followup->by.empty()) return cfg.org.is_member(actor, c.followup->by);
    auto head = cfg.org.head_of(c.complainant_department);
    return actor == c.complainant || (!head.empty() && actor == head);
}

std::string who_may_record(const complaint& c, const config& cfg) {
    if (c.followup && !c.followup->by.empty()) return c.followup->by;
    std::string who = "投诉人" + cfg.org.display_name(c.complainant);
    auto head = cfg.org.head_of(c.complainant_department);
    if (!head.empty() && head != c.complainant)
        who += "或" + c.complainant_department + "负责人" + cfg.org.display_name(head);
    return who;
}

// The corrective actions to check at the 回访, one line each ("生产部：更换模具（期限 12月5日前）").
std::string corrective_lines(const complaint& c) {
    std::string s;
    for (const auto& a : c.corrective_actions)
        s += "\n· " + a.department + "：" + a.measure + (a.until.empty() ? "" : "（期限 " + a.until + "）");
    return s;
}

}  // namespace

void mark_closed(complaint& c, const context& ctx) {
    c.set_status(complaint_status::closed);
    c.closed_at = ctx.now;
    const auto& s = settings(ctx);
    if (!s.enabled || (c.followup && c.followup->result)) return;
    // The work days are the calendar's, whether or not the clocks count business time.
    const core::calendar_settings days = ctx.business ? ctx.business->settings() : core::calendar_settings{};
    followup_record f;
    f.closed_at = ctx.now;
    f.by = s.by;
    f.ask_at = add_work_days(ctx.now, s.after_days, days, ctx.tz);
    f.due = add_work_days(f.ask_at, s.within_days, days, ctx.tz);
    // Halfway: after half the work days (rounded up), or half the time when there is one day.
    f.remind_at = s.within_days >= 2 ? add_work_days(f.ask_at, (s.within_days + 1) / 2, days, ctx.tz)
                                     : f.ask_at + (f.due - f.ask_at) / 2;
    if (f.remind_at >= f.due) f.remind_at = f.ask_at + (f.due - f.ask_at) / 2;
    c.followup = std::move(f);
}

void followup_deadlines(const complaint& c, std::vector<deadline>& out) {
    if (!c.followup || c.followup->result || !c.status_is(complaint_status::closed)) return;
    const auto& f = *c.followup;
    auto key = [](deadline_action a) { return deadline_key::followup_key(a).to_string(); };
    if (!f.asked) out.push_back({c.id, key(deadline_action::ask), f.ask_at});
    if (!f.reminded) out.push_back({c.id, key(deadline_action::remind), f.remind_at});
    if (!f.escalated) out.push_back({c.id, key(deadline_action::escalate), f.due});
}

void fire_followup(complaint& c, const deadline_key& key, const context& ctx, outcome& out) {
    if (!c.followup || c.followup->result || !c.status_is(complaint_status::closed)) return;
    auto& f = *c.followup;
    const auto& cfg = ctx.cfg;
    const auto hint = usage(command_kind::followup, c.id);
    core::outbound_post post{c.chat, {}, {}};
    if (key.action == deadline_action::ask) {
        if (f.asked) return;
        f.asked = true;
        out.events.push_back(make_event(c, ctx, "bot", "followup_requested", "followup",
                                        "请" + visitor_words(c, cfg) + "回访客户"));
        auto customer = c.customer_field() ? *c.customer_field() : std::string{};
        post.text = "📞 " + c.id + " 已于 " + ctx.tz.short_time(*c.closed_at) + " 办结，请" +
                    visitor_words(c, cfg) + "回访客户" + (customer.empty() ? "" : customer) + "，于 " +
                    hm(ctx, f.due) + " 前记录回访结果（" + hint + "）。";
        if (!c.corrective_actions.empty()) post.text += "\n请一并核实整改措施：" + corrective_lines(c);
        for (const auto& p : visitors(c, cfg)) add_mention(post, p);
    } else if (key.action == deadline_action::remind) {
        if (f.reminded) return;
        f.reminded = true;
        if (ctx.now >= f.due) return;  // the end has come too (the bot was down): escalated at once
        out.events.push_back(make_event(c, ctx, "bot", "followup_reminded", "followup",
                                        "提醒" + visitor_words(c, cfg) + "回访"));
        post.text = "🔔 " + c.id + " 尚未记录回访，请" + visitor_words(c, cfg) + "于 " + hm(ctx, f.due) +
                    " 前回访客户并记录（" + hint + "）。";
        for (const auto& p : visitors(c, cfg)) add_mention(post, p);
    } else if (key.action == deadline_action::escalate) {
        if (f.escalated) return;
        f.escalated = true;
        auto dept = owing_department(c);
        auto head = cfg.org.head_of(dept);
        auto e = make_event(c, ctx, "bot", "followup_escalated", "followup",
                            "回访超时，提醒" + dept + "负责人" + cfg.org.display_name(head));
        e.deadline = f.due;
        e.late = ctx.now - f.due;
        out.events.push_back(std::move(e));
        post.text = "⏫ " + c.id + " 回访已超时（截止 " + hm(ctx, f.due) + "），" + visitor_words(c, cfg) +
                    "仍未记录回访结果，请" + dept + "负责人督促（" + hint + "）。";
        add_mention(post, head);
        for (const auto& p : visitors(c, cfg)) add_mention(post, p);
    } else {
        return;
    }
    out.posts.push_back(finish(std::move(post), cfg));
}

bool do_followup(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                 const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (c.status_is(complaint_status::invalid)) {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，无需回访。");
        return false;
    }
    if (c.followup && c.followup->result) {
        refuse(out, ctx, chat, actor,
               c.id + " 已于 " + ctx.tz.short_time(*c.followup->recorded_at) + " 由" +
                   cfg.org.display_name(c.followup->recorded_by) + "记录回访（" +
                   std::string(satisfaction_label(*c.followup->result)) + "），不能重复记录。");
        return false;
    }
    if (c.is_open()) {
        refuse(out, ctx, chat, actor, c.id + " 尚未办结，办结后再回访。");
        return false;
    }
    if (!c.followup) {
        refuse(out, ctx, chat, actor, c.id + " 没有待办的回访。");
        return false;
    }
    if (!may_record(c, cfg, actor)) {
        refuse(out, ctx, chat, actor,
               "只有" + who_may_record(c, cfg) + "可以记录 " + c.id + " 的回访，" +
                   cfg.org.display_name(actor) + "不能记录。");
        return false;
    }
    auto result = parse_satisfaction(cmd.args.empty() ? std::string{} : cmd.args.front());
    if (!result) {  // the parser only gives the three (a caller building commands by hand)
        refuse(out, ctx, chat, actor,
               "回访结果只能写 满意、基本满意 或 不满意。格式：" + usage(cmd.kind, c.id));
        return false;
    }
    auto& f = *c.followup;
    f.result = *result;
    f.recorded_by = actor;
    f.recorded_at = ctx.now;
    f.remark = cmd.text;
    const std::string label(satisfaction_label(*result));
    auto late = late_by(f.due, ctx.now);
    auto e = make_event(
        c, ctx, actor, "followup_recorded", "followup",
        cfg.org.display_name(actor) + " 回访：" + label + (f.remark.empty() ? "" : "，" + f.remark));
    e.deadline = f.due;
    e.late = late;
    out.events.push_back(std::move(e));
    std::string text = "✅ " + c.id + " 回访已记录：" + label +
                       (f.remark.empty() ? "" : "（" + f.remark + "）") + "，" + cfg.org.display_name(actor) +
                       "，" + lateness(late) + "。";
    if (*result != satisfaction::unsatisfied) {
        out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
        return true;
    }
    if (c.appeal.at) {  // one review per complaint: it was reviewed already, the appeal department is told
        text += "\n" + c.id + " 已于 " + ctx.tz.short_time(*c.appeal.at) + " 申诉复核过，请" +
                cfg.roles.appeal + "知悉。";
        auto post = reply_to(chat, actor, std::move(text));
        add_mention(post, cfg.org.head_of(cfg.roles.appeal));
        out.posts.push_back(finish(std::move(post), cfg));
        return true;
    }
    text += "客户不满意，转" + cfg.roles.appeal + "复核。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
    open_review(c, actor, "回访不满意" + (f.remark.empty() ? std::string{} : "：" + f.remark), chat, ctx,
                out);
    return true;
}

bool do_corrective(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (c.status_is(complaint_status::invalid)) {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，无需整改。");
        return false;
    }
    if (c.departments.empty()) {
        refuse(out, ctx, chat, actor, c.id + " 尚未指定责任部门，暂不能登记整改。");
        return false;
    }
    auto mine = std::find_if(c.departments.begin(), c.departments.end(), [&](const department_reply& d) {
        return cfg.org.is_member(actor, d.department);
    });
    if (mine == c.departments.end()) {
        std::vector<std::string> names;
        for (const auto& d : c.departments) names.push_back(d.department);
        refuse(out, ctx, chat, actor,
               "只有 " + c.id + " 的责任部门（" + join(names) + "）可以登记整改，" +
                   cfg.org.display_name(actor) + "不在这些部门。");
        return false;
    }
    corrective_action a{mine->department, actor, cmd.text,
                        cmd.args.empty() ? std::string{} : cmd.args.front(), ctx.now};
    auto& list = c.corrective_actions;
    auto same = std::find_if(list.begin(), list.end(),
                             [&](const corrective_action& x) { return x.department == a.department; });
    const bool replaced = same != list.end();
    if (replaced)
        *same = a;
    else
        list.push_back(a);
    out.events.push_back(make_event(c, ctx, actor, "corrective", "",
                                    a.department + "（" + cfg.org.display_name(actor) + "）整改：" +
                                        a.measure + (a.until.empty() ? "" : "，期限 " + a.until)));
    std::string text = "🛠 " + c.id + " 已" + (replaced ? "更新" : "登记") + a.department + "的整改措施：" +
                       a.measure + (a.until.empty() ? "" : "（期限 " + a.until + "）") + "。";
    text += c.followup && c.followup->result ? "" : "回访时将一并核实。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
    return true;
}

bool do_categorize(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!cfg.org.is_member(actor, cfg.roles.order_desk) && !cfg.org.is_member(actor, cfg.roles.hr)) {
        refuse(out, ctx, chat, actor,
               "只有" + cfg.roles.order_desk + "或" + cfg.roles.hr + "可以为 " + c.id + " 分类，" +
                   cfg.org.display_name(actor) + "不在这两个部门。");
        return false;
    }
    auto category = match_category(cfg, cmd.text);
    if (!category) {
        out.posts.push_back(finish(reply_to(chat, actor, unknown_category_reply(cfg, cmd.text)), cfg));
        return false;
    }
    if (*category == c.category) {
        refuse(out, ctx, chat, actor, c.id + " 的问题类别已是" + *category + "，无需更改。");
        return false;
    }
    auto before = c.category;
    c.category = *category;
    c.category_by = actor;
    c.category_at = ctx.now;
    out.events.push_back(
        make_event(c, ctx, actor, "categorized", "",
                   "问题类别：" + *category + (before.empty() ? "" : "（原为" + before + "）")));
    out.posts.push_back(finish(reply_to(chat, actor,
                                        "🏷 " + c.id + " 问题类别：" + *category +
                                            (before.empty() ? "" : "（原为" + before + "）") + "。"),
                               cfg));
    return true;
}

std::string form_category(complaint& c, const config& cfg) {
    const auto* typed = c.field(category_field);
    if (!typed) return {};
    if (auto name = match_category(cfg, *typed)) {
        c.category = *name;
        return {};
    }
    return "所填问题类别“" + *typed + "”不在列表中，暂未分类（可选：" + category_list(cfg) + "），请" +
           cfg.roles.order_desk + "用“" + usage(command_kind::categorize, c.id) + "”更正。";
}

}  // namespace detail

std::string followup_words(const complaint& c, const context& ctx) {
    if (!c.followup) return {};
    const auto& f = *c.followup;
    const auto& org = ctx.cfg.org;
    if (f.result)
        return std::string(satisfaction_label(*f.result)) + "（" + org.display_name(f.recorded_by) + " " +
               ctx.tz.short_time(*f.recorded_at) + "）" + (f.remark.empty() ? "" : "：" + f.remark);
    if (!c.status_is(complaint_status::closed)) return {};
    std::string who = f.by.empty() ? org.display_name(c.complainant) : f.by;
    if (!f.asked) return "待回访（" + ctx.tz.short_time(f.ask_at) + " 起，" + who + "）";
    return std::string(ctx.now > f.due ? "回访已超时" : "待回访") + "（" + who + "，" +
           ctx.tz.short_time(f.due) + " 截止）";
}

}  // namespace rules
