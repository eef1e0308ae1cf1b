// The DingTalk OpenAPI delivery (transport/dingtalk_api) against the fake gateway's OpenAPI: the
// access token fetched with the app's credentials, cached for later sends, fetched again once after
// the OpenAPI refuses it; bad credentials deliver nothing; robot webhooks pass through without the
// token. And the Stream client subscribes to card callbacks and hands a press over as a command.
#include "transport/dingtalk_api.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>

#include "adapters/dingtalk_card.hpp"
#include "support/stream_gateway.hpp"
#include "support/test_support.hpp"
#include "transport/dingtalk_stream.hpp"

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* client_id = "ding-card-client";
constexpr const char* client_secret = "ding-card-secret-5e";

adapters::outbound_request card_request(const std::string& gateway, std::int64_t outbox_id) {
    adapters::dingtalk_card_config cfg;
    cfg.api_base = gateway;
    cfg.robot_code = client_id;
    cfg.button_key = client_secret;
    cfg.conversations["group"] = "cidGROUP==";
    core::outbound_post post;
    post.chat = "group";
    post.text = "已登记产品质量投诉 P" + std::to_string(outbox_id) + "：螺紋滑牙，請打單部受理。";
    post.actions = {{"受理", "受理 P" + std::to_string(outbox_id)},
                    {"查询", "查询 P" + std::to_string(outbox_id)}};
    post.outbox_id = outbox_id;
    return *adapters::encode_dingtalk_card(cfg, post, {}, 20000);
}

// Runs `deliver` for each request in turn on the loop; the results in order.
std::vector<app::http_result> deliver_all(asio::io_context& ioc, app::dingtalk_api& api,
                                          std::vector<adapters::outbound_request> reqs,
                                          std::function<void(std::size_t)> between = {}) {
    std::vector<app::http_result> out;
    bool finished = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            for (std::size_t i = 0; i < reqs.size(); ++i) {
                if (between) between(i);
                out.push_back(co_await api.deliver(reqs[i]));
            }
            finished = true;
        },
        asio::detached);
    loopback::run_until(
        ioc, [&] { return finished; }, 20s);
    return out;
}

}  // namespace

TEST(DingtalkApi, FetchesTheTokenOnceAndSendsCardsWithIt) {
    asio::io_context ioc{1};
    fake::stream_gateway gateway(ioc, client_id, client_secret);
    app::https_client http(ioc);
    core::system_clock clock;
    app::dingtalk_api api(ioc, http, {gateway.url(), client_id, client_secret}, clock);
    auto results = deliver_all(ioc, api, {card_request(gateway.url(), 1), card_request(gateway.url(), 2)});
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) {
        EXPECT_TRUE(r.transport_ok) << r.error;
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_TRUE(json::parse(r.body).contains("processQueryKey"));
    }
    EXPECT_EQ(gateway.token_requests(), 1);
    EXPECT_EQ(api.stats().token_requests, 1u);
    EXPECT_EQ(gateway.card_refusals(), 0);
    const auto cards = gateway.cards();
    ASSERT_EQ(cards.size(), 2u);
    EXPECT_EQ(cards[1]["cardBizId"], "cb-outbox-2");
    EXPECT_EQ(cards[1]["cardData"]["contents"][1]["actions"][0]["label"]["text"], "受理");
    gateway.stop();
}

TEST(DingtalkApi, ARefusedTokenIsFetchedAgainOnce) {
    asio::io_context ioc{1};
    fake::stream_gateway gateway(ioc, client_id, client_secret);
    app::https_client http(ioc);
    core::system_clock clock;
    app::dingtalk_api api(ioc, http, {gateway.url(), client_id, client_secret}, clock);
    auto results = deliver_all(ioc, api, {card_request(gateway.url(), 1), card_request(gateway.url(), 2)},
                               [&](std::size_t i) {
                                   if (i == 1) gateway.revoke_tokens();
                               });
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[1].status, 200) << results[1].body;
    EXPECT_EQ(gateway.token_requests(), 2);
    EXPECT_EQ(api.stats().token_refusals, 1u);
    EXPECT_EQ(gateway.card_refusals(), 1);  // the one send with the revoked token
    EXPECT_EQ(gateway.cards().size(), 2u);
    gateway.stop();
}

