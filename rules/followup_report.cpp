// The reports' figures on 回访 and 问题类别: the satisfaction per responsible department (满意率:
// 满意 and 基本满意 among the 回访 recorded) over the period and over the month it ends in, and the
// complaints per category.
#include <cstdio>

#include "rules/followup.hpp"
#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

void satisfaction_count::add(satisfaction s) {
    switch (s) {
        case satisfaction::satisfied:
            ++satisfied;
            return;
        case satisfaction::basically_satisfied:
            ++basically;
            return;
        case satisfaction::unsatisfied:
            ++unsatisfied;
            return;
    }
}

std::string satisfaction_rate(const satisfaction_count& n) {
    if (n.total() == 0) return "—";
    char buf[16];
    std::snprintf(buf, sizeof buf, "%d%%", ((n.satisfied + n.basically) * 100 + n.total() / 2) / n.total());
    return buf;
}

namespace {

bool recorded_within(const complaint& c, core::local_date from, core::local_date to, const core::zone& tz) {
    if (!c.followup || !c.followup->result || !c.followup->recorded_at) return false;
    auto d = tz.date_of(*c.followup->recorded_at);
    return !(d < from) && !(to < d);
}

// "满意 2、基本满意 1、不满意 1"
std::string counts(const satisfaction_count& n) {
    std::vector<std::string> parts;
    if (n.satisfied) parts.push_back("满意 " + std::to_string(n.satisfied));
    if (n.basically) parts.push_back("基本满意 " + std::to_string(n.basically));
    if (n.unsatisfied) parts.push_back("不满意 " + std::to_string(n.unsatisfied));
    return detail::join(parts);
}

// "生产部 67%（3 件），采购部 100%（1 件）"
std::string per_department(const std::map<std::string, satisfaction_count>& by) {
    std::string s;
    for (const auto& [dept, n] : by)
        s += (s.empty() ? "" : "，") + dept + " " + satisfaction_rate(n) + "（" + std::to_string(n.total()) +
             " 件）";
    return s;
}

}  // namespace

satisfaction_count satisfaction_between(const std::vector<complaint>& all, core::local_date from,
                                        core::local_date to, const core::zone& tz) {
    satisfaction_count n;
    for (const auto& c : all)
        if (recorded_within(c, from, to, tz)) n.add(*c.followup->result);
    return n;
}

std::map<std::string, satisfaction_count> satisfaction_by_department(const std::vector<complaint>& all,
                                                                     core::local_date from,
                                                                     core::local_date to,
                                                                     const core::zone& tz) {
    std::map<std::string, satisfaction_count> out;
    for (const auto& c : all) {
        if (!recorded_within(c, from, to, tz)) continue;
        for (const auto& d : c.departments) out[d.department].add(*c.followup->result);
    }
    return out;
}

std::vector<std::pair<std::string, std::string>> followup_report_lines(
    const std::vector<complaint>& posted, const std::vector<complaint>& followups, const period& p,
    const context& ctx) {
    std::vector<std::pair<std::string, std::string>> lines;
    auto period_total = satisfaction_between(followups, p.from, p.to, ctx.tz);
    if (period_total.total() > 0) {
        lines.emplace_back("回访", std::to_string(period_total.total()) + " 件（" + counts(period_total) +
                                       "），满意率 " + satisfaction_rate(period_total));
        lines.emplace_back("各部门回访满意率",
                           per_department(satisfaction_by_department(followups, p.from, p.to, ctx.tz)));
    }
    // The month the period ends in, up to its end.
    const core::local_date month_start{p.to.year, p.to.month, 1};
    auto month = satisfaction_by_department(followups, month_start, p.to, ctx.tz);
    if (!month.empty()) {
        char ym[16];
        std::snprintf(ym, sizeof ym, "%04d-%02u", p.to.year, p.to.month % 100U);
        lines.emplace_back(std::string("本月回访满意率（") + ym + "）", per_department(month));
    }
    std::map<std::string, int> by_category;
    int uncategorized = 0;
    for (const auto& c : posted) {
        auto d = ctx.tz.date_of(c.posted_at);
        if (d < p.from || p.to < d) continue;
        if (c.category.empty())
            ++uncategorized;
        else
            by_category[c.category]++;
    }
    if (!by_category.empty()) {
        std::string s;
        for (const auto& name : ctx.cfg.categories)  // in the configured order
            if (auto it = by_category.find(name); it != by_category.end()) {
                s += (s.empty() ? "" : "，") + name + " " + std::to_string(it->second) + " 件";
                by_category.erase(it);
            }
        for (const auto& [name, n] : by_category)  // a category no longer configured
            s += (s.empty() ? "" : "，") + name + " " + std::to_string(n) + " 件";
        if (uncategorized) s += "，未分类 " + std::to_string(uncategorized) + " 件";
        lines.emplace_back("按问题类别", s);
    }
    return lines;
}

}  // namespace rules
