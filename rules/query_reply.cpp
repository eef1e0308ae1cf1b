// The 查询 reply: the complaint's fields (the form's, then the extra ones), its timeline and what is
// pending. A huge complaint (long fields, a long timeline) is summarised under a fixed size: values
// cut with their length shown, the timeline's first and last entries around "…省略 N 条…", and a
// pointer to the full record.
#include "rules/text.hpp"
#include "rules/workflow.hpp"

namespace rules {

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

std::string entry_line(const event& e, const context& ctx, std::size_t max) {
    std::string s = "· " + ctx.tz.short_time(e.at) + " " + cut(e.detail, max);
    if (e.late.count() > 0 && e.type != "missed" && e.type != "escalated")
        s += "（超时" + core::format_duration_zh(e.late) + "）";
    return s + "\n";
}

std::string build(const complaint& c, const std::vector<event>& timeline, const context& ctx,
                  const limits& lim) {
    std::string s = c.id + " " + std::string(kind_title(c.kind)) + "（";
    if (c.status == "closed")
        s += "已关闭";
    else if (c.status == "invalid")
        s += "无效投诉";
    else
        s += "进行中";
    s += "）\n";
    for (const auto& [k, v] : c.fields) s += k + "：" + cut(v, lim.field_chars) + "\n";
    if (!c.attachments.empty()) s += attachments_line(c.attachments) + "\n";
    s += "时间线：\n";
    const std::size_t n = timeline.size();
    if (lim.keep == 0 || n <= 2 * lim.keep + 1) {
        for (const auto& e : timeline) s += entry_line(e, ctx, lim.entry_chars);
    } else {
        for (std::size_t i = 0; i < lim.keep; ++i) s += entry_line(timeline[i], ctx, lim.entry_chars);
        s += "· …省略 " + std::to_string(n - 2 * lim.keep) + " 条…\n";
        for (std::size_t i = n - lim.keep; i < n; ++i) s += entry_line(timeline[i], ctx, lim.entry_chars);
    }
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
