#include "cli/platforms.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

#include "config/checks.hpp"
#include "pipeline/service.hpp"

namespace app {

std::string read_env(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    return v ? std::string(v) : std::string{};
}

std::string secret_of(const rules::platform_settings& p, const env_reader& env, const std::string& role) {
    auto it = p.env.find(role);
    return it == p.env.end() ? std::string{} : env(it->second);
}

std::unique_ptr<adapters::adapter> build_adapter(const rules::platform_settings& p, const env_reader& env,
                                                 bool posts, const std::vector<rules::chat_settings>& chats) {
    // The same list of secrets check-config names (config/checks.hpp); the outbound webhook only
    // when a chat is bound to post into.
    if (auto missing = conf::missing_secret(p, env, posts); !missing.empty())
        throw std::runtime_error(missing);
    for (const auto& c : chats)
        for (const auto* var : {&c.webhook_env, &c.webhook_secret_env})
            if (c.platform == p.name && !var->empty() && env(*var).empty())
                throw std::runtime_error("environment variable " + *var + " (the robot of chat '" + c.id +
                                         "') is not set: export it before starting serve");
    if (p.name == "dingtalk") return build_dingtalk(p, env, chats);
    if (p.name == "wecom") return build_wecom(p, env, chats);
    if (p.name == "feishu") return build_feishu(p, env, chats);
    if (p.name == "slack") return build_slack(p, env, chats);
    throw std::runtime_error("unknown platform " + p.name + ": use dingtalk, wecom, feishu or slack");
}

void apply_limits(const rules::platform_settings& p, chat_binding& chat) {
    chat.per_minute = p.per_minute;
    // A little over the platform's own interval: it measures on its clock, we on ours (whole
    // milliseconds), and two posts that reach it a hair under the interval apart are refused.
    if (p.name == "slack") {
        chat.own_bucket = true;
        chat.spacing = std::chrono::milliseconds(1050);
    } else if (p.name == "feishu") {
        chat.own_bucket = true;
        chat.spacing = std::chrono::milliseconds(210);
    } else if (p.name == "wecom" && p.mode == "websocket") {
        chat.own_bucket = true;  // 30 a minute per conversation over the long connection
        chat.per_minute = std::min(p.per_minute, 30);
    }
}

std::unique_ptr<connection_runner> start_connection(const rules::platform_settings& p, serve_context& ctx) {
    if (p.name == "dingtalk") return start_dingtalk(p, ctx);
    if (p.name == "wecom") return start_wecom(p, ctx);
    if (p.name == "feishu") return start_feishu(p, ctx);
    if (p.name == "slack") return start_slack(p, ctx);
    return nullptr;
}

}  // namespace app
