#include "dashboard/page.hpp"

#include "dashboard/web.hpp"

namespace app::dashboard {

const std::vector<nav_item>& nav_items() {
    static const std::vector<nav_item> items{{"/", "现在"},
                                             {"/fines", "罚款台账"},
                                             {"/ontime", "准时率"},
                                             {"/lateness", "延误分布"},
                                             {"/categories", "问题类别"},
                                             {"/print/sheet", "流程表"},
                                             {"/reports", "月报季报"}};
    return items;
}

std::string layout(const viewer& v, std::string_view active, const std::string& title,
                   const std::string& body, const std::string& body_attributes) {
    std::string s =
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
        html_escape(title) +
        " · 投诉看板</title>\n"
        "<link rel=\"stylesheet\" href=\"" +
        v.base +
        "/static/app.css\">\n"
        "<script src=\"" +
        v.base + "/static/chart.min.js\" defer></script>\n<script src=\"" + v.base +
        "/static/app.js\" defer></script>\n"
        "</head>\n<body" +
        (body_attributes.empty() ? std::string{} : " " + body_attributes) +
        ">\n<header>\n<strong class=\"brand\">" + (v.brand.empty() ? "" : html_escape(v.brand) + " ") +
        "投诉看板</strong>\n<nav>\n";
    if (!v.group_home.empty()) s += "<a href=\"" + html_escape(v.group_home) + "\">集团总览</a>\n";
    for (const auto& item : nav_items()) {
        s += "<a href=\"" + v.base + std::string(item.path) + "\"";
        if (item.path == active) s += " class=\"active\" aria-current=\"page\"";
        s += ">" + std::string(item.label) + "</a>\n";
    }
    s += "</nav>\n<div class=\"who\">已登录：" + html_escape(v.name) + "（" + html_escape(v.person) +
         "）· 可查看：" + html_escape(v.scope_text) + "\n<form method=\"post\" action=\"" +
         (v.group_home.empty() ? v.base : v.group_home) +
         "/logout\" class=\"inline\">"
         "<input type=\"hidden\" name=\"csrf\" value=\"" +
         html_escape(v.csrf) +
         "\"><button type=\"submit\">退出登录</button></form>\n</div>\n</header>\n<main>\n<h1>" +
         html_escape(title) + "</h1>\n" + body + "</main>\n</body>\n</html>\n";
    return s;
}

namespace {

std::string cell_html(const cell& c, const char* tag) {
    std::string s = std::string("<") + tag;
    if (!c.cls.empty()) s += " class=\"" + html_escape(c.cls) + "\"";
    s += ">";
    std::string inner = c.html.empty() ? html_escape(c.text) : c.html;
    if (!c.href.empty()) inner = "<a href=\"" + html_escape(c.href) + "\">" + inner + "</a>";
    return s + inner + "</" + tag + ">";
}

}  // namespace

std::string table(const std::vector<std::string>& head, const std::vector<row>& rows,
                  const std::string& empty, const std::string& cls) {
    std::string s =
        "<table" + (cls.empty() ? std::string{} : " class=\"" + html_escape(cls) + "\"") + ">\n<thead><tr>";
    for (const auto& h : head) s += "<th>" + html_escape(h) + "</th>";
    s += "</tr></thead>\n<tbody>\n";
    if (rows.empty())
        s += "<tr><td colspan=\"" + std::to_string(head.size()) + "\" class=\"muted\">" + html_escape(empty) +
             "</td></tr>\n";
    for (const auto& r : rows) {
        s += "<tr>";
        for (const auto& c : r) s += cell_html(c, "td");
        s += "</tr>\n";
    }
    return s + "</tbody>\n</table>\n";
}

std::string card(const std::string& label, const std::string& value, bool alert) {
    return std::string("<div class=\"card") + (alert ? " alert" : "") + "\"><span class=\"label\">" +
           html_escape(label) + "</span><span class=\"value\">" + html_escape(value) + "</span></div>\n";
}

std::string chart(const nlohmann::json& config, const std::string& label) {
    return "<div class=\"chart\"><canvas role=\"img\" aria-label=\"" + html_escape(label) +
           "\" data-chart=\"" + html_escape(config.dump()) + "\"></canvas></div>\n";
}

std::string url_encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::string filter::query() const {
    std::string q;
    auto add = [&](const char* key, const std::string& value) {
        if (value.empty()) return;
        q += (q.empty() ? "" : "&") + std::string(key) + "=" + url_encode(value);
    };
    add("from", from ? core::format_date(*from) : std::string{});
    add("to", to ? core::format_date(*to) : std::string{});
    add("department", department);
    return q;
}

std::string filter_form(std::string_view path, const filter& f, const std::vector<std::string>& departments,
                        bool exports, bool dates) {
    std::string s = "<form method=\"get\" action=\"" + std::string(path) + "\" class=\"filter\">\n";
    if (dates)
        s += "<label>从 <input type=\"date\" name=\"from\" value=\"" +
             (f.from ? core::format_date(*f.from) : "") +
             "\"></label>\n<label>到 <input type=\"date\" name=\"to\" value=\"" +
             (f.to ? core::format_date(*f.to) : "") + "\"></label>\n";
    if (departments.size() > 1) {
        s += "<label>部门 <select name=\"department\"><option value=\"\">全部</option>";
        for (const auto& d : departments)
            s += "<option" + std::string(d == f.department ? " selected" : "") + ">" + html_escape(d) +
                 "</option>";
        s += "</select></label>\n";
    }
    s += "<button type=\"submit\">筛选</button>\n";
    if (exports) {
        auto q = f.query();
        auto link = std::string(path) + "?" + (q.empty() ? "" : q + "&") + "format=";
        s += "<a class=\"export\" href=\"" + html_escape(link + "csv") +
             "\">导出 CSV</a>\n<a class=\"export\" href=\"" + html_escape(link + "xlsx") +
             "\">导出 Excel</a>\n";
    }
    return s + "</form>\n";
}

}  // namespace app::dashboard
