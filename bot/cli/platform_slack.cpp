// Slack in serve: the adapter (Events API callbacks on /hooks/slack in http mode, the frames of
// Socket Mode in socket mode) posting through chat.postMessage with the bot token, and the Socket
// Mode connection in socket mode.
#include <spdlog/spdlog.h>

#include "adapters/slack.hpp"
#include "cli/platforms.hpp"
#include "pipeline/service.hpp"
#include "transport/slack_socket.hpp"

namespace app {

namespace {

adapters::slack_config slack_settings(const rules::platform_settings& p, const env_reader& env,
                                      const std::vector<rules::chat_settings>& chats) {
    adapters::slack_config sc;
    // Socket Mode needs no signing secret: its connection is authenticated with the app token.
    sc.signing_secret = secret_of(p, env, "signing_secret");
    sc.bot_token = secret_of(p, env, "bot_token");
    if (!p.gateway.empty()) sc.api = p.gateway;
    for (const auto& c : chats)
        if (c.platform == p.name && !c.conversation.empty()) sc.channels[c.id] = c.conversation;
    return sc;
}

class socket_runner final : public connection_runner {
  public:
    socket_runner(std::unique_ptr<adapters::slack_adapter> decoder, serve_context& ctx,
                  slack_socket_settings settings)
        : decoder_(std::move(decoder)),
          socket_(ctx.ioc, ctx.http, std::move(settings), ctx.clock, *decoder_,
                  [&svc = ctx.svc](core::inbound_message m) -> boost::asio::awaitable<bool> {
                      auto how = co_await svc.accept_message_async("slack", std::move(m));
                      co_return how != service::accepted::failed&& how != service::accepted::rejected;
                  }) {}
    void start() { socket_.start(); }
    void stop() override { socket_.stop(); }

  private:
    std::unique_ptr<adapters::slack_adapter>
        decoder_;  // decodes the frames; declared first, outlives socket_
    slack_socket socket_;
};

}  // namespace

std::unique_ptr<adapters::adapter> build_slack(const rules::platform_settings& p, const env_reader& env,
                                               const std::vector<rules::chat_settings>& chats) {
    return std::make_unique<adapters::slack_adapter>(slack_settings(p, env, chats));
}

std::unique_ptr<connection_runner> start_slack(const rules::platform_settings& p, serve_context& ctx) {
    if (p.mode != "socket") return nullptr;
    slack_socket_settings ss;
    if (!p.gateway.empty()) ss.api = p.gateway;
    ss.app_token = secret_of(p, ctx.env, "app_token");
    if (ss.app_token.empty())
        throw std::runtime_error(
            "platforms.slack: socket mode needs app_token_env set and exported (an app-level token xapp-… "
            "with connections:write)");
    auto runner = std::make_unique<socket_runner>(
        std::make_unique<adapters::slack_adapter>(slack_settings(p, ctx.env, {})), ctx, std::move(ss));
    runner->start();
    spdlog::info("slack socket mode: connecting");
    return runner;
}

}  // namespace app
