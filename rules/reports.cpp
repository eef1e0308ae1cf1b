#include "rules/reports.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "rules/facts.hpp"
#include "rules/followup.hpp"
#include "rules/ontime.hpp"
#include "rules/statement.hpp"
#include "rules/text.hpp"

namespace rules {

std::optional<core::local_date> parse_month(const std::string& s) {
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
        if (auto m = parse_month(w)) return period{*m, month_end(*m), w};
        if (auto d = core::parse_date(w)) return period{*d, *d, w};
        error = "无法识别的时间段“" + words[0] + "”。" + usage;
        return std::nullopt;
    }
    if (words.size() == 2) {
        auto a = core::parse_date(fold(words[0]));
        auto b = core::parse_date(fold(words[1]));
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
    (void)tz;
    std::string range = p.from == p.to ? core::format_date(p.from)
                                       : core::format_date(p.from) + " 至 " + core::format_date(p.to);
    std::string head = "📊 " + title + "（" + p.label + (p.label == range ? "" : "，" + range) + "）";
    if (fines.empty()) return head + "：无罚款。";
    // Per head: the fines to pay ("F1 P1 未缴") and the waived ones apart, so no line reads "0 次 0 元".
    struct row {
        std::string name, department;
        int count = 0, amount = 0;
        std::vector<std::string> due, waived;
    };
    std::vector<row> rows;
    int count = 0, total = 0, open = 0, paid = 0, waived_count = 0, waived = 0;
    for (const auto& f : fines) {
        auto it = std::find_if(rows.begin(), rows.end(), [&](const row& r) {
            return r.name == f.person_name && r.department == f.department;
        });
        if (it == rows.end()) {
            rows.push_back({f.person_name, f.department, 0, 0, {}, {}});
            it = rows.end() - 1;
        }
        if (f.status_is(fine_status::waived)) {
            it->waived.push_back(f.id + "（" + f.complaint + "，" + yuan(f.amount) + "）");
            waived_count += 1;
            waived += f.amount;
            continue;
        }
        it->due.push_back(f.id + " " + f.complaint + " " + fine_status_label(f.status));
        it->count += 1;
        it->amount += f.amount;
        count += 1;
        total += f.amount;
        (f.status_is(fine_status::paid) ? paid : open) += f.amount;
    }
    auto join = [](const std::vector<std::string>& v) {
        std::string j;
        for (const auto& i : v) j += (j.empty() ? "" : "，") + i;
        return j;
    };
    std::string s = head;
    for (const auto& r : rows) {
        s += "\n" + r.name + "（" + r.department + "）：";
        if (r.count) s += std::to_string(r.count) + " 次，共 " + yuan(r.amount) + "（" + join(r.due) + "）";
        if (!r.waived.empty()) s += std::string(r.count ? "；" : "") + "已免罚 " + join(r.waived);
    }
    if (count == 0)
        return s + "\n合计：无应缴罚款（已免罚 " + std::to_string(waived_count) + " 次，" + yuan(waived) +
               "）";
    s += "\n合计：" + std::to_string(count) + " 次，共 " + yuan(total);
    if (open && paid)
        s += "，其中未缴 " + yuan(open) + "、已缴 " + yuan(paid);
    else
        s += open ? "，未缴 " + yuan(open) : std::string("，已全部缴纳");
    if (waived) s += "；另免罚 " + std::to_string(waived_count) + " 次，" + yuan(waived);
    return s;
}

std::string todo_list(const std::vector<complaint>& open, const context& ctx, const std::string& department,
                      std::optional<std::size_t> total) {
    std::vector<const complaint*> list;
    for (const auto& c : open) list.push_back(&c);
    return todo_list(list, ctx, department, total);
}

std::string todo_list(const std::vector<const complaint*>& open, const context& ctx,
                      const std::string& department, std::optional<std::size_t> total) {
    std::vector<std::string> lines;
    std::size_t count = 0;
    for (const auto* p : open) {
        const auto& c = *p;
        if (!c.is_open()) continue;
        if (!department.empty()) {
            auto who = pending_departments(c, ctx.cfg);
            if (std::find(who.begin(), who.end(), department) == who.end()) continue;
        }
        ++count;
        if (lines.size() < todo_lines_max) {
            auto owner = owner_of(c);
            lines.push_back("· " + pending_summary(c, ctx) +
                            (owner.empty() ? std::string{} : "，首问 " + ctx.cfg.org.display_name(owner)));
        }
    }
    if (total && *total > count) count = *total;
    std::string head = "📝 待办" + (department.empty() ? std::string{} : "（" + department + "）");
    if (lines.empty()) return head + "：没有未完成的投诉。";
    std::string s = head + "：共 " + std::to_string(count) + " 件";
    for (const auto& l : lines) s += "\n" + l;
    if (count > lines.size())
        s += "\n……另有 " + std::to_string(count - lines.size()) + " 件未列出" +
             (department.empty() ? "，请用“待办 <部门>”按部门查看。"
                                 : "（按编号先后只列前 " + std::to_string(lines.size()) + " 件）。");
    return s;
}

bool ready_for_sheet(const complaint& c) {
    if (!c.is_open() || !c.compensation || c.sheet_date) return false;
    const auto* respond = c.find_stage(stage_id::respond);
    if (!respond || !respond->due) return false;
    // Missed only counts once a department is late by its own deadline (调查 or 延期 may move it).
    auto timing = timing_of(c, *respond);
    return respond->done_at || (timing && timing->late);
}

std::string sheet_text(const std::vector<complaint>& items, core::local_date day, const context& ctx) {
    const auto& org = ctx.cfg.org;
    std::string s = "📄 质量投诉处理流程表（" + core::format_date(day) + "）";
    int n = 0;
    for (const auto& c : items) {
        bool product = c.kind == complaint_kind::product;
        auto field = [&](const char* key) { return c.field(key) ? *c.field(key) : std::string{}; };
        s += "\n" + std::to_string(++n) + ". " + c.id + " " + std::string(kind_title(c.kind)) + "　投诉人：" +
             org.display_name(c.complainant) +
             (c.complainant_department.empty() ? "" : "（" + c.complainant_department + "）");
        if (product) {
            if (auto v = field("客户名称"); !v.empty()) s += "　客户：" + v;
            std::string goods;
            for (const char* key : {"发货日期", "品牌", "规格及数量"})
                if (auto v = field(key); !v.empty())
                    goods += (goods.empty() ? "" : "　") + std::string(key) + "：" + v;
            if (!goods.empty()) s += "\n   " + goods;
        } else if (auto v = field("投诉对象"); !v.empty()) {
            s += "　投诉对象：" + v;
        }
        for (const char* key : product ? std::vector<const char*>{"产品存在的质量问题", "客户要求"}
                                       : std::vector<const char*>{"投诉事件", "投诉目的"})
            if (auto v = field(key); !v.empty())
                s += "\n   " + std::string(std::string_view(key) == "产品存在的质量问题" ? "质量问题" : key) +
                     "：" + v;
        for (const auto& d : c.departments) {
            s += "\n   " + d.department + "：";
            if (d.replied_at)
                s += d.text + "（" + org.display_name(d.by) + " " + ctx.tz.short_time(*d.replied_at) +
                     (d.amended_at ? "，" + ctx.tz.short_time(*d.amended_at) + " 修改" : std::string{}) +
                     "）";
            else
                s += "未回复" + std::string(d.fined ? "（已罚款）" : "");
        }
        if (c.amount)
            s += "\n   赔偿金额：" + c.amount->yuan + " 元" +
                 (self_approvable(c) ? "（低于 " + std::to_string(c.amount->limit) + " 元，签字后由" +
                                           ctx.cfg.roles.order_desk + "直接执行，总经理补签）"
                                     : std::string{});
        std::string signers;
        bool all_signed = true;
        for (const auto& d : c.departments) {
            auto head = org.head_of(d.department);
            bool done =
                std::find(c.sheet_signed.begin(), c.sheet_signed.end(), d.department) != c.sheet_signed.end();
            all_signed = all_signed && done;
            signers += (signers.empty() ? "" : "、") + d.department +
                       (head.empty() ? "" : " " + org.display_name(head)) + (done ? "（已签）" : "");
        }
        s += "\n   责任部门负责人签字：" + signers + (all_signed ? "" : "（签字 " + c.id + "）");
        // Later steps of the flow, once recorded (the archived sheet shows them).
        auto step = [&](const char* label, const complaint::step& st) {
            if (!st.at) return;
            s += "\n   " + std::string(label) + "：" + (st.text.empty() ? "已办理" : st.text) + "（" +
                 org.display_name(st.by) + " " + ctx.tz.short_time(*st.at) + "）";
        };
        step("副总意见", c.vp_opinion);
        step("总经理审批", c.gm_approval);
        step((ctx.cfg.roles.order_desk + "执行").c_str(), c.executed);
    }
    return s;
}

std::string weekly_report(const std::vector<complaint>& all, const std::vector<fine>& fines, const period& p,
                          const context& ctx, const std::vector<complaint>* freight,
                          const std::vector<complaint>* followups) {
    std::map<std::string, int> by_kind, by_department, by_customer, by_brand;
    int count = 0, invalid = 0, appealed = 0;
    std::vector<std::string> freight_open;
    for (const auto& c : freight ? *freight : all)
        if (c.freight && !freight_pending(c).empty()) freight_open.push_back(freight_summary(c, ctx.cfg));
    for (const auto& c : all) {
        auto d = ctx.tz.date_of(c.posted_at);
        if (d < p.from || d > p.to) continue;
        ++count;
        if (c.status_is(complaint_status::invalid)) ++invalid;
        if (c.appeal.at) ++appealed;
        by_kind[std::string(kind_title(c.kind))]++;
        if (!c.complainant_department.empty()) by_department[c.complainant_department]++;
        if (const auto* v = c.field("客户名称")) by_customer[*v]++;
        if (const auto* v = c.field("品牌")) by_brand[*v]++;
    }
    auto list = [](const std::map<std::string, int>& m) {
        std::string s;
        for (const auto& [k, v] : m) s += (s.empty() ? "" : "，") + k + " " + std::to_string(v) + " 件";
        return s;
    };
    auto rates = [](const auto& m) {
        std::string s;
        for (const auto& [k, v] : m) s += (s.empty() ? "" : "，") + k + " " + percent_text(v);
        return s;
    };
    auto ontime = ontime_of(all, p, ctx);
    auto in_period = fines_in(fines, p, ctx.tz);
    int fine_count = 0, fine_total = 0, fine_open = 0, waived_count = 0, waived = 0;
    for (const auto& f : in_period) {
        if (f.status_is(fine_status::waived)) {
            waived_count += 1;
            waived += f.amount;
            continue;
        }
        fine_count += 1;
        fine_total += f.amount;
        if (f.status_is(fine_status::open)) fine_open += f.amount;
    }
    std::string s = "📈 投诉周报（" + core::format_date(p.from) + " 至 " + core::format_date(p.to) + "）";
    // Lines with nothing to say are left out (no "申诉 0", no "按客户：—").
    auto line = [&](const std::string& label, const std::string& text) {
        if (!text.empty()) s += "\n" + label + "：" + text;
    };
    if (count == 0) {
        s += "\n本期没有收到投诉。";
    } else {
        std::string total = "共 " + std::to_string(count) + " 件（" + list(by_kind) + "）";
        std::vector<std::string> notes;
        if (invalid) notes.push_back("无效投诉 " + std::to_string(invalid) + " 件");
        if (appealed) notes.push_back("申诉 " + std::to_string(appealed) + " 件");
        for (std::size_t i = 0; i < notes.size(); ++i) total += (i ? "，" : "，其中") + notes[i];
        line("收到投诉", total);
        line("按投诉部门", list(by_department));
        line("按客户", list(by_customer));
        line("按品牌", list(by_brand));
        line("各环节按时率", rates(ontime.stages));
        line("各部门按时回复率", rates(ontime.departments));
    }
    for (const auto& [label, text] : followup_report_lines(all, followups ? *followups : all, p, ctx))
        line(label, text);
    std::string fines_line;
    if (fine_count) {
        fines_line = std::to_string(fine_count) + " 次，共 " + yuan(fine_total);
        if (fine_open) fines_line += (fine_open == fine_total ? "，未缴 " : "，其中未缴 ") + yuan(fine_open);
    }
    if (waived)
        fines_line += (fines_line.empty() ? "" : "；") + std::string("免罚 ") + std::to_string(waived_count) +
                      " 次，" + yuan(waived);
    line("罚款", fines_line.empty() ? "无" : fines_line);
    line("未结退货运费",
         freight_open.empty() ? std::string("无") : std::to_string(freight_open.size()) + " 笔");
    for (const auto& l : freight_open) s += "\n· " + l;
    return s;
}

}  // namespace rules
