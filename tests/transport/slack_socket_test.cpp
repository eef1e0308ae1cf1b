// Slack Socket Mode against a fake Slack on loopback: the socket URL is asked for with the app-level
// token, an envelope is acknowledged only after its message was committed (and never when the
// handler fails), a refresh_requested disconnect opens the new socket before the old one closes
// (the old one finishing the message it is handling), a message on a dropped socket comes again on
// the next one, link_disabled stops reconnecting, and a half-open socket is noticed by its pings.
#include "transport/slack_socket.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "support/slack_server.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using fake::slack_mention_envelope;
using fake::socket_step;

namespace {

adapters::slack_adapter decoder() {
    return adapters::slack_adapter(adapters::slack_config{});
}

app::slack_socket_settings settings(const fake::slack_server& server,
                                    const std::string& token = fake::slack_app_token) {
    app::slack_socket_settings s;
    s.api = server.api();
    s.app_token = token;
    s.first_backoff = 50ms;
    s.drain_grace = 300ms;
    return s;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds t) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(t);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

const std::string complaint = "产品质量投诉 投诉人：张三 客户名称：華東五金有限公司 规格：M8×40 镀锌螺栓";

std::size_t position(const std::vector<std::string>& events, const std::string& e) {
    return static_cast<std::size_t>(std::find(events.begin(), events.end(), e) - events.begin());
}

}  // namespace

TEST(SlackSocket, AcksAnEnvelopeOnlyAfterItsMessageIsCommitted) {
    asio::io_context ioc{1};
    fake::slack_server slack(ioc, {{socket_step::send(slack_mention_envelope(
                                        "env-1", "UZHANGSAN", "C0GROUP01", "1767225600.000100", complaint)),
                                    socket_step::await_ack("env-1"),
                                    socket_step::send(slack_mention_envelope("env-2", "UZHOUMIN", "C0GROUP01",
                                                                             "1767225601.000200", "受理 P1")),
                                    socket_step::await_ack("env-2")}});
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    std::vector<std::string> timeline;
    std::vector<core::inbound_message> handled;
    slack.on_ack = [&](int, const std::string& envelope) { timeline.push_back("ack " + envelope); };
    app::slack_socket socket(ioc, http, settings(slack), clock, adapter,
                             [&](core::inbound_message m) -> asio::awaitable<bool> {
                                 co_await sleep_for(150ms);  // the group commit
                                 timeline.push_back("commit " + m.msg_id);
                                 handled.push_back(std::move(m));
                                 co_return true;
                             });
    socket.start();
    loopback::when(
        ioc, [&] { return slack.done(); }, 10s,
        [&] {
            socket.stop();
            slack.stop();
        });
    ioc.run_for(15s);

    ASSERT_TRUE(slack.done());
    EXPECT_EQ(timeline, (std::vector<std::string>{"commit C0GROUP01:1767225600.000100", "ack env-1",
                                                  "commit C0GROUP01:1767225601.000200", "ack env-2"}));
    ASSERT_EQ(handled.size(), 2u);
    EXPECT_EQ(handled[0].sender, "UZHANGSAN");
    EXPECT_EQ(handled[0].chat, "C0GROUP01");
    EXPECT_EQ(handled[0].text, complaint);
    EXPECT_EQ(handled[1].text, "受理 P1");
    EXPECT_EQ(slack.urls_issued(), 1);
    EXPECT_EQ(slack.bad_tokens(), 0);
    EXPECT_EQ(socket.stats().hellos, 1u);
    EXPECT_EQ(socket.stats().acks, 2u);
}

TEST(SlackSocket, AWrongAppTokenGetsNoSocket) {
    asio::io_context ioc{1};
    fake::slack_server slack(ioc);
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    int calls = 0;
    app::slack_socket socket(ioc, http, settings(slack, fake::slack_bot_token), clock, adapter,
                             [&](core::inbound_message) -> asio::awaitable<bool> {
                                 ++calls;
                                 co_return true;
                             });
    socket.start();
    loopback::when(
        ioc, [&] { return slack.bad_tokens() >= 2; }, 10s,
        [&] {
            socket.stop();
            slack.stop();
        });
    ioc.run_for(15s);
    EXPECT_GE(slack.bad_tokens(), 2);  // asked again after the backoff
    EXPECT_EQ(slack.urls_issued(), 0);
    EXPECT_EQ(slack.sockets(), 0);
    EXPECT_EQ(socket.stats().connections, 0u);
    EXPECT_EQ(calls, 0);
}

