// Each platform's part of `serve`: its adapter, built from the config and the environment, and the
// long connection it runs beside the HTTP hooks (DingTalk Stream, WeCom's AI-bot connection,
// Feishu's event connection, Slack Socket Mode), started once the service is up. One function per
// platform in its own file (platform_<name>.cpp); this header is the table of them.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/adapter.hpp"
#include "core/clock.hpp"
#include "rules/config.hpp"
#include "transport/https_client.hpp"

namespace app {

class service;

// Reads a secret from the environment; empty when unset.
using env_reader = std::function<std::string(const std::string& name)>;
std::string read_env(const std::string& name);

// A platform's secret by role ("app_secret" → the variable platforms.<name>.app_secret_env names);
// empty when not configured or not set.
std::string secret_of(const rules::platform_settings& p, const env_reader& env, const std::string& role);

// Builds the adapter of one configured platform, with its secrets from the environment. Throws
// std::runtime_error naming the missing variable (never its value) when a secret is absent. With
// `posts` false (no chat is bound to the platform) the outbound webhook is optional. `chats` are the
// configured chats, for the platforms that post by the conversation's id (Slack's channel).
std::unique_ptr<adapters::adapter> build_adapter(const rules::platform_settings& p, const env_reader& env,
                                                 bool posts = true,
                                                 const std::vector<rules::chat_settings>& chats = {});

// What a long connection needs from serve.
struct serve_context {
    boost::asio::io_context& ioc;
    https_client& http;
    const core::clock& clock;
    service& svc;
    env_reader env;
};

// A running long connection; stop() closes it (SIGTERM).
class connection_runner {
  public:
    virtual ~connection_runner() = default;
    virtual void stop() = 0;
};

// Starts the long connection of `p` when its mode has one (nullptr otherwise). Throws
// std::runtime_error naming what is missing.
std::unique_ptr<connection_runner> start_connection(const rules::platform_settings& p, serve_context& ctx);

// Per platform (platform_<name>.cpp).
std::unique_ptr<adapters::adapter> build_dingtalk(const rules::platform_settings& p, const env_reader& env);
std::unique_ptr<adapters::adapter> build_wecom(const rules::platform_settings& p, const env_reader& env);
std::unique_ptr<connection_runner> start_dingtalk(const rules::platform_settings& p, serve_context& ctx);
// Slack: posts go to each chat's conversation (its channel id); socket mode runs Socket Mode.
std::unique_ptr<adapters::adapter> build_slack(const rules::platform_settings& p, const env_reader& env,
                                               const std::vector<rules::chat_settings>& chats = {});
std::unique_ptr<connection_runner> start_slack(const rules::platform_settings& p, serve_context& ctx);

}  // namespace app
