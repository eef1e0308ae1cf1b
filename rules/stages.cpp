// The stages of a complaint's clock: registration, 受理, 工艺 (publish) / 分流 (route), the
// departments' 回复/方案 (respond), 已通知 (notify), and 暂停/恢复 and 无效 across them.
#include <algorithm>

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace {

bool contains_keyword(const std::string* value, const std::vector<std::string>& keywords) {
    if (!value) return false;
    auto folded = fold(*value);
    for (const auto& k : keywords)
        if (!k.empty() && folded.find(fold(k)) != std::string::npos) return true;
    return false;
}

// Arms the respond stage for `departments` (publish / route).
void arm_respond(complaint& c, const std::vector<std::string>& departments, const context& ctx) {
    auto* st = c.find_stage(stage_id::respond);
    const auto& k = cal(c, ctx);
    auto due = k.add(k.add(c.clock_start(), c.rules->respond.due), c.paused_total);
    due = std::max(due, k.add(ctx.now, c.rules->respond_minimum));
    if (auto crisis = crisis_respond_due(c, ctx.now); crisis && *crisis < due) due = *crisis;  // 一级
    st->due = due;
    st->armed_at = ctx.now;
    c.departments.clear();
    for (const auto& d : departments) {
        department_reply r;
        r.department = d;
        c.departments.push_back(std::move(r));
    }
}

}  // namespace

// Registration

