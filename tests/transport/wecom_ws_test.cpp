// WeCom's AI-bot long connection against the fake server of tests/support/wecom_ws_server: the
// subscribe with the bot's credentials (refused ones back off instead of looping), callbacks handed
// over with no acknowledgement owed, replies on the callback's req_id once the handler is done,
// proactive posts, frames of one req_id one at a time each awaiting its receipt, the receipt
// timeout, a reconnect that forgets the old connection's req_ids, the two-missed-pings death, the
// per-conversation rate limit and the takeover by a second subscriber.
#include "transport/wecom_ws.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <nlohmann/json.hpp>

#include "adapters/wecom_ws.hpp"
#include "support/wecom_ws_server.hpp"

namespace asio = boost::asio;
using json = nlohmann::json;
using namespace std::chrono_literals;
namespace frames = adapters::wecom_ws;

namespace {

const std::string complaint =
    "@投诉机器人 产品质量投诉\n投诉人：张三\n客户名称：華東五金有限公司\n规格及数量：M8×40 镀锌螺栓 200盒";

json group_text(const std::string& msgid, const std::string& text) {
    return {{"msgid", msgid},
            {"aibotid", "aib-test"},
            {"chatid", "wrkGROUP01"},
            {"chattype", "group"},
            {"from", {{"userid", "ZhangSan"}}},
            {"msgtype", "text"},
            {"text", {{"content", text}}}};
}

app::wecom_ws_settings settings(const fake::wecom_ws_server& server,
                                const std::string& secret = "wecom-ws-secret") {
    app::wecom_ws_settings s;
    s.url = server.url();
    s.bot_id = "aib-test";
    s.secret = secret;
    s.bot_name = "投诉机器人";
    s.first_backoff = 50ms;
    s.max_backoff = 400ms;
    return s;
}

struct rig {
    asio::io_context ioc{1};
    fake::wecom_ws_server server{ioc, "aib-test", "wecom-ws-secret"};
    app::https_client http{ioc};
    core::system_clock clock;
    std::vector<core::inbound_message> handled;
    std::vector<app::http_result> results;

    // Runs `f` (a coroutine) on the loop and keeps what it returns.
    void send(app::wecom_ws& ws, adapters::outbound_request req) {
        asio::co_spawn(
            ioc,
            [this, &ws, req]() -> asio::awaitable<void> {
                auto r = co_await ws.send(req);
                results.push_back(std::move(r));
            },
            asio::detached);
    }
    void run_until(std::function<bool()> done, std::chrono::milliseconds limit = 15s) {
        loopback::run_until(ioc, std::move(done), limit);
    }
};

app::wecom_ws::async_message_handler recorder(rig& r) {
    return [&r](core::inbound_message m) -> asio::awaitable<bool> {
        r.handled.push_back(std::move(m));
        co_return true;
    };
}

}  // namespace

TEST(WecomWs, ReceivesACallbackAndRepliesOnItsReqIdOnceHandled) {
    rig r;
    bool frames_while_handling = false;
    app::wecom_ws ws(
        r.ioc, r.http, settings(r.server), r.clock, [&](core::inbound_message m) -> asio::awaitable<bool> {
            // No acknowledgement is owed for a callback: nothing went to the server.
            frames_while_handling = frames_while_handling || !r.server.frames().empty();
            r.handled.push_back(std::move(m));
            // The reply leaves only after the message is handled (committed).
            r.send(ws, frames::respond_markdown(r.handled.back().reply_handle, "✅ 已登记 P1\n<@ZhangSan>"));
            co_return true;
        });
    ws.start();
    r.run_until([&] { return ws.connected(); });
    ASSERT_TRUE(ws.connected());
    ASSERT_TRUE(r.server.push_message("req-cb-1", group_text("wx-msg-1", complaint)));
    r.run_until([&] { return r.results.size() == 1; });
    r.send(ws, frames::send_markdown("wrkGROUP01", "⏰ 提醒：P1 待受理"));
    r.run_until([&] { return r.results.size() == 2; });
    ws.stop();
    r.server.stop();

    ASSERT_EQ(r.handled.size(), 1u);
    EXPECT_EQ(r.handled[0].text,
              "产品质量投诉\n投诉人：张三\n客户名称：華東五金有限公司\n规格及数量：M8×40 镀锌螺栓 200盒");
    EXPECT_EQ(r.handled[0].sender, "ZhangSan");
    EXPECT_EQ(r.handled[0].reply_handle, "req-cb-1");
    EXPECT_FALSE(frames_while_handling);
    ASSERT_EQ(r.results.size(), 2u);
    for (const auto& res : r.results) {
        EXPECT_TRUE(res.transport_ok) << res.error;
        EXPECT_EQ(json::parse(res.body)["errcode"], 0);
    }
    auto seen = r.server.frames();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].cmd, "aibot_respond_msg");
    EXPECT_EQ(seen[0].req_id, "req-cb-1");
    EXPECT_EQ(seen[0].body["markdown"]["content"], "✅ 已登记 P1\n<@ZhangSan>");
    EXPECT_EQ(seen[1].cmd, "aibot_send_msg");
    EXPECT_EQ(seen[1].body["chatid"], "wrkGROUP01");
    EXPECT_TRUE(seen[1].req_id.starts_with("aibot_send_msg_"));
    EXPECT_EQ(r.server.violations(), 0);
    EXPECT_EQ(r.server.bad_req_ids(), 0);
    EXPECT_EQ(ws.stats().subscribed, 1u);
}

