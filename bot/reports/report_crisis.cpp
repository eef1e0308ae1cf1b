// `report crisis`: the 一级投诉 (crisis complaints) of a period — when each was posted and graded,
// by whom and why, whether and when it closed, how long it took, how many status posts went out.
#include <nlohmann/json.hpp>

#include "reports/report_forms.hpp"
#include "reports/report_query.hpp"
#include "rules/workflow.hpp"
#include "storage/database.hpp"

namespace app {

report_table crisis_table(storage::database& db, const core::zone& tz, std::optional<core::local_date> from,
                          std::optional<core::local_date> to, nlohmann::json& j) {
    report_table t;
    t.title = "一级投诉（危机事件）报告";
    if (from || to)
        t.title += "（" + (from ? core::format_date(*from) : std::string("起")) + " 至 " +
                   (to ? core::format_date(*to) : std::string("今")) + "）";
    t.header = {"投诉编号", "类型",     "状态",     "登记时间", "定级时间",
                "定级人",   "定级原因", "办结时间", "历时",     "通报次数"};
    auto names = report_config(db);
    int open = 0, closed = 0;
    for (const auto& c : db.all_complaints()) {
        if (!c.crisis()) continue;
        auto day = tz.date_of(c.posted_at);
        if ((from && day < *from) || (to && *to < day)) continue;
        const auto& r = *c.severity;
        const bool done = !c.is_open();
        (done ? closed : open)++;
        const int status_posts = r.status_posted - (r.closing_posted ? 1 : 0);  // not the closing report
        std::string took =
            c.closed_at ? core::format_duration_zh(*c.closed_at - c.posted_at) : std::string("—");
        const std::string status = c.is_open()                                     ? "处理中"
                                   : c.status_is(rules::complaint_status::invalid) ? "无效"
                                                                                   : "已办结";
        t.rows.push_back({c.id, std::string(rules::kind_title(c.kind)), status, tz.long_time(c.posted_at),
                          tz.long_time(r.at), names.org.display_name(r.by), r.reason,
                          c.closed_at ? tz.long_time(*c.closed_at) : std::string("—"), took,
                          std::to_string(status_posts)});
        j.push_back(
            {{"id", c.id},
             {"kind", rules::kind_name(c.kind)},
             {"status", c.status},
             {"posted_at", tz.iso(c.posted_at)},
             {"graded_at", tz.iso(r.at)},
             {"graded_by", r.by},
             {"reason", r.reason},
             {"closed_at", c.closed_at ? nlohmann::json(tz.iso(*c.closed_at)) : nlohmann::json(nullptr)},
             {"minutes",
              c.closed_at
                  ? nlohmann::json(
                        std::chrono::duration_cast<std::chrono::minutes>(*c.closed_at - c.posted_at).count())
                  : nlohmann::json(nullptr)},
             {"status_posts", status_posts}});
    }
    t.footer = {"合计",
                std::to_string(open + closed) + " 件",
                "处理中 " + std::to_string(open),
                "",
                "",
                "",
                "",
                "已结 " + std::to_string(closed),
                "",
                ""};
    return t;
}

}  // namespace app
