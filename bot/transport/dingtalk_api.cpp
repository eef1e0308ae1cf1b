#include "transport/dingtalk_api.hpp"

#include <nlohmann/json.hpp>

#include "adapters/adapter.hpp"

namespace app {

using json = nlohmann::json;

token_protocol dingtalk_token_protocol(const dingtalk_api_settings& s) {
    token_protocol p;
    p.name = "dingtalk access token";
    p.fix = "check platforms.dingtalk client_id_env/client_secret_env";
    p.fetch.url = s.gateway + "/v1.0/oauth2/accessToken";
    p.fetch.headers["Content-Type"] = "application/json; charset=utf-8";
    p.fetch.body = json{{"appKey", s.client_id}, {"appSecret", s.client_secret}}.dump();
    p.parse = [](const http_result& res,
                 std::string& why) -> std::optional<std::pair<std::string, core::duration>> {
        auto j = json::parse(res.body, nullptr, false);
        if (res.status == 200 && j.is_object() && j.contains("accessToken") && j["accessToken"].is_string() &&
            !j["accessToken"].get<std::string>().empty() && j.contains("expireIn") &&
            j["expireIn"].is_number_integer() && j["expireIn"].get<std::int64_t>() > 0)
            return std::pair{j["accessToken"].get<std::string>(),
                             core::duration(std::chrono::seconds(j["expireIn"].get<std::int64_t>()))};
        why = "HTTP " + std::to_string(res.status) +
              (j.is_object() && j.contains("code") && j["code"].is_string()
                   ? " (" + adapters::log_word(j["code"].get<std::string>()) + ")"
                   : std::string{});
        return std::nullopt;
    };
    p.needs_token = [v1 = s.gateway + "/v1.0/", oauth = s.gateway + "/v1.0/oauth2/"](const std::string& url) {
        return url.starts_with(v1) && !url.starts_with(oauth);
    };
    p.attach = [](adapters::outbound_request& req, const std::string& token) {
        req.headers["x-acs-dingtalk-access-token"] = token;
    };
    // The OpenAPI's error answers carry a string `code` (e.g. "InvalidAuthentication").
    p.refused = [](const http_result& res) {
        if (!res.transport_ok) return false;
        if (res.status == 401) return true;
        auto j = json::parse(res.body, nullptr, false);
        return j.is_object() && j.contains("code") && j["code"].is_string() &&
               j["code"].get<std::string>().find("InvalidAuthentication") != std::string::npos;
    };
    return p;
}

}  // namespace app