TEST(SlackSocket, AMessageNotCommittedIsNotAcked) {
    asio::io_context ioc{1};
    fake::slack_server slack(ioc, {{socket_step::send(slack_mention_envelope(
                                        "env-1", "UZHANGSAN", "C0GROUP01", "1767225600.000100", complaint)),
                                    socket_step::send(slack_mention_envelope("env-2", "UZHOUMIN", "C0GROUP01",
                                                                             "1767225601.000200", "受理 P1")),
                                    socket_step::await_ack("env-2")}});
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    int calls = 0;
    // The first message cannot be committed (storage down): Slack must deliver it again.
    app::slack_socket socket(ioc, http, settings(slack), clock, adapter,
                             [&](core::inbound_message m) -> asio::awaitable<bool> {
                                 ++calls;
                                 co_return m.msg_id != "C0GROUP01:1767225600.000100";
                             });
    socket.start();
    loopback::when(
        ioc, [&] { return slack.done(); }, 10s,
        [&] {
            socket.stop();
            slack.stop();
        });
    ioc.run_for(15s);
    ASSERT_TRUE(slack.done());
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(slack.acks(), (std::vector<std::pair<int, std::string>>{{1, "env-2"}}));
    EXPECT_EQ(socket.stats().not_acked, 1u);
}

TEST(SlackSocket, RefreshRequestedOpensTheNewSocketBeforeTheOldOneCloses) {
    asio::io_context ioc{1};
    fake::slack_server slack(ioc, {{socket_step::send(slack_mention_envelope(
                                        "env-1", "UZHANGSAN", "C0GROUP01", "1767225600.000100", complaint)),
                                    socket_step::await_ack("env-1"),
                                    socket_step::send(fake::slack_disconnect("refresh_requested")),
                                    // Still in flight on the old socket when the new one says hello.
                                    socket_step::send(slack_mention_envelope(
                                        "env-2", "UZHOUMIN", "C0GROUP01", "1767225601.000200", "受理 P1"))},
                                   {socket_step::send(slack_mention_envelope("env-3", "ULISI", "C0GROUP01",
                                                                             "1767225602.000300", "查询 P1")),
                                    socket_step::await_ack("env-3")}});
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    std::vector<std::string> handled;
    app::slack_socket* self = nullptr;
    app::slack_socket socket(
        ioc, http, settings(slack), clock, adapter, [&](core::inbound_message m) -> asio::awaitable<bool> {
            // env-2 is committed only once the new socket is up.
            for (int i = 0; i < 500 && m.text == "受理 P1" && self->stats().hellos < 2; ++i)
                co_await sleep_for(10ms);
            handled.push_back(m.msg_id);
            co_return true;
        });
    self = &socket;
    socket.start();
    auto events = [&] { return slack.events(); };
    loopback::when(
        ioc,
        [&] {
            auto e = events();
            return slack.done() && slack.acks().size() == 3 && position(e, "closed 1") < e.size();
        },
        10s,
        [&] {
            socket.stop();
            slack.stop();
        });
    ioc.run_for(15s);

    const auto e = events();
    ASSERT_LT(position(e, "closed 1"), e.size()) << "the old socket was never closed";
    EXPECT_LT(position(e, "open 2"), position(e, "closed 1"));  // new socket first
    // env-2 was acknowledged on the old socket, which it arrived on, after the new one was up (the
    // new socket's env-3 may come first).
    auto acks = slack.acks();
    std::sort(acks.begin(), acks.end());
    EXPECT_EQ(acks, (std::vector<std::pair<int, std::string>>{{1, "env-1"}, {1, "env-2"}, {2, "env-3"}}));
    std::sort(handled.begin(), handled.end());
    EXPECT_EQ(handled, (std::vector<std::string>{"C0GROUP01:1767225600.000100", "C0GROUP01:1767225601.000200",
                                                 "C0GROUP01:1767225602.000300"}));
    EXPECT_EQ(slack.urls_issued(), 2);  // a fresh URL for the new socket
    EXPECT_EQ(socket.stats().refreshes, 1u);
}

