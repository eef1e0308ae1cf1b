// The quarterly quality handbook (设计以及工程质量篇: 季度质量考核手册, lessons passed to each department
// by category; 总结与经验分享: case sharing): the tables, one per sheet, of the complaints posted in
// the quarter — an overview per month, by brand, specification, category, customer and responsible
// department, the repeat problems, the cases marked with 案例 P1, and each department's lessons (its
// replies and corrective actions).
#include <algorithm>
#include <map>
#include <set>

#include "rules/followup.hpp"
#include "rules/ontime.hpp"
#include "rules/periodic.hpp"
#include "rules/text.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using detail::customer_text;
using detail::field_text;
using detail::join;

namespace {

std::string problem_of(const complaint& c) {
    return field_text(c, c.kind == complaint_kind::product ? "产品存在的质量问题" : "投诉事件");
}

// "性能 2、外观 1": a count per name, most first.
std::string tally(const std::map<std::string, int>& m) {
    std::vector<std::pair<std::string, int>> v(m.begin(), m.end());
    std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> parts;
    for (const auto& [k, n] : v) parts.push_back(k + " " + std::to_string(n));
    return join(parts);
}

struct group {
    int count = 0;
    std::map<std::string, int> categories;
    std::set<std::string> others;  // customers, brands … the sheet lists
    std::vector<std::string> ids;
};

handbook_sheet grouped(const std::string& name, const std::string& key_title, const std::string& others_title,
                       const std::map<std::string, group>& groups, int total) {
    const bool categories = key_title != "问题类别";  // the category sheet needs no breakdown by category
    handbook_sheet s{name, "季度质量手册：" + name, {key_title, "件数", "占比"}, {}};
    if (categories) s.header.push_back("问题类别");
    s.header.push_back(others_title);
    s.header.push_back("投诉编号");
    std::vector<std::pair<std::string, group>> v(groups.begin(), groups.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    for (const auto& [k, g] : v) {
        std::vector<std::string> row{k, std::to_string(g.count),
                                     total ? std::to_string((g.count * 100 + total / 2) / total) + "%" : "—"};
        if (categories) row.push_back(tally(g.categories));
        row.push_back(join({g.others.begin(), g.others.end()}));
        row.push_back(join(g.ids));
        s.rows.push_back(std::move(row));
    }
    return s;
}

}  // namespace

std::vector<handbook_sheet> quarterly_handbook(const std::vector<complaint>& all,
                                               const std::vector<fine>& fines, const period& quarter,
                                               const context& ctx) {
    std::vector<const complaint*> posted;
    for (const auto& c : all)
        if (within(quarter, ctx.tz.date_of(c.posted_at)) && !c.status_is(complaint_status::invalid))
            posted.push_back(&c);
    std::sort(posted.begin(), posted.end(), [](const complaint* a, const complaint* b) {
        return a->posted_at != b->posted_at ? a->posted_at < b->posted_at : a->id < b->id;
    });
    const int total = static_cast<int>(posted.size());
    std::vector<handbook_sheet> out;

    // 概览: one row per month of the quarter, then the quarter.
    handbook_sheet overview{"概览",
                            "季度质量手册（" + quarter.label + "）",
                            {"月份", "投诉件数", "产品质量", "服务质量", "无效", "回复按时率", "罚款笔数",
                             "罚款金额", "回访满意率"},
                            {}};
    auto month_row = [&](const period& p, const std::string& label) {
        int n = 0, product = 0, service = 0, invalid = 0, fine_n = 0, fine_yuan = 0;
        for (const auto& c : all) {
            if (!within(p, ctx.tz.date_of(c.posted_at))) continue;
            ++n;
            (c.kind == complaint_kind::product ? product : service)++;
            if (c.status_is(complaint_status::invalid)) ++invalid;
        }
        for (const auto& f : fines)
            if (!f.status_is(fine_status::waived) && within(p, ctx.tz.date_of(f.issued_at)))
                ++fine_n, fine_yuan += f.amount;
        auto ontime = ontime_of(all, p, ctx);
        std::string respond = "—";
        for (const auto& [name, r] : ontime.stages)
            if (name == stage_label(stage_id::respond)) respond = percent_text(r);
        auto sat = satisfaction_between(all, p.from, p.to, ctx.tz);
        overview.rows.push_back({label, std::to_string(n), std::to_string(product), std::to_string(service),
                                 std::to_string(invalid), respond, std::to_string(fine_n),
                                 std::to_string(fine_yuan), satisfaction_rate(sat)});
    };
    for (auto first = quarter.from; !(quarter.to < first);) {
        auto m = month_of(first);
        month_row(m, m.label);
        first = core::add_days(m.to, 1);
    }
    month_row(quarter, "合计");
    out.push_back(std::move(overview));

    std::map<std::string, group> by_brand, by_spec, by_category, by_customer;
    for (const auto* c : posted) {
        auto brand = field_text(*c, "品牌");
        auto spec = specification_of(*c);
        auto customer = customer_text(*c);
        auto category = c->category.empty() ? std::string("未分类") : c->category;
        auto add = [&](std::map<std::string, group>& m, const std::string& key, const std::string& other) {
            if (key.empty()) return;
            auto& g = m[key];
            g.count++;
            g.categories[category]++;
            if (!other.empty()) g.others.insert(other);
            g.ids.push_back(c->id);
        };
        if (c->kind == complaint_kind::product) {
            add(by_brand, brand, customer);
            add(by_spec, spec, brand);
        }
        add(by_category, category, brand);
        add(by_customer, customer, brand);
    }
    out.push_back(grouped("按品牌", "品牌", "客户", by_brand, total));
    out.push_back(grouped("按规格", "规格", "品牌", by_spec, total));
    out.push_back(grouped("按问题类别", "问题类别", "品牌", by_category, total));
    out.push_back(grouped("按客户", "客户/投诉对象", "品牌", by_customer, total));

    // 按责任部门: each department that had to answer.
    struct dept_row {
        int asked = 0, late = 0, fined_yuan = 0, actions = 0;
        std::map<std::string, int> categories;
    };
    std::map<std::string, dept_row> by_dept;
    for (const auto* c : posted)
        for (const auto& d : c->departments) {
            auto& r = by_dept[d.department];
            r.asked++;
            auto due = reply_due(*c, d);
            if (d.fined || (d.replied_at && due && *d.replied_at > *due)) r.late++;
            r.categories[c->category.empty() ? std::string("未分类") : c->category]++;
        }
    for (const auto* c : posted)
        for (const auto& a : c->corrective_actions) by_dept[a.department].actions++;
    for (const auto& f : fines)
        if (!f.status_is(fine_status::waived) && within(quarter, ctx.tz.date_of(f.issued_at)))
            by_dept[f.department].fined_yuan += f.amount;
    handbook_sheet depts{"按责任部门",
                         "季度质量手册：按责任部门",
                         {"部门", "需回复", "超时", "按时率", "罚款金额", "整改措施", "问题类别"},
                         {}};
    for (const auto& [name, r] : by_dept)
        depts.rows.push_back({name, std::to_string(r.asked), std::to_string(r.late),
                              percent_text({r.asked - r.late, r.asked}), std::to_string(r.fined_yuan),
                              std::to_string(r.actions), tally(r.categories)});
    out.push_back(std::move(depts));

    handbook_sheet repeats{"重复问题", "季度质量手册：重复问题", {"问题", "件数", "投诉编号"}, {}};
    std::vector<complaint> copies;
    for (const auto* c : posted) copies.push_back(*c);
    for (const auto& r : repeat_problems(copies, quarter, ctx.tz))
        repeats.rows.push_back({r.what, std::to_string(r.ids.size()), join(r.ids)});
    out.push_back(std::move(repeats));

    const auto& org = ctx.cfg.org;
    handbook_sheet cases{
        "分享案例",
        "季度质量手册：分享案例（案例 P1）",
        {"投诉编号", "登记日期", "客户/投诉对象", "问题", "各部门回复", "整改措施", "回访", "分享说明"},
        {}};
    handbook_sheet lessons{"经验教训",
                           "季度质量手册：各部门经验教训",
                           {"部门", "投诉编号", "问题类别", "鉴定结果与处理意见", "整改措施"},
                           {}};
    std::map<std::string, std::vector<std::vector<std::string>>> per_dept;
    for (const auto* c : posted) {
        std::vector<std::string> replies, actions;
        for (const auto& d : c->departments)
            if (d.replied_at) replies.push_back(d.department + "：" + d.text);
        for (const auto& a : c->corrective_actions)
            actions.push_back(a.department + "：" + a.measure +
                              (a.until.empty() ? "" : "（期限 " + a.until + "）"));
        if (c->shared_case)
            cases.rows.push_back({c->id, core::format_date(ctx.tz.date_of(c->posted_at)), customer_text(*c),
                                  problem_of(*c), join(replies, "\n"), join(actions, "\n"),
                                  followup_words(*c, ctx),
                                  c->shared_case->note + "（" + org.display_name(c->shared_case->by) + "）"});
        for (const auto& d : c->departments) {
            std::string measure;
            for (const auto& a : c->corrective_actions)
                if (a.department == d.department)
                    measure = a.measure + (a.until.empty() ? "" : "（期限 " + a.until + "）");
            if (!d.replied_at && measure.empty()) continue;
            per_dept[d.department].push_back({d.department, c->id,
                                              c->category.empty() ? "未分类" : c->category,
                                              d.replied_at ? d.text : "未回复", measure});
        }
    }
    for (auto& [name, rows] : per_dept)
        for (auto& r : rows) lessons.rows.push_back(std::move(r));
    out.push_back(std::move(cases));
    out.push_back(std::move(lessons));
    return out;
}

}  // namespace rules
