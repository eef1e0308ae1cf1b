#include "rules/reports.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "rules/text.hpp"

namespace rules {

namespace {

std::optional<core::local_date> parse_ymd(const std::string& s) {
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) return std::nullopt;
    if (!core::valid_date(y, m, d)) return std::nullopt;
    return core::local_date{y, m, d};
}

std::optional<core::local_date> parse_ym(const std::string& s) {
    int y = 0;
    unsigned m = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%4d-%2u%c", &y, &m, &tail) != 2) return std::nullopt;
    if (!core::valid_date(y, m, 1)) return std::nullopt;
    return core::local_date{y, m, 1};
}

core::local_date month_end(core::local_date first) {
    auto next = first.month == 12 ? core::local_date{first.year + 1, 1, 1}
                                  : core::local_date{first.year, first.month + 1, 1};
    return core::add_days(next, -1);
}

std::string percent(int on_time, int total) {
    if (total == 0) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d%%", (on_time * 100 + total / 2) / total);
    return buf;
}

}  // namespace

std::optional<period> parse_period(const std::vector<std::string>& words, core::local_date today,
                                   std::string& error) {
    const std::string usage = "可用：今天、本周、本月、2026-11、2026-11-01 2026-11-30";
    if (words.empty()) return period{today, today, "今天"};
    if (words.size() == 1) {
        auto w = fold(words[0]);
        if (w == "今天" || w == "今日") return period{today, today, "今天"};
        if (w == "昨天") {
            auto y = core::add_days(today, -1);
            return period{y, y, "昨天"};
        }
        if (w == "本周") {
            auto monday = core::add_days(today, -static_cast<int>(core::weekday(today) - 1));
            return period{monday, core::add_days(monday, 6), "本周"};
        }
        if (w == "本月") {
            core::local_date first{today.year, today.month, 1};
            return period{first, month_end(first), "本月"};
        }
        if (auto m = parse_ym(w)) return period{*m, month_end(*m), w};
        if (auto d = parse_ymd(w)) return period{*d, *d, w};
        error = "无法识别的时间段“" + words[0] + "”。" + usage;
        return std::nullopt;
    }
    if (words.size() == 2) {
        auto a = parse_ymd(fold(words[0]));
        auto b = parse_ymd(fold(words[1]));
        if (a && b && *a <= *b) return period{*a, *b, core::format_date(*a) + " 至 " + core::format_date(*b)};
        error = "无法识别的时间段“" + words[0] + " " + words[1] + "”（起始日期须不晚于结束日期）。" + usage;
        return std::nullopt;
    }
    error = "时间段最多两个日期。" + usage;
    return std::nullopt;
}

std::vector<fine> fines_in(const std::vector<fine>& all, const period& p, const core::zone& tz) {
    std::vector<fine> out;
    for (const auto& f : all) {
        auto d = tz.date_of(f.issued_at);
        if (d >= p.from && d <= p.to) out.push_back(f);
    }
    return out;
}