complaint register_complaint(const complaint_form& form, const core::inbound_message& msg, int seq,
                             const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    complaint c;
    c.kind = form.kind;
    c.seq = seq;
    c.id = std::string(1, kind_prefix(form.kind)) + std::to_string(seq);
    c.chat = msg.chat;
    c.poster = msg.sender;
    c.posted_at = ctx.now;
    c.fields = form.fields;
    c.attachments = msg.attachments;
    if (cfg.workflow.business_time == cfg.calendar.business) {
        c.rules = cfg.workflow;  // the copy shared with the complaints registered before
    } else {
        auto frozen = cfg.workflow;
        frozen.business_time = cfg.calendar.business;
        c.rules = frozen;
    }

    // 投诉人 decides whose VP gets the sheet, who may appeal and which department the reports
    // count; when it names nobody (or two people) the poster stands in and the receipt says so.
    c.complainant = msg.sender;
    std::string written = form.field("投诉人") ? std::string(trim(*form.field("投诉人"))) : std::string{};
    auto match = cfg.org.match_person(written);
    if (match.found) c.complainant = match.found->id;
    if (const auto* p = cfg.org.find_person(c.complainant)) c.complainant_department = p->department;
    auto warning = complainant_warning(c, match, written, cfg);
    auto category_warning = form_category(c, cfg);
    start_customer_clock(c, ctx);

    auto stage_at = [&](stage_id id, const stage_rule& r) {
        stage_state s;
        s.name = std::string(to_string(id));
        s.due = calendar_of(c, ctx.business).add(c.posted_at, r.due);
        s.armed_at = c.posted_at;
        return s;
    };
    auto unarmed = [](stage_id id) {
        return stage_state{std::string(to_string(id)), {}, {}, {}, {}, false, 0, false};
    };
    c.stages.push_back(stage_at(stage_id::accept, c.rules->accept));
    if (c.kind == complaint_kind::product) {
        c.stages.push_back(stage_at(stage_id::publish, c.rules->publish));
        c.stages.push_back(unarmed(stage_id::respond));
    } else {
        c.stages.push_back(stage_at(stage_id::route, c.rules->route));
        c.stages.push_back(unarmed(stage_id::respond));
        c.stages.push_back(unarmed(stage_id::notify));
    }
    c.compensation = contains_keyword(form.field(c.kind == complaint_kind::product ? "客户要求" : "投诉目的"),
                                      c.rules->compensation_keywords);

    auto who = cfg.org.display_name(c.complainant);
    auto registered = make_event(c, ctx, msg.sender, "registered", "",
                                 "登记" + std::string(kind_title(c.kind)) + "（投诉人 " + who +
                                     (warning.empty() ? "" : "，所填“" + written + "”未能对应") + "）");
    out.events.push_back(registered);
    const bool approval = needs_approval(c, cfg, msg.sender);
    if (approval) {
        ask_approval(c, ctx);
        out.events.push_back(make_event(
            c, ctx, "bot", "approval_requested", "",
            "待" + c.complainant_department + "负责人" + cfg.org.display_name(c.approval->head) + "批准"));
    }

    core::outbound_post post{msg.chat, {}, {}};
    const auto& accept = *c.find_stage(stage_id::accept);
    std::string text = "✅ 已登记" + std::string(kind_title(c.kind)) + " " + c.id +
                       (approval ? "（待批准）" : "") + "\n投诉人：" +
                       name_with_department(cfg, c.complainant);
    if (approval) {
        if (const auto* v = c.customer_field())
            text += std::string(c.kind == complaint_kind::product ? "　客户：" : "　投诉对象：") + *v;
        text += "\n" + approval_receipt(c, ctx);
        add_mention(post, c.approval->head);
    } else if (c.kind == complaint_kind::product) {
        if (const auto* v = c.field("客户名称")) text += "　客户：" + *v;
        const auto& publish = *c.find_stage(stage_id::publish);
        text += "\n请" + cfg.roles.order_desk + "于 " + hm(ctx, *accept.due) + " 前受理（受理 " + c.id +
                "），" + hm(ctx, *publish.due) + " 前公布工艺流程（" +
                command_hint(c, cfg, stage_id::publish) + "）。";
        for (const auto& m : members_of(cfg, cfg.roles.order_desk)) add_mention(post, m);
    } else {
        if (const auto* v = c.field("投诉对象")) text += "　投诉对象：" + *v;
        const auto& route = *c.find_stage(stage_id::route);
        text += "\n请" + cfg.roles.hr + "于 " + hm(ctx, *accept.due) + " 前受理（受理 " + c.id + "），" +
                hm(ctx, *route.due) + " 前分流到责任部门（分流 " + c.id + " <部门>）。";
        for (const auto& m : members_of(cfg, cfg.roles.hr)) add_mention(post, m);
    }
    if (c.compensation) text += "\n涉及赔款或退换货，答复后进入质量投诉处理流程表。";
    if (auto word = crisis_keyword(c, cfg); !word.empty()) {
        text += "\n⚠️ 内容提到“" + word + "”，可能属一级投诉（危机事件），请" + cfg.roles.hr +
                "确认（级别 " + c.id + " 一级 <原因>）。";
        add_mention(post, cfg.org.head_of(cfg.roles.hr));
    }
    if (!warning.empty() || !category_warning.empty()) add_mention(post, msg.sender);
    if (!warning.empty()) text += "\n" + warning;
    if (!category_warning.empty()) text += "\n" + category_warning;
    post.text = std::move(text);
    // Buttons where the platform has them: a press is the same command from whoever pressed.
    if (approval)
        post.actions.push_back({"批准", "批准 " + c.id});
    else
        post.actions.push_back({"受理", "受理 " + c.id});
    post.actions.push_back({"查询", "查询 " + c.id});
    out.posts.push_back(finish(std::move(post), cfg));
    return c;
}

// -------------------------------------------------------------------------------------------------
// Commands

