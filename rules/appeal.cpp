// 申诉 and 复核 of a complaint: the complainant appeals the outcome within the window, the appeal
// department reviews it; the fine ids its conclusion names are overturned.
#include <algorithm>

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace detail {

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
    const auto* respond = c.find_stage(stage_id::respond);
    if (!last && respond && respond->missed) last = respond->due;
    if (c.status_is(complaint_status::invalid)) last = c.closed_at;
    if (!last) {
        refuse(out, ctx, chat, actor, c.id + " 尚未答复，暂不能申诉；请等待责任部门回复后再申诉。");
        return false;
    }
    if (ctx.now > *last + c.rules->appeal_window) {
        refuse(out, ctx, chat, actor,
               c.id + " 已超过申诉期限（最后答复 " + ctx.tz.short_time(*last) + " 起 " +
                   core::format_duration_zh(c.rules->appeal_window) + "），不能申诉。");
        return false;
    }
    open_review(c, actor, cmd.text, chat, ctx, out);
    return true;
}

// The complaint reopens with a "review" stage for the appeal department: 申诉, and a 回访 不满意
// (followup.cpp), whose reason then starts with "回访不满意".
void open_review(complaint& c, const std::string& actor, const std::string& reason, const std::string& chat,
                 const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    c.appeal = {actor, reason, ctx.now, c.status, {}, {}};
    c.set_status(complaint_status::open);
    c.closed_at.reset();
    stage_state st;
    st.name = "review";
    st.armed_at = ctx.now;
    st.due = cal(c, ctx).add(ctx.now, c.rules->review.due);
    c.stages.push_back(st);
    out.events.push_back(
        make_event(c, ctx, actor, "appealed", "review",
                   cfg.org.display_name(actor) + " 申诉：" + reason + "，转" + cfg.roles.appeal + "复核"));
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    for (const auto& m : members_of(cfg, cfg.roles.appeal)) add_mention(post, m);
    post.text = "📣 " + c.id + " 已收到" + cfg.org.display_name(actor) + "的申诉：" + reason + "\n请" +
                cfg.roles.appeal + "于 " + hm(ctx, *st.due) + " 前复核（复核 " + c.id +
                " <复核结论>，撤销罚款请写明编号，如 撤销 F1）。逾期将提请总经理处理。";
    out.posts.push_back(finish(std::move(post), cfg));
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
    auto* st = c.find_stage(stage_id::review);
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
        if (c.appeal.prior_status == to_string(complaint_status::invalid)) {
            c.set_status(complaint_status::invalid);
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

}  // namespace detail

}  // namespace rules