std::string penalty_summary(const std::vector<fine>& fines, const period& p, const core::zone& tz,
                            const std::string& title) {
    std::string range = p.from == p.to ? core::format_date(p.from)
                                       : core::format_date(p.from) + " 至 " + core::format_date(p.to);
    std::string head = "📊 " + title + "（" + p.label + (p.label == range ? "" : "，" + range) + "）";
    if (fines.empty()) return head + "：无罚款。";
    struct row {
        std::string name, department;
        int count = 0, amount = 0;                // fines that stand (open or paid)
        int waived_count = 0, waived_amount = 0;  // waived: listed, not charged
        std::vector<std::string> items;
    };
    std::vector<row> rows;
    int total = 0, open = 0, paid = 0, waived = 0;
    for (const auto& f : fines) {
        auto it = std::find_if(rows.begin(), rows.end(), [&](const row& r) {
            return r.name == f.person_name && r.department == f.department;
        });
        if (it == rows.end()) {
            rows.push_back({f.person_name, f.department, 0, 0, 0, 0, {}});
            it = rows.end() - 1;
        }
        std::string status = f.status == "paid" ? "已缴" : f.status == "waived" ? "已免" : "未缴";
        it->items.push_back(f.id + " " + f.complaint + " " + status);
        if (f.status == "waived") {
            waived += f.amount;
            it->waived_count += 1;
            it->waived_amount += f.amount;
            continue;
        }
        it->count += 1;
        it->amount += f.amount;
        total += f.amount;
        (f.status == "paid" ? paid : open) += f.amount;
    }
    // Only what is there: no "0 次 0 元" for a head whose fines were all waived, no "已缴 0 元".
    auto times = [](int n, int amount) {
        return std::to_string(n) + " 次 " + std::to_string(amount) + " 元";
    };
    std::string s = head + "\n";
    for (const auto& r : rows) {
        std::string counts;
        if (r.count > 0) counts = times(r.count, r.amount);
        if (r.waived_count > 0)
            counts += (counts.empty() ? "免罚 " : "（另免罚 ") + times(r.waived_count, r.waived_amount) +
                      (r.count > 0 ? "）" : "");
        std::string items;
        for (const auto& i : r.items) items += (items.empty() ? "" : "，") + i;
        s += r.name + "（" + r.department + "）：" + counts + " — " + items + "\n";
    }
    std::vector<std::string> parts;
    if (open) parts.push_back("未缴 " + std::to_string(open) + " 元");
    if (paid) parts.push_back("已缴 " + std::to_string(paid) + " 元");
    std::string joined;
    for (const auto& part : parts) joined += (joined.empty() ? "" : "，") + part;
    if (total == 0)
        s += "合计：无应缴罚款（均已免罚，共 " + std::to_string(waived) + " 元）";
    else
        s += "合计：" + std::to_string(total) + " 元（" + joined +
             (waived ? "，另免罚 " + std::to_string(waived) + " 元" : std::string{}) + "）";
    (void)tz;
    return s;
}

std::string todo_list(const std::vector<complaint>& open, const context& ctx, const std::string& department) {
    std::vector<std::string> lines;
    for (const auto& c : open) {
        if (!c.is_open()) continue;
        if (!department.empty()) {
            auto who = pending_departments(c, ctx.cfg);
            if (std::find(who.begin(), who.end(), department) == who.end()) continue;
        }
        lines.push_back("· " + pending_summary(c, ctx));
    }
    std::string head = "📝 待办" + (department.empty() ? std::string{} : "（" + department + "）");
    if (lines.empty()) return head + "：没有未完成的投诉。";
    std::string s = head + "：共 " + std::to_string(lines.size()) + " 件";
    for (const auto& l : lines) s += "\n" + l;
    return s;
}

bool ready_for_sheet(const complaint& c) {
    if (!c.is_open() || !c.compensation || c.sheet_date) return false;
    const auto* respond = c.find_stage("respond");
    return respond && respond->due && (respond->done_at || respond->missed);
}

std::string sheet_text(const std::vector<complaint>& items, core::local_date day, const context& ctx) {
    std::string s = "📄 质量投诉处理流程表（" + core::format_date(day) + "）";
    int n = 0;
    for (const auto& c : items) {
        s += "\n" + std::to_string(++n) + ". " + c.id + " " + std::string(kind_title(c.kind)) + "　投诉人：" +
             ctx.cfg.org.display_name(c.complainant);
        if (const auto* v = c.field("客户名称")) s += "　客户：" + *v;
        if (const auto* v = c.field(c.kind == complaint_kind::product ? "客户要求" : "投诉目的"))
            s += "\n   " + std::string(c.kind == complaint_kind::product ? "客户要求" : "投诉目的") + "：" +
                 *v;
        for (const auto& d : c.departments) {
            s += "\n   " + d.department + "：";
            if (d.replied_at)
                s += d.text + "（" + ctx.cfg.org.display_name(d.by) + " " + ctx.tz.short_time(*d.replied_at) +
                     (d.amended_at ? "，" + ctx.tz.short_time(*d.amended_at) + " 修改" : std::string{}) +
                     "）";
            else
                s += "未回复" + std::string(d.fined ? "（已罚款）" : "");
        }
        std::string signers;
        for (const auto& d : c.departments) signers += (signers.empty() ? "" : "、") + d.department;
        s += "\n   责任部门负责人签字：" + signers + "（签字 " + c.id + "）";
    }
    return s;
}