TEST(WecomWs, AButtonPressReachesTheHandlerAsThePressersCommand) {
    rig r;
    app::wecom_ws ws(r.ioc, r.http, settings(r.server), r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.connected(); });
    ASSERT_TRUE(r.server.push_event(
        "req-ev-1",
        {{"msgid", "ev-1"},
         {"chatid", "wrkGROUP01"},
         {"from", {{"userid", "ZhouMin"}}},
         {"msgtype", "event"},
         {"event",
          {{"eventtype", "template_card_event"}, {"template_card_event", {{"event_key", "cmd:受理 P1"}}}}}}));
    ASSERT_TRUE(r.server.push_event(
        "req-ev-2", {{"msgid", "ev-2"}, {"msgtype", "event"}, {"event", {{"eventtype", "enter_chat"}}}}));
    ASSERT_TRUE(r.server.push_message("req-cb-3", group_text("wx-msg-3", "@投诉机器人 查询 P1")));
    r.run_until([&] { return r.handled.size() == 2; });
    ws.stop();
    r.server.stop();
    ASSERT_EQ(r.handled.size(), 2u);  // enter_chat is no message
    EXPECT_EQ(r.handled[0].text, "受理 P1");
    EXPECT_EQ(r.handled[0].sender, "ZhouMin");
    EXPECT_EQ(r.handled[0].msg_id, "card:ev-1");
    EXPECT_EQ(r.handled[1].text, "查询 P1");  // in order
}

TEST(WecomWs, AWrongSecretIsRefusedAndRetriedWithAGrowingBackoff) {
    rig r;
    app::wecom_ws ws(r.ioc, r.http, settings(r.server, "wrong-secret"), r.clock, recorder(r));
    const auto started = std::chrono::steady_clock::now();
    ws.start();
    r.run_until([&] { return r.server.refused() >= 3; });
    const auto took = std::chrono::steady_clock::now() - started;
    r.send(ws, frames::send_markdown("wrkGROUP01", "不会发出"));
    r.run_until([&] { return r.results.size() == 1; });
    ws.stop();
    r.server.stop();
    EXPECT_GE(r.server.refused(), 3);
    EXPECT_EQ(r.server.subscribes(), 0);
    EXPECT_EQ(ws.stats().subscribed, 0u);
    // 50 ms, then 100 ms between the three attempts at least: never a fast loop.
    EXPECT_GE(took, 150ms);
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_FALSE(r.results[0].transport_ok);
    EXPECT_TRUE(r.server.frames().empty());
}

TEST(WecomWs, FramesOfOneReqIdGoOneAtATimeEachAwaitingItsReceipt) {
    rig r;
    r.server.receipt_delay_ms = 150;
    app::wecom_ws ws(r.ioc, r.http, settings(r.server), r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.connected(); });
    ASSERT_TRUE(r.server.push_message("req-cb-1", group_text("wx-msg-1", "投诉")));
    r.run_until([&] { return r.handled.size() == 1; });
    for (const char* part : {"第一段", "第二段", "第三段"})
        r.send(ws, frames::respond_markdown("req-cb-1", part));
    r.run_until([&] { return r.results.size() == 3; });
    ws.stop();
    r.server.stop();
    ASSERT_EQ(r.results.size(), 3u);
    for (const auto& res : r.results) EXPECT_TRUE(res.transport_ok) << res.error;
    EXPECT_EQ(r.server.overlaps(), 0);
    auto seen = r.server.frames();
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].body["markdown"]["content"], "第一段");
    EXPECT_EQ(seen[2].body["markdown"]["content"], "第三段");
}

TEST(WecomWs, AFrameWithoutReceiptFailsAfterTheTimeout) {
    rig r;
    r.server.answer_receipts = false;
    auto s = settings(r.server);
    s.receipt_timeout = 300ms;
    app::wecom_ws ws(r.ioc, r.http, s, r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.connected(); });
    r.send(ws, frames::send_markdown("wrkGROUP01", "提醒"));
    r.run_until([&] { return r.results.size() == 1; });
    ws.stop();
    r.server.stop();
    ASSERT_EQ(r.results.size(), 1u);
    EXPECT_FALSE(r.results[0].transport_ok);
    EXPECT_NE(r.results[0].error.find("no receipt"), std::string::npos) << r.results[0].error;
}

