// Manager approval before the clock (004 篇2 step 1: the complaint is approved by the complainant's
// department manager before it is posted). With workflow.require_manager_approval a salesperson's
// post is registered but waits for their head's 批准 P1, reminded every approval_remind; no stage
// runs until then, and the stages' clocks start at the approval.
#include <nlohmann/json.hpp>

#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;
using json = nlohmann::json;

namespace detail {

bool needs_approval(const complaint& c, const config& cfg, const std::string& poster) {
    if (!cfg.require_manager_approval) return false;
    auto head = cfg.org.head_of(c.complainant_department);
    return !head.empty() && head != poster && head != c.complainant;
}

void ask_approval(complaint& c, const context& ctx) {
    manager_approval a;
    a.head = ctx.cfg.org.head_of(c.complainant_department);
    a.asked_at = ctx.now;
    a.remind_every = ctx.cfg.approval_remind;
    c.approval = a;
    for (auto& s : c.stages) {  // armed at the approval
        s.due.reset();
        s.armed_at.reset();
    }
}

std::string approval_receipt(const complaint& c, const context& ctx) {
    const auto& cfg = ctx.cfg;
    const auto& r = *c.rules;
    const bool product = c.kind == complaint_kind::product;
    return "请" + c.complainant_department + "负责人" + cfg.org.display_name(c.approval->head) +
           "批准（批准 " + c.id + "）。批准后开始计时：" + (product ? cfg.roles.order_desk : cfg.roles.hr) +
           " " + core::format_duration_zh(r.accept.due) + "内受理，" +
           core::format_duration_zh(product ? r.publish.due : r.route.due) + "内" +
           (product ? "公布工艺流程" : "分流") + "。";
}

bool do_approve(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
                outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!c.approval) {
        refuse(out, ctx, chat, actor, c.id + " 登记时无需部门负责人批准，已在处理中。");
        return false;
    }
    auto& a = *c.approval;
    if (a.approved_at) {
        refuse(out, ctx, chat, actor,
               c.id + " 已于 " + ctx.tz.short_time(*a.approved_at) + " 由" +
                   cfg.org.display_name(a.approved_by) + "批准，无需重复。");
        return false;
    }
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，无需批准。");
        return false;
    }
    if (actor != a.head) {
        refuse(out, ctx, chat, actor,
               "只有" + c.complainant_department + "负责人" + cfg.org.display_name(a.head) + "可以批准 " +
                   c.id + "，" + cfg.org.display_name(actor) + "不能批准。");
        return false;
    }
    a.approved_at = ctx.now;
    a.approved_by = actor;
    const auto& k = cal(c, ctx);
    for (auto& s : c.stages) {
        auto id = parse_stage(s.name);
        if (!id || (*id != stage_id::accept && *id != stage_id::publish && *id != stage_id::route)) continue;
        s.due = k.add(ctx.now, rule_for(c.rules, *id).due);
        s.armed_at = ctx.now;
    }
    out.events.push_back(
        make_event(c, ctx, actor, "approved", "",
                   c.complainant_department + "负责人" + cfg.org.display_name(actor) + " 批准，开始计时"));
    const auto& accept = *c.find_stage(stage_id::accept);
    const auto& next = c.stages[1];
    const bool product = c.kind == complaint_kind::product;
    auto post = reply_to(chat, actor,
                         "✅ " + c.id + " 已由" + cfg.org.display_name(actor) + "批准，开始计时。请" +
                             (product ? cfg.roles.order_desk : cfg.roles.hr) + "于 " + hm(ctx, *accept.due) +
                             " 前受理（受理 " + c.id + "），" + hm(ctx, *next.due) + " 前" +
                             stage_label(next.name) + "（" + command_hint(c, cfg, next.name) + "）。");
    for (const auto& m : members_of(cfg, product ? cfg.roles.order_desk : cfg.roles.hr)) add_mention(post, m);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

void approval_deadlines(const complaint& c, std::vector<deadline>& out) {
    if (!c.awaiting_approval() || c.approval->remind_every.count() <= 0) return;
    auto it = c.reminded.find(std::string(to_string(timed_step::approve)));
    int done = it == c.reminded.end() ? 0 : it->second;
    if (done >= c.rules->reminders) return;
    out.push_back({c.id, deadline_key::reminder(timed_step::approve, done + 1).to_string(),
                   c.approval->asked_at + c.approval->remind_every * (done + 1)});
}

std::string approval_reminder(complaint& c, const config& cfg, core::outbound_post& post) {
    if (!c.awaiting_approval()) return {};
    add_mention(post, c.approval->head);
    return c.id + " 待" + c.complainant_department + "负责人" + cfg.org.display_name(c.approval->head) +
           "批准后开始计时（批准 " + c.id + "）";
}

void approval_to(json& j, const complaint& c) {
    if (!c.approval) return;
    const auto& a = *c.approval;
    j["approval"] = {{"head", a.head},
                     {"asked_at", core::to_ms(a.asked_at)},
                     {"remind_every_ms", a.remind_every.count()},
                     {"approved_at", a.approved_at ? json(core::to_ms(*a.approved_at)) : json(nullptr)},
                     {"approved_by", a.approved_by}};
}

void approval_from(const json& j, complaint& c) {
    c.approval.reset();
    auto it = j.find("approval");
    if (it == j.end() || !it->is_object()) return;
    manager_approval a;
    a.head = it->value("head", std::string{});
    a.asked_at = core::from_ms(it->at("asked_at").get<std::int64_t>());
    a.remind_every = core::duration{it->value("remind_every_ms", std::int64_t{300'000})};
    if (auto t = it->find("approved_at"); t != it->end() && !t->is_null())
        a.approved_at = core::from_ms(t->get<std::int64_t>());
    a.approved_by = it->value("approved_by", std::string{});
    c.approval = a;
}

}  // namespace detail

}  // namespace rules
