// The 查询 reply: the complaint's fields (the form's, then the extra ones), its timeline and what is
// pending. A huge complaint (long fields, a long timeline) is summarised under a fixed size: values
// cut with their length shown, the timeline's first and last entries around "…省略 N 条…", and a
// pointer to the full record.
#include "rules/customer.hpp"
#include "rules/followup.hpp"
#include "rules/text.hpp"
#include "rules/workflow.hpp"
#include "rules/workflow_support.hpp"

namespace rules {
using namespace detail;

namespace {

struct limits {
    std::size_t field_chars;  // per field value
    std::size_t entry_chars;  // per timeline entry's text
    std::size_t keep;         // timeline entries kept at each end
};

// The summary's steps, from mild to tight; the first that fits is used.
constexpr limits summary_steps[] = {{200, 100, 5}, {80, 60, 3}, {30, 40, 2}, {12, 24, 1}};

constexpr std::string_view summary_note =
    "（内容较长，以上为摘要；完整记录请用 complaint-bot report complaints --format json 导出）";

// "随附：图片 2 张" (or "图片 1 张、其他附件 1 个"): kept on the record with their download codes.
std::string attachments_line(const std::vector<core::attachment>& list) {
    std::size_t pictures = 0;
    for (const auto& a : list)
        if (a.kind == "picture" || a.kind == "image") ++pictures;
    std::string s = "随附：";
    if (pictures > 0) s += "图片 " + std::to_string(pictures) + " 张";
    if (pictures < list.size())
        s += std::string(pictures > 0 ? "、" : "") + "其他附件 " + std::to_string(list.size() - pictures) +
             " 个";
    return s + "（已存档）";
}

std::string cut(const std::string& v, std::size_t max) {
    auto n = utf8_length(v);
    if (max == 0 || n <= max) return v;
    return utf8_truncate(v, max) + "（共" + std::to_string(n) + "字）";
}

// Events written before escalation targets were put in words carry the config token
// ("第1级提醒：head"): the timeline shows them as people read them.
std::string timeline_detail(const event& e, const complaint& c, const config& cfg) {
    for (std::string_view mark : {"级提醒：", "级升级："}) {
        auto pos = e.detail.find(mark);
        if (e.detail.rfind("第", 0) != 0 || pos == std::string::npos) continue;
        auto token = e.detail.substr(pos + mark.size());
        std::string words;
        if (token == "head")
            words = e.stage == "respond" ? std::string("未回复部门负责人")
                                         : acting_department(c, cfg, e.stage) + "负责人";
        else if (token == "hr_head")
            words = cfg.roles.hr + "负责人";
        else if (token == "order_desk_head")
            words = cfg.roles.order_desk + "负责人";
        else if (token == "vp")
            words = "副总";
        else if (token == "general_manager")
            words = "总经理";
        else if (token.rfind("person:", 0) == 0)
            words = cfg.org.display_name(token.substr(7));
        else if (token.rfind("department:", 0) == 0)
            words = token.substr(11) + "负责人";
        else
            continue;
        return e.detail.substr(0, pos + mark.size()) + words;
    }
    return e.detail;
}

std::string entry_line(const event& e, const complaint& c, const context& ctx, std::size_t max) {
    std::string s = "· " + ctx.tz.short_time(e.at) + " " + cut(timeline_detail(e, c, ctx.cfg), max);
    if (e.late.count() > 0 && e.type != "missed" && e.type != "escalated" && e.type != "reminded" &&
        e.type != "followup_escalated")
        s += "（超时" + core::format_duration_zh(e.late) + "）";
    return s + "\n";
}

std::string build(const complaint& c, const std::vector<event>& timeline, const context& ctx,
                  const limits& lim) {
    std::string s = c.id + " " + std::string(kind_title(c.kind)) + "（";
    if (c.status_is(complaint_status::closed))
        s += "已关闭";
    else if (c.status_is(complaint_status::invalid))
        s += "无效投诉";
    else
        s += "进行中";
    s += "）\n";
    for (const auto& [k, v] : c.fields)
        if (k != category_field) s += k + "：" + cut(v, lim.field_chars) + "\n";
    if (!c.category.empty())
        s += std::string(category_field) + "：" + c.category + "\n";
    else if (const auto* typed = c.field(category_field))
        s += std::string(category_field) + "：" + cut(*typed, lim.field_chars) + "（未分类）\n";
    if (!c.attachments.empty()) s += attachments_line(c.attachments) + "\n";
    if (const auto* typed = c.field("投诉人");
        !typed || trim(*typed) != ctx.cfg.org.display_name(c.complainant))
        s += "登记投诉人：" + name_with_department(ctx.cfg, c.complainant) + "\n";
    if (auto owner = owner_of(c); !owner.empty())
        s += "首问负责人：" + name_with_department(ctx.cfg, owner) + "\n";
    s += "时间线：\n";
    const std::size_t n = timeline.size();
    if (lim.keep == 0 || n <= 2 * lim.keep + 1) {
        for (const auto& e : timeline) s += entry_line(e, c, ctx, lim.entry_chars);
    } else {
        for (std::size_t i = 0; i < lim.keep; ++i) s += entry_line(timeline[i], c, ctx, lim.entry_chars);
        s += "· …省略 " + std::to_string(n - 2 * lim.keep) + " 条…\n";
        for (std::size_t i = n - lim.keep; i < n; ++i) s += entry_line(timeline[i], c, ctx, lim.entry_chars);
    }
    for (const auto& a : c.corrective_actions)
        s += "整改：" + a.department + " " + cut(a.measure, lim.field_chars) +
             (a.until.empty() ? "" : "（期限 " + a.until + "）") + "\n";
    if (auto v = severity_words(c, ctx); !v.empty()) s += "级别：" + cut(v, lim.field_chars) + "\n";
    if (c.amount)
        s += "赔偿金额：" + c.amount->yuan + " 元" +
             (self_approvable(c) ? "（低于 " + std::to_string(c.amount->limit) + " 元，" +
                                       ctx.cfg.roles.order_desk + "签字后直接执行，总经理事后补签）"
                                 : std::string{}) +
             "\n";
    if (c.countersigned.at)
        s += "补签：" + ctx.cfg.org.display_name(c.countersigned.by) + " " +
             ctx.tz.short_time(*c.countersigned.at) +
             (c.countersigned.text.empty() ? std::string{} : "：" + c.countersigned.text) + "\n";
    else if (countersign_pending(c))
        s += "补签：待总经理补签（补签 " + c.id + "）\n";
    for (const auto& x : extension_words(c, ctx)) s += "延期：" + cut(x, lim.field_chars) + "\n";
    if (auto a = customer_words(c, ctx); !a.empty()) s += "答复客户：" + cut(a, lim.field_chars) + "\n";
    if (supervised(c, ctx.now))
        s += "督办：登记已满 " + core::format_duration_zh(ctx.now - c.posted_at) + "，" +
             (c.customer->supervised >= 2 ? "总经理" : "副总") + "督办中\n";
    if (auto f = followup_words(c, ctx); !f.empty()) s += "回访：" + cut(f, lim.field_chars) + "\n";
    if (c.is_open())
        s += "待办：" + pending_summary(c, ctx);
    else if (!s.empty() && s.back() == '\n')
        s.pop_back();
    return s;
}

}  // namespace

std::string describe(const complaint& c, const std::vector<event>& timeline, const context& ctx) {
    auto full = build(c, timeline, ctx, {0, 0, 0});
    if (utf8_length(full) <= max_query_reply_chars) return full;
    const std::size_t room = max_query_reply_chars - utf8_length(summary_note) - 1;
    std::string s;
    for (const auto& lim : summary_steps) {
        s = build(c, timeline, ctx, lim);
        if (utf8_length(s) <= room) break;
    }
    if (utf8_length(s) > room) s = utf8_truncate(s, room - 1);  // "…" makes it `room`
    return s + "\n" + std::string(summary_note);
}

}  // namespace rules
