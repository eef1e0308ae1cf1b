// The customer's clock: the complainant confirms 已答复客户 P1 within customer.answer_within of the
// post (reminded before, escalated to their head at it); a complaint still open after
// customer.resolve_within goes to the complainant's VP, then the general manager, each once, and
// stays on the 督办 list until closed. 延期 P1 <时间> <原因>: a responsible department asks for a
// later reply time, which its head or its VP grants with 同意延期 P1 — no approval, no move.
#include "rules/customer.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;
using json = nlohmann::json;

namespace {

// Who is told when the customer was not answered in time: the complainant's head (their VP when
// the complainant is the head).
std::string answer_overseer(const complaint& c, const config& cfg) {
    auto head = cfg.org.head_of(c.complainant_department);
    if (!head.empty() && head != c.complainant) return head;
    const auto* vp = vp_of(c, cfg);
    return vp ? *vp : head;
}

bool may_answer(const complaint& c, const config& cfg, const std::string& actor) {
    return actor == c.complainant || actor == c.poster || actor == cfg.org.head_of(c.complainant_department);
}

// Who may grant a department's 延期: its head (unless the head asked), its VP, or — when no VP is
// configured for it — the general manager.
std::vector<std::string> approvers(const config& cfg, const extension_request& r) {
    std::vector<std::string> who;
    auto head = cfg.org.head_of(r.department);
    if (!head.empty() && head != r.by) who.push_back(head);
    if (auto it = cfg.roles.vice_presidents.find(r.department); it != cfg.roles.vice_presidents.end())
        who.push_back(it->second);
    if (who.empty())
        for (const auto& p : cfg.roles.general_manager) who.push_back(p);
    return who;
}

std::string names_of(const config& cfg, const std::vector<std::string>& ids) {
    std::vector<std::string> names;
    for (const auto& p : ids) names.push_back(cfg.org.display_name(p));
    return join(names, "或");
}

department_reply* reply_of(complaint& c, const std::string& department) {
    auto it = std::find_if(c.departments.begin(), c.departments.end(),
                           [&](const department_reply& d) { return d.department == department; });
    return it == c.departments.end() ? nullptr : &*it;
}

// Still owes its reply and was not fined: a 延期 can still help.
bool still_owing(const department_reply& d) {
    return !d.replied_at && !d.fined;
}

}  // namespace