namespace detail {

bool do_accept(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
               outcome& out) {
    if (!check_stage(c, "accept", ctx, out, chat, actor)) return false;
    auto dept = acting_department(c, ctx.cfg, stage_id::accept);
    if (!check_member(c, dept, ctx, out, chat, actor, "受理")) return false;
    auto& st = *c.find_stage(stage_id::accept);
    auto late = late_by(st, ctx.now);
    complete_stage(c, st, actor, ctx, out, "accepted", ctx.cfg.org.display_name(actor) + " 受理");
    const auto& next = c.stages[1];
    std::string text =
        "👌 " + c.id + " 已由" + ctx.cfg.org.display_name(actor) + "受理（" + lateness(late) + "）。";
    if (*next.due > ctx.now)
        text += "请于 " + hm(ctx, *next.due) + " 前" + stage_label(next.name) + "（" +
                command_hint(c, ctx.cfg, next.name) + "）。";
    else
        text += stage_label(next.name) + "已超时（截止 " + hm(ctx, *next.due) + "），请立即" +
                stage_label(next.name) + "（" + command_hint(c, ctx.cfg, next.name) + "）。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), ctx.cfg));
    return true;
}

bool do_assign(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out) {
    const bool product = cmd.kind == command_kind::publish;
    const std::string stage = product ? "publish" : "route";
    if (product != (c.kind == complaint_kind::product)) {
        refuse(out, ctx, chat, actor,
               c.id + " 是" + std::string(kind_title(c.kind)) + "，请用：" +
                   command_hint(c, ctx.cfg,
                                c.kind == complaint_kind::product ? stage_id::publish : stage_id::route) +
                   "。");
        return false;
    }
    if (!check_stage(c, stage, ctx, out, chat, actor)) return false;
    auto dept = acting_department(c, ctx.cfg, stage);
    if (!check_member(c, dept, ctx, out, chat, actor, product ? "公布工艺流程" : "分流")) return false;

    std::vector<std::string> words = cmd.departments;
    if (words.empty() && product) words = ctx.cfg.roles.investigators;  // 调查 defaults to the investigators
    std::vector<std::string> bad;
    auto departments = resolve_departments(words, ctx.cfg, bad);
    if (!bad.empty() || departments.empty()) {
        refuse(out, ctx, chat, actor,
               (bad.empty() ? std::string("没有指定部门") : "未知部门：" + join(bad)) + "。可用的部门：" +
                   department_names(ctx.cfg) + "。");
        return false;
    }
    auto& st = *c.find_stage(stage);
    auto late = late_by(st, ctx.now);
    if (product) c.process_flow = cmd.text;
    complete_stage(c, st, actor, ctx, out, product ? "published" : "routed",
                   ctx.cfg.org.display_name(actor) + (product ? " 公布工艺流程，调查：" : " 分流至 ") +
                       join(departments));
    arm_respond(c, departments, ctx);
    const auto& respond = *c.find_stage(stage_id::respond);

    core::outbound_post post{chat, {}, {}};
    std::string text;
    if (product) {
        text = "📋 " + c.id + " 工艺流程已公布（" + lateness(late) + "）：" + cmd.text + "\n请" +
               join(departments) + "于 " + hm(ctx, *respond.due) + " 前回复鉴定结果与处理意见（回复 " + c.id +
               " <内容>）。";
    } else {
        text = "🔀 " + c.id + " 已分流至" + join(departments) + "（" + lateness(late) + "）。\n请于 " +
               hm(ctx, *respond.due) + " 前提交处理方案（方案 " + c.id + " <处理方案>）。";
    }
    text += "逾期未回复，按每次 " + std::to_string(c.rules->fine_amount) + " 元对部门负责人处罚。";
    for (const auto& d : departments) add_mention(post, ctx.cfg.org.head_of(d));
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), ctx.cfg));
    return true;
}

