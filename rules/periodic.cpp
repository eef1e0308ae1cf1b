// The monthly summary and the repeat problems (rules/periodic.hpp); the quarterly handbook's tables
// are in handbook.cpp.
#include "rules/periodic.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "rules/followup.hpp"
#include "rules/ontime.hpp"
#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using detail::customer_text;
using detail::field_text;
using detail::join;

namespace {

std::string ym(core::local_date d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", d.year, d.month % 100U);
    return buf;
}

// "+4", "-2", "持平".
std::string delta(int now, int before) {
    if (now == before) return "持平";
    return (now > before ? "+" : "") + std::to_string(now - before);
}

}  // namespace

period month_of(core::local_date day) {
    core::local_date first{day.year, day.month, 1};
    return {first, month_end(first), ym(first)};
}

period previous_month(core::local_date day) {
    core::local_date first{day.month == 1 ? day.year - 1 : day.year, day.month == 1 ? 12U : day.month - 1, 1};
    return month_of(first);
}

period quarter_of(core::local_date day) {
    const unsigned q = (day.month - 1) / 3;
    core::local_date first{day.year, q * 3 + 1, 1};
    core::local_date last_month{day.year, q * 3 + 3, 1};
    return {first, month_end(last_month), std::to_string(day.year) + "年第" + std::to_string(q + 1) + "季度"};
}

period previous_quarter(core::local_date day) {
    auto q = quarter_of(day);
    return quarter_of(core::add_days(q.from, -1));
}

std::string specification_of(const complaint& c) {
    auto words = split_words(field_text(c, "规格及数量"));
    if (words.size() > 1) {
        const auto& last = words.back();
        if (!last.empty() && last.front() >= '0' && last.front() <= '9' &&
            last.find_first_not_of("0123456789.") != std::string::npos)
            words.pop_back();  // "200盒": the quantity
    }
    return join(words, " ");
}

std::vector<repeat_problem> repeat_problems(const std::vector<complaint>& posted, const period& p,
                                            const core::zone& tz) {
    std::map<std::string, std::vector<std::string>> by_problem, by_customer;
    for (const auto& c : posted) {
        if (c.status_is(complaint_status::invalid) || !within(p, tz.date_of(c.posted_at))) continue;
        auto brand = field_text(c, "品牌");
        if (!brand.empty() && !c.category.empty()) by_problem[brand + "·" + c.category].push_back(c.id);
        if (auto who = customer_text(c); !who.empty() && c.kind == complaint_kind::product)
            by_customer["客户 " + who].push_back(c.id);
    }
    std::vector<repeat_problem> out;
    for (auto* m : {&by_problem, &by_customer})
        for (const auto& [what, ids] : *m)
            if (ids.size() >= 2) out.push_back({what, ids});
    std::stable_sort(out.begin(), out.end(), [](const repeat_problem& a, const repeat_problem& b) {
        return a.ids.size() > b.ids.size();
    });
    return out;
}

