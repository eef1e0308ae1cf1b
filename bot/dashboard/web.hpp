// The dashboard's small HTTP pieces (sans-I/O): form and query decoding, cookies, HTML escaping,
// the security headers every dashboard response carries, and the login page (Simplified Chinese,
// no script and no inline style, so the strict Content-Security-Policy holds).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/adapter.hpp"

namespace app::dashboard {

// application/x-www-form-urlencoded (also a URL's query): '+' is a space, %XX a byte; the first
// value of a name wins. Names and values over 4 KB are dropped.
std::map<std::string, std::string> parse_form(std::string_view text);
// The query of a request target, decoded as above.
std::map<std::string, std::string> query_of(const adapters::raw_request& req);
// The value of cookie `name` in the request's Cookie header, if any.
std::optional<std::string> cookie(const adapters::raw_request& req, std::string_view name);
std::string html_escape(std::string_view text);
// `path` below `base` as a dashboard's own path ("/c/a/fines" → "/fines", "/c/a" → "/"); nullopt
// when it is not below it. An empty base: the path as it is.
std::optional<std::string> below(const std::string& base, const std::string& path);

// Content-Security-Policy (default-src 'self', no inline script, no framing), X-Frame-Options DENY,
// X-Content-Type-Options nosniff, Referrer-Policy same-origin, Cache-Control no-store.
void add_security_headers(adapters::raw_response& res);

adapters::raw_response html(int status, std::string body);
adapters::raw_response json_error(int status, const std::string& message);
adapters::raw_response redirect(const std::string& location);  // 303 See Other

// A file to download: `body` of `type`, saved as `file` (an ASCII name).
adapters::raw_response download(std::string body, const std::string& type, const std::string& file);
inline constexpr const char* xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
// The bytes of an XLSX that `write` writes to a path (libxlsxwriter writes files only): a private
// temporary file, removed after reading.
std::string form_bytes(const std::function<void(const std::string&)>& write);

// The login form (POST `action`: user, password); `notice` (escaped) above it when not empty;
// `brand` ("华东") before the title.
std::string login_page(const std::string& notice, const std::string& user,
                       const std::string& action = "/login", const std::string& brand = {});
}  // namespace app::dashboard
