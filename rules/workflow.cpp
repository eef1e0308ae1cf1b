#include "rules/workflow.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace {

using json = nlohmann::json;

bool contains_keyword(const std::string* value, const std::vector<std::string>& keywords) {
    if (!value) return false;
    auto folded = fold(*value);
    for (const auto& k : keywords)
        if (!k.empty() && folded.find(fold(k)) != std::string::npos) return true;
    return false;
}

// Arms the respond stage for `departments` (publish / route).
void arm_respond(complaint& c, const std::vector<std::string>& departments, const context& ctx) {
    auto* st = c.find_stage("respond");
    const auto& k = cal(c, ctx);
    auto due = k.add(k.add(c.posted_at, c.rules.respond.due), c.paused_total);
    due = std::max(due, k.add(ctx.now, c.rules.respond_minimum));
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

// -------------------------------------------------------------------------------------------------
// complaint

stage_state* complaint::find_stage(std::string_view name) {
    for (auto& s : stages)
        if (s.name == name) return &s;
    return nullptr;
}

const stage_state* complaint::find_stage(std::string_view name) const {
    for (const auto& s : stages)
        if (s.name == name) return &s;
    return nullptr;
}

const stage_state* complaint::pending_stage() const {
    for (const auto& s : stages)
        if (!s.done_at) return &s;
    return nullptr;
}

const std::string* complaint::field(std::string_view key) const {
    for (const auto& [k, v] : fields)
        if (k == key) return &v;
    return nullptr;
}

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
    out.complaint_changed = true;
    post.text = "📄 " + c.id + " 质量投诉处理流程表（" + core::format_date(*c.sheet_date) + "）转交" + who +
                "：请与客户协商后填写综合处理意见（副总意见 " + c.id + " <意见>）。";
    return finish(std::move(post), ctx.cfg);
}

std::string stage_label(std::string_view stage) {
    if (stage == "accept") return "受理";
    if (stage == "publish") return "公布工艺流程";
    if (stage == "route") return "分流";
    if (stage == "respond") return "回复";
    if (stage == "notify") return "通知投诉人";
    if (stage == "review") return "复核";
    return std::string(stage);
}

fine_appeal* complaint::find_fine_appeal(std::string_view fine_id) {
    for (auto& a : fine_appeals)
        if (a.fine == fine_id) return &a;
    return nullptr;
}

const fine_appeal* complaint::find_fine_appeal(std::string_view fine_id) const {
    for (const auto& a : fine_appeals)
        if (a.fine == fine_id) return &a;
    return nullptr;
}

std::optional<core::instant> reply_due(const complaint& c, const department_reply& d) {
    if (d.due) return d.due;
    const auto* st = c.find_stage("respond");
    return st ? st->due : std::nullopt;
}

// -------------------------------------------------------------------------------------------------
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
    c.rules = cfg.workflow;
    c.rules.business_time = cfg.calendar.business;

    // 投诉人 decides whose VP gets the sheet, who may appeal and which department the reports
    // count; when it names nobody (or two people) the poster stands in and the receipt says so.
    c.complainant = msg.sender;
    std::string written = form.field("投诉人") ? std::string(trim(*form.field("投诉人"))) : std::string{};
    auto match = cfg.org.match_person(written);
    if (match.found) c.complainant = match.found->id;
    if (const auto* p = cfg.org.find_person(c.complainant)) c.complainant_department = p->department;
    auto warning = complainant_warning(c, match, written, cfg);

    auto stage_at = [&](std::string name, const stage_rule& r) {
        stage_state s;
        s.name = std::move(name);
        s.due = calendar_of(c, ctx.business).add(c.posted_at, r.due);
        s.armed_at = c.posted_at;
        return s;
    };
    c.stages.push_back(stage_at("accept", c.rules.accept));
    if (c.kind == complaint_kind::product) {
        c.stages.push_back(stage_at("publish", c.rules.publish));
        c.stages.push_back(stage_state{"respond", {}, {}, {}, {}, false, 0, false});
    } else {
        c.stages.push_back(stage_at("route", c.rules.route));
        c.stages.push_back(stage_state{"respond", {}, {}, {}, {}, false, 0, false});
        c.stages.push_back(stage_state{"notify", {}, {}, {}, {}, false, 0, false});
    }
    c.compensation = contains_keyword(form.field(c.kind == complaint_kind::product ? "客户要求" : "投诉目的"),
                                      c.rules.compensation_keywords);

    auto who = cfg.org.display_name(c.complainant);
    auto registered = make_event(c, ctx, msg.sender, "registered", "",
                                 "登记" + std::string(kind_title(c.kind)) + "（投诉人 " + who +
                                     (warning.empty() ? "" : "，所填“" + written + "”未能对应") + "）");
    out.events.push_back(registered);
    out.complaint_changed = true;

    core::outbound_post post{msg.chat, {}, {}};
    const auto& accept = *c.find_stage("accept");
    std::string text = "✅ 已登记" + std::string(kind_title(c.kind)) + " " + c.id + "\n投诉人：" +
                       name_with_department(cfg, c.complainant);
    if (c.kind == complaint_kind::product) {
        if (const auto* v = c.field("客户名称")) text += "　客户：" + *v;
        const auto& publish = *c.find_stage("publish");
        text += "\n请" + cfg.roles.order_desk + "于 " + hm(ctx, *accept.due) + " 前受理（受理 " + c.id +
                "），" + hm(ctx, *publish.due) + " 前公布工艺流程（" + command_hint(c, cfg, "publish") +
                "）。";
        for (const auto& m : members_of(cfg, cfg.roles.order_desk)) add_mention(post, m);
    } else {
        if (const auto* v = c.field("投诉对象")) text += "　投诉对象：" + *v;
        const auto& route = *c.find_stage("route");
        text += "\n请" + cfg.roles.hr + "于 " + hm(ctx, *accept.due) + " 前受理（受理 " + c.id + "），" +
                hm(ctx, *route.due) + " 前分流到责任部门（分流 " + c.id + " <部门>）。";
        for (const auto& m : members_of(cfg, cfg.roles.hr)) add_mention(post, m);
    }
    if (c.compensation) text += "\n涉及赔款或退换货，答复后进入质量投诉处理流程表。";
    if (!warning.empty()) {
        text += "\n" + warning;
        add_mention(post, msg.sender);
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return c;
}

