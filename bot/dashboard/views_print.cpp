// 罚款月结单 to print (/print/statement): rules::build_statement, the model the XLSX of `report
// statement` is written from, as a page laid out for A4 by app.css's print rules — per head the
// fines and what became of them with a column to sign, then every fine, then HR's signature line.
#include "dashboard/views.hpp"
#include "dashboard/web.hpp"
#include "rules/statement.hpp"

namespace app::dashboard {

std::string statement_view(const viewer& v, const rules::statement& s, const core::zone& tz,
                           const rules::config& cfg) {
    std::string body = "<p class=\"note screen-only\">用浏览器的“打印”（Ctrl+P）打印本页，横向 A4。</p>\n";
    body += "<p>期间：" + html_escape(rules::period_title(s.p)) + "</p>\n";
    std::vector<row> heads;
    for (const auto& h : s.heads)
        heads.push_back({{h.name},
                         {h.department},
                         {std::to_string(h.count), {}, "num"},
                         {rules::yuan(h.amount), {}, "num"},
                         {rules::yuan(h.waived), {}, "num"},
                         {rules::yuan(h.paid), {}, "num"},
                         {rules::yuan(h.open), {}, "num"},
                         {"", {}, "sign"}});
    if (!s.heads.empty())
        heads.push_back({{"合计"},
                         {""},
                         {std::to_string(s.total.count), {}, "num"},
                         {rules::yuan(s.total.amount), {}, "num"},
                         {rules::yuan(s.total.waived), {}, "num"},
                         {rules::yuan(s.total.paid), {}, "num"},
                         {rules::yuan(s.total.open), {}, "num"},
                         {""}});
    body += table({"负责人", "部门", "罚款笔数", "罚款金额", "已免罚", "已缴", "未缴", "负责人签字"}, heads,
                  s.p.from.month == s.p.to.month && s.p.from.day == 1 ? "本月无罚款。" : "本期无罚款。",
                  "statement");
    std::vector<row> fines;
    for (const auto& f : s.fines)
        fines.push_back({{f.id},
                         {f.complaint},
                         {rules::stage_label(f.stage)},
                         {f.department},
                         {f.person_name},
                         {rules::yuan(f.amount), {}, "num"},
                         {tz.long_time(f.issued_at), {}, "num"},
                         {rules::fine_status_label(f.status)},
                         {f.status_reason}});
    body +=
        "<h2>罚款明细</h2>\n" +
        table({"罚款编号", "投诉", "环节", "部门", "负责人", "金额", "开出时间", "状态", "备注"}, fines, "—");
    body += "<p class=\"signature\">" + html_escape(cfg.roles.hr) +
            "（签字）：________________　　日期：____________</p>\n";
    return layout(v, "/fines", (cfg.company.empty() ? "" : cfg.company + " ") + "罚款月结单", body);
}

}  // namespace app::dashboard
