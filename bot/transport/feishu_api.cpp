#include "transport/feishu_api.hpp"

#include <nlohmann/json.hpp>

#include "adapters/feishu.hpp"

namespace app {

using json = nlohmann::json;

namespace {

std::int64_t code_of(const std::string& body) {
    auto j = json::parse(body, nullptr, false);
    if (!j.is_object()) return -1;
    auto it = j.find("code");
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

}  // namespace

token_protocol feishu_token_protocol(const feishu_app_settings& s) {
    token_protocol p;
    p.name = "feishu tenant_access_token";
    p.fix = "check platforms.feishu app_id_env/app_secret_env";
    p.fetch.url = s.gateway + "/open-apis/auth/v3/tenant_access_token/internal";
    p.fetch.headers["Content-Type"] = "application/json; charset=utf-8";
    p.fetch.body = json{{"app_id", s.app_id}, {"app_secret", s.app_secret}}.dump();
    p.parse = [](const http_result& res,
                 std::string& why) -> std::optional<std::pair<std::string, core::duration>> {
        auto j = json::parse(res.body, nullptr, false);
        if (res.status == 200 && j.is_object() && code_of(res.body) == 0 &&
            j.contains("tenant_access_token") && j["tenant_access_token"].is_string() &&
            j.contains("expire") && j["expire"].is_number_integer() && j["expire"].get<std::int64_t>() > 0)
            return std::pair{j["tenant_access_token"].get<std::string>(),
                             core::duration(std::chrono::seconds(j["expire"].get<std::int64_t>()))};
        why = "HTTP " + std::to_string(res.status) + ", code " + std::to_string(code_of(res.body)) +
              (j.is_object() && j.contains("msg") && j["msg"].is_string()
                   ? " (" + adapters::log_word(j["msg"].get<std::string>()) + ")"
                   : std::string{});
        return std::nullopt;
    };
    p.needs_token = [api = s.gateway + "/open-apis/"](const std::string& url) {
        return url.starts_with(api) && url.find("/open-apis/bot/v2/hook/") == std::string::npos;
    };
    p.attach = [](adapters::outbound_request& req, const std::string& token) {
        req.headers["Authorization"] = "Bearer " + token;
    };
    p.refused = [](const http_result& res) {
        return res.transport_ok && adapters::feishu_token_invalid(code_of(res.body));
    };
    return p;
}

}  // namespace app