TEST(DingtalkApi, WrongCredentialsSendNothing) {
    asio::io_context ioc{1};
    fake::stream_gateway gateway(ioc, client_id, client_secret);
    app::https_client http(ioc);
    core::system_clock clock;
    app::dingtalk_api api(ioc, http, {gateway.url(), client_id, "not-the-secret-9"}, clock);
    auto results = deliver_all(ioc, api, {card_request(gateway.url(), 1)});
    ASSERT_EQ(results.size(), 1u);
    EXPECT_FALSE(results[0].transport_ok);  // retried later by the outbox
    EXPECT_NE(results[0].error.find("access token unavailable"), std::string::npos) << results[0].error;
    EXPECT_EQ(results[0].error.find("not-the-secret-9"), std::string::npos);
    EXPECT_TRUE(gateway.cards().empty());
    EXPECT_EQ(gateway.card_refusals(), 0);  // never even tried without a token
    gateway.stop();
}

TEST(DingtalkApi, OnlyOpenApiRequestsNeedTheToken) {
    asio::io_context ioc{1};
    app::https_client http(ioc);
    core::system_clock clock;
    app::dingtalk_api api(ioc, http, {"https://api.dingtalk.com", client_id, client_secret}, clock);
    EXPECT_TRUE(api.needs_token("https://api.dingtalk.com/v1.0/im/v1.0/robot/interactiveCards/send"));
    EXPECT_FALSE(api.needs_token("https://oapi.dingtalk.com/robot/send?access_token=x"));
    EXPECT_FALSE(api.needs_token("https://oapi.dingtalk.com/robot/sendBySession?session=x"));
    EXPECT_FALSE(api.needs_token("https://api.dingtalk.com/v1.0/oauth2/accessToken"));
}

TEST(DingtalkApi, StreamSubscribesToCardCallbacksAndHandsOverAPress) {
    asio::io_context ioc{1};
    const auto accept = adapters::dingtalk_card_action_id(client_secret, "cb-outbox-5", "受理 P5");
    const auto forged = adapters::dingtalk_card_action_id("other-secret", "cb-outbox-5", "受理 P5");
    fake::stream_gateway gateway(ioc, client_id, client_secret,
                                 {fake::card_press_frame("press-f", "cb-outbox-5", "dt-1006", {forged}),
                                  fake::card_press_frame("press-a", "cb-outbox-5", "dt-1006", {accept})});
    app::https_client http(ioc);
    core::system_clock clock;
    app::stream_settings s;
    s.gateway = gateway.url();
    s.client_id = client_id;
    s.client_secret = client_secret;
    s.card_button_key = client_secret;
    std::vector<core::inbound_message> handled;
    app::dingtalk_stream stream(ioc, http, s, clock, [&](const core::inbound_message& m) {
        handled.push_back(m);
        return true;
    });
    stream.start();
    loopback::when(
        ioc, [&] { return gateway.done(); }, 10s,
        [&] {
            stream.stop();
            gateway.stop();
        });
    ioc.run_for(15s);
    ASSERT_TRUE(gateway.done());
    EXPECT_EQ(gateway.subscriptions(),
              json::parse(R"([{"type":"CALLBACK","topic":"/v1.0/im/bot/messages/get"},
                                                      {"type":"CALLBACK","topic":"/v1.0/card/instances/callback"}])"));
    EXPECT_EQ(gateway.acks().size(), 2u);  // the forged press too: redelivery cannot fix it
    ASSERT_EQ(handled.size(), 1u);
    EXPECT_EQ(handled[0].sender, "dt-1006");
    EXPECT_EQ(handled[0].text, "受理 P5");
    EXPECT_EQ(handled[0].chat, "cidGROUP==");
}