namespace detail {

void start_customer_clock(complaint& c, const context& ctx) {
    const auto& s = ctx.cfg.customer;
    if (!s.enabled) return;
    customer_clock k;
    k.answer_due = c.posted_at + s.answer_within;
    k.remind_at = s.remind_before.count() > 0 && s.remind_before < s.answer_within
                      ? k.answer_due - s.remind_before
                      : k.answer_due;
    k.resolve_due = c.posted_at + s.resolve_within;
    k.gm_due = k.resolve_due + s.gm_after;
    c.customer = k;
}

void customer_deadlines(const complaint& c, std::vector<deadline>& out) {
    if (!c.customer || c.status_is(complaint_status::invalid)) return;
    const auto& k = *c.customer;
    if (!k.answered_at) {
        if (!k.reminded && k.remind_at < k.answer_due)
            out.push_back(
                {c.id, deadline_key::customer_key(deadline_action::remind).to_string(), k.remind_at});
        if (!k.escalated)
            out.push_back(
                {c.id, deadline_key::customer_key(deadline_action::escalate).to_string(), k.answer_due});
    }
    if (c.is_open()) {
        if (k.supervised < 1)
            out.push_back({c.id, deadline_key::supervise_key(1).to_string(), k.resolve_due});
        if (k.supervised < 2) out.push_back({c.id, deadline_key::supervise_key(2).to_string(), k.gm_due});
    }
}

void fire_customer(complaint& c, const deadline_key& key, const context& ctx, outcome& out) {
    if (!c.customer || c.status_is(complaint_status::invalid)) return;
    auto& k = *c.customer;
    const auto& cfg = ctx.cfg;
    const auto hint = usage(command_kind::answered, c.id);
    core::outbound_post post{c.chat, {}, {}};
    const auto who = cfg.org.display_name(c.complainant);
    if (key.subject == deadline_key::subject_kind::customer) {
        if (k.answered_at) return;
        if (key.action == deadline_action::remind) {
            if (k.reminded) return;
            k.reminded = true;
            if (ctx.now >= k.answer_due) return;  // the end has come too (the bot was down)
            out.events.push_back(
                make_event(c, ctx, "bot", "customer_reminded", "customer", "提醒" + who + "答复客户"));
            post.text = "🔔 " + c.id + " 请" + who + "于 " + hm(ctx, k.answer_due) +
                        " 前答复客户（处理进度或预计答复时间），并在群里确认（" + hint + "）。";
            add_mention(post, c.complainant);
        } else if (key.action == deadline_action::escalate) {
            if (k.escalated) return;
            k.escalated = true;
            auto boss = answer_overseer(c, cfg);
            auto e = make_event(c, ctx, "bot", "customer_escalated", "customer",
                                "答复客户超时，提醒" + cfg.org.display_name(boss));
            e.deadline = k.answer_due;
            e.late = ctx.now - k.answer_due;
            out.events.push_back(std::move(e));
            post.text = "⏫ " + c.id + " 登记已满 " + core::format_duration_zh(k.answer_due - c.posted_at) +
                        "（截止 " + hm(ctx, k.answer_due) + "），" + who + "仍未确认答复客户，请" +
                        c.complainant_department + "负责人督促（" + hint + "）。";
            add_mention(post, boss);
            add_mention(post, c.complainant);
        } else {
            return;
        }
        out.posts.push_back(finish(std::move(post), cfg));
        return;
    }
    // 督办: still open after resolve_within.
    if (!c.is_open() || key.level <= k.supervised || key.level > 2) return;
    k.supervised = key.level;
    const auto* vp = vp_of(c, cfg);
    const bool to_vp = key.level == 1 && vp;  // without a VP the general manager comes first
    const std::string leader = to_vp ? "副总" : "总经理";
    const std::vector<std::string> targets =
        to_vp ? std::vector<std::string>{*vp} : cfg.roles.general_manager;
    const auto due = key.level == 1 ? k.resolve_due : k.gm_due;
    auto e = make_event(c, ctx, "bot", "supervised", "customer",
                        "逾期未办结，转" + leader + names_of(cfg, targets) + "督办");
    e.deadline = due;
    e.late = ctx.now - due;
    out.events.push_back(std::move(e));
    auto waiting = pending_words(c, ctx);
    if (c.paused_since) waiting += "：" + c.pause_reason;
    post.text = "🚩 督办：" + c.id + " 登记已满 " + core::format_duration_zh(ctx.now - c.posted_at) +
                "仍未办结（" + waiting + "），请" + leader + "督办。";
    for (const auto& p : targets) add_mention(post, p);
    out.posts.push_back(finish(std::move(post), cfg));
}

bool do_answered(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                 const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (c.status_is(complaint_status::invalid)) {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，无需确认答复客户。");
        return false;
    }
    if (!c.customer) {
        refuse(out, ctx, chat, actor, c.id + " 登记时未启用答复客户时限，无需确认。");
        return false;
    }
    if (!may_answer(c, cfg, actor)) {
        auto head = cfg.org.head_of(c.complainant_department);
        refuse(out, ctx, chat, actor,
               "只有投诉人" + cfg.org.display_name(c.complainant) +
                   (head.empty() || head == c.complainant
                        ? std::string{}
                        : "或" + c.complainant_department + "负责人" + cfg.org.display_name(head)) +
                   "可以确认 " + c.id + " 已答复客户，" + cfg.org.display_name(actor) + "不能确认。");
        return false;
    }
    auto& k = *c.customer;
    const bool first = !k.answered_at;
    if (first) {
        k.answered_at = ctx.now;
        k.answered_by = actor;
    }
    k.answer = cmd.text;
    auto late = first ? late_by(k.answer_due, ctx.now) : core::duration{0};
    auto e =
        make_event(c, ctx, actor, "customer_answered", "customer",
                   cfg.org.display_name(actor) + (first ? " 已答复客户：" : " 再次答复客户：") + cmd.text);
    if (first) {
        e.deadline = k.answer_due;
        e.late = late;
    }
    out.events.push_back(std::move(e));
    std::string text = "✅ " + c.id + " 已记录答复客户：" + cmd.text + "（" + cfg.org.display_name(actor) +
                       (first ? "，" + lateness(late) : std::string{}) + "）。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
    return true;
}

bool do_extend(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    const auto* st = c.find_stage(stage_id::respond);
    if (!c.is_open() || !st || !st->due || st->done_at || c.departments.empty()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.is_open() ? " 目前不在等待部门回复，无需延期。" : " 已不在处理中，无需延期。"));
        return false;
    }
    department_reply* mine = nullptr;
    for (auto& d : c.departments)
        if (cfg.org.is_member(actor, d.department) && (!mine || (still_owing(d) && !still_owing(*mine))))
            mine = &d;
    if (!mine) {
        std::vector<std::string> names;
        for (const auto& d : c.departments) names.push_back(d.department);
        refuse(out, ctx, chat, actor,
               "只有 " + c.id + " 的责任部门（" + join(names) + "）可以申请延期，" +
                   cfg.org.display_name(actor) + "不在这些部门。");
        return false;
    }
    if (mine->replied_at) {
        refuse(out, ctx, chat, actor, c.id + " " + mine->department + "已回复，无需延期。");
        return false;
    }
    if (mine->fined) {
        refuse(out, ctx, chat, actor,
               c.id + " " + mine->department + "已超时并已罚款，不能再申请延期，请尽快回复（" +
                   command_hint(c, cfg, stage_id::respond) + "）。");
        return false;
    }
    auto local =
        parse_later_time(cmd.args.empty() ? std::string{} : cmd.args.front(), ctx.tz.date_of(ctx.now));
    auto due = reply_due(c, *mine);
    if (!local) {
        refuse(out, ctx, chat, actor,
               "无法识别延期时间“" + (cmd.args.empty() ? std::string{} : cmd.args.front()) + "”。格式：" +
                   usage(cmd.kind, c.id) + "（如 明天 17:00）");
        return false;
    }
    auto until = ctx.tz.to_utc(*local);
    if (until <= ctx.now || (due && until <= *due)) {
        refuse(out, ctx, chat, actor,
               "延期时间 " + hm(ctx, until) + " 须晚于现在的回复截止时间" + (due ? " " + hm(ctx, *due) : "") +
                   "，未登记。");
        return false;
    }
    extension_request r{mine->department, actor, until, cmd.text, ctx.now, {}, {}, {}, {}, {}, {}};
    auto& list = c.extensions;
    list.erase(std::remove_if(
                   list.begin(), list.end(),
                   [&](const extension_request& x) { return x.department == r.department && x.pending(); }),
               list.end());
    auto who = approvers(cfg, r);
    list.push_back(r);
    out.events.push_back(
        make_event(c, ctx, actor, "extension_requested", "respond",
                   mine->department + "申请延期至 " + ctx.tz.short_time(until) + "：" + cmd.text));
    auto post = reply_to(chat, actor,
                         "⏳ " + c.id + " " + mine->department + "申请将回复时间延至 " + hm(ctx, until) +
                             (due ? "（原截止 " + hm(ctx, *due) + "）" : std::string{}) + "，原因：" +
                             cmd.text + "。请" + names_of(cfg, who) + "审批（" +
                             std::string(command_word(command_kind::approve_extension)) + " " + c.id +
                             "）；批准前仍按原截止时间计。");
    for (const auto& p : who) add_mention(post, p);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

