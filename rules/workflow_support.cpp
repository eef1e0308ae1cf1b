#include "rules/workflow_support.hpp"

#include <algorithm>

#include "rules/facts.hpp"
#include "rules/text.hpp"
#include "rules/wording.hpp"

namespace rules::detail {

std::string field_text(const complaint& c, const char* key) {
    const auto* v = c.field(key);
    return v ? std::string(trim(*v)) : std::string{};
}

std::string customer_text(const complaint& c) {
    const auto* v = c.customer_field();
    return v ? std::string(trim(*v)) : std::string{};
}

std::string hm(const context& ctx, core::instant t) {
    auto l = ctx.tz.to_local(t);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02u:%02u", l.hour % 100U, l.minute % 100U);
    std::string s = buf;
    // Another day than today: show the date too.
    if (ctx.tz.date_of(ctx.now) != l.date) s = ctx.tz.short_time(t);
    return s;
}

std::string at_name(const config& cfg, const std::string& person_id) {
    return "@" + cfg.org.display_name(person_id);
}

void add_mention(core::outbound_post& post, const std::string& person) {
    if (person.empty()) return;
    if (std::find(post.mentions.begin(), post.mentions.end(), person) == post.mentions.end())
        post.mentions.push_back(person);
}

// Appends " @A @B" for every mention to the text, so the post reads right on any platform.
core::outbound_post finish(core::outbound_post post, const config& cfg) {
    return with_mentions(std::move(post), cfg);
}

std::vector<std::string> members_of(const config& cfg, std::string_view dept) {
    std::vector<std::string> out;
    const auto* d = cfg.org.find_department(dept);
    if (!d) return out;
    if (!d->head.empty()) out.push_back(d->head);
    for (const auto& p : cfg.org.people)
        if (p.department == d->name && p.id != d->head) out.push_back(p.id);
    return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string out;
    for (const auto& s : v) {
        if (!out.empty()) out += sep;
        out += s;
    }
    return out;
}

std::string lateness(core::duration late) {
    return late.count() > 0 ? "超时" + core::format_duration_zh(late) : "按时";
}

const stage_rule& rule_for(const workflow_rules& r, stage_id stage) {
    switch (stage) {
        case stage_id::accept:
            return r.accept;
        case stage_id::publish:
            return r.publish;
        case stage_id::route:
            return r.route;
        case stage_id::respond:
            return r.respond;
        case stage_id::review:
            return r.review;
        case stage_id::notify:
            break;
    }
    return r.notify;
}

const stage_rule& rule_for(const workflow_rules& r, std::string_view stage) {
    return rule_for(r, parse_stage(stage).value_or(stage_id::notify));
}

const core::calendar& cal(const complaint& c, const context& ctx) {
    return calendar_of(c, ctx.business);
}

// The department that must act on a stage (respond has several: see pending_departments).
std::string acting_department(const complaint& c, const config& cfg, stage_id stage) {
    return acting_department_of(c.kind, cfg, stage);
}

std::string acting_department(const complaint& c, const config& cfg, std::string_view stage) {
    return acting_department(c, cfg, parse_stage(stage).value_or(stage_id::notify));
}

std::string command_hint(const complaint& c, const config& cfg, stage_id stage) {
    switch (stage) {
        case stage_id::accept:
            return "受理 " + c.id;
        case stage_id::publish:  // the configured investigators, as 工艺 takes them by default
            return "工艺 " + c.id + " <工艺流程> 调查: " +
                   (cfg.roles.investigators.empty() ? std::string("<部门>")
                                                    : join(cfg.roles.investigators, " "));
        case stage_id::route:
            return "分流 " + c.id + " <部门>";
        case stage_id::review:
            return "复核 " + c.id + " <复核结论>";
        case stage_id::respond:
            return c.kind == complaint_kind::product ? "回复 " + c.id + " <鉴定结果与处理意见>"
                                                     : "方案 " + c.id + " <处理方案>";
        case stage_id::notify:
            break;
    }
    return "已通知 " + c.id;
}

std::string command_hint(const complaint& c, const config& cfg, std::string_view stage) {
    return command_hint(c, cfg, parse_stage(stage).value_or(stage_id::notify));
}

core::outbound_post reply_to(const std::string& chat, const std::string& actor, std::string text) {
    core::outbound_post p{chat, std::move(text), {}};
    add_mention(p, actor);
    return p;
}

void refuse(outcome& out, const context& ctx, const std::string& chat, const std::string& actor,
            std::string text) {
    out.posts.push_back(finish(reply_to(chat, actor, "❌ " + std::move(text)), ctx.cfg));
}

event make_event(const complaint& c, const context& ctx, std::string actor, std::string type,
                 std::string stage, std::string detail) {
    event e;
    e.complaint = c.id;
    e.at = ctx.now;
    e.actor = std::move(actor);
    e.type = std::move(type);
    e.stage = std::move(stage);
    e.detail = std::move(detail);
    return e;
}

std::vector<std::string> escalation_targets(const complaint& c, const config& cfg, std::string_view stage,
                                            const std::string& notify, core::instant now) {
    std::vector<std::string> out;
    if (notify == "head") {
        if (stage == "respond") {
            for (const auto& name : silent_departments(c, now)) {
                auto head = cfg.org.head_of(name);
                if (std::find(out.begin(), out.end(), head) == out.end()) out.push_back(head);
            }
        } else {
            out.push_back(cfg.org.head_of(acting_department(c, cfg, stage)));
        }
    } else if (notify == "hr_head") {
        out.push_back(cfg.org.head_of(cfg.roles.hr));
    } else if (notify == "order_desk_head") {
        out.push_back(cfg.org.head_of(cfg.roles.order_desk));
    } else if (notify == "vp") {
        auto it = cfg.roles.vice_presidents.find(c.complainant_department);
        if (it != cfg.roles.vice_presidents.end()) out.push_back(it->second);
    } else if (notify == "general_manager") {
        out = cfg.roles.general_manager;
    } else if (notify.rfind("person:", 0) == 0) {
        out.push_back(notify.substr(7));
    } else if (notify.rfind("department:", 0) == 0) {
        out.push_back(cfg.org.head_of(notify.substr(11)));
    }
    out.erase(std::remove(out.begin(), out.end(), std::string{}), out.end());
    return out;
}

std::string target_words(const complaint& c, const config& cfg, std::string_view stage,
                         const std::string& notify, core::instant now) {
    std::vector<std::string> names;
    for (const auto& p : escalation_targets(c, cfg, stage, notify, now))
        names.push_back(cfg.org.display_name(p));
    std::string who;
    if (notify == "head")
        who = (stage == "respond" ? join(silent_departments(c, now)) : acting_department(c, cfg, stage)) +
              "负责人";
    else if (notify == "hr_head")
        who = cfg.roles.hr + "负责人";
    else if (notify == "order_desk_head")
        who = cfg.roles.order_desk + "负责人";
    else if (notify == "vp")
        who = "副总";
    else if (notify == "general_manager")
        who = "总经理";
    else if (notify.rfind("department:", 0) == 0)
        who = notify.substr(11) + "负责人";
    if (names.empty()) return who.empty() ? std::string("（无人可通知）") : who + "（未配置）";
    return who + join(names);
}

std::vector<std::string> silent_departments(const complaint& c) {
    std::vector<std::string> out;
    for (const auto& d : c.departments)
        if (!d.replied_at) out.push_back(d.department);
    return out;
}

std::vector<std::string> silent_departments(const complaint& c, core::instant due_by) {
    std::vector<std::string> out;
    for (const auto& d : c.departments) {
        auto due = reply_due(c, d);
        if (!d.replied_at && due && *due <= due_by) out.push_back(d.department);
    }
    return out;
}

// Responsible departments whose head has not signed the 质量投诉处理流程表 yet.
std::vector<std::string> unsigned_departments(const complaint& c) {
    std::vector<std::string> out;
    for (const auto& d : c.departments)
        if (std::find(c.sheet_signed.begin(), c.sheet_signed.end(), d.department) == c.sheet_signed.end())
            out.push_back(d.department);
    return out;
}

// The complainant department's VP, who gives the 副总意见; nullptr when none is configured (the
// general manager and assistant stand in).
bool is_general_manager(const config& cfg, const std::string& person) {
    const auto& gm = cfg.roles.general_manager;
    return std::find(gm.begin(), gm.end(), person) != gm.end();
}

bool is_vice_president(const config& cfg, const std::string& person) {
    for (const auto& [department, vp] : cfg.roles.vice_presidents)
        if (vp == person) return true;
    return false;
}

const std::string* vp_of(const complaint& c, const config& cfg) {
    auto it = cfg.roles.vice_presidents.find(c.complainant_department);
    return it == cfg.roles.vice_presidents.end() ? nullptr : &it->second;
}

void close_if_done(complaint& c, const context& ctx, outcome& out, const std::string& actor) {
    if (c.pending_stage() != nullptr || !c.is_open()) return;
    if (c.compensation && !c.executed.at) return;  // leaves through the compensation flow (签字 … 执行)
    mark_closed(c, ctx);
    out.events.push_back(make_event(c, ctx, actor, "closed", "", "投诉处理完毕，已关闭"));
}

std::vector<std::string> resolve_departments(const std::vector<std::string>& words, const config& cfg,
                                             std::vector<std::string>& bad) {
    std::vector<std::string> out;
    for (const auto& w : words) {
        const auto* d = cfg.org.find_department(w);
        if (!d) {
            bad.push_back(w);
            continue;
        }
        if (std::find(out.begin(), out.end(), d->name) == out.end()) out.push_back(d->name);
    }
    return out;
}

std::string department_names(const config& cfg) {
    std::vector<std::string> names;
    for (const auto& d : cfg.org.departments) names.push_back(d.name);
    return join(names);
}

std::string who_may(const complaint& c, const config& cfg, std::string_view stage) {
    if (parse_stage(stage) == stage_id::respond) return join(silent_departments(c));
    return acting_department(c, cfg, stage);
}

bool check_stage(const complaint& c, std::string_view stage, const context& ctx, outcome& out,
                 const std::string& chat, const std::string& actor) {
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status_is(complaint_status::invalid) ? " 已判为无效投诉，" : " 已关闭，") +
                   "无需再" + stage_label(stage) + "。");
        return false;
    }
    const auto* pending = c.pending_stage();
    if (pending && pending->name == stage) return true;
    if (!pending) {
        refuse(out, ctx, chat, actor, c.id + " 各环节均已完成，无需再" + stage_label(stage) + "。");
        return false;
    }
    // Is the stage already done, or still ahead?
    const auto* target = c.find_stage(stage);
    if (target && target->done_at) {
        refuse(out, ctx, chat, actor,
               c.id + " 已于 " + ctx.tz.short_time(*target->done_at) + " 由 " +
                   ctx.cfg.org.display_name(target->done_by) + " " + stage_label(stage) + "，无需重复。");
    } else if (!target) {
        refuse(out, ctx, chat, actor,
               c.id + " 是" + std::string(kind_title(c.kind)) + "，没有“" + stage_label(stage) + "”环节。");
    } else {
        refuse(out, ctx, chat, actor,
               c.id + " 当前待" + stage_label(pending->name) + "，请先完成：" +
                   command_hint(c, ctx.cfg, pending->name) + "。");
    }
    return false;
}

