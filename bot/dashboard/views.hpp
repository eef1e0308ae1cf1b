// The dashboard's views as HTML (sans-I/O: the rows come in, the page goes out), one function per
// view; bot/dashboard/routes.cpp loads the rows, checks the scope and picks the view.
//   现在 (/)            every open complaint the viewer sees: the step, who must act, the clock
//   罚款台账 (/fines)    the fines of the period: totals, per month, per head, each fine (HR: 已缴 / 免罚)
//   准时率 (/ontime)     on-time rate per stage and per department, with charts
//   延误分布 (/lateness) how late the late steps were, and on which weekday and hour
//   问题类别 (/categories) complaints by kind, valid or not, 问题类别, department, customer, brand
//   流程表 (/print/sheet)  the day's 质量投诉处理流程表, printable, as `report sheet` writes it
//   投诉详情 (/complaint/P1)  the form, the stages, the replies, the fines and the event log
#pragma once

#include <string>
#include <vector>

#include "dashboard/board_cache.hpp"
#include "dashboard/page.hpp"
#include "reports/report_query.hpp"
#include "reports/report_xlsx.hpp"
#include "rules/board.hpp"
#include "rules/fact_table.hpp"
#include "rules/ontime.hpp"
#include "rules/statement.hpp"
#include "storage/records.hpp"

namespace app::dashboard {

constexpr std::size_t board_rows_max = 500;  // rows shown on 现在; the rest are counted (CSV has all)

std::string now_view(const viewer& v, const board_list& board, const filter& f,
                     const std::vector<std::string>& departments, const rules::config& cfg,
                     const core::zone& tz);
// GET /api/now: the counts of the cards and the first board_rows_max rows, as app.js redraws them.
// `base`: the pages' base path (dashboard settings::base), before each complaint's link.
std::string now_json(const board_list& board, const rules::config& cfg, const core::zone& tz,
                     const std::string& base = {});
// The same rows as CSV (every row, not only the first board_rows_max).
std::string now_csv(const std::vector<const rules::board_row*>& rows, const rules::config& cfg,
                    const core::zone& tz);

// `notice`: the answer to the last 已缴 / 免罚 (empty: none); `notice_error` when refused.
std::string fines_view(const viewer& v, const std::vector<rules::fine>& fines, const filter& f,
                       const std::vector<std::string>& departments, const core::zone& tz,
                       const std::string& notice, bool notice_error);

// `previous`: the figures of the period as long right before (the trend); `weeks`: each week's.
std::string ontime_view(const viewer& v, const rules::ontime_figures& figures,
                        const rules::ontime_figures& previous,
                        const std::vector<std::pair<rules::period, rules::ontime_figures>>& weeks,
                        const filter& f, const std::vector<std::string>& departments);
std::string lateness_view(const viewer& v, const rules::ontime_figures& figures, const filter& f,
                          const std::vector<std::string>& departments, const core::zone& tz);

std::string categories_view(const viewer& v, const rules::category_counts& counted, const filter& f,
                            const std::vector<std::string>& departments);

// What the exports of the views hold (CSV / XLSX: exactly the filtered figures of the page).
report_table categories_table(const rules::category_counts& counted);
report_table ontime_table(const rules::ontime_figures& figures);
report_table lateness_table(const rules::ontime_figures& figures, const core::zone& tz);

// `audit`: storage::database::verify_complaint_audit for the complaint.
std::string complaint_view(const viewer& v, const rules::complaint& c,
                           const std::vector<rules::event>& events, const std::vector<rules::fine>& fines,
                           const storage::audit_result& audit, const rules::config& cfg,
                           const core::zone& tz);

// 罚款月结单 to print (/print/statement?from=&to=): the same model as `report statement`'s XLSX.
std::string statement_view(const viewer& v, const rules::statement& s, const core::zone& tz,
                           const rules::config& cfg);

// 质量投诉处理流程表 to print (/print/sheet?from=&to=, one day by default): the same model as
// `report sheet`'s XLSX (app::build_sheet_form), the complaints the viewer sees.
std::string sheet_view(const viewer& v, const sheet_form& s, const filter& f,
                       const std::vector<std::string>& departments);

// 404 inside the frame: "没有 P9，或不在您的查看范围内".
std::string not_found_view(const viewer& v, const std::string& what);

}  // namespace app::dashboard
