#include "dashboard/web.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "dashboard/password.hpp"

namespace app::dashboard {

namespace {

constexpr std::size_t max_field = 4096;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string form_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::map<std::string, std::string> parse_form(std::string_view text) {
    std::map<std::string, std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto amp = text.find('&', start);
        auto pair = text.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
        if (!pair.empty()) {
            auto eq = pair.find('=');
            auto name = form_decode(pair.substr(0, eq));
            auto value = eq == std::string_view::npos ? std::string{} : form_decode(pair.substr(eq + 1));
            if (name.size() <= max_field && value.size() <= max_field) out.emplace(name, value);
        }
        if (amp == std::string_view::npos) break;
        start = amp + 1;
    }
    return out;
}

std::map<std::string, std::string> query_of(const adapters::raw_request& req) {
    auto q = req.target.find('?');
    if (q == std::string::npos) return {};
    auto query = std::string_view(req.target).substr(q + 1);
    if (auto h = query.find('#'); h != std::string_view::npos) query = query.substr(0, h);
    return parse_form(query);
}

std::optional<std::string> cookie(const adapters::raw_request& req, std::string_view name) {
    const auto* header = req.header("cookie");
    if (!header) return std::nullopt;
    std::string_view rest = *header;
    while (!rest.empty()) {
        auto semi = rest.find(';');
        auto item = trim(rest.substr(0, semi));
        auto eq = item.find('=');
        if (eq != std::string_view::npos && trim(item.substr(0, eq)) == name)
            return std::string(trim(item.substr(eq + 1)));
        if (semi == std::string_view::npos) break;
        rest.remove_prefix(semi + 1);
    }
    return std::nullopt;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

std::optional<std::string> below(const std::string& base, const std::string& path) {
    if (base.empty()) return path;
    if (path.compare(0, base.size(), base) != 0) return std::nullopt;
    auto rest = path.substr(base.size());
    if (rest.empty()) return std::string("/");
    if (rest.front() != '/') return std::nullopt;
    return rest;
}

void add_security_headers(adapters::raw_response& res) {
    res.headers["Content-Security-Policy"] =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    res.headers["X-Frame-Options"] = "DENY";
    res.headers["X-Content-Type-Options"] = "nosniff";
    res.headers["Referrer-Policy"] = "same-origin";
    if (!res.headers.count("Cache-Control")) res.headers["Cache-Control"] = "no-store";
}

adapters::raw_response html(int status, std::string body) {
    return {status, "text/html; charset=utf-8", std::move(body)};
}

adapters::raw_response json_error(int status, const std::string& message) {
    return {status, "application/json", nlohmann::json{{"error", message}}.dump() + "\n"};
}

adapters::raw_response redirect(const std::string& location) {
    adapters::raw_response res{303, "text/plain; charset=utf-8", "see " + location + "\n"};
    res.headers["Location"] = location;
    return res;
}

namespace {

std::string page(const std::string& title, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           html_escape(title) + "</title>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

}  // namespace

std::string login_page(const std::string& notice, const std::string& user, const std::string& action,
                       const std::string& brand) {
    auto title = (brand.empty() ? std::string{} : html_escape(brand) + " ") + "投诉看板 登录";
    std::string body = "<h1>" + title + "</h1>\n";
    if (!notice.empty()) body += "<p role=\"alert\"><strong>" + html_escape(notice) + "</strong></p>\n";
    body += "<form method=\"post\" action=\"" + html_escape(action) +
            "\">\n"
            "<p><label for=\"user\">人员编号</label><br>\n"
            "<input id=\"user\" name=\"user\" autocomplete=\"username\" required value=\"" +
            html_escape(user) +
            "\"></p>\n"
            "<p><label for=\"password\">密码</label><br>\n"
            "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
            "required></p>\n"
            "<p><button type=\"submit\">登录</button></p>\n"
            "</form>\n"
            "<p>没有账号或忘记密码：请联系人力资源部用 <code>complaint-bot passwd</code> 设置。</p>\n";
    return page((brand.empty() ? std::string{} : brand + " ") + "投诉看板 登录", body);
}

}  // namespace app::dashboard

namespace app::dashboard {

adapters::raw_response download(std::string body, const std::string& type, const std::string& file) {
    adapters::raw_response res{200, type, std::move(body)};
    // RFC 6266: an ASCII name.
    res.headers["Content-Disposition"] = "attachment; filename=\"" + file + "\"";
    return res;
}

std::string form_bytes(const std::function<void(const std::string&)>& write) {
    auto path =
        std::filesystem::temp_directory_path() / ("complaint-bot-" + random_token().substr(0, 16) + ".xlsx");
    write(path.string());
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return bytes.str();
}

}  // namespace app::dashboard