bool do_approve_extension(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                          const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    const bool refusing = cmd.kind == command_kind::refuse_extension;
    const std::string verb = refusing ? "驳回" : "批准";
    std::vector<extension_request*> pending;
    for (auto& r : c.extensions) {
        const auto* d = reply_of(c, r.department);
        if (r.pending() && d && still_owing(*d)) pending.push_back(&r);
    }
    // The department: 同意延期's word, or 驳回延期's first word when it names one (then the reason follows).
    std::string named = cmd.departments.empty() ? std::string{} : cmd.departments.front();
    std::string reason = cmd.text;
    if (refusing) {
        auto words = split_words(cmd.text);
        if (!words.empty())
            if (const auto* dept = cfg.org.find_department(words.front())) {
                named = dept->name;
                reason = std::string(trim(
                    std::string_view(cmd.text).substr(cmd.text.find(words.front()) + words.front().size())));
            }
    }
    if (!named.empty()) {
        const auto* dept = cfg.org.find_department(named);
        std::string name = dept ? dept->name : named;
        pending.erase(std::remove_if(pending.begin(), pending.end(),
                                     [&](const extension_request* r) { return r->department != name; }),
                      pending.end());
    }
    if (!c.is_open() || pending.empty()) {
        refuse(out, ctx, chat, actor,
               c.id + " 没有待批准的延期申请" + (named.empty() ? std::string{} : "（" + named + "）") + "。");
        return false;
    }
    if (pending.size() > 1) {
        std::vector<std::string> names;
        for (const auto* r : pending) names.push_back(r->department);
        refuse(out, ctx, chat, actor,
               c.id + " 有多个部门申请延期（" + join(names) + "），请写明" + verb + "哪个部门：" +
                   usage(cmd.kind, c.id));
        return false;
    }
    auto& r = *pending.front();
    auto who = approvers(cfg, r);
    if (std::find(who.begin(), who.end(), actor) == who.end()) {
        refuse(out, ctx, chat, actor,
               "只有" + names_of(cfg, who) + "可以" + verb + r.department + "的延期，" +
                   cfg.org.display_name(actor) + "不能" + verb + "。");
        return false;
    }
    if (refusing) {
        if (reason.empty()) {
            refuse(out, ctx, chat, actor, "请写明驳回原因。格式：" + usage(cmd.kind, c.id));
            return false;
        }
        r.refused_by = actor;
        r.refused_at = ctx.now;
        r.refusal = reason;
        auto due = reply_due(c, *reply_of(c, r.department));
        out.events.push_back(
            make_event(c, ctx, actor, "extension_refused", "respond",
                       r.department + "的延期申请被驳回（" + cfg.org.display_name(actor) + "）：" + reason));
        auto post = reply_to(chat, actor,
                             "↩️ " + c.id + " " + r.department + "的延期申请已驳回（" +
                                 cfg.org.display_name(actor) + "）：" + reason + "。仍须于 " +
                                 (due ? hm(ctx, *due) : std::string("原截止时间")) + " 前回复（" +
                                 command_hint(c, cfg, stage_id::respond) + "）。");
        add_mention(post, r.by);
        out.posts.push_back(finish(std::move(post), cfg));
        return true;
    }
    if (r.until <= ctx.now) {
        refuse(out, ctx, chat, actor,
               r.department + "申请的时间 " + hm(ctx, r.until) + " 已过，请" + r.department + "重新申请。");
        return false;
    }
    auto* d = reply_of(c, r.department);
    r.previous_due = reply_due(c, *d);
    r.approved_by = actor;
    r.approved_at = ctx.now;
    d->due = r.until;
    std::string from = r.previous_due ? "由 " + hm(ctx, *r.previous_due) + " " : std::string{};
    out.events.push_back(make_event(c, ctx, actor, "extension_approved", "respond",
                                    r.department + "回复截止" + from + "延至 " + ctx.tz.short_time(r.until) +
                                        "（" + cfg.org.display_name(actor) + "批准）"));
    auto post = reply_to(chat, actor,
                         "✅ " + c.id + " 同意延期：" + r.department + "回复截止" + from + "延至 " +
                             hm(ctx, r.until) + "（" + cfg.org.display_name(actor) + "批准）。请投诉人" +
                             cfg.org.display_name(c.complainant) + "告知客户新的答复时间（" +
                             usage(command_kind::answered, c.id) + "）。");
    add_mention(post, r.by);
    add_mention(post, c.complainant);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

void customer_to(json& j, const complaint& c) {
    if (c.customer) {
        const auto& k = *c.customer;
        j["customer"] = {{"answer_due", core::to_ms(k.answer_due)},
                         {"remind_at", core::to_ms(k.remind_at)},
                         {"resolve_due", core::to_ms(k.resolve_due)},
                         {"gm_due", core::to_ms(k.gm_due)},
                         {"reminded", k.reminded},
                         {"escalated", k.escalated},
                         {"supervised", k.supervised},
                         {"answered_at", k.answered_at ? json(core::to_ms(*k.answered_at)) : json(nullptr)},
                         {"answered_by", k.answered_by},
                         {"answer", k.answer}};
    }
    if (!c.extensions.empty()) {
        json list = json::array();
        for (const auto& r : c.extensions)
            list.push_back(
                {{"department", r.department},
                 {"by", r.by},
                 {"until", core::to_ms(r.until)},
                 {"reason", r.reason},
                 {"at", core::to_ms(r.at)},
                 {"approved_by", r.approved_by},
                 {"approved_at", r.approved_at ? json(core::to_ms(*r.approved_at)) : json(nullptr)},
                 {"previous_due", r.previous_due ? json(core::to_ms(*r.previous_due)) : json(nullptr)},
                 {"refused_by", r.refused_by},
                 {"refused_at", r.refused_at ? json(core::to_ms(*r.refused_at)) : json(nullptr)},
                 {"refusal", r.refusal}});
        j["extensions"] = std::move(list);
    }
}

void customer_from(const json& j, complaint& c) {
    auto opt = [](const json& o, const char* key) -> std::optional<core::instant> {
        auto it = o.find(key);
        if (it == o.end() || it->is_null()) return std::nullopt;
        return core::from_ms(it->get<std::int64_t>());
    };
    auto at = [](const json& o, const char* key) { return core::from_ms(o.at(key).get<std::int64_t>()); };
    c.customer.reset();
    if (auto it = j.find("customer"); it != j.end() && it->is_object()) {
        customer_clock k;
        k.answer_due = at(*it, "answer_due");
        k.remind_at = at(*it, "remind_at");
        k.resolve_due = at(*it, "resolve_due");
        k.gm_due = at(*it, "gm_due");
        k.reminded = it->value("reminded", false);
        k.escalated = it->value("escalated", false);
        k.supervised = it->value("supervised", 0);
        k.answered_at = opt(*it, "answered_at");
        k.answered_by = it->value("answered_by", std::string{});
        k.answer = it->value("answer", std::string{});
        c.customer = k;
    }
    c.extensions.clear();
    if (auto it = j.find("extensions"); it != j.end() && it->is_array())
        for (const auto& r : *it)
            c.extensions.push_back({r.at("department").get<std::string>(), r.at("by").get<std::string>(),
                                    at(r, "until"), r.value("reason", std::string{}), at(r, "at"),
                                    r.value("approved_by", std::string{}), opt(r, "approved_at"),
                                    opt(r, "previous_due"), r.value("refused_by", std::string{}),
                                    opt(r, "refused_at"), r.value("refusal", std::string{})});
}

}  // namespace detail