TEST(WecomWs, AReconnectForgetsTheOldConnectionsReqIds) {
    rig r;
    app::wecom_ws ws(r.ioc, r.http, settings(r.server), r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.connected(); });
    ASSERT_TRUE(r.server.push_message("req-old", group_text("wx-msg-1", "投诉")));
    r.run_until([&] { return r.handled.size() == 1; });
    r.server.drop();
    r.run_until([&] { return r.server.subscribes() == 2 && ws.connected(); });
    ASSERT_EQ(r.server.subscribes(), 2);
    r.send(ws, frames::respond_markdown("req-old", "迟到的回复"));
    r.run_until([&] { return r.results.size() == 1; });
    ws.stop();
    r.server.stop();
    ASSERT_EQ(r.results.size(), 1u);
    // Answered as WeCom would (846605) without sending: the adapter then posts to the chat instead.
    EXPECT_TRUE(r.results[0].transport_ok);
    EXPECT_EQ(json::parse(r.results[0].body)["errcode"], 846605);
    EXPECT_TRUE(r.server.frames().empty());
    EXPECT_EQ(r.server.bad_req_ids(), 0);
}

TEST(WecomWs, TwoUnansweredPingsMeanADeadSocketAndAReconnect) {
    rig r;
    r.server.silent = true;
    auto s = settings(r.server);
    s.heartbeat = 100ms;
    app::wecom_ws ws(r.ioc, r.http, s, r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.stats().dead >= 1 && r.server.subscribes() >= 2; });
    ws.stop();
    r.server.stop();
    EXPECT_GE(ws.stats().dead, 1u);
    EXPECT_GE(r.server.subscribes(), 2);
    EXPECT_GE(ws.stats().pings, 2u);
    EXPECT_EQ(ws.stats().pongs, 0u);
}

TEST(WecomWs, AnsweredPingsKeepTheConnection) {
    rig r;
    auto s = settings(r.server);
    s.heartbeat = 50ms;
    app::wecom_ws ws(r.ioc, r.http, s, r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.stats().pongs >= 5; });
    ws.stop();
    r.server.stop();
    EXPECT_GE(ws.stats().pongs, 5u);
    EXPECT_EQ(ws.stats().dead, 0u);
    EXPECT_EQ(r.server.subscribes(), 1);
}

TEST(WecomWs, PastThirtyAMinuteAConversationIsRateLimited) {
    rig r;
    r.server.per_minute = 3;
    app::wecom_ws ws(r.ioc, r.http, settings(r.server), r.clock, recorder(r));
    ws.start();
    r.run_until([&] { return ws.connected(); });
    for (int i = 0; i < 4; ++i) r.send(ws, frames::send_markdown("wrkGROUP01", "提醒 " + std::to_string(i)));
    r.run_until([&] { return r.results.size() == 4; });
    ws.stop();
    r.server.stop();
    ASSERT_EQ(r.results.size(), 4u);
    int limited = 0;
    for (const auto& res : r.results)
        if (res.transport_ok && json::parse(res.body)["errcode"] == 45009) ++limited;
    EXPECT_EQ(limited, 1);
    EXPECT_EQ(r.server.rate_limited(), 1);
}

TEST(WecomWs, ASecondSubscriberTakesTheBotOverAndTheFirstWaits) {
    rig r;
    std::vector<core::inbound_message> second_handled;
    app::wecom_ws first(r.ioc, r.http, settings(r.server), r.clock, recorder(r));
    app::wecom_ws second(r.ioc, r.http, settings(r.server), r.clock,
                         [&](core::inbound_message m) -> asio::awaitable<bool> {
                             second_handled.push_back(std::move(m));
                             co_return true;
                         });
    first.start();
    r.run_until([&] { return first.connected(); });
    second.start();
    r.run_until([&] { return first.stats().takeovers == 1 && second.connected(); });
    ASSERT_TRUE(r.server.push_message("req-cb-9", group_text("wx-msg-9", "查询 P1")));
    r.run_until([&] { return second_handled.size() == 1; });
    const int subscribes = r.server.subscribes();
    first.stop();
    second.stop();
    r.server.stop();
    EXPECT_EQ(r.server.kicked(), 1);
    EXPECT_EQ(first.stats().takeovers, 1u);
    EXPECT_FALSE(first.connected());
    EXPECT_EQ(subscribes, 2);  // the first one waits its pause instead of taking the bot back
    EXPECT_TRUE(r.handled.empty());
    ASSERT_EQ(second_handled.size(), 1u);
}
