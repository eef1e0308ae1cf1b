// DingTalk in serve: the app robot's adapter (HTTP callbacks or Stream frames) with the custom
// robot for posts, and in stream mode the Stream connection, interactive cards for the posts with
// buttons (sent through the OpenAPI with the app's access token) and their presses.
#include <spdlog/spdlog.h>

#include "adapters/dingtalk.hpp"
#include "cli/platforms.hpp"
#include "pipeline/service.hpp"
#include "transport/dingtalk_api.hpp"
#include "transport/dingtalk_stream.hpp"

namespace app {

std::unique_ptr<adapters::adapter> build_dingtalk(const rules::platform_settings& p, const env_reader& env,
                                                  const std::vector<rules::chat_settings>& chats) {
    // Stream mode authenticates the connection with the client secret (the same AppSecret).
    adapters::dingtalk_config dc;
    dc.app_secret = p.mode == "stream" ? secret_of(p, env, "client_secret") : secret_of(p, env, "app_secret");
    if (auto url = secret_of(p, env, "webhook"); !url.empty())
        dc.robots["*"] = {std::move(url), secret_of(p, env, "webhook_secret")};
    // A chat with a group robot of its own (webhook_env; every chat in a group of companies) posts
    // through it.
    for (const auto& c : chats)
        if (c.platform == "dingtalk" && !c.webhook_env.empty())
            dc.robots[c.id] = {env(c.webhook_env),
                               c.webhook_secret_env.empty() ? std::string{} : env(c.webhook_secret_env)};
    if (p.mode == "stream") {
        // Cards go to chats bound to a conversation id; the buttons are signed with the client secret.
        adapters::dingtalk_card_config cc;
        if (!p.gateway.empty()) cc.api_base = p.gateway;
        cc.robot_code = secret_of(p, env, "client_id");
        cc.button_key = dc.app_secret;
        for (const auto& c : chats)
            if (c.platform == "dingtalk" && !c.conversation.empty()) cc.conversations[c.id] = c.conversation;
        if (!cc.robot_code.empty() && !cc.button_key.empty()) dc.cards = std::move(cc);
    }
    return std::make_unique<adapters::dingtalk_adapter>(std::move(dc));
}

namespace {

class stream_runner final : public connection_runner {
  public:
    explicit stream_runner(std::unique_ptr<dingtalk_stream> s) : stream_(std::move(s)) {}
    void stop() override { stream_->stop(); }

  private:
    std::unique_ptr<dingtalk_stream> stream_;
};

}  // namespace

std::unique_ptr<connection_runner> start_dingtalk(const rules::platform_settings& p, serve_context& ctx) {
    namespace asio = boost::asio;
    if (auto events = build_dingtalk_events(p, ctx.env)) {
        ctx.svc.serve_dingtalk_events(std::move(events));
        spdlog::info("dingtalk: the event subscription is served on /hooks/dingtalk/events");
    }
    if (p.mode != "stream") return nullptr;
    stream_settings ss;
    if (!p.gateway.empty()) ss.gateway = p.gateway;
    ss.client_id = secret_of(p, ctx.env, "client_id");
    ss.client_secret = secret_of(p, ctx.env, "client_secret");
    if (ss.client_id.empty() || ss.client_secret.empty())
        throw std::runtime_error(
            "platforms.dingtalk: stream mode needs client_id_env and client_secret_env set and exported");
    ss.card_button_key = ss.client_secret;
    // The card sends carry the app's access token; the custom robot's posts pass through as they are.
    dingtalk_api_settings api_settings{ss.gateway, ss.client_id, ss.client_secret};
    auto api = std::make_shared<dingtalk_api>(ctx.ioc, ctx.http, api_settings, ctx.clock);
    ctx.svc.deliver_with("dingtalk", [api](const adapters::outbound_request& r) { return api->deliver(r); });
    auto& svc = ctx.svc;
    auto stream = std::make_unique<dingtalk_stream>(
        ctx.ioc, ctx.http, ss, ctx.clock,
        dingtalk_stream::async_message_handler([&svc](core::inbound_message m) -> asio::awaitable<bool> {
            auto how = co_await svc.accept_message_async("dingtalk", std::move(m));
            co_return how != service::accepted::failed&& how != service::accepted::rejected;
        }));
    stream->start();
    spdlog::info("dingtalk stream mode: connecting to the gateway");
    return std::make_unique<stream_runner>(std::move(stream));
}

std::unique_ptr<adapters::dingtalk_events> build_dingtalk_events(const rules::platform_settings& p,
                                                                 const env_reader& env) {
    if (!p.env.count("events_token") && !p.env.count("events_aes_key")) return nullptr;
    auto token = secret_of(p, env, "events_token");
    auto key = secret_of(p, env, "events_aes_key");
    if (token.empty() || key.empty())
        throw std::runtime_error(
            "platforms.dingtalk: the event subscription needs events_token_env and events_aes_key_env set "
            "and exported");
    try {
        return std::make_unique<adapters::dingtalk_events>(std::move(token), key, p.receive_id);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("platforms.dingtalk event subscription: ") + e.what());
    }
}

}  // namespace app
