// People mistype (SPEC "Corrections"): HR corrects the complainant (投诉人 P1 <姓名>), the desk
// that assigned a complaint changes its investigating departments before the respond deadline
// (调查 P1 <部门> …), and a department amends its reply until every department has answered.
// Each change is on the timeline; each refusal changes nothing.
#include <algorithm>

#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules::detail {

namespace {

std::string people_list(const config& cfg, const std::vector<const person*>& people) {
    std::vector<std::string> names;
    for (const auto* p : people) names.push_back(name_with_department(cfg, p->id));
    return join(names);
}

}  // namespace

std::string complainant_warning(const complaint& c, const person_match& m, const std::string& written,
                                const config& cfg) {
    if (m.found && m.found->id == c.complainant) return {};
    auto taken = "暂按发帖人" + name_with_department(cfg, c.complainant) + "登记";
    if (!m.same_name.empty())
        return "⚠️ 投诉人“" + written + "”可指多人（" + people_list(cfg, m.same_name) + "），" +
               taken + "。请" + cfg.roles.hr + "更正：投诉人 " + c.id + " <姓名（部门）>。";
    return "⚠️ 通讯录中没有投诉人“" + written + "”，" + taken + "。如有误，请" + cfg.roles.hr +
           "更正：投诉人 " + c.id + " <姓名>。";
}

// 投诉人 P1 <姓名>: HR names the right complainant; the VP, appeal rights and reports follow.
bool do_complainant(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                    const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!check_member(c, cfg.roles.hr, ctx, out, chat, actor, "更正投诉人")) return false;
    auto m = cfg.org.match_person(cmd.text);
    if (!m.found) {
        if (!m.same_name.empty())
            refuse(out, ctx, chat, actor,
                   "“" + cmd.text + "”可指多人：" + people_list(cfg, m.same_name) +
                       "。请写明部门，如：投诉人 " + c.id + " " +
                       name_with_department(cfg, m.same_name.front()->id) + "。");
        else
            refuse(out, ctx, chat, actor,
                   "通讯录中没有“" + cmd.text + "”，请核对姓名（可写姓名、别名或工号）。");
        return false;
    }
    const auto& who = *m.found;
    if (who.id == c.complainant) {
        refuse(out, ctx, chat, actor,
               c.id + " 的投诉人已是" + name_with_department(cfg, who.id) + "，无需更正。");
        return false;
    }
    const auto* old_vp = vp_of(c, cfg);
    auto old_vp_id = old_vp ? *old_vp : std::string{};
    auto new_vp_it = cfg.roles.vice_presidents.find(who.department);
    auto new_vp_id = new_vp_it == cfg.roles.vice_presidents.end() ? std::string{} : new_vp_it->second;
    if (c.vp_opinion.at && new_vp_id != old_vp_id) {
        refuse(out, ctx, chat, actor,
               c.id + " 的副总意见已由" + cfg.org.display_name(c.vp_opinion.by) + "于 " +
                   ctx.tz.short_time(*c.vp_opinion.at) + " 填写，不能再更换为其他部门的投诉人。");
        return false;
    }
    auto before = name_with_department(cfg, c.complainant);
    c.complainant = who.id;
    c.complainant_department = who.department;
    out.events.push_back(make_event(c, ctx, actor, "complainant_corrected", "",
                                    "投诉人由 " + before + " 更正为 " + name_with_department(cfg, who.id) +
                                        "（" + cfg.org.display_name(actor) + "）"));
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    add_mention(post, who.id);
    std::string text = "✏️ " + c.id + " 投诉人已由" + before + "更正为" +
                       name_with_department(cfg, who.id) + "，申诉与统计随之调整。";
    if (c.forwarded_at && !c.vp_opinion.at && new_vp_id != old_vp_id) {
        if (!new_vp_id.empty()) {
            text += "流程表改由副总" + cfg.org.display_name(new_vp_id) + "填写意见（副总意见 " + c.id +
                    " <意见>）。";
            add_mention(post, new_vp_id);
        } else {
            text += who.department + "未配置副总，流程表改由总经理填写意见（副总意见 " + c.id + " <意见>）。";
            for (const auto& gm : cfg.roles.general_manager) add_mention(post, gm);
        }
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

// 调查 P1 <部门> …: the full new list. Added departments get at least respond_minimum from now
// (their own deadline when that is later than the stage's); removed ones are released: no
// warning, reminder or fine for this stage. A department that already replied stays.
bool do_investigate(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                    const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    const std::string assign = c.kind == complaint_kind::product ? "publish" : "route";
    auto desk = acting_department(c, cfg, assign);
    if (!check_member(c, desk, ctx, out, chat, actor, "调整调查部门")) return false;
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status_is(complaint_status::invalid) ? " 已判为无效投诉" : " 已关闭") +
                   "，不能再调整调查部门。");
        return false;
    }
    const auto* assigned = c.find_stage(assign);
    auto* st = c.find_stage(stage_id::respond);
    if (!assigned || !assigned->done_at || !st || !st->due) {
        refuse(out, ctx, chat, actor,
               c.id + " 尚未" + stage_label(assign) + "，请先用：" + command_hint(c, cfg, assign) + "。");
        return false;
    }
    if (st->done_at) {
        refuse(out, ctx, chat, actor,
               c.id + " 各部门已于 " + ctx.tz.short_time(*st->done_at) + " 全部回复，不能再调整调查部门。");
        return false;
    }
    if (st->missed || ctx.now >= *st->due) {
        refuse(out, ctx, chat, actor,
               c.id + " 回复已于 " + hm(ctx, *st->due) + " 截止，不能再调整调查部门。");
        return false;
    }
    std::vector<std::string> bad;
    auto wanted = resolve_departments(cmd.departments, cfg, bad);
    if (!bad.empty() || wanted.empty()) {
        refuse(out, ctx, chat, actor,
               (bad.empty() ? std::string("没有指定部门") : "未知部门：" + join(bad)) + "。可用的部门：" +
                   department_names(cfg) + "。");
        return false;
    }
    auto listed = [](const std::vector<std::string>& v, const std::string& d) {
        return std::find(v.begin(), v.end(), d) != v.end();
    };
    std::vector<std::string> added, removed, kept_replied;
    for (const auto& d : c.departments)
        if (!listed(wanted, d.department)) {
            if (d.replied_at) {
                refuse(out, ctx, chat, actor,
                       d.department + " 已于 " + ctx.tz.short_time(*d.replied_at) +
                           " 回复，不能撤出调查；请在名单中保留" + d.department + "。");
                return false;
            }
            removed.push_back(d.department);
        }
    for (const auto& d : wanted)
        if (std::none_of(c.departments.begin(), c.departments.end(),
                         [&](const department_reply& r) { return r.department == d; }))
            added.push_back(d);
    if (added.empty() && removed.empty()) {
        std::vector<std::string> now;
        for (const auto& d : c.departments) now.push_back(d.department);
        refuse(out, ctx, chat, actor, c.id + " 的调查部门已是" + join(now) + "，无需调整。");
        return false;
    }
    c.departments.erase(
        std::remove_if(c.departments.begin(), c.departments.end(),
                       [&](const department_reply& r) { return listed(removed, r.department); }),
        c.departments.end());
    auto earliest = cal(c, ctx).add(ctx.now, c.rules->respond_minimum);
    for (const auto& d : added) {
        department_reply r;
        r.department = d;
        if (earliest > *st->due) r.due = earliest;
        c.departments.push_back(std::move(r));
    }
    std::vector<std::string> now;
    for (const auto& d : c.departments) now.push_back(d.department);
    std::string change;
    if (!added.empty()) change += "增加" + join(added);
    if (!removed.empty()) change += (change.empty() ? "" : "，") + std::string("撤出") + join(removed);
    out.events.push_back(
        make_event(c, ctx, actor, "investigation_changed", "respond",
                   cfg.org.display_name(actor) + " 调整调查部门：" + change + "（现为 " + join(now) + "）"));

    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    std::string text = "🔁 " + c.id + " 调查部门已调整（" + cfg.org.display_name(actor) + "）：";
    if (!added.empty()) {
        auto due = reply_due(c, c.departments.back());
        text += "增加" + join(added) + "，请于 " + hm(ctx, *due) + " 前回复（" +
                command_hint(c, cfg, stage_id::respond) + "）";
        for (const auto& d : added) add_mention(post, cfg.org.head_of(d));
    }
    if (!removed.empty()) {
        text += std::string(added.empty() ? "" : "；") + "撤出" + join(removed) + "，无需再回复，不计罚款";
        for (const auto& d : removed) add_mention(post, cfg.org.head_of(d));
    }
    text += "。现由" + join(now) + "调查。";
    if (silent_departments(c).empty()) respond_complete(c, actor, ctx, out, text, post);
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

