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
#include "adapters/dingtalk_events.hpp"
#include "core/clock.hpp"
#include "rules/config.hpp"
#include "transport/https_client.hpp"

namespace app {

class message_hub;
struct chat_binding;

// Reads a secret from the environment; empty when unset.
using env_reader = std::function<std::string(const std::string& name)>;
std::string read_env(const std::string& name);

// A platform's secret by role ("app_secret" → the variable platforms.<name>.app_secret_env names);
// empty when not configured or not set.
std::string secret_of(const rules::platform_settings& p, const env_reader& env, const std::string& role);

// Builds the adapter of one configured platform, with its secrets from the environment. Throws
// std::runtime_error naming the missing variable (never its value) when a secret is absent. With
// `posts` false (no chat is bound to the platform) the outbound webhook is optional. `chats`: the
// configured chats (WeCom's long connection, Feishu and Slack post to the conversation a chat is bound to).
std::unique_ptr<adapters::adapter> build_adapter(const rules::platform_settings& p, const env_reader& env,
                                                 bool posts = true,
                                                 const std::vector<rules::chat_settings>& chats = {});

// The platform's posting limits on a chat: its per-minute limit, whether it counts per
// conversation, the spacing between two posts (Slack one a second per channel, Feishu five a second
// per group).
void apply_limits(const rules::platform_settings& p, chat_binding& chat);

// What a long connection needs from serve.
struct serve_context {
    boost::asio::io_context& ioc;
    https_client& http;
    const core::clock& clock;
    message_hub& svc;  // the service, or the group router forwarding to each company's
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
std::unique_ptr<adapters::adapter> build_dingtalk(const rules::platform_settings& p, const env_reader& env,
                                                  const std::vector<rules::chat_settings>& chats);
std::unique_ptr<adapters::adapter> build_wecom(const rules::platform_settings& p, const env_reader& env,
                                               const std::vector<rules::chat_settings>& chats = {});
std::unique_ptr<connection_runner> start_dingtalk(const rules::platform_settings& p, serve_context& ctx);
// Websocket mode: the AI bot's long connection, its messages into the service, and the service's
// posts for WeCom chats out over it (deliver_with); nullptr in HTTP mode.
std::unique_ptr<connection_runner> start_wecom(const rules::platform_settings& p, serve_context& ctx);
// DingTalk's encrypted event subscription (/hooks/dingtalk/events) when events_token_env and
// events_aes_key_env are configured; nullptr otherwise. Throws std::runtime_error naming a
// variable that is unset, or a bad key.
std::unique_ptr<adapters::dingtalk_events> build_dingtalk_events(const rules::platform_settings& p,
                                                                 const env_reader& env);
// Feishu: the adapter (chats bound with `conversation: oc_…` are posted to by that id); start_feishu
// routes Feishu's posts through the tenant-token delivery (both modes) and, in websocket mode,
// opens the event long connection.
std::unique_ptr<adapters::adapter> build_feishu(const rules::platform_settings& p, const env_reader& env,
                                                const std::vector<rules::chat_settings>& chats = {});
std::unique_ptr<connection_runner> start_feishu(const rules::platform_settings& p, serve_context& ctx);
// Slack: posts go to each chat's conversation (its channel id); socket mode runs Socket Mode.
std::unique_ptr<adapters::adapter> build_slack(const rules::platform_settings& p, const env_reader& env,
                                               const std::vector<rules::chat_settings>& chats = {});
std::unique_ptr<connection_runner> start_slack(const rules::platform_settings& p, serve_context& ctx);

}  // namespace app
