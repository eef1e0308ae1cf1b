// Feishu's long connection (feishu_ws) and the token-adding delivery (feishu_api) against the fake
// Feishu of tests/support/feishu_server: real pbbp2 frames over a loopback WebSocket, the ack only
// once the handler committed, split payloads, pings and the pong's ClientConfig, reconnecting after
// a drop, no ack when the handler fails, card frames, the endpoint's "do not retry" codes; one
// token for many posts, a refused token fetched again once, uuid de-duplication and the 5/s limit.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"
#include "adapters/feishu.hpp"
#include "support/feishu_server.hpp"
#include "support/loopback_server.hpp"
#include "transport/feishu_api.hpp"
#include "transport/feishu_ws.hpp"

namespace {

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;
using namespace fake;

const std::string chat = "oc_5ad11d72b830411d72b836c20";

struct client {
    asio::io_context ioc{1};
    core::system_clock clock;
    app::https_client http{ioc};
    feishu_server& server;
    std::vector<core::inbound_message> received;
    bool commit = true;   // the handler resumes once this holds
    bool succeed = true;  // ...with this answer
    std::unique_ptr<app::feishu_ws> ws;

    explicit client(feishu_server& s) : server(s) {
        app::feishu_ws_settings st;
        st.gateway = s.url();
        st.app_id = feishu_app_id;
        st.app_secret = feishu_app_secret;
        st.bot.open_id = "ou_bot7f0c2e5d9a1b4c3d";
        st.config.reconnect_nonce = 0ms;
        st.config.reconnect_interval = 200ms;
        ws = std::make_unique<app::feishu_ws>(ioc, http, st, clock,
                                              [this](core::inbound_message m) -> asio::awaitable<bool> {
                                                  received.push_back(std::move(m));
                                                  asio::steady_timer t(ioc);
                                                  while (!commit) {
                                                      t.expires_after(10ms);
                                                      co_await t.async_wait(asio::use_awaitable);
                                                  }
                                                  co_return succeed;
                                              });
        ws->start();
    }
    ~client() {
        ws->stop();
        loopback::run_until(
            ioc, [] { return false; }, 100ms);
    }
    bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 15s) {
        loopback::run_until(ioc, done, limit);
        return done();
    }
};

json ack_payload(const pbbp2::Frame& f) {
    return json::parse(f.payload(), nullptr, false);
}

std::string header_of(const pbbp2::Frame& f, const std::string& key) {
    for (const auto& h : f.headers())
        if (h.key() == key) return h.value();
    return {};
}

}  // namespace

TEST(FeishuWs, AcksOnlyAfterTheHandlerCommitted) {
    feishu_server server;
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.connections() == 1; }));
    c.commit = false;
    const auto id = server.push(feishu_text_event("om_1", "ou_zhangsan", chat, "產品質量投訴：螺紋滑牙"));
    ASSERT_TRUE(c.run_until([&] { return c.received.size() == 1; }));
    EXPECT_EQ(c.received[0].text, "產品質量投訴：螺紋滑牙");  // the bot's @ placeholder removed
    EXPECT_EQ(c.received[0].msg_id, "om_1");
    EXPECT_EQ(c.received[0].sender, "ou_zhangsan");
    c.run_until([] { return false; }, 300ms);
    EXPECT_TRUE(server.acks().empty());  // not committed yet: no ack
    c.commit = true;
    ASSERT_TRUE(c.run_until([&] { return server.acks().size() == 1; }));
    auto ack = server.acks()[0];
    EXPECT_EQ(header_of(ack, "message_id"), id);
    EXPECT_FALSE(header_of(ack, "biz_rt").empty());
    EXPECT_EQ(ack.method(), 1);
    EXPECT_EQ(ack_payload(ack)["code"], 200);
    EXPECT_EQ(c.ws->stats().acks, 1u);
}

TEST(FeishuWs, ReassemblesSplitPayloads) {
    feishu_server server;
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.connections() == 1; }));
    std::string text = "产品质量投诉\n投诉人：张三\n";
    while (text.size() < 3000) text += "规格及数量：M8×40 镀锌螺栓 200盒；";
    server.push(feishu_text_event("om_split", "ou_zhangsan", chat, text), 3);
    ASSERT_TRUE(c.run_until([&] { return server.acks().size() == 1; }));
    ASSERT_EQ(c.received.size(), 1u);
    EXPECT_EQ(c.received[0].text, text);
    EXPECT_EQ(header_of(server.acks()[0], "sum"), "3");
}