// 回复/方案 again from a department that already answered: the latest text counts (sheet,
// reports), the earlier ones stay on the timeline, and lateness stays that of the first reply.
bool do_amend(complaint& c, department_reply& mine, const command& cmd, const std::string& actor,
              const std::string& chat, const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    const std::string what = c.kind == complaint_kind::product ? "回复" : "处理方案";
    if (fold(trim(mine.text)) == fold(trim(cmd.text))) {
        refuse(out, ctx, chat, actor,
               mine.department + " 已于 " + ctx.tz.short_time(*mine.replied_at) + " " + what + "过 " + c.id +
                   "（" + cfg.org.display_name(mine.by) + "），内容相同，无需重复。");
        return false;
    }
    mine.text = cmd.text;
    mine.by = actor;
    mine.amended_at = ctx.now;
    auto first_late = late_by(reply_due(c, mine), *mine.replied_at);
    out.events.push_back(
        make_event(c, ctx, actor, "amended", "respond",
                   mine.department + "（" + cfg.org.display_name(actor) + "）修改" + what + "：" + cmd.text));
    std::string text = "📝 " + c.id + " 已收到" + mine.department + "修改后的" + what + "（" +
                       cfg.org.display_name(actor) + "），以最新内容为准；是否超时仍按首次" + what + "（" +
                       hm(ctx, *mine.replied_at) + "，" + lateness(first_late) + "）计。";
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
    return true;
}

}  // namespace rules::detail
