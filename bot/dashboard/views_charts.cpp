// 准时率 (/ontime) and 延误分布 (/lateness): rules/ontime.hpp's figures as tables and charts.
#include "dashboard/views.hpp"
#include "dashboard/web.hpp"

namespace app::dashboard {

namespace {

int percent_value(const rules::rate& r) {
    return r.total ? (r.on_time * 100 + r.total / 2) / r.total : 0;
}

row rate_row(const std::string& name, const rules::rate& r) {
    return {{name},
            {std::to_string(r.total), {}, "num"},
            {std::to_string(r.on_time), {}, "num"},
            {std::to_string(r.late()), {}, r.late() ? "num late" : "num"},
            {rules::percent_text(r), {}, "num"}};
}

nlohmann::json rate_chart(const std::vector<std::pair<std::string, rules::rate>>& rates, const char* label) {
    nlohmann::json labels = nlohmann::json::array(), values = nlohmann::json::array();
    for (const auto& [name, r] : rates) {
        labels.push_back(name);
        values.push_back(percent_value(r));
    }
    return {
        {"type", "bar"},
        {"data",
         {{"labels", labels},
          {"datasets",
           {{{"label", label}, {"data", values}, {"backgroundColor", "#1d4f91"}, {"maxBarThickness", 28}}}}}},
        {"options",
         {{"indexAxis", "y"},
          {"plugins", {{"legend", {{"display", false}}}}},
          {"scales",
           {{"x", {{"min", 0}, {"max", 100}, {"title", {{"display", true}, {"text", "按时率 %"}}}}}}}}}};
}

std::string period_note(const rules::ontime_figures& f) {
    return "<p class=\"note\">统计期间内收到的 " + std::to_string(f.complaints) +
           " 件投诉；仍在进行、未到截止的环节不计入。</p>\n";
}

}  // namespace

std::string ontime_view(const viewer& v, const rules::ontime_figures& figures, const filter& f,
                        const std::vector<std::string>& departments) {
    std::string body = filter_form("/ontime", f, departments, false) + period_note(figures);
    rules::rate all;
    for (const auto& [name, r] : figures.stages) {
        all.on_time += r.on_time;
        all.total += r.total;
    }
    rules::rate replies;
    for (const auto& [name, r] : figures.departments) {
        replies.on_time += r.on_time;
        replies.total += r.total;
    }
    body += "<div class=\"cards\">\n" + card("各环节按时率", rules::percent_text(all), all.late() > 0) +
            card("部门按时回复率", rules::percent_text(replies), replies.late() > 0) +
            card("超时次数", std::to_string(all.late())) + "</div>\n";
    std::vector<row> stage_rows;
    for (const auto& [name, r] : figures.stages) stage_rows.push_back(rate_row(name, r));
    body += "<h2>各环节</h2>\n";
    if (!figures.stages.empty()) body += chart(rate_chart(figures.stages, "按时率 %"), "各环节按时率");
    body += table({"环节", "次数", "按时", "超时", "按时率"}, stage_rows, "本期没有已到截止的环节。");
    std::vector<std::pair<std::string, rules::rate>> depts(figures.departments.begin(),
                                                           figures.departments.end());
    std::vector<row> dept_rows;
    for (const auto& [name, r] : depts) dept_rows.push_back(rate_row(name, r));
    body += "<h2>各部门回复</h2>\n";
    if (!depts.empty()) body += chart(rate_chart(depts, "按时回复率 %"), "各部门按时回复率");
    body +=
        table({"部门", "应回复", "按时", "超时", "按时回复率"}, dept_rows, "本期没有需要部门回复的投诉。");
    return layout(v, "/ontime", "准时率", body);
}

std::string lateness_view(const viewer& v, const rules::ontime_figures& figures, const filter& f,
                          const std::vector<std::string>& departments, const core::zone& tz) {
    std::string body = filter_form("/lateness", f, departments, false) + period_note(figures);
    auto buckets = rules::bucket_lateness(figures.late);
    std::vector<row> bucket_rows;
    for (std::size_t i = 0; i < buckets.labels.size(); ++i)
        bucket_rows.push_back({{buckets.labels[i]}, {std::to_string(buckets.counts[i]), {}, "num"}});
    body += "<h2>超时多久</h2>\n";
    if (!figures.late.empty())
        body +=
            chart({{"type", "bar"},
                   {"data",
                    {{"labels", buckets.labels},
                     {"datasets",
                      {{{"label", "超时次数"}, {"data", buckets.counts}, {"backgroundColor", "#c0392b"}}}}}},
                   {"options",
                    {{"plugins", {{"legend", {{"display", false}}}}},
                     {"scales", {{"y", {{"beginAtZero", true}}}}}}}},
                  "超时时长分布");
    body += table({"超时", "次数"}, bucket_rows, "");

    // The weekday × hour heat map, as a table (classes h0…h5 by share of the busiest cell).
    int top = 0;
    for (const auto& day : figures.late_by_weekday_hour)
        for (int n : day) top = std::max(top, n);
    static const char* days[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    std::string heat = "<h2>截止时间分布（周几 × 几点）</h2>\n<table class=\"heat\">\n<thead><tr><th></th>";
    for (int h = 0; h < 24; ++h) heat += "<th>" + std::to_string(h) + "</th>";
    heat += "</tr></thead>\n<tbody>\n";
    for (std::size_t d = 0; d < 7; ++d) {
        heat += "<tr><th>" + std::string(days[d]) + "</th>";
        for (int n : figures.late_by_weekday_hour[d]) {
            int level = n == 0 ? 0 : top <= 0 ? 1 : 1 + (n * 4) / top;
            heat += "<td class=\"h" + std::to_string(std::min(level, 5)) + "\">" +
                    (n ? std::to_string(n) : "·") + "</td>";
        }
        heat += "</tr>\n";
    }
    body += heat + "</tbody>\n</table>\n";

    std::vector<row> late_rows;
    for (auto it = figures.late.rbegin(); it != figures.late.rend() && late_rows.size() < 200; ++it)
        late_rows.push_back({{it->complaint, "/complaint/" + it->complaint},
                             {it->stage},
                             {it->department},
                             {tz.short_time(it->due), {}, "num"},
                             {core::format_duration_zh(std::chrono::minutes(it->minutes)), {}, "num late"}});
    body += "<h2>超时明细（最近 200 条）</h2>\n" +
            table({"投诉", "环节", "部门", "截止", "超时"}, late_rows, "本期没有超时。");
    return layout(v, "/lateness", "延误分布", body);
}

}  // namespace app::dashboard