bool check_member(const complaint& c, std::string_view dept, const context& ctx, outcome& out,
                  const std::string& chat, const std::string& actor, std::string_view what) {
    if (ctx.cfg.org.is_member(actor, dept)) return true;
    refuse(out, ctx, chat, actor,
           "只有" + std::string(dept) + "可以" + std::string(what) + " " + c.id + "，" +
               ctx.cfg.org.display_name(actor) + "不在" + std::string(dept) + "。");
    return false;
}

void complete_stage(complaint& c, stage_state& st, const std::string& actor, const context& ctx, outcome& out,
                    std::string type, std::string detail) {
    st.done_at = ctx.now;
    st.done_by = actor;
    auto e = make_event(c, ctx, actor, std::move(type), st.name, std::move(detail));
    e.deadline = st.due;
    if (st.due && ctx.now > *st.due) e.late = ctx.now - *st.due;
    out.events.push_back(std::move(e));
}

core::duration late_by(const stage_state& st, core::instant now) {
    return late_by(st.due, now);
}

core::duration late_by(const std::optional<core::instant>& due, core::instant now) {
    return due && now > *due ? now - *due : core::duration{0};
}

std::string name_with_department(const config& cfg, const std::string& person_id) {
    const auto* p = cfg.org.find_person(person_id);
    if (!p) return person_id;
    return p->department.empty() ? p->name : p->name + "（" + p->department + "）";
}

core::duration repeat_period(const workflow_rules& r, const stage_rule& rule) {
    return rule.repeat_every ? *rule.repeat_every : r.repeat_every;
}

}  // namespace rules::detail