bool do_respond(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    auto is_mine = [&](const department_reply& d) { return cfg.org.is_member(actor, d.department); };
    // A reply can be amended until every department has answered; then it stands.
    if (const auto* done = c.find_stage(stage_id::respond);
        c.is_open() && done && done->done_at &&
        std::any_of(c.departments.begin(), c.departments.end(), is_mine)) {
        refuse(out, ctx, chat, actor,
               c.id + " 各部门已于 " + ctx.tz.short_time(*done->done_at) + " 全部回复，回复不能再修改。");
        return false;
    }
    if (!check_stage(c, "respond", ctx, out, chat, actor)) return false;
    department_reply* mine = nullptr;
    for (auto& d : c.departments)
        if (is_mine(d) && !d.replied_at) {
            mine = &d;
            break;
        }
    if (!mine) {
        for (auto& d : c.departments)
            if (is_mine(d)) return do_amend(c, d, cmd, actor, chat, ctx, out);
        refuse(out, ctx, chat, actor,
               "只有" + join(silent_departments(c)) + "可以回复 " + c.id + "，" +
                   cfg.org.display_name(actor) + "不在这些部门。");
        return false;
    }
    auto& st = *c.find_stage(stage_id::respond);
    mine->replied_at = ctx.now;
    mine->by = actor;
    mine->text = cmd.text;
    auto due = reply_due(c, *mine);
    auto late = late_by(due, ctx.now);
    auto e = make_event(c, ctx, actor, "replied", "respond",
                        mine->department + "（" + cfg.org.display_name(actor) + "）回复：" + cmd.text);
    e.deadline = due;
    e.late = late;
    out.events.push_back(std::move(e));

    std::string text = "📨 " + c.id + " 已收到" + mine->department + "的" +
                       (c.kind == complaint_kind::product ? "回复" : "处理方案") + "（" +
                       cfg.org.display_name(actor) + "，" + lateness(late) + "）。";
    core::outbound_post post{chat, {}, {}};
    auto silent = silent_departments(c);
    if (!silent.empty()) {
        // Departments added late by 调查 have their own deadline: name each one then.
        bool own = std::any_of(c.departments.begin(), c.departments.end(),
                               [](const department_reply& d) { return !d.replied_at && d.due; });
        if (!own) {
            text += "仍待" + join(silent) + "回复（" + hm(ctx, *st.due) + " 截止）。";
        } else {
            std::vector<std::string> each;
            for (const auto& d : c.departments)
                if (!d.replied_at)
                    each.push_back(d.department + "（" + hm(ctx, *reply_due(c, d)) + " 截止）");
            text += "仍待" + join(each) + "回复。";
        }
    } else {
        respond_complete(c, actor, ctx, out, text, post);
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

void respond_complete(complaint& c, const std::string& actor, const context& ctx, outcome& out,
                      std::string& text, core::outbound_post& post) {
    auto& st = *c.find_stage(stage_id::respond);
    st.done_at = ctx.now;
    st.done_by = actor;
    out.events.push_back(make_event(c, ctx, actor, "answered", "respond", "各部门均已回复"));
    if (auto* notify = c.find_stage(stage_id::notify)) {
        notify->due = cal(c, ctx).add(ctx.now, c.rules->notify.due);
        notify->armed_at = ctx.now;
        text += "各部门均已答复，请" + ctx.cfg.roles.hr + "于 " + hm(ctx, *notify->due) + " 前通知投诉人 " +
                ctx.cfg.org.display_name(c.complainant) + "（已通知 " + c.id + "）。";
        for (const auto& m : members_of(ctx.cfg, ctx.cfg.roles.hr)) add_mention(post, m);
    } else {
        text += "各部门均已回复。";
        if (c.compensation) text += "涉及赔款或退换货，将列入今日质量投诉处理流程表。";
    }
    close_if_done(c, ctx, out, actor);
    if (!c.is_open()) text += c.id + " 已关闭。";
}

bool do_notify(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
               outcome& out) {
    if (c.kind != complaint_kind::service) {
        refuse(out, ctx, chat, actor,
               c.id + " 是" + std::string(kind_title(c.kind)) + "，没有“通知投诉人”环节。");
        return false;
    }
    if (!check_stage(c, "notify", ctx, out, chat, actor)) return false;
    if (!check_member(c, ctx.cfg.roles.hr, ctx, out, chat, actor, "确认通知")) return false;
    auto& st = *c.find_stage(stage_id::notify);
    auto late = late_by(st, ctx.now);
    complete_stage(
        c, st, actor, ctx, out, "notified",
        ctx.cfg.org.display_name(actor) + " 通知投诉人 " + ctx.cfg.org.display_name(c.complainant));
    close_if_done(c, ctx, out, actor);
    std::string text = "✅ " + c.id + " 已通知投诉人" + ctx.cfg.org.display_name(c.complainant) + "（" +
                       lateness(late) + "）。";
    text += c.is_open() ? "涉及赔款或退换货，将列入今日质量投诉处理流程表。" : c.id + " 处理完毕，已关闭。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), ctx.cfg));
    return true;
}

bool do_pause(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
              const context& ctx, outcome& out) {
    const bool pause = cmd.kind == command_kind::pause;
    if (!check_member(c, ctx.cfg.roles.hr, ctx, out, chat, actor, pause ? "暂停" : "恢复")) return false;
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor, c.id + " 已关闭，无需" + (pause ? "暂停" : "恢复") + "。");
        return false;
    }
    if (pause) {
        if (c.paused_since) {
            refuse(out, ctx, chat, actor,
                   c.id + " 已于 " + ctx.tz.short_time(*c.paused_since) + " 暂停，无需重复。");
            return false;
        }
        c.paused_since = ctx.now;
        c.pause_reason = cmd.text;
        out.events.push_back(make_event(c, ctx, actor, "paused", "", "暂停计时：" + cmd.text));
        out.posts.push_back(
            finish(reply_to(chat, actor,
                            "⏸ " + c.id + " 已暂停计时（" + cmd.text + "），恢复请发：恢复 " + c.id + "。"),
                   ctx.cfg));
        return true;
    }
    if (!c.paused_since) {
        refuse(out, ctx, chat, actor, c.id + " 没有暂停，无需恢复。");
        return false;
    }
    // Paused time does not count: in business mode only the working time of the pause.
    const auto& k = cal(c, ctx);
    auto paused = k.between(*c.paused_since, ctx.now);
    c.paused_total += paused;
    c.paused_since.reset();
    for (auto& s : c.stages)
        if (!s.done_at && s.due) *s.due = k.add(*s.due, paused);
    for (auto& d : c.departments)
        if (!d.replied_at && d.due) *d.due = k.add(*d.due, paused);
    out.events.push_back(
        make_event(c, ctx, actor, "resumed", "", "恢复计时，暂停了" + core::format_duration_zh(paused)));
    std::string text =
        "▶️ " + c.id + " 恢复计时，暂停 " + core::format_duration_zh(paused) + " 不计入期限。";
    if (const auto* p = c.pending_stage(); p && p->due)
        text += "待" + stage_label(p->name) + "，截止 " + hm(ctx, *p->due) + "。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), ctx.cfg));
    return true;
}

// 无效: HR rules the complaint invalid (not the company's fault): it closes, no further clocks or fines.
bool do_invalid(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out) {
    if (!check_member(c, ctx.cfg.roles.hr, ctx, out, chat, actor, "判定无效投诉")) return false;
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status_is(complaint_status::invalid) ? " 已判为无效投诉" : " 已关闭") +
                   "，无需再判定。");
        return false;
    }
    c.set_status(complaint_status::invalid);
    c.closed_at = ctx.now;
    c.paused_since.reset();
    out.events.push_back(make_event(c, ctx, actor, "invalid", "", "判为无效投诉：" + cmd.text));
    out.posts.push_back(finish(reply_to(chat, actor,
                                        "🗂 " + c.id + " 已由" + ctx.cfg.org.display_name(actor) +
                                            "判为无效投诉（" + cmd.text + "），关闭，不再计时或罚款。"),
                               ctx.cfg));
    return true;
}

}  // namespace detail

}  // namespace rules