std::string weekly_report(const std::vector<complaint>& all, const std::vector<fine>& fines, const period& p,
                          const context& ctx, const std::vector<complaint>* freight) {
    std::map<std::string, int> by_kind, by_department, by_customer, by_brand;
    std::map<std::string, std::pair<int, int>> stage_rate, dept_rate;  // on time, total
    int count = 0, invalid = 0, appealed = 0;
    std::vector<std::string> freight_open;
    for (const auto& c : freight ? *freight : all)
        if (c.freight && !freight_pending(c).empty()) freight_open.push_back(freight_summary(c, ctx.cfg));
    for (const auto& c : all) {
        auto d = ctx.tz.date_of(c.posted_at);
        if (d < p.from || d > p.to) continue;
        ++count;
        if (c.status == "invalid") ++invalid;
        if (c.appeal.at) ++appealed;
        by_kind[std::string(kind_title(c.kind))]++;
        if (!c.complainant_department.empty()) by_department[c.complainant_department]++;
        if (const auto* v = c.field("客户名称")) by_customer[*v]++;
        if (const auto* v = c.field("品牌")) by_brand[*v]++;
        for (const auto& s : c.stages) {
            if (!s.due) continue;
            bool done_in_time = s.done_at && *s.done_at <= *s.due;
            bool over = s.missed || (s.done_at && *s.done_at > *s.due);
            if (!done_in_time && !over) continue;  // still running
            auto& r = stage_rate[stage_label(s.name)];
            r.second++;
            if (done_in_time) r.first++;
        }
        if (const auto* s = c.find_stage("respond"); s && s->due)
            for (const auto& dr : c.departments) {
                auto due = *reply_due(c, dr);  // a department added late by 调查 has its own
                bool in_time = dr.replied_at && *dr.replied_at <= due;
                bool over = dr.fined || (dr.replied_at && *dr.replied_at > due);
                if (!in_time && !over) continue;
                auto& r = dept_rate[dr.department];
                r.second++;
                if (in_time) r.first++;
            }
    }
    auto list = [](const std::map<std::string, int>& m) {
        std::string s;
        for (const auto& [k, v] : m) s += (s.empty() ? "" : "，") + k + " " + std::to_string(v);
        return s.empty() ? std::string("—") : s;
    };
    auto rates = [](const std::map<std::string, std::pair<int, int>>& m) {
        std::string s;
        for (const auto& [k, v] : m) s += (s.empty() ? "" : "，") + k + " " + percent(v.first, v.second);
        return s.empty() ? std::string("—") : s;
    };
    auto in_period = fines_in(fines, p, ctx.tz);
    int fine_total = 0;
    for (const auto& f : in_period)
        if (f.status != "waived") fine_total += f.amount;
    std::string s = "📈 投诉周报（" + core::format_date(p.from) + " 至 " + core::format_date(p.to) + "）\n";
    s += "投诉总数：" + std::to_string(count) + "（" + list(by_kind) + "）\n";
    s += "有效投诉 " + std::to_string(count - invalid) + "，无效投诉 " + std::to_string(invalid) + "，申诉 " +
         std::to_string(appealed) + "\n";
    s += "按投诉部门：" + list(by_department) + "\n";
    s += "按客户：" + list(by_customer) + "\n";
    s += "按品牌：" + list(by_brand) + "\n";
    s += "各环节按时率：" + rates(stage_rate) + "\n";
    s += "各部门按时回复率：" + rates(dept_rate) + "\n";
    s += "罚款：" + std::to_string(in_period.size()) + " 笔，" + std::to_string(fine_total) + " 元";
    s += "\n未结退货运费：" +
         (freight_open.empty() ? std::string("无") : std::to_string(freight_open.size()) + " 笔");
    for (const auto& line : freight_open) s += "\n· " + line;
    return s;
}

}  // namespace rules