// -------------------------------------------------------------------------------------------------
// Commands

namespace {

bool do_accept(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
               outcome& out) {
    if (!check_stage(c, "accept", ctx, out, chat, actor)) return false;
    auto dept = acting_department(c, ctx.cfg, "accept");
    if (!check_member(c, dept, ctx, out, chat, actor, "受理")) return false;
    auto& st = *c.find_stage("accept");
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
                   command_hint(c, ctx.cfg, c.kind == complaint_kind::product ? "publish" : "route") + "。");
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
    const auto& respond = *c.find_stage("respond");

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
    text += "逾期未回复，按每次 " + std::to_string(c.rules.fine_amount) + " 元对部门负责人处罚。";
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
    if (const auto* done = c.find_stage("respond");
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
    auto& st = *c.find_stage("respond");
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
    out.complaint_changed = true;

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

}  // namespace

void detail::respond_complete(complaint& c, const std::string& actor, const context& ctx, outcome& out,
                              std::string& text, core::outbound_post& post) {
    auto& st = *c.find_stage("respond");
    st.done_at = ctx.now;
    st.done_by = actor;
    out.events.push_back(make_event(c, ctx, actor, "answered", "respond", "各部门均已回复"));
    if (auto* notify = c.find_stage("notify")) {
        notify->due = cal(c, ctx).add(ctx.now, c.rules.notify.due);
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

namespace {

bool do_notify(complaint& c, const std::string& actor, const std::string& chat, const context& ctx,
               outcome& out) {
    if (c.kind != complaint_kind::service) {
        refuse(out, ctx, chat, actor,
               c.id + " 是" + std::string(kind_title(c.kind)) + "，没有“通知投诉人”环节。");
        return false;
    }
    if (!check_stage(c, "notify", ctx, out, chat, actor)) return false;
    if (!check_member(c, ctx.cfg.roles.hr, ctx, out, chat, actor, "确认通知")) return false;
    auto& st = *c.find_stage("notify");
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
        out.complaint_changed = true;
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
    out.complaint_changed = true;
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
               c.id + (c.status == "invalid" ? " 已判为无效投诉" : " 已关闭") + "，无需再判定。");
        return false;
    }
    c.status = "invalid";
    c.closed_at = ctx.now;
    c.paused_since.reset();
    out.events.push_back(make_event(c, ctx, actor, "invalid", "", "判为无效投诉：" + cmd.text));
    out.complaint_changed = true;
    out.posts.push_back(finish(reply_to(chat, actor,
                                        "🗂 " + c.id + " 已由" + ctx.cfg.org.display_name(actor) +
                                            "判为无效投诉（" + cmd.text + "），关闭，不再计时或罚款。"),
                               ctx.cfg));
    return true;
}

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
    out.complaint_changed = true;
    auto waiting = unsigned_departments(c);
    std::string text =
        "✍️ " + c.id + " " + join(signed_now) + "负责人" + ctx.cfg.org.display_name(actor) + "已签字。";
    text += waiting.empty() ? "责任部门均已签字，流程表将转交副总。" : "待签字：" + join(waiting) + "。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), ctx.cfg));
    return true;
}

// 副总意见 / 总经理审批 / 执行: the compensation flow after the sheet, each step role-checked and in order.
bool do_compensation_step(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                          const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status == "invalid" ? " 已判为无效投诉" : " 已关闭") + "，无需再处理。");
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
        bool allowed = vp != cfg.roles.vice_presidents.end()
                           ? vp->second == actor
                           : std::find(cfg.roles.general_manager.begin(), cfg.roles.general_manager.end(),
                                       actor) != cfg.roles.general_manager.end();
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
        if (std::find(cfg.roles.general_manager.begin(), cfg.roles.general_manager.end(), actor) ==
            cfg.roles.general_manager.end()) {
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
        if (!c.gm_approval.at) {
            refuse(out, ctx, chat, actor, c.id + " 尚未经总经理审批，不能执行。");
            return false;
        }
        c.executed = {cmd.text, actor, ctx.now};
        c.status = "closed";
        c.closed_at = ctx.now;
        out.events.push_back(make_event(c, ctx, actor, "executed", "", who + " 按审批意见执行"));
        out.events.push_back(make_event(c, ctx, actor, "closed", "", "赔偿/退换货已执行，投诉关闭"));
        post.text = "🏁 " + c.id + " 已由" + who + "按审批意见执行，投诉关闭。";
        add_mention(post, actor);
    }
    out.complaint_changed = true;
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

