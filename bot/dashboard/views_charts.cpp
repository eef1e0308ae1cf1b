// 准时率 (/ontime) and 延误分布 (/lateness): rules/ontime.hpp's figures as tables and charts.
#include <map>

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

template <class Rates>
rules::rate sum(const Rates& rates) {
    rules::rate all;
    for (const auto& [name, r] : rates) {
        all.on_time += r.on_time;
        all.total += r.total;
    }
    return all;
}

// "（+5 个百分点）" against the previous period; empty when either has nothing counted.
std::string trend(const rules::rate& now, const rules::rate& before) {
    if (!now.total || !before.total) return {};
    int d = percent_value(now) - percent_value(before);
    if (d == 0) return "（持平）";
    return "（本期" + std::string(d > 0 ? "升 " : "降 ") + std::to_string(d > 0 ? d : -d) + " 个百分点）";
}

std::string period_note(const rules::ontime_figures& f) {
    return "<p class=\"note\">统计期间内收到的 " + std::to_string(f.complaints) +
           " 件投诉；仍在进行、未到截止的环节不计入。</p>\n";
}

}  // namespace

std::string ontime_view(const viewer& v, const rules::ontime_figures& figures,
                        const rules::ontime_figures& previous,
                        const std::vector<std::pair<rules::period, rules::ontime_figures>>& weeks,
                        const filter& f, const std::vector<std::string>& departments) {
    std::string body = filter_form(v.base + "/ontime", f, departments, true) + period_note(figures);
    auto all = sum(figures.stages), replies = sum(figures.departments);
    auto all_before = sum(previous.stages), replies_before = sum(previous.departments);
    body += "<div class=\"cards\">\n" + card("各环节按时率", rules::percent_text(all), all.late() > 0) +
            card("上期", rules::percent_text(all_before) + trend(all, all_before)) +
            card("部门按时回复率", rules::percent_text(replies), replies.late() > 0) +
            card("上期", rules::percent_text(replies_before) + trend(replies, replies_before)) +
            card("超时次数", std::to_string(all.late())) + "</div>\n";

    std::vector<row> stage_rows;
    for (const auto& [name, r] : figures.stages) stage_rows.push_back(rate_row(name, r));
    body += "<h2>各环节</h2>\n";
    if (!figures.stages.empty()) body += chart(rate_chart(figures.stages, "按时率 %"), "各环节按时率");
    body += table({"环节", "次数", "按时", "超时", "按时率"}, stage_rows, "本期没有已到截止的环节。");

    // Stage × department.
    std::vector<std::string> stage_names;
    for (const auto& [name, r] : figures.stages) stage_names.push_back(name);
    std::vector<std::string> head{"部门"};
    head.insert(head.end(), stage_names.begin(), stage_names.end());
    std::vector<row> matrix;
    for (const auto& [dept, stages] : figures.by_department_stage) {
        row r{{dept}};
        for (const auto& name : stage_names) {
            auto it = stages.find(name);
            if (it == stages.end()) {
                r.push_back({"—", {}, "muted num"});
                continue;
            }
            r.push_back({rules::percent_text(it->second) + "（" + std::to_string(it->second.on_time) + "/" +
                             std::to_string(it->second.total) + "）",
                         {},
                         it->second.late() ? "num late" : "num"});
        }
        matrix.push_back(std::move(r));
    }
    body += "<h2>各部门 × 环节</h2>\n" + table(head, matrix, "本期没有已到截止的环节。");

    // Per week, with a line chart of both rates.
    nlohmann::json labels = nlohmann::json::array(), stage_line = nlohmann::json::array(),
                   reply_line = nlohmann::json::array();
    std::vector<row> week_rows;
    for (const auto& [p, w] : weeks) {
        auto s1 = sum(w.stages), s2 = sum(w.departments);
        labels.push_back(p.label);
        stage_line.push_back(s1.total ? nlohmann::json(percent_value(s1)) : nlohmann::json());
        reply_line.push_back(s2.total ? nlohmann::json(percent_value(s2)) : nlohmann::json());
        week_rows.push_back({{core::format_date(p.from) + " 至 " + core::format_date(p.to)},
                             {std::to_string(w.complaints), {}, "num"},
                             {rules::percent_text(s1), {}, s1.late() ? "num late" : "num"},
                             {rules::percent_text(s2), {}, s2.late() ? "num late" : "num"}});
    }
    body += "<h2>按周</h2>\n";
    if (weeks.size() > 1)
        body += chart({{"type", "line"},
                       {"data",
                        {{"labels", labels},
                         {"datasets",
                          {{{"label", "各环节按时率 %"},
                            {"data", stage_line},
                            {"borderColor", "#1d4f91"},
                            {"spanGaps", true}},
                           {{"label", "部门按时回复率 %"},
                            {"data", reply_line},
                            {"borderColor", "#b7791f"},
                            {"spanGaps", true}}}}}},
                       {"options", {{"scales", {{"y", {{"min", 0}, {"max", 100}}}}}}}},
                      "每周按时率");
    body += table({"周", "投诉", "各环节按时率", "部门按时回复率"}, week_rows, "—");

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
    std::string body = filter_form(v.base + "/lateness", f, departments, true) + period_note(figures);
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
                     {"scales", {{"y", {{"beginAtZero", true}, {"ticks", {{"precision", 0}}}}}}}}}},
                  "超时时长分布");
    body += table({"超时", "次数"}, bucket_rows, "");

    // The same buckets per stage.
    std::map<std::string, std::vector<rules::late_step>> by_stage;
    for (const auto& l : figures.late) by_stage[l.stage].push_back(l);
    std::vector<std::string> head{"环节"};
    head.insert(head.end(), buckets.labels.begin(), buckets.labels.end());
    head.push_back("合计");
    std::vector<row> stage_rows;
    for (const auto& [stage, steps] : by_stage) {
        auto b = rules::bucket_lateness(steps);
        row r{{stage}};
        for (int n : b.counts) r.push_back({std::to_string(n), {}, n ? "num late" : "num muted"});
        r.push_back({std::to_string(steps.size()), {}, "num"});
        stage_rows.push_back(std::move(r));
    }
    body += "<h2>各环节超时多久</h2>\n" + table(head, stage_rows, "本期没有超时。");

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
        late_rows.push_back({{it->complaint, v.base + "/complaint/" + it->complaint},
                             {it->stage},
                             {it->department},
                             {tz.short_time(it->due), {}, "num"},
                             {core::format_duration_zh(std::chrono::minutes(it->minutes)), {}, "num late"}});
    body += "<h2>超时明细（最近 200 条）</h2>\n" +
            table({"投诉", "环节", "部门", "截止", "超时"}, late_rows, "本期没有超时。");
    return layout(v, "/lateness", "延误分布", body);
}

report_table ontime_table(const rules::ontime_figures& figures) {
    report_table t;
    t.title = "准时率";
    t.header = {"部门", "环节", "次数", "按时", "超时", "按时率"};
    for (const auto& [dept, stages] : figures.by_department_stage)
        for (const auto& [stage, r] : stages)
            t.rows.push_back({dept, stage, std::to_string(r.total), std::to_string(r.on_time),
                              std::to_string(r.late()), rules::percent_text(r)});
    return t;
}

report_table lateness_table(const rules::ontime_figures& figures, const core::zone& tz) {
    report_table t;
    t.title = "超时明细";
    t.header = {"投诉编号", "环节", "部门", "截止时间", "超时（分钟）"};
    for (const auto& l : figures.late)
        t.rows.push_back(
            {l.complaint, l.stage, l.department, tz.long_time(l.due), std::to_string(l.minutes)});
    return t;
}

}  // namespace app::dashboard
