// Feishu / Lark in serve: the adapter (HTTP events on /hooks/feishu, posts through the app's
// im/v1/messages or a custom bot), the tenant-token delivery for the app's requests, and the event
// long connection in websocket mode.
#include <spdlog/spdlog.h>

#include "adapters/feishu.hpp"
#include "cli/platforms.hpp"
#include "pipeline/service.hpp"
#include "transport/feishu_api.hpp"
#include "transport/feishu_ws.hpp"

namespace app {

std::unique_ptr<adapters::adapter> build_feishu(const rules::platform_settings& p, const env_reader& env,
                                                const std::vector<rules::chat_settings>& chats) {
    adapters::feishu_config fc;
    // websocket mode has no token: /hooks/feishu then refuses every event (nothing authenticates it).
    fc.verification_token = secret_of(p, env, "verification_token");
    fc.encrypt_key = secret_of(p, env, "encrypt_key");
    if (!p.gateway.empty()) fc.gateway = p.gateway;
    fc.app = !secret_of(p, env, "app_id").empty() && !secret_of(p, env, "app_secret").empty();
    fc.webhook_url = secret_of(p, env, "webhook");
    fc.webhook_secret = secret_of(p, env, "webhook_secret");
    fc.bot.name = p.bot_name;
    for (const auto& c : chats)
        if (c.platform == "feishu" && !c.conversation.empty()) fc.chat_ids[c.id] = c.conversation;
    return std::make_unique<adapters::feishu_adapter>(std::move(fc));
}

namespace {

class feishu_runner final : public connection_runner {
  public:
    explicit feishu_runner(std::unique_ptr<feishu_ws> ws) : ws_(std::move(ws)) {}
    void stop() override { ws_->stop(); }

  private:
    std::unique_ptr<feishu_ws> ws_;
};

}  // namespace

std::unique_ptr<connection_runner> start_feishu(const rules::platform_settings& p, serve_context& ctx) {
    namespace asio = boost::asio;
    feishu_app_settings app;
    if (!p.gateway.empty()) app.gateway = p.gateway;
    app.app_id = secret_of(p, ctx.env, "app_id");
    app.app_secret = secret_of(p, ctx.env, "app_secret");
    if (app.app_id.empty() || app.app_secret.empty())
        throw std::runtime_error("platforms.feishu needs app_id_env and app_secret_env set and exported");
    // The app's posts carry the tenant token; a custom bot's pass through as they are.
    auto api = std::make_shared<feishu_api>(ctx.ioc, ctx.http, app, ctx.clock);
    ctx.svc.deliver_with("feishu", [api](const adapters::outbound_request& r) { return api->deliver(r); });
    if (p.mode != "websocket") return nullptr;
    feishu_ws_settings ws;
    ws.gateway = app.gateway;
    ws.app_id = app.app_id;
    ws.app_secret = app.app_secret;
    ws.bot.name = p.bot_name;
    auto& svc = ctx.svc;
    auto conn = std::make_unique<feishu_ws>(
        ctx.ioc, ctx.http, ws, ctx.clock,
        feishu_ws::async_message_handler([&svc](core::inbound_message m) -> asio::awaitable<bool> {
            auto how = co_await svc.accept_message_async("feishu", std::move(m));
            co_return how != service::accepted::failed&& how != service::accepted::rejected;
        }));
    conn->start();
    spdlog::info("feishu websocket mode: connecting to the event long connection");
    return std::make_unique<feishu_runner>(std::move(conn));
}

}  // namespace app