TEST(SlackSocket, NoMessageIsLostWhenASocketDropsBeforeItsAck) {
    asio::io_context ioc{1};
    const auto first =
        slack_mention_envelope("env-1", "UZHANGSAN", "C0GROUP01", "1767225600.000100", complaint);
    fake::slack_server slack(
        ioc, {{socket_step::send(first), socket_step::drop()},
              {socket_step::send(slack_mention_envelope("env-1b", "UZHANGSAN", "C0GROUP01",
                                                        "1767225600.000100", complaint, 1)),
               socket_step::await_ack("env-1b"),
               socket_step::send(
                   slack_mention_envelope("env-2", "UZHOUMIN", "C0GROUP01", "1767225601.000200", "受理 P1")),
               socket_step::await_ack("env-2")}});
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    std::vector<std::string> handled;
    app::slack_socket socket(ioc, http, settings(slack), clock, adapter,
                             [&](core::inbound_message m) -> asio::awaitable<bool> {
                                 co_await sleep_for(50ms);
                                 handled.push_back(m.msg_id);
                                 co_return true;
                             });
    socket.start();
    loopback::when(
        ioc, [&] { return slack.done(); }, 10s,
        [&] {
            socket.stop();
            slack.stop();
        });
    ioc.run_for(15s);
    ASSERT_TRUE(slack.done());
    // The redelivery is the same message (the service drops the duplicate by msg_id).
    EXPECT_EQ(handled, (std::vector<std::string>{"C0GROUP01:1767225600.000100", "C0GROUP01:1767225600.000100",
                                                 "C0GROUP01:1767225601.000200"}));
    EXPECT_EQ(slack.acks(), (std::vector<std::pair<int, std::string>>{{2, "env-1b"}, {2, "env-2"}}));
    EXPECT_EQ(slack.urls_issued(), 2);
    EXPECT_EQ(socket.stats().connections, 2u);
}

TEST(SlackSocket, LinkDisabledStopsReconnecting) {
    asio::io_context ioc{1};
    fake::slack_server slack(ioc, {{socket_step::send(fake::slack_disconnect("link_disabled"))}});
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    app::slack_socket socket(ioc, http, settings(slack), clock, adapter,
                             [&](core::inbound_message) -> asio::awaitable<bool> { co_return true; });
    socket.start();
    asio::steady_timer after(ioc);
    loopback::when(
        ioc, [&] { return socket.disabled() && socket.open_sockets() == 0; }, 10s,
        [&] {
            // Ten backoffs' time: a reconnecting client would have asked for a new URL by now.
            after.expires_after(500ms);
            after.async_wait([&](auto) {
                socket.stop();
                slack.stop();
            });
        });
    ioc.run_for(15s);
    EXPECT_TRUE(socket.disabled());
    EXPECT_EQ(slack.urls_issued(), 1);
    EXPECT_EQ(slack.sockets(), 1);
}

TEST(SlackSocket, AHalfOpenSocketIsNoticedAndReplaced) {
    asio::io_context ioc{1};
    // The first socket stops reading (a NAT dropped it): pings go unanswered.
    fake::slack_server slack(ioc, {{socket_step::mute(4s)}});
    app::https_client http(ioc);
    core::system_clock clock;
    const auto adapter = decoder();
    auto s = settings(slack);
    s.idle_timeout = 600ms;
    app::slack_socket socket(ioc, http, s, clock, adapter,
                             [&](core::inbound_message) -> asio::awaitable<bool> { co_return true; });
    socket.start();
    loopback::when(
        ioc, [&] { return socket.stats().hellos >= 2; }, 10s,
        [&] {
            socket.stop();
            slack.stop();
        });
    ioc.run_for(12s);
    EXPECT_GE(socket.stats().hellos, 2u);
    EXPECT_EQ(slack.sockets(), 2);
}