TEST(FeishuWs, PingsWithTheServiceIdAndTakesThePongsConfig) {
    feishu_server server;
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.pings() >= 1 && c.ws->stats().pongs >= 1; }));
    EXPECT_EQ(server.bad_pings(), 0);
    EXPECT_EQ(c.ws->config().ping_interval, 2s);  // from the pong; the endpoint said 1 s
    EXPECT_EQ(c.ws->config().reconnect_interval, 1s);
}

TEST(FeishuWs, ReconnectsAfterADropAndGetsTheEventAgain) {
    feishu_server server;
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.connections() == 1; }));
    c.commit = false;
    server.push(feishu_text_event("om_again", "ou_zhangsan", chat, "受理 P1"));
    ASSERT_TRUE(c.run_until([&] { return c.received.size() == 1; }));
    server.drop();  // before the commit: Feishu pushes the event again on the next connection
    c.commit = true;
    ASSERT_TRUE(c.run_until([&] { return server.connections() == 2; }));
    EXPECT_GE(server.endpoint_requests(), 2);  // a new endpoint for each attempt
    server.push(feishu_text_event("om_again", "ou_zhangsan", chat, "受理 P1"));
    ASSERT_TRUE(c.run_until([&] { return server.acks().size() == 1; }));
    EXPECT_EQ(c.received.size(), 2u);
    EXPECT_EQ(c.received[1].msg_id, "om_again");  // the same id: the service de-duplicates
}

TEST(FeishuWs, NoAckWhenTheHandlerFails) {
    feishu_server server;
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.connections() == 1; }));
    c.succeed = false;
    server.push(feishu_text_event("om_fail", "ou_zhangsan", chat, "受理 P1"));
    ASSERT_TRUE(c.run_until([&] { return c.ws->stats().unacked == 1; }));
    c.run_until([] { return false; }, 300ms);
    EXPECT_TRUE(server.acks().empty());
    // Events the bot does not use are acknowledged at once, without the handler.
    json other = {{"schema", "2.0"},
                  {"header", {{"event_type", "im.chat.member.bot.added_v1"}}},
                  {"event", json::object()}};
    server.push(other.dump());
    ASSERT_TRUE(c.run_until([&] { return server.acks().size() == 1; }));
    EXPECT_EQ(c.received.size(), 1u);
}

TEST(FeishuWs, CardFramesBecomeThePressersCommand) {
    feishu_server server;
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.connections() == 1; }));
    server.push(feishu_card_event("ev-card-1", "ou_zhoumin", chat, "受理 P3"), 1, "card");
    ASSERT_TRUE(c.run_until([&] { return server.acks().size() == 1; }));
    ASSERT_EQ(c.received.size(), 1u);
    EXPECT_EQ(c.received[0].text, "受理 P3");
    EXPECT_EQ(c.received[0].sender, "ou_zhoumin");
    EXPECT_EQ(c.received[0].msg_id, "ev-card-1");
    auto payload = ack_payload(server.acks()[0]);
    auto toast = adapters::crypto::base64_decode(payload["data"].get<std::string>());
    ASSERT_TRUE(toast);
    EXPECT_EQ(json::parse(*toast)["toast"]["content"], "已收到");
}

TEST(FeishuWs, StopsOnARefusalAndRetriesWhenBusy) {
    feishu_server server;
    server.set_endpoint_code(1);  // busy: retried
    client c(server);
    ASSERT_TRUE(c.run_until([&] { return server.endpoint_requests() >= 2; }));
    EXPECT_FALSE(c.ws->gave_up());
    server.set_endpoint_code(1000040345);  // a client error: not retried
    ASSERT_TRUE(c.run_until([&] { return c.ws->gave_up(); }));
    const int requests = server.endpoint_requests();
    c.run_until([] { return false; }, 600ms);
    EXPECT_EQ(server.endpoint_requests(), requests);
    EXPECT_EQ(server.connections(), 0);
}

