// The group's monthly roll-up (rules/group_rollup.hpp): each company's figures from its own rules
// (ontime_of, satisfaction_between, fines_in, severity_words, pending_words), pooled into the total.
#include "rules/group_rollup.hpp"

#include <algorithm>
#include <map>

#include "rules/statement.hpp"
#include "rules/workflow.hpp"

namespace rules {

namespace {

// The three departments fined most: yuan, then count, then name.
std::vector<department_fines> top_three(std::map<std::string, department_fines> by) {
    std::vector<department_fines> v;
    for (auto& [name, d] : by) v.push_back(std::move(d));
    std::stable_sort(v.begin(), v.end(), [](const department_fines& a, const department_fines& b) {
        return a.yuan != b.yuan ? a.yuan > b.yuan : a.count > b.count;
    });
    if (v.size() > 3) v.resize(3);
    return v;
}

void add_rate(std::vector<std::pair<std::string, rate>>& stages, const std::string& name, const rate& r) {
    auto it = std::find_if(stages.begin(), stages.end(), [&](const auto& s) { return s.first == name; });
    if (it == stages.end()) {
        stages.emplace_back(name, r);
        return;
    }
    it->second.on_time += r.on_time;
    it->second.total += r.total;
}

company_rollup one_company(const company_month& m, const period& month, core::instant now,
                           std::map<std::string, department_fines>& group_departments) {
    const auto& co = *m.co;
    const core::zone tz(co.cfg.timezone);
    int unused_fine_seq = 0;
    const context ctx{co.cfg, tz, now, &unused_fine_seq};
    company_rollup r;
    r.id = co.id;
    r.name = co.name;
    r.title = co.title();
    for (const auto& c : m.posted) {
        if (!within(month, tz.date_of(c.posted_at))) continue;
        ++r.complaints;
        (c.kind == complaint_kind::product ? r.product : r.service)++;
        if (c.status_is(complaint_status::invalid)) ++r.invalid;
    }
    auto ontime = ontime_of(m.posted, month, ctx);
    r.stages = ontime.stages;
    r.departments = ontime.departments;
    for (const auto& [name, rt] : r.stages) {
        r.all_stages.on_time += rt.on_time;
        r.all_stages.total += rt.total;
    }
    std::map<std::string, department_fines> departments;
    for (const auto& f : fines_in(m.fines, month, tz)) {
        if (f.status_is(fine_status::waived)) continue;
        ++r.fines;
        r.fine_yuan += f.amount;
        for (auto [map, name] :
             {std::pair{&departments, f.department}, std::pair{&group_departments, co.label(f.department)}}) {
            auto& d = (*map)[name];
            d.department = name;
            d.count += 1;
            d.yuan += f.amount;
        }
    }
    r.top_departments = top_three(std::move(departments));
    r.satisfaction = satisfaction_between(m.changed, month.from, month.to, tz);
    r.target = co.cfg.followup.target;
    for (const auto& c : m.open) {
        if (!c.is_open() || !c.crisis()) continue;
        r.open_crisis.push_back({co.label(c.id), c.id, c.severity->level, "一级", severity_words(c, ctx),
                                 pending_words(c, ctx), c.posted_at, tz.short_time(c.posted_at)});
    }
    std::stable_sort(r.open_crisis.begin(), r.open_crisis.end(),
                     [](const crisis_item& a, const crisis_item& b) { return a.posted_at < b.posted_at; });
    return r;
}

std::string count_text(int n) {
    return std::to_string(n) + " 件";
}

// "各环节按时率 83%（最低：受理 50%）"
std::string ontime_text(const company_rollup& r) {
    std::string s = "各环节按时率 " + percent_text(r.all_stages);
    const std::pair<std::string, rate>* worst = nullptr;
    for (const auto& st : r.stages)
        if (st.second.total > 0 && st.second.late() > 0 &&
            (!worst || st.second.on_time * worst->second.total < worst->second.on_time * st.second.total))
            worst = &st;
    if (worst) s += "（最低：" + worst->first + " " + percent_text(worst->second) + "）";
    return s;
}

// "罚款 2 笔 110 元（生产部 60 元、采购部 50 元）", "罚款 无"
std::string fines_text(const company_rollup& r, bool departments) {
    if (r.fines == 0) return "罚款 无";
    std::string s = "罚款 " + std::to_string(r.fines) + " 笔 " + yuan(r.fine_yuan);
    if (departments && !r.top_departments.empty()) {
        std::string d;
        for (const auto& x : r.top_departments)
            d += (d.empty() ? "" : "、") + x.department + " " + yuan(x.yuan);
        s += "（" + d + "）";
    }
    return s;
}

// "满意率 80%（目标 85%，未达标）", "满意率 —（本月无回访）"
std::string satisfaction_text(const company_rollup& r) {
    if (r.satisfaction.total() == 0) return "满意率 —（本月无回访）";
    std::string s = "满意率 " + satisfaction_rate(r.satisfaction);
    if (r.target)
        s += "（目标 " + std::to_string(*r.target) + "%" + (r.below_target() ? "，未达标" : "") + "）";
    return s;
}

std::string crisis_labels(const company_rollup& r) {
    std::string s;
    for (const auto& c : r.open_crisis) s += (s.empty() ? "" : "、") + c.label;
    return s;
}

}  // namespace

bool company_rollup::below_target() const {
    return target && satisfaction.total() > 0 &&
           (satisfaction.satisfied + satisfaction.basically) * 100 < *target * satisfaction.total();
}

std::string group_rollup_title(const period& month) {
    return "集团客诉月报 " + period_title(month);
}

group_rollup build_group_rollup(const std::vector<company_month>& companies, const period& month,
                                const group_settings& group, core::instant now) {
    group_rollup g;
    g.month = month;
    g.group_name = group.name;
    for (const auto& m : group.members) {
        g.members.push_back(m.id);
        g.member_names.push_back(m.name);
    }
    auto& t = g.total;
    t.title = "集团合计";
    t.name = group.name;
    std::map<std::string, department_fines> departments;
    bool same_target = true;
    for (const auto& m : companies) {
        if (!m.co) continue;
        auto r = one_company(m, month, now, departments);
        t.complaints += r.complaints;
        t.product += r.product;
        t.service += r.service;
        t.invalid += r.invalid;
        for (const auto& [name, rt] : r.stages) add_rate(t.stages, name, rt);
        for (const auto& [name, rt] : r.departments) {
            auto& d = t.departments[m.co->label(name)];
            d.on_time += rt.on_time;
            d.total += rt.total;
        }
        t.all_stages.on_time += r.all_stages.on_time;
        t.all_stages.total += r.all_stages.total;
        t.fines += r.fines;
        t.fine_yuan += r.fine_yuan;
        t.satisfaction.satisfied += r.satisfaction.satisfied;
        t.satisfaction.basically += r.satisfaction.basically;
        t.satisfaction.unsatisfied += r.satisfaction.unsatisfied;
        if (g.companies.empty())
            t.target = r.target;
        else if (t.target != r.target)
            same_target = false;
        t.open_crisis.insert(t.open_crisis.end(), r.open_crisis.begin(), r.open_crisis.end());
        g.companies.push_back(std::move(r));
    }
    if (!same_target) t.target.reset();
    t.top_departments = top_three(std::move(departments));
    return g;
}

core::outbound_post group_rollup_post(const group_rollup& r, const std::string& chat) {
    std::string s = "📊 " + group_rollup_title(r.month);
    int n = 0;
    for (const auto& c : r.companies) {
        s += "\n" + std::to_string(++n) + ". " + c.title + "：投诉 " + count_text(c.complaints);
        if (c.complaints)
            s += "（产品 " + std::to_string(c.product) + "，服务 " + std::to_string(c.service) +
                 (c.invalid ? "，其中无效 " + std::to_string(c.invalid) : std::string{}) + "）";
        s += "，" + ontime_text(c) + "，" + fines_text(c, true) + "，" + satisfaction_text(c);
        if (!c.open_crisis.empty())
            s += "，未结一级投诉 " + count_text(static_cast<int>(c.open_crisis.size())) + "（" +
                 crisis_labels(c) + "）";
    }
    const auto& t = r.total;
    s += "\n" + t.title + "：投诉 " + count_text(t.complaints) + "，" + ontime_text(t) + "，" +
         fines_text(t, false) + "，" + satisfaction_text(t) + "，未结一级投诉 " +
         (t.open_crisis.empty() ? std::string("无") : count_text(static_cast<int>(t.open_crisis.size())));
    std::vector<std::string> attention;
    for (const auto& c : r.companies) {
        for (const auto& x : c.open_crisis)
            attention.push_back(x.label + " 一级投诉未结" +
                                (x.pending.empty() ? "" : "（" + x.pending + "）"));
        if (c.below_target())
            attention.push_back(c.title + " 满意率 " + satisfaction_rate(c.satisfaction) + " 未达目标 " +
                                std::to_string(*c.target) + "%");
    }
    if (!attention.empty()) {
        s += "\n⚠ 请关注：";
        for (std::size_t i = 0; i < attention.size(); ++i) s += (i ? "；" : "") + attention[i];
    }
    s += "\n各公司明细见集团汇总表。——" + r.group_name;
    core::outbound_post post{chat, s, r.members};
    if (!r.member_names.empty()) {
        std::string line;
        for (const auto& name : r.member_names) line += (line.empty() ? "@" : " @") + name;
        post.text += "\n" + line;
    }
    return post;
}

}  // namespace rules
