// 问题类别 (/categories): the complaints of the period by kind, valid or not, 问题类别, responsible
// department, the complainant's department, customer and brand.
#include "dashboard/views.hpp"
#include "dashboard/web.hpp"

namespace app::dashboard {

namespace {

using counts = std::vector<std::pair<std::string, int>>;

nlohmann::json bar(const counts& c, const char* color, std::size_t top) {
    nlohmann::json labels = nlohmann::json::array(), values = nlohmann::json::array();
    for (std::size_t i = 0; i < c.size() && i < top; ++i) {
        labels.push_back(c[i].first);
        values.push_back(c[i].second);
    }
    return {
        {"type", "bar"},
        {"data",
         {{"labels", labels},
          {"datasets",
           {{{"label", "件数"}, {"data", values}, {"backgroundColor", color}, {"maxBarThickness", 28}}}}}},
        {"options",
         {{"indexAxis", "y"},
          {"plugins", {{"legend", {{"display", false}}}}},
          {"scales", {{"x", {{"beginAtZero", true}, {"ticks", {{"precision", 0}}}}}}}}}};
}

}  // namespace

std::string categories_view(const viewer& v, const rules::category_counts& counted, const filter& f,
                            const std::vector<std::string>& departments) {
    constexpr std::size_t top = 20;
    std::string body = filter_form(v.base + "/categories", f, departments, true);
    body += "<div class=\"cards\">\n" + card("投诉", std::to_string(counted.complaints)) +
            card("无效投诉", std::to_string(counted.invalid)) + "</div>\n";
    static const char* colors[] = {"#1d4f91", "#2f855a", "#b7791f", "#c0392b",
                                   "#6b46c1", "#2c7a7b", "#975a16"};
    std::size_t i = 0;
    for (const auto& [name, c] : counted.dimensions) {
        body += "<h2>按" + html_escape(name) + "</h2>\n";
        if (c.size() > 1) body += chart(bar(c, colors[i % 7], top), "按" + name + "的投诉件数");
        std::vector<row> rows;
        for (std::size_t k = 0; k < c.size() && k < top; ++k)
            rows.push_back({{c[k].first}, {std::to_string(c[k].second), {}, "num"}});
        body += table({name, "件数"}, rows, "本期没有投诉。");
        if (c.size() > top)
            body += "<p class=\"note\">只列出前 " + std::to_string(top) + " 项，共 " +
                    std::to_string(c.size()) + " 项；导出可见全部。</p>\n";
        ++i;
    }
    return layout(v, "/categories", "问题类别", body);
}

report_table categories_table(const rules::category_counts& counted) {
    report_table t;
    t.title = "投诉分类统计";
    t.header = {"维度", "项目", "件数"};
    for (const auto& [name, c] : counted.dimensions)
        for (const auto& [item, n] : c) t.rows.push_back({name, item, std::to_string(n)});
    return t;
}

}  // namespace app::dashboard
