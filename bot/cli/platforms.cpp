#include "cli/platforms.hpp"

#include <cstdlib>
#include <stdexcept>

#include "config/checks.hpp"

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
    if (p.name == "dingtalk") return build_dingtalk(p, env);
    if (p.name == "wecom") return build_wecom(p, env);
    if (p.name == "slack") return build_slack(p, env, chats);
    throw std::runtime_error("unknown platform " + p.name + ": use dingtalk, wecom, feishu or slack");
}

std::unique_ptr<connection_runner> start_connection(const rules::platform_settings& p, serve_context& ctx) {
    if (p.name == "dingtalk") return start_dingtalk(p, ctx);
    if (p.name == "slack") return start_slack(p, ctx);
    return nullptr;
}

}  // namespace app