// 申诉: the complainant (poster or the person named in 投诉人) or their department head appeals
// within the window after the last reply; the complaint reopens with a "review" stage for the
// appeal department.
bool do_appeal(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    auto head = cfg.org.head_of(c.complainant_department);
    if (actor != c.poster && actor != c.complainant && (head.empty() || actor != head)) {
        std::string who = "投诉人" + cfg.org.display_name(c.complainant);
        if (c.poster != c.complainant) who += "、发帖人" + cfg.org.display_name(c.poster);
        if (!head.empty()) who += "或" + c.complainant_department + "负责人" + cfg.org.display_name(head);
        refuse(out, ctx, chat, actor, "只有" + who + "可以申诉 " + c.id + "。");
        return false;
    }
    if (c.appeal.at) {
        refuse(out, ctx, chat, actor,
               c.id + " 已于 " + ctx.tz.short_time(*c.appeal.at) + " 由" + cfg.org.display_name(c.appeal.by) +
                   "申诉，不能重复申诉。");
        return false;
    }
    // The window runs from the last reply (or the respond deadline when nobody replied, or the
    // invalid ruling).
    std::optional<core::instant> last;
    for (const auto& d : c.departments)
        if (d.replied_at && (!last || *d.replied_at > *last)) last = d.replied_at;
    const auto* respond = c.find_stage("respond");
    if (!last && respond && respond->missed) last = respond->due;
    if (c.status == "invalid") last = c.closed_at;
    if (!last) {
        refuse(out, ctx, chat, actor, c.id + " 尚未答复，暂不能申诉；请等待责任部门回复后再申诉。");
        return false;
    }
    if (ctx.now > *last + c.rules.appeal_window) {
        refuse(out, ctx, chat, actor,
               c.id + " 已超过申诉期限（最后答复 " + ctx.tz.short_time(*last) + " 起 " +
                   core::format_duration_zh(c.rules.appeal_window) + "），不能申诉。");
        return false;
    }
    c.appeal = {actor, cmd.text, ctx.now, c.status, {}, {}};
    c.status = "open";
    c.closed_at.reset();
    stage_state st;
    st.name = "review";
    st.armed_at = ctx.now;
    st.due = cal(c, ctx).add(ctx.now, c.rules.review.due);
    c.stages.push_back(st);
    out.events.push_back(
        make_event(c, ctx, actor, "appealed", "review",
                   cfg.org.display_name(actor) + " 申诉：" + cmd.text + "，转" + cfg.roles.appeal + "复核"));
    out.complaint_changed = true;
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    for (const auto& m : members_of(cfg, cfg.roles.appeal)) add_mention(post, m);
    post.text = "📣 " + c.id + " 已收到" + cfg.org.display_name(actor) + "的申诉：" + cmd.text + "\n请" +
                cfg.roles.appeal + "于 " + hm(ctx, *st.due) + " 前复核（复核 " + c.id +
                " <复核结论>，撤销罚款请写明编号，如 撤销 F1）。逾期将提请总经理处理。";
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

// Every "F<digits>" in a text (full-width folded), not glued to a preceding ASCII letter.
std::vector<std::string> fine_ids_in(const std::string& text) {
    std::vector<std::string> out;
    auto t = fold(text);
    for (std::size_t i = 0; i < t.size(); ++i) {
        if ((t[i] != 'F' && t[i] != 'f') || i + 1 >= t.size() || t[i + 1] < '0' || t[i + 1] > '9') continue;
        if (i > 0 && std::isalpha(static_cast<unsigned char>(t[i - 1]))) continue;
        std::size_t j = i + 1;
        while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j;
        out.push_back("F" + t.substr(i + 1, j - i - 1));
        i = j - 1;
    }
    return out;
}

// 复核: the appeal department's conclusion. Fine ids of this complaint named in it are overturned,
// which lets HR waive them with the appeal as the reason.
bool do_review(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out, const std::vector<fine>& fines) {
    const auto& cfg = ctx.cfg;
    auto* st = c.find_stage("review");
    if (!st || !c.appeal.at) {
        refuse(out, ctx, chat, actor, c.id + " 没有申诉，无需复核。");
        return false;
    }
    if (st->done_at) {
        refuse(out, ctx, chat, actor,
               c.id + " 已于 " + ctx.tz.short_time(*st->done_at) + " 由 " +
                   cfg.org.display_name(st->done_by) + " 复核，无需重复。");
        return false;
    }
    if (!check_member(c, cfg.roles.appeal, ctx, out, chat, actor, "复核")) return false;
    std::vector<std::string> overturned, unknown;
    for (const auto& word : fine_ids_in(cmd.text)) {
        auto id = normalize_id(word);
        if (!id || (*id)[0] != 'F') continue;
        bool ours = std::any_of(fines.begin(), fines.end(),
                                [&](const fine& f) { return f.id == *id && f.complaint == c.id; });
        auto& into = ours ? overturned : unknown;
        if (std::find(into.begin(), into.end(), *id) == into.end()) into.push_back(*id);
    }
    if (!unknown.empty()) {
        refuse(out, ctx, chat, actor,
               join(unknown) + " 不是 " + c.id + " 的罚款，请核对罚款编号（查询 " + c.id + "）。");
        return false;
    }
    auto late = late_by(*st, ctx.now);
    c.appeal.conclusion = cmd.text;
    c.appeal.overturned = overturned;
    complete_stage(c, *st, actor, ctx, out, "reviewed", cfg.org.display_name(actor) + " 复核：" + cmd.text);
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    std::string text = "⚖️ " + c.id + " 复核结论（" + cfg.org.display_name(actor) + "，" +
                       lateness(late) + "）：" + cmd.text;
    if (!overturned.empty()) {
        text += "\n" + join(overturned) + " 经复核撤销，请" + cfg.roles.hr + "免罚（免罚 " +
                overturned.front() + "）。";
        add_mention(post, cfg.org.head_of(cfg.roles.hr));
    }
    add_mention(post, c.appeal.by);
    // Back to where the appeal found it: closed (or invalid), unless the compensation flow goes on.
    if (c.pending_stage() == nullptr) {
        if (c.appeal.prior_status == "invalid") {
            c.status = "invalid";
            c.closed_at = ctx.now;
        } else {
            close_if_done(c, ctx, out, actor);
        }
    }
    text += c.is_open() ? "" : "\n" + c.id + " 已关闭。";
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

std::string freight_id(const complaint& c) {
    return "运费" + c.id;
}

// 运费: the order follower opens the expense record naming the department that bears the freight.
bool do_freight(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!check_member(c, cfg.roles.order_follower, ctx, out, chat, actor, "登记退货运费")) return false;
    if (c.status == "invalid") {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，不能登记退货运费。");
        return false;
    }
    if (cfg.roles.finance.empty()) {
        refuse(out, ctx, chat, actor,
               "没有指定付款的部门，无法登记退货运费：请在配置 roles.finance 中指定。");
        return false;
    }
    if (c.freight) {
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 已于 " + ctx.tz.short_time(*c.freight->opened.at) + " 登记（" +
                   c.freight->amount + " 元，" + c.freight->department + "承担），不能重复登记。");
        return false;
    }
    std::vector<std::string> bad;
    auto depts = resolve_departments(cmd.departments, cfg, bad);
    if (!bad.empty() || depts.empty()) {
        refuse(out, ctx, chat, actor,
               "未知部门：" + join(bad.empty() ? cmd.departments : bad) + "。可用的部门：" +
                   department_names(cfg) + "。");
        return false;
    }
    complaint::freight_record f;
    f.amount = cmd.args.empty() ? std::string{} : cmd.args.front();
    f.department = depts.front();
    f.opened = {cmd.text, actor, ctx.now};
    c.freight = f;
    out.events.push_back(make_event(c, ctx, actor, "freight_opened", "freight",
                                    freight_id(c) + " 登记退货运费 " + f.amount + " 元，由" + f.department +
                                        "承担（" + cfg.org.display_name(actor) + "）"));
    out.complaint_changed = true;
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    add_mention(post, cfg.org.head_of(f.department));
    post.text = "🚚 " + freight_id(c) + " 已登记退货运费 " + f.amount + " 元，由" + f.department +
                "承担。\n请" + f.department + "负责人签字（签字 " + freight_id(c) + "），之后由" +
                cfg.roles.order_desk + "经理签字、" + cfg.roles.finance + "付款、" + cfg.roles.hr + "核销。";
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

std::string freight_step_label(const std::string& step, const config& cfg, const complaint& c) {
    if (step == "head") return c.freight->department + "负责人签字";
    if (step == "desk") return cfg.roles.order_desk + "经理签字";
    if (step == "pay") return cfg.roles.finance + "付款";
    if (step == "write_off") return cfg.roles.hr + "核销";
    return "已核销";
}

std::string freight_step_hint(const std::string& step, const complaint& c) {
    if (step == "pay") return "付款 " + freight_id(c);
    if (step == "write_off") return "核销 " + freight_id(c);
    return "签字 " + freight_id(c);
}

// Who must act on a freight step (person ids).
std::vector<std::string> freight_actors(const std::string& step, const config& cfg, const complaint& c) {
    if (step == "head") return {cfg.org.head_of(c.freight->department)};
    if (step == "desk") return members_of(cfg, cfg.roles.order_desk);
    if (step == "pay") return members_of(cfg, cfg.roles.finance);
    if (step == "write_off") return members_of(cfg, cfg.roles.hr);
    return {};
}

// 签字 运费P1 / 付款 运费P1 / 核销 运费P1, strictly in order.
bool do_freight_step(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                     const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!c.freight) {
        refuse(out, ctx, chat, actor,
               "没有找到 " + freight_id(c) + "，请" + cfg.roles.order_follower + "跟单员先登记（运费 " +
                   c.id + " <金额> <承担部门>）。");
        return false;
    }
    auto& f = *c.freight;
    auto pending = freight_pending(c);
    if (pending.empty()) {
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 已于 " + ctx.tz.short_time(*f.written_off.at) + " 核销，流程已结束。");
        return false;
    }
    const std::string wanted = cmd.kind == command_kind::pay         ? "pay"
                               : cmd.kind == command_kind::write_off ? "write_off"
                                                                     : "sign";
    const bool fits = wanted == pending || (wanted == "sign" && (pending == "head" || pending == "desk"));
    if (!fits) {
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 当前待" + freight_step_label(pending, cfg, c) + "，请先完成：" +
                   freight_step_hint(pending, c) + "。");
        return false;
    }
    // Role check for the pending step: the same people its reminders name.
    auto actors = freight_actors(pending, cfg, c);
    if (std::find(actors.begin(), actors.end(), actor) == actors.end()) {
        std::string who = pending == "head" ? f.department + "负责人" + cfg.org.display_name(actors.front())
                          : pending == "desk" ? cfg.roles.order_desk + "经理或助理"
                          : pending == "pay"  ? cfg.roles.finance
                                              : cfg.roles.hr;
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 当前待" + freight_step_label(pending, cfg, c) + "，只有" + who +
                   "可以办理，" + cfg.org.display_name(actor) + "不能代办。");
        return false;
    }
    auto name = cfg.org.display_name(actor);
    complaint::step done{cmd.text, actor, ctx.now};
    std::string detail;
    if (pending == "head") {
        f.head_signed = done;
        detail = f.department + "负责人 " + name + " 签字";
    } else if (pending == "desk") {
        f.desk_signed = done;
        detail = cfg.roles.order_desk + " " + name + " 签字";
    } else if (pending == "pay") {
        f.paid = done;
        detail = cfg.roles.finance + " " + name + " 付款 " + f.amount + " 元";
    } else {
        f.written_off = done;
        detail = cfg.roles.hr + " " + name + " 核实" + f.department + "已兑现，通知财务销账";
    }
    out.events.push_back(
        make_event(c, ctx, actor, "freight_" + pending, "freight", freight_id(c) + " " + detail));
    out.complaint_changed = true;
    auto next = freight_pending(c);
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    std::string text = "✅ " + freight_id(c) + " " + detail + "。";
    if (next.empty()) {
        text += "退货运费流程结束。";
    } else {
        text += "下一步：" + freight_step_label(next, cfg, c) + "（" + freight_step_hint(next, c) + "）。";
        for (const auto& p : freight_actors(next, cfg, c)) add_mention(post, p);
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

}  // namespace