TEST(FeishuApi, OneTokenForManyPostsAndOneRefreshWhenRefused) {
    feishu_server server;
    asio::io_context ioc{1};
    core::system_clock clock;
    app::https_client http(ioc);
    app::feishu_api api(ioc, http, {server.url(), feishu_app_id, feishu_app_secret}, clock);
    adapters::feishu_config fc;
    fc.gateway = server.url();
    fc.chat_ids["group"] = chat;
    adapters::feishu_adapter adapter(fc);
    std::vector<app::http_result> results;
    auto send = [&](std::int64_t outbox_id, const std::string& text) {
        core::outbound_post p;
        p.chat = "group";
        p.text = text;
        p.outbox_id = outbox_id;
        for (auto& req : adapter.encode(p, {}, clock.now()))
            asio::co_spawn(
                ioc, [&, req]() -> asio::awaitable<void> { results.push_back(co_await api.deliver(req)); },
                asio::detached);
    };
    send(1, "已登记产品质量投诉 P1");
    send(2, "已登记产品质量投诉 P2");
    send(3, "已登记产品质量投诉 P3");
    loopback::run_until(
        ioc, [&] { return results.size() == 3; }, 15s);
    ASSERT_EQ(results.size(), 3u);
    for (const auto& r : results)
        EXPECT_EQ(adapter.classify(r.status, r.body), adapters::adapter::send_verdict::delivered) << r.body;
    EXPECT_EQ(server.token_requests(), 1);  // one fetch in flight served all three
    EXPECT_EQ(server.messages().size(), 3u);
    // The same outbox row again (a resend after a crash): Feishu sends it once.
    send(1, "已登记产品质量投诉 P1");
    loopback::run_until(
        ioc, [&] { return results.size() == 4; }, 15s);
    EXPECT_EQ(server.duplicates(), 1);
    EXPECT_EQ(server.messages().size(), 3u);
    // The token is refused: one new token, the request tried once more.
    server.revoke_tokens();
    send(4, "P1 已由周敏受理");
    loopback::run_until(
        ioc, [&] { return results.size() == 5; }, 15s);
    EXPECT_EQ(adapter.classify(results[4].status, results[4].body),
              adapters::adapter::send_verdict::delivered);
    EXPECT_EQ(server.token_requests(), 2);
    EXPECT_EQ(api.stats().token_refusals, 1u);
    // More than 5 a second in one chat: 230020, which the adapter calls rate limited.
    for (int i = 0; i < 6; ++i) send(10 + i, "查询 P" + std::to_string(i));
    loopback::run_until(
        ioc, [&] { return results.size() == 11; }, 15s);
    int limited = 0;
    for (std::size_t i = 5; i < results.size(); ++i)
        limited += adapter.classify(results[i].status, results[i].body) ==
                   adapters::adapter::send_verdict::rate_limited;
    EXPECT_GE(limited, 1);
    EXPECT_GE(server.rate_limited(), 1);
    // A custom bot's webhook gets no token.
    EXPECT_FALSE(api.needs_token(server.url() + "/open-apis/bot/v2/hook/5f1a8c2e"));
    EXPECT_TRUE(api.needs_token(server.url() + "/open-apis/im/v1/messages?receive_id_type=chat_id"));
}

TEST(FeishuApi, WrongSecretMeansNoTokenAndATransportFailure) {
    feishu_server server;
    asio::io_context ioc{1};
    core::system_clock clock;
    app::https_client http(ioc);
    app::feishu_api api(ioc, http, {server.url(), feishu_app_id, "wrong-secret"}, clock);
    adapters::outbound_request req;
    req.url = server.url() + "/open-apis/im/v1/messages?receive_id_type=chat_id";
    req.body = R"({"receive_id":"oc_1","msg_type":"text","content":"{\"text\":\"P1\"}"})";
    std::optional<app::http_result> result;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { result = co_await api.deliver(req); }, asio::detached);
    loopback::run_until(
        ioc, [&] { return result.has_value(); }, 15s);
    ASSERT_TRUE(result);
    EXPECT_FALSE(result->transport_ok);
    EXPECT_NE(result->error.find("tenant_access_token"), std::string::npos);
    EXPECT_EQ(server.messages().size(), 0u);
    EXPECT_EQ(server.bad_tokens(), 0);  // nothing was sent without a token
}