std::string monthly_report(const month_input& in_, const context& ctx) {
    const auto& m = in_.month;
    const auto& b = in_.before;
    auto count = [&](const std::vector<complaint>& all, const period& p) {
        int n = 0, product = 0, service = 0, invalid = 0;
        for (const auto& c : all) {
            if (!within(p, ctx.tz.date_of(c.posted_at))) continue;
            ++n;
            (c.kind == complaint_kind::product ? product : service)++;
            if (c.status_is(complaint_status::invalid)) ++invalid;
        }
        return std::array<int, 4>{n, product, service, invalid};
    };
    auto now = count(in_.posted, m);
    auto then = count(in_.posted_before, b);
    std::string s = "📊 投诉月报（" + std::to_string(m.from.year) + "年" + std::to_string(m.from.month) +
                    "月，对比" + std::to_string(b.from.month) + "月）";
    auto line = [&](const std::string& label, const std::string& text) {
        if (!text.empty()) s += "\n" + label + "：" + text;
    };
    std::string total = "共 " + std::to_string(now[0]) + " 件";
    if (now[0])
        total += "（产品质量投诉 " + std::to_string(now[1]) + " 件，服务质量投诉 " + std::to_string(now[2]) +
                 " 件）";
    total += "，上月 " + std::to_string(then[0]) + " 件（" + delta(now[0], then[0]) + "）";
    if (now[3]) total += "；其中无效 " + std::to_string(now[3]) + " 件";
    line("收到投诉", total);

    std::map<std::string, int> by_category;
    int uncategorized = 0;
    for (const auto& c : in_.posted)
        if (within(m, ctx.tz.date_of(c.posted_at)))
            (c.category.empty() ? uncategorized : by_category[c.category])++;
    std::string cats;
    for (const auto& name : ctx.cfg.categories)
        if (auto it = by_category.find(name); it != by_category.end())
            cats += (cats.empty() ? "" : "，") + name + " " + std::to_string(it->second) + " 件";
    if (!cats.empty() && uncategorized) cats += "（未分类 " + std::to_string(uncategorized) + " 件）";
    line("按问题类别", cats);

    auto ontime = ontime_of(in_.posted, m, ctx);
    auto ontime_before = ontime_of(in_.posted_before, b, ctx);
    std::string stages;
    for (const auto& [name, r] : ontime.stages) {
        std::string was = "—";
        for (const auto& [n2, r2] : ontime_before.stages)
            if (n2 == name) was = percent_text(r2);
        stages += (stages.empty() ? "" : "，") + name + " " + percent_text(r) + "（上月 " + was + "）";
    }
    line("各环节按时率", stages);
    std::string depts;
    for (const auto& [name, r] : ontime.departments) {
        auto it = ontime_before.departments.find(name);
        depts += (depts.empty() ? "" : "，") + name + " " + percent_text(r) + "（上月 " +
                 (it == ontime_before.departments.end() ? std::string("—") : percent_text(it->second)) + "）";
    }
    line("各部门按时回复率", depts);

    auto sum = [&](const std::vector<fine>& fs, const period& p) {
        int n = 0, yuan = 0;
        std::map<std::string, std::pair<int, int>> per_head;
        for (const auto& f : fs) {
            if (f.status_is(fine_status::waived) || !within(p, ctx.tz.date_of(f.issued_at))) continue;
            ++n;
            yuan += f.amount;
            auto& h = per_head[f.person_name.empty() ? f.person : f.person_name];
            h.first++;
            h.second += f.amount;
        }
        return std::make_tuple(n, yuan, per_head);
    };
    auto [n_fines, yuan, per_head] = sum(in_.fines, m);
    auto [n_before, yuan_before, unused] = sum(in_.fines_before, b);
    (void)unused;
    std::string fines =
        n_fines ? "共 " + std::to_string(n_fines) + " 笔 " + std::to_string(yuan) + " 元" : "无";
    fines += "（上月 " +
             (n_before ? std::to_string(n_before) + " 笔 " + std::to_string(yuan_before) + " 元" : "无") +
             "）";
    if (!per_head.empty()) {
        std::string heads;
        for (const auto& [name, h] : per_head)
            heads += (heads.empty() ? "" : "，") + name + " " + std::to_string(h.first) + " 笔 " +
                     std::to_string(h.second) + " 元";
        fines += "；按负责人：" + heads;
    }
    line("罚款", fines);

    auto sat = satisfaction_between(in_.changed, m.from, m.to, ctx.tz);
    auto sat_before = satisfaction_between(in_.changed, b.from, b.to, ctx.tz);
    if (sat.total() > 0 || sat_before.total() > 0) {
        std::string text = satisfaction_rate(sat);
        if (sat.total() > 0)
            text += "（满意 " + std::to_string(sat.satisfied) + "，基本满意 " +
                    std::to_string(sat.basically) + "，不满意 " + std::to_string(sat.unsatisfied) + "）";
        text += "，上月 " + satisfaction_rate(sat_before) + "；目标 " +
                std::to_string(ctx.cfg.followup.target) + "%";
        if (sat.total() > 0 && (sat.satisfied + sat.basically) * 100 < ctx.cfg.followup.target * sat.total())
            text += "，未达标";
        line("回访满意率", text);
    }

    std::string repeats;
    for (const auto& r : repeat_problems(in_.posted, m, ctx.tz))
        repeats += (repeats.empty() ? "" : "；") + r.what + " " + std::to_string(r.ids.size()) + " 件（" +
                   join(r.ids) + "）";
    line("重复问题", repeats);
    std::vector<std::string> crisis;
    for (const auto& c : in_.posted)
        if (c.crisis() && within(m, ctx.tz.date_of(c.posted_at))) crisis.push_back(c.id);
    if (!crisis.empty()) line("一级投诉", std::to_string(crisis.size()) + " 件（" + join(crisis) + "）");
    if (in_.supervised_open)
        line("督办中（登记满 " + core::format_duration_zh(ctx.cfg.customer.resolve_within) + " 未办结）",
             std::to_string(in_.supervised_open) + " 件");
    s += "\n" + std::to_string(m.from.month) + "月罚款月结单请" + ctx.cfg.roles.hr +
         "打印（仪表盘“罚款台账”或 report statement），交各负责人签字。";
    return s;
}

}  // namespace rules