void detail::fire_reminder(complaint& c, const std::string& key, core::instant due, const context& ctx,
                           outcome& out) {
    const auto& cfg = ctx.cfg;
    auto pos = key.rfind(":remind:");
    auto step = key.substr(0, pos);
    int n = std::atoi(key.c_str() + pos + 8);
    auto& done = c.reminded[step];
    if (n <= done) return;
    core::outbound_post post{c.chat, {}, {}};
    std::string what;
    if (step.rfind("freight:", 0) == 0) {
        auto fs = step.substr(8);
        if (!c.freight || freight_pending(c) != fs) return;
        for (const auto& p : freight_actors(fs, cfg, c)) add_mention(post, p);
        what =
            freight_id(c) + " 待" + freight_step_label(fs, cfg, c) + "（" + freight_step_hint(fs, c) + "）";
    } else {
        if (!c.is_open()) return;
        if (step == "sign") {
            auto waiting = unsigned_departments(c);
            if (waiting.empty()) return;
            for (const auto& d : waiting) add_mention(post, cfg.org.head_of(d));
            what = c.id + " 质量投诉处理流程表待" + join(waiting) + "负责人签字（签字 " + c.id + "）";
        } else if (step == "vp") {
            if (c.vp_opinion.at) return;
            if (const auto* vp = vp_of(c, cfg))
                add_mention(post, *vp);
            else
                for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
            what = c.id + " 待副总填写综合处理意见（副总意见 " + c.id + " <意见>）";
        } else if (step == "gm") {
            if (c.gm_approval.at) return;
            for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
            what = c.id + " 待总经理审批（总经理审批 " + c.id + " <审批意见>）";
        } else if (step == "execute") {
            if (c.executed.at) return;
            add_mention(post, cfg.org.head_of(cfg.roles.order_desk));
            what = c.id + " 待" + cfg.roles.order_desk + "按审批意见执行（执行 " + c.id + "）";
        } else {
            return;
        }
    }
    done = n;
    out.complaint_changed = true;
    auto e = make_event(c, ctx, "bot", "reminded", step, "第" + std::to_string(n) + "次提醒：" + what);
    e.deadline = due;
    out.events.push_back(std::move(e));
    post.text = "⏰ 提醒（第" + std::to_string(n) + "次）：" + what + "。";
    out.posts.push_back(finish(std::move(post), cfg));
}

