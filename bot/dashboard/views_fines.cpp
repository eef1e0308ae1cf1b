// 罚款台账 (/fines): the fines of the period the viewer sees — totals, per month, per department
// head, and every fine; HR marks a fine 已缴 or waives it (免罚, with a reason) from its row.
#include <map>

#include "dashboard/views.hpp"
#include "dashboard/web.hpp"
#include "reports/report_query.hpp"
#include "rules/statement.hpp"
#include "rules/workflow.hpp"

namespace app::dashboard {

namespace {

struct sums {
    int count = 0, amount = 0, paid = 0, waived = 0, open = 0;
    void add(const rules::fine& f) {
        ++count;
        amount += f.amount;
        (f.status_is(rules::fine_status::waived) ? waived
         : f.status_is(rules::fine_status::paid) ? paid
                                                 : open) += f.amount;
    }
};

using rules::yuan;

cell money(int amount, bool alert = false) {
    return {yuan(amount), {}, alert && amount > 0 ? "num late" : "num"};
}

std::string actions_html(const viewer& v, const rules::fine& f) {
    auto hidden = "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(v.csrf) + "\">";
    return "<form method=\"post\" action=\"" + v.base + "/fines/" + html_escape(f.id) + "/paid\">" + hidden +
           "<button type=\"submit\">标记已缴</button></form>"
           "<form method=\"post\" action=\"" +
           v.base + "/fines/" + html_escape(f.id) + "/waive\">" + hidden +
           "<input type=\"text\" name=\"reason\" required maxlength=\"200\" placeholder=\"免罚原因\" "
           "aria-label=\"" +
           html_escape(f.id) + " 免罚原因\"><button type=\"submit\">免罚</button></form>";
}

}  // namespace

std::string fines_view(const viewer& v, const std::vector<rules::fine>& fines, const filter& f,
                       const std::vector<std::string>& departments, const core::zone& tz,
                       const std::string& notice, bool notice_error) {
    sums total;
    std::map<std::string, sums> by_month;
    std::map<std::string, std::pair<rules::fine, sums>> by_head;  // person id → (a fine of theirs, sums)
    for (const auto& x : fines) {
        total.add(x);
        auto d = tz.date_of(x.issued_at);
        char month[8];
        std::snprintf(month, sizeof month, "%04d-%02u", d.year, d.month);
        by_month[month].add(x);
        auto& h = by_head[x.person];
        h.first = x;
        h.second.add(x);
    }
    std::string body;
    if (!notice.empty())
        body += "<p class=\"notice" + std::string(notice_error ? " error" : "") + "\" role=\"status\">" +
                html_escape(notice) + "</p>\n";
    body += filter_form(v.base + "/fines", f, departments, true);
    body += "<div class=\"cards\">\n" + card("罚款笔数", std::to_string(total.count)) +
            card("开出金额", yuan(total.amount)) + card("已免罚", yuan(total.waived)) +
            card("应缴", yuan(total.amount - total.waived)) + card("已缴", yuan(total.paid)) +
            card("未缴", yuan(total.open), total.open > 0) + "</div>\n";
    nlohmann::json labels = nlohmann::json::array(), paid = nlohmann::json::array(),
                   open = nlohmann::json::array(), waived = nlohmann::json::array();
    std::vector<row> months;
    for (const auto& [m, s] : by_month) {
        labels.push_back(m);
        paid.push_back(s.paid);
        open.push_back(s.open);
        waived.push_back(s.waived);
        months.push_back({{m},
                          {std::to_string(s.count), {}, "num"},
                          money(s.amount - s.waived),
                          money(s.paid),
                          money(s.waived),
                          money(s.open, true)});
    }
    if (by_month.size() > 1) {
        nlohmann::json config = {
            {"type", "bar"},
            {"data",
             {{"labels", labels},
              {"datasets",
               {{{"label", "已缴"}, {"data", paid}, {"backgroundColor", "#2f855a"}},
                {{"label", "未缴"}, {"data", open}, {"backgroundColor", "#c0392b"}},
                {{"label", "已免罚"}, {"data", waived}, {"backgroundColor", "#a0aec0"}}}}}},
            {"options",
             {{"scales", {{"x", {{"stacked", true}}}, {"y", {{"stacked", true}, {"beginAtZero", true}}}}}}}};
        body += chart(config, "每月罚款金额（元）：已缴、未缴、已免罚");
    }
    body += "<h2>按月</h2>\n" +
            table({"月份", "笔数", "开出金额", "已免罚", "已缴", "未缴"}, months, "本期没有罚款。");

    std::vector<row> heads;
    for (const auto& [person, h] : by_head)
        heads.push_back({{h.first.person_name},
                         {h.first.department},
                         {std::to_string(h.second.count), {}, "num"},
                         money(h.second.amount),
                         money(h.second.waived),
                         money(h.second.paid),
                         money(h.second.open, true)});
    body += "<h2>按负责人</h2>\n" +
            table({"负责人", "部门", "笔数", "开出金额", "已免罚", "已缴", "未缴"}, heads, "本期没有罚款。");

    std::vector<row> rows;
    for (const auto& x : fines) {
        bool open_fine = x.status_is(rules::fine_status::open);
        row r{{x.id},
              {x.complaint, v.base + "/complaint/" + x.complaint},
              {rules::stage_label(x.stage)},
              {x.department},
              {x.person_name},
              money(x.amount),
              {tz.short_time(x.deadline), {}, "num"},
              {rules::fine_status_label(x.status), {}, open_fine ? "late" : "ok"},
              {x.status_reason + (x.status_at ? (x.status_reason.empty() ? "" : " ") + std::string("（") +
                                                    tz.short_time(*x.status_at) + "）"
                                              : std::string{})}};
        if (v.hr) r.push_back(open_fine ? cell{{}, {}, {}, actions_html(v, x)} : cell{});
        rows.push_back(std::move(r));
    }
    std::vector<std::string> head{"罚款编号", "投诉", "环节", "部门", "负责人",
                                  "金额",     "截止", "状态", "备注"};
    if (v.hr) head.push_back("处理");
    body += "<h2>明细</h2>\n" + table(head, rows, "本期没有罚款。");
    body += "<p><a href=\"" + html_escape(v.base + "/print/statement?" + f.query()) +
            "\">打印罚款月结单（本期）</a></p>\n";
    body +=
        "<p class=\"note\">罚款按开出日期计入期间；应缴 = 开出金额 − 已免罚 = 已缴 + "
        "未缴。群内命令同样有效：已缴 F1、免罚 F1 "
        "原因。</p>\n";
    return layout(v, "/fines", "罚款台账", body);
}

}  // namespace app::dashboard