std::string customer_words(const complaint& c, const context& ctx) {
    if (!c.customer) return {};
    const auto& k = *c.customer;
    const auto& org = ctx.cfg.org;
    if (k.answered_at)
        return "已答复客户（" + org.display_name(k.answered_by) + " " + ctx.tz.short_time(*k.answered_at) +
               "）：" + k.answer;
    if (c.status_is(complaint_status::invalid)) return {};
    return std::string(ctx.now > k.answer_due ? "答复客户已超时" : "待答复客户") + "（" +
           org.display_name(c.complainant) + "，" + ctx.tz.short_time(k.answer_due) + " 截止）";
}

std::vector<std::string> extension_words(const complaint& c, const context& ctx) {
    std::vector<std::string> lines;
    const auto& org = ctx.cfg.org;
    for (const auto& r : c.extensions)
        lines.push_back(
            r.department + (r.approved_by.empty() ? "申请延至 " : "延至 ") + ctx.tz.short_time(r.until) +
            (!r.approved_by.empty()  ? "（" + org.display_name(r.approved_by) + "批准）"
             : !r.refused_by.empty() ? "（" + org.display_name(r.refused_by) + "驳回：" + r.refusal + "）"
                                     : std::string("（待批准）")) +
            "：" + r.reason);
    return lines;
}

