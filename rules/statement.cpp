#include "rules/statement.hpp"

#include <algorithm>

namespace rules {

std::string yuan(int amount) {
    return std::to_string(amount) + " 元";
}

std::string fine_status_label(const std::string& status) {
    if (status == "paid") return "已缴";
    if (status == "waived") return "已免";
    return "未缴";
}

std::string period_title(const period& p) {
    if (p.from == p.to) return core::format_date(p.from);
    auto next = core::add_days(p.to, 1);
    if (p.from.day == 1 && next.day == 1 && p.from.month == p.to.month && p.from.year == p.to.year)
        return std::to_string(p.from.year) + "年" + std::to_string(p.from.month) + "月";
    return core::format_date(p.from) + " 至 " + core::format_date(p.to);
}

statement build_statement(const std::vector<fine>& all, const period& p, const core::zone& tz) {
    statement s;
    s.p = p;
    s.fines = fines_in(all, p, tz);
    auto number = [](const fine& f) { return std::atoi(f.id.c_str() + (f.id.empty() ? 0 : 1)); };
    std::stable_sort(s.fines.begin(), s.fines.end(),
                     [&](const fine& a, const fine& b) { return number(a) < number(b); });
    for (const auto& f : s.fines) {
        auto it = std::find_if(s.heads.begin(), s.heads.end(), [&](const statement_head& h) {
            return h.person == f.person && h.department == f.department;
        });
        if (it == s.heads.end()) {
            s.heads.push_back({f.person, f.person_name.empty() ? f.person : f.person_name, f.department});
            it = s.heads.end() - 1;
        }
        for (auto* h : {&*it, &s.total}) {
            h->count += 1;
            h->amount += f.amount;
            (f.status_is(fine_status::waived) ? h->waived
             : f.status_is(fine_status::paid) ? h->paid
                                              : h->open) += f.amount;
        }
    }
    return s;
}

namespace {

// "罚款 2 次，共 100 元，其中未缴 50 元、已免 50 元" — only the parts that are not zero.
std::string head_line(const statement_head& h) {
    std::vector<std::string> parts;
    if (h.open) parts.push_back("未缴 " + yuan(h.open));
    if (h.paid) parts.push_back("已缴 " + yuan(h.paid));
    if (h.waived) parts.push_back("已免 " + yuan(h.waived));
    std::string s = "罚款 " + std::to_string(h.count) + " 次，共 " + yuan(h.amount);
    if (parts.size() == 1) {
        auto space = parts[0].find(' ');
        s += "，" + parts[0].substr(0, space);  // "，未缴": all of it
    } else if (!parts.empty()) {
        s += "，其中";
        for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "、" : "") + parts[i];
    }
    return s;
}

}  // namespace

std::string statement_text(const statement& s, const core::zone& tz, const config& cfg) {
    std::string title =
        (cfg.company.empty() ? "" : cfg.company + " ") + "罚款月结单（水果基金，" + period_title(s.p) + "）";
    bool month = period_title(s.p).find("月") != std::string::npos;
    if (s.fines.empty()) return title + "\n" + (month ? "本月无罚款。" : "本期无罚款。");
    std::string out = title + "\n一、各部门负责人罚款汇总";
    for (const auto& h : s.heads) out += "\n" + h.name + "（" + h.department + "）：" + head_line(h);
    out += "\n二、罚款明细";
    for (const auto& f : s.fines) {
        out += "\n" + f.id + "　" + f.complaint + "　" + core::format_date(tz.date_of(f.issued_at)) + "　" +
               f.department + " " + (f.person_name.empty() ? f.person : f.person_name) + "　" +
               stage_label(f.stage) + "超时　" + yuan(f.amount) + "　" + fine_status_label(f.status);
        if (!f.status_is(fine_status::open) && !f.status_reason.empty()) out += "：" + f.status_reason;
    }
    out += "\n合计：" + head_line(s.total);
    out += "\n" + cfg.roles.hr + "制表：__________　　负责人签字：__________　　日期：__________";
    return out;
}

}  // namespace rules
