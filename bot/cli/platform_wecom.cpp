// WeCom in serve: the AI bot's adapter — HTTP callbacks (with the group robot for posts) or the
// long connection (websocket mode: messages and posts over one socket) — and that connection.
#include <spdlog/spdlog.h>

#include "adapters/wecom.hpp"
#include "adapters/wecom_ws.hpp"
#include "cli/platforms.hpp"
#include "pipeline/service.hpp"
#include "transport/wecom_ws.hpp"

namespace app {

std::unique_ptr<adapters::adapter> build_wecom(const rules::platform_settings& p, const env_reader& env,
                                               const std::vector<rules::chat_settings>& chats) {
    adapters::wecom_config wc;
    wc.long_connection = p.mode == "websocket";
    if (!wc.long_connection) {
        wc.token = secret_of(p, env, "token");
        wc.encoding_aes_key = secret_of(p, env, "aes_key");
    }
    wc.receive_id = p.receive_id;
    wc.bot_name = p.bot_name;
    if (auto key = secret_of(p, env, "webhook"); !key.empty()) wc.webhooks["*"] = std::move(key);
    for (const auto& c : chats)  // a chat's own group robot
        if (c.platform == "wecom" && !c.webhook_env.empty()) wc.webhooks[c.id] = env(c.webhook_env);
    // aibot_send_msg needs the WeCom chatid: the conversation each chat is bound to.
    for (const auto& c : chats)
        if (c.platform == "wecom" && !c.conversation.empty()) wc.conversations[c.id] = c.conversation;
    return std::make_unique<adapters::wecom_adapter>(std::move(wc));
}

namespace {

class wecom_runner final : public connection_runner {
  public:
    explicit wecom_runner(std::unique_ptr<wecom_ws> ws) : ws_(std::move(ws)) {}
    void stop() override { ws_->stop(); }

  private:
    std::unique_ptr<wecom_ws> ws_;
};

// The route's deliver for WeCom chats: "wecom-ws:" requests over the connection, the rest (a
// webhook, a response_url) over HTTPS.
boost::asio::awaitable<http_result> deliver(wecom_ws& ws, https_client& http,
                                            adapters::outbound_request req) {
    if (std::string_view(req.url).starts_with(adapters::wecom_ws::marker)) {
        auto r = co_await ws.send(std::move(req));
        co_return r;
    }
    auto r = co_await http.send(req);
    co_return r;
}

}  // namespace

std::unique_ptr<connection_runner> start_wecom(const rules::platform_settings& p, serve_context& ctx) {
    namespace asio = boost::asio;
    if (p.mode != "websocket") return nullptr;
    wecom_ws_settings ws;
    if (!p.gateway.empty()) ws.url = p.gateway;
    ws.bot_id = secret_of(p, ctx.env, "bot_id");
    ws.secret = secret_of(p, ctx.env, "secret");
    ws.bot_name = p.bot_name;
    if (ws.bot_id.empty() || ws.secret.empty())
        throw std::runtime_error(
            "platforms.wecom: websocket mode needs bot_id_env and secret_env set and exported");
    auto& svc = ctx.svc;
    auto conn = std::make_unique<wecom_ws>(
        ctx.ioc, ctx.http, ws, ctx.clock,
        wecom_ws::async_message_handler([&svc](core::inbound_message m) -> asio::awaitable<bool> {
            auto how = co_await svc.accept_message_async("wecom", std::move(m));
            // A message whose processing failed was rolled back alone: trying it again fails again.
            co_return how != service::accepted::failed;
        }));
    auto* raw = conn.get();
    auto& http = ctx.http;
    svc.deliver_with(
        "wecom", [raw, &http](const adapters::outbound_request& req) { return deliver(*raw, http, req); });
    conn->start();
    spdlog::info("wecom websocket mode: connecting to the long connection");
    return std::make_unique<wecom_runner>(std::move(conn));
}

}  // namespace app