bool supervised(const complaint& c, core::instant now) {
    return c.customer && c.is_open() && now >= c.customer->resolve_due;
}

std::string supervision_list(const std::vector<const complaint*>& open, const context& ctx,
                             std::size_t max_lines) {
    std::vector<const complaint*> list;
    for (const auto* c : open)
        if (supervised(*c, ctx.now)) list.push_back(c);
    std::sort(list.begin(), list.end(), [](const complaint* a, const complaint* b) {
        return a->posted_at != b->posted_at ? a->posted_at < b->posted_at : a->id < b->id;
    });
    if (list.empty())
        return "🚩 督办：没有登记满 " + core::format_duration_zh(ctx.cfg.customer.resolve_within) +
               " 仍未办结的投诉。";
    std::string s = "🚩 督办（登记满 " + core::format_duration_zh(ctx.cfg.customer.resolve_within) +
                    " 仍未办结）共 " + std::to_string(list.size()) + " 件：";
    for (std::size_t i = 0; i < list.size() && i < max_lines; ++i) {
        const auto& c = *list[i];
        s += "\n· " + pending_summary(c, ctx) + "，已 " + core::format_duration_zh(ctx.now - c.posted_at) +
             (c.customer->supervised >= 2   ? "，总经理督办"
              : c.customer->supervised == 1 ? "，副总督办"
                                            : "");
    }
    if (list.size() > max_lines) s += "\n…另有 " + std::to_string(list.size() - max_lines) + " 件";
    return s;
}

}  // namespace rules