std::string freight_pending(const complaint& c) {
    if (!c.freight) return {};
    const auto& f = *c.freight;
    if (!f.head_signed.at) return "head";
    if (!f.desk_signed.at) return "desk";
    if (!f.paid.at) return "pay";
    if (!f.written_off.at) return "write_off";
    return {};
}

std::string freight_summary(const complaint& c, const config& cfg) {
    if (!c.freight) return {};
    auto step = freight_pending(c);
    std::string s = freight_id(c) + " " + c.freight->amount + " 元（" + c.freight->department + "承担）";
    return s + (step.empty() ? " 已核销" : " 待" + freight_step_label(step, cfg, c));
}

bool apply_command(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out) {
    switch (cmd.kind) {
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
        default:
            break;
    }
    refuse(out, ctx, chat, actor, "“" + std::string(command_word(cmd.kind)) + "”暂不支持用于 " + c.id + "。");
    return false;
}

// -------------------------------------------------------------------------------------------------
// Views

std::vector<std::string> pending_departments(const complaint& c, const config& cfg) {
    if (!c.is_open()) return {};
    const auto* p = c.pending_stage();
    if (!p) return {};
    if (p->name == "respond") return silent_departments(c);
    return {acting_department(c, cfg, p->name)};
}

std::string pending_summary(const complaint& c, const context& ctx) {
    std::string line = c.id + " ";
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

// describe (the 查询 reply) is in query_reply.cpp.

// -------------------------------------------------------------------------------------------------
// JSON (frozen rules and complaint state)

namespace {

json stage_rule_json(const stage_rule& r) {
    json levels = json::array();
    for (const auto& l : r.escalation)
        levels.push_back({{"after_ms", l.after.count()}, {"notify", l.notify}});
    json j = {{"due_ms", r.due.count()}, {"escalation", levels}};
    if (r.repeat_every) j["repeat_every_ms"] = r.repeat_every->count();
    return j;
}

stage_rule stage_rule_from(const json& j) {
    stage_rule r;
    r.due = core::duration{j.at("due_ms").get<std::int64_t>()};
    for (const auto& l : j.at("escalation"))
        r.escalation.push_back(
            {core::duration{l.at("after_ms").get<std::int64_t>()}, l.at("notify").get<std::string>()});
    if (auto it = j.find("repeat_every_ms"); it != j.end())
        r.repeat_every = core::duration{it->get<std::int64_t>()};
    return r;
}

json opt_ms(const std::optional<core::instant>& t);
std::optional<core::instant> opt_instant(const json& j, const char* key);

json stage_json(const stage_state& s) {
    return {{"name", s.name},
            {"due", opt_ms(s.due)},
            {"armed_at", opt_ms(s.armed_at)},
            {"done_at", opt_ms(s.done_at)},
            {"done_by", s.done_by},
            {"missed", s.missed},
            {"escalations_fired", s.escalations_fired},
            {"warned", s.warned},
            {"repeats_fired", s.repeats_fired}};
}

stage_state stage_from(const json& s) {
    stage_state st;
    st.name = s.at("name").get<std::string>();
    st.due = opt_instant(s, "due");
    st.armed_at = opt_instant(s, "armed_at");
    st.done_at = opt_instant(s, "done_at");
    st.done_by = s.at("done_by").get<std::string>();
    st.missed = s.at("missed").get<bool>();
    st.escalations_fired = s.at("escalations_fired").get<int>();
    st.warned = s.at("warned").get<bool>();
    st.repeats_fired = s.value("repeats_fired", 0);  // added with repeat_every
    return st;
}

json step_json(const complaint::step& st) {
    return {{"text", st.text}, {"by", st.by}, {"at", st.at ? json(core::to_ms(*st.at)) : json(nullptr)}};
}

complaint::step step_from(const json& j, const char* key) {
    complaint::step st;
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return st;
    st.text = it->value("text", std::string{});
    st.by = it->value("by", std::string{});
    if (auto a = it->find("at"); a != it->end() && !a->is_null())
        st.at = core::from_ms(a->get<std::int64_t>());
    return st;
}

json opt_ms(const std::optional<core::instant>& t) {
    return t ? json(core::to_ms(*t)) : json(nullptr);
}

std::optional<core::instant> opt_instant(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return core::from_ms(it->get<std::int64_t>());
}

}  // namespace

void to_json(json& j, const workflow_rules& r) {
    j = {{"accept", stage_rule_json(r.accept)},
         {"publish", stage_rule_json(r.publish)},
         {"route", stage_rule_json(r.route)},
         {"respond", stage_rule_json(r.respond)},
         {"notify", stage_rule_json(r.notify)},
         {"review", stage_rule_json(r.review)},
         {"respond_warning_ms", r.respond_warning.count()},
         {"respond_minimum_ms", r.respond_minimum.count()},
         {"fine_amount", r.fine_amount},
         {"compensation_keywords", r.compensation_keywords},
         {"appeal_window_ms", r.appeal_window.count()},
         {"sign_due_ms", r.sign_due.count()},
         {"vp_due_ms", r.vp_due.count()},
         {"gm_due_ms", r.gm_due.count()},
         {"execute_due_ms", r.execute_due.count()},
         {"freight_due_ms", r.freight_due.count()},
         {"reminders", r.reminders},
         {"repeat_every_ms", r.repeat_every.count()},
         {"business_time", r.business_time}};
}

void from_json(const json& j, workflow_rules& r) {
    r.accept = stage_rule_from(j.at("accept"));
    r.publish = stage_rule_from(j.at("publish"));
    r.route = stage_rule_from(j.at("route"));
    r.respond = stage_rule_from(j.at("respond"));
    r.notify = stage_rule_from(j.at("notify"));
    r.review = stage_rule_from(j.at("review"));
    r.respond_warning = core::duration{j.at("respond_warning_ms").get<std::int64_t>()};
    r.respond_minimum = core::duration{j.at("respond_minimum_ms").get<std::int64_t>()};
    r.fine_amount = j.at("fine_amount").get<int>();
    r.compensation_keywords = j.at("compensation_keywords").get<std::vector<std::string>>();
    r.appeal_window = core::duration{j.at("appeal_window_ms").get<std::int64_t>()};
    // Added after the first complaints were stored: older rows keep the defaults.
    workflow_rules defaults;
    auto ms = [&](const char* key, core::duration fallback) {
        return core::duration{j.value(key, static_cast<std::int64_t>(fallback.count()))};
    };
    r.sign_due = ms("sign_due_ms", defaults.sign_due);
    r.vp_due = ms("vp_due_ms", defaults.vp_due);
    r.gm_due = ms("gm_due_ms", defaults.gm_due);
    r.execute_due = ms("execute_due_ms", defaults.execute_due);
    r.freight_due = ms("freight_due_ms", defaults.freight_due);
    r.reminders = j.value("reminders", defaults.reminders);
    r.repeat_every = ms("repeat_every_ms", defaults.repeat_every);
    r.business_time = j.value("business_time", false);
}

void to_json(json& j, const complaint& c) {
    json stages = json::array();
    for (const auto& s : c.stages) stages.push_back(stage_json(s));
    json depts = json::array();
    for (const auto& d : c.departments) {
        json dj = {{"department", d.department},
                   {"replied_at", opt_ms(d.replied_at)},
                   {"by", d.by},
                   {"text", d.text},
                   {"fined", d.fined}};
        if (d.due) dj["due"] = core::to_ms(*d.due);
        if (d.amended_at) dj["amended_at"] = core::to_ms(*d.amended_at);
        depts.push_back(std::move(dj));
    }
    json fields = json::array();
    for (const auto& [k, v] : c.fields) fields.push_back(json::array({k, v}));
    j = {{"id", c.id},
         {"kind", kind_name(c.kind)},
         {"seq", c.seq},
         {"status", c.status},
         {"chat", c.chat},
         {"poster", c.poster},
         {"complainant", c.complainant},
         {"complainant_department", c.complainant_department},
         {"posted_at", core::to_ms(c.posted_at)},
         {"fields", fields},
         {"rules", c.rules},
         {"stages", stages},
         {"departments", depts},
         {"process_flow", c.process_flow},
         {"compensation", c.compensation},
         {"sheet_date", c.sheet_date ? json(core::format_date(*c.sheet_date)) : json(nullptr)},
         {"sheet_signed", c.sheet_signed},
         {"sheet_at", opt_ms(c.sheet_at)},
         {"forwarded_at", opt_ms(c.forwarded_at)},
         {"vp_opinion", step_json(c.vp_opinion)},
         {"gm_approval", step_json(c.gm_approval)},
         {"executed", step_json(c.executed)},
         {"paused_since", opt_ms(c.paused_since)},
         {"pause_reason", c.pause_reason},
         {"paused_total_ms", c.paused_total.count()},
         {"closed_at", opt_ms(c.closed_at)},
         {"reminded", c.reminded}};
    if (c.appeal.at)
        j["appeal"] = {{"by", c.appeal.by},
                       {"reason", c.appeal.reason},
                       {"at", core::to_ms(*c.appeal.at)},
                       {"prior_status", c.appeal.prior_status},
                       {"conclusion", c.appeal.conclusion},
                       {"overturned", c.appeal.overturned}};
    if (!c.attachments.empty()) {
        json list = json::array();
        for (const auto& a : c.attachments) list.push_back({{"kind", a.kind}, {"code", a.code}});
        j["attachments"] = list;
    }
    if (!c.fine_appeals.empty()) {
        json appeals = json::array();
        for (const auto& a : c.fine_appeals)
            appeals.push_back({{"fine", a.fine},
                               {"by", a.by},
                               {"reason", a.reason},
                               {"at", core::to_ms(a.at)},
                               {"review", stage_json(a.review)},
                               {"decision", a.decision},
                               {"conclusion", a.conclusion}});
        j["fine_appeals"] = std::move(appeals);
    }
    if (c.freight)
        j["freight"] = {{"amount", c.freight->amount},
                        {"department", c.freight->department},
                        {"opened", step_json(c.freight->opened)},
                        {"head_signed", step_json(c.freight->head_signed)},
                        {"desk_signed", step_json(c.freight->desk_signed)},
                        {"paid", step_json(c.freight->paid)},
                        {"written_off", step_json(c.freight->written_off)}};
}

void from_json(const json& j, complaint& c) {
    c.id = j.at("id").get<std::string>();
    c.kind = j.at("kind").get<std::string>() == "service" ? complaint_kind::service : complaint_kind::product;
    c.seq = j.at("seq").get<int>();
    c.status = j.at("status").get<std::string>();
    c.chat = j.at("chat").get<std::string>();
    c.poster = j.at("poster").get<std::string>();
    c.complainant = j.at("complainant").get<std::string>();
    c.complainant_department = j.at("complainant_department").get<std::string>();
    c.posted_at = core::from_ms(j.at("posted_at").get<std::int64_t>());
    c.fields.clear();
    for (const auto& f : j.at("fields"))
        c.fields.emplace_back(f.at(0).get<std::string>(), f.at(1).get<std::string>());
    // Schema v4 stores the rules once per rule set, not in each complaint: storage attaches them.
    if (auto it = j.find("rules"); it != j.end()) c.rules = it->get<workflow_rules>();
    c.stages.clear();
    for (const auto& s : j.at("stages")) c.stages.push_back(stage_from(s));
    c.departments.clear();
    for (const auto& d : j.at("departments")) {
        department_reply r;
        r.department = d.at("department").get<std::string>();
        r.replied_at = opt_instant(d, "replied_at");
        r.by = d.at("by").get<std::string>();
        r.text = d.at("text").get<std::string>();
        r.fined = d.at("fined").get<bool>();
        r.due = opt_instant(d, "due");  // added with 调查 and amended replies
        r.amended_at = opt_instant(d, "amended_at");
        c.departments.push_back(std::move(r));
    }
    c.process_flow = j.at("process_flow").get<std::string>();
    c.compensation = j.at("compensation").get<bool>();
    c.sheet_date.reset();
    if (const auto& sd = j.at("sheet_date"); !sd.is_null()) {
        auto s = sd.get<std::string>();
        c.sheet_date =
            core::local_date{std::stoi(s.substr(0, 4)), static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                             static_cast<unsigned>(std::stoi(s.substr(8, 2)))};
    }
    c.sheet_signed = j.at("sheet_signed").get<std::vector<std::string>>();
    // Added after schema v1's first complaints: absent in older rows.
    c.forwarded_at = opt_instant(j, "forwarded_at");
    c.vp_opinion = step_from(j, "vp_opinion");
    c.gm_approval = step_from(j, "gm_approval");
    c.executed = step_from(j, "executed");
    c.paused_since = opt_instant(j, "paused_since");
    c.pause_reason = j.at("pause_reason").get<std::string>();
    c.paused_total = core::duration{j.at("paused_total_ms").get<std::int64_t>()};
    c.closed_at = opt_instant(j, "closed_at");
    c.sheet_at = opt_instant(j, "sheet_at");
    c.reminded.clear();
    if (auto it = j.find("reminded"); it != j.end() && it->is_object())
        c.reminded = it->get<std::map<std::string, int>>();
    c.appeal = {};
    if (auto it = j.find("appeal"); it != j.end() && it->is_object()) {
        c.appeal.by = it->at("by").get<std::string>();
        c.appeal.reason = it->at("reason").get<std::string>();
        c.appeal.at = core::from_ms(it->at("at").get<std::int64_t>());
        c.appeal.prior_status = it->at("prior_status").get<std::string>();
        c.appeal.conclusion = it->at("conclusion").get<std::string>();
        c.appeal.overturned = it->at("overturned").get<std::vector<std::string>>();
    }
    c.attachments.clear();
    if (auto it = j.find("attachments"); it != j.end() && it->is_array())
        for (const auto& a : *it)
            c.attachments.push_back({a.at("kind").get<std::string>(), a.at("code").get<std::string>()});
    c.fine_appeals.clear();
    if (auto it = j.find("fine_appeals"); it != j.end() && it->is_array())
        for (const auto& x : *it) {
            fine_appeal a;
            a.fine = x.at("fine").get<std::string>();
            a.by = x.at("by").get<std::string>();
            a.reason = x.at("reason").get<std::string>();
            a.at = core::from_ms(x.at("at").get<std::int64_t>());
            a.review = stage_from(x.at("review"));
            a.decision = x.at("decision").get<std::string>();
            a.conclusion = x.at("conclusion").get<std::string>();
            c.fine_appeals.push_back(std::move(a));
        }
    c.freight.reset();
    if (auto it = j.find("freight"); it != j.end() && it->is_object()) {
        complaint::freight_record f;
        f.amount = it->at("amount").get<std::string>();
        f.department = it->at("department").get<std::string>();
        f.opened = step_from(*it, "opened");
        f.head_signed = step_from(*it, "head_signed");
        f.desk_signed = step_from(*it, "desk_signed");
        f.paid = step_from(*it, "paid");
        f.written_off = step_from(*it, "written_off");
        c.freight = std::move(f);
    }
}

}  // namespace rules
