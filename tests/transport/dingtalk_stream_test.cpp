// DingTalk Stream mode against a fake gateway on loopback: the connection ticket is requested with
// the app's credentials, pings are answered, a robot message is handed over and ACKed with its
// messageId only after it was handled, a dropped connection is re-opened with a new ticket and the
// redelivered message reaches the handler again (the service de-duplicates it by msgId).
#include "transport/dingtalk_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "support/stream_gateway.hpp"
#include "support/test_support.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

using fake::robot_frame;

// The gateway address and the app's credentials the fake gateway accepts.
app::stream_settings settings(const fake::stream_gateway& gateway,
                              const std::string& secret = "ding-secret") {
    app::stream_settings s;
    s.gateway = gateway.url();
    s.client_id = "ding-client";
    s.client_secret = secret;
    s.first_backoff = 50ms;
    return s;
}

}  // namespace

TEST(DingtalkStream, AcksAfterHandlingAndReconnectsWithANewTicketAfterADrop) {
    asio::io_context ioc{1};
    fake::stream_gateway gateway(ioc, "ding-client", "ding-secret");
    app::https_client http(ioc);
    core::system_clock clock;
    std::vector<core::inbound_message> handled;
    auto s = settings(gateway);
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
              json::parse(R"([{"type":"CALLBACK","topic":"/v1.0/im/bot/messages/get"}])"));
    EXPECT_EQ(gateway.tickets_issued(), 2);  // a fresh ticket for the reconnection
    ASSERT_EQ(gateway.acks().size(), 3u);
    auto ping_ack = json::parse(gateway.acks()[0]);
    EXPECT_EQ(ping_ack["code"], 200);
    EXPECT_EQ(ping_ack["headers"]["messageId"], "ping-1");
    EXPECT_EQ(ping_ack["data"], R"({"opaque":"p-42"})");
    auto ack = json::parse(gateway.acks()[1]);
    EXPECT_EQ(ack["headers"]["messageId"], "frame-2");
    EXPECT_EQ(ack["data"], R"({"response":null})");
    // msg-1 reached the handler twice (before the drop and redelivered); the service's dedupe by
    // msgId makes that one complaint action.
    ASSERT_EQ(handled.size(), 3u);
    EXPECT_EQ(handled[0].msg_id, "msg-1");
    EXPECT_EQ(handled[1].msg_id, "msg-1");
    EXPECT_EQ(handled[2].msg_id, "msg-2");
    EXPECT_EQ(handled[0].text, "受理 P1");
    EXPECT_EQ(handled[0].sender, "dt-1002");
    EXPECT_EQ(stream.stats().connections, 2u);
}

TEST(DingtalkStream, HandsOverAPostWithAPictureAndAPictureAloneAndAcksBoth) {
    asio::io_context ioc{1};
    auto fixture = [](const std::string& name) {
        return test_support::read_file(test_support::source_path("tests/fixtures/dingtalk/" + name));
    };
    fake::stream_gateway gateway(ioc, "ding-client", "ding-secret",
                                 {fake::data_frame("frame-r", fixture("robot_richtext.json")),
                                  fake::data_frame("frame-p", fixture("robot_picture.json"))});
    app::https_client http(ioc);
    core::system_clock clock;
    std::vector<core::inbound_message> handled;
    auto s = settings(gateway);
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
    ASSERT_EQ(handled.size(), 2u);
    EXPECT_EQ(handled[0].msg_id, "msgRich0001");
    EXPECT_TRUE(handled[0].text.starts_with("产品质量投诉\n投诉人：张三")) << handled[0].text;
    EXPECT_EQ(handled[0].attachments,
              (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0001"}}));
    EXPECT_EQ(handled[1].unreadable, "picture");  // handed over too: the engine answers it
    ASSERT_EQ(gateway.acks().size(), 2u);
    EXPECT_EQ(json::parse(gateway.acks()[0])["headers"]["messageId"], "frame-r");
    EXPECT_EQ(json::parse(gateway.acks()[1])["headers"]["messageId"], "frame-p");
}

TEST(DingtalkStream, ANotHandledMessageIsNotAcked) {
    asio::io_context ioc{1};
    fake::stream_gateway gateway(ioc, "ding-client", "ding-secret");
    app::https_client http(ioc);
    core::system_clock clock;
    auto s = settings(gateway);
    int calls = 0;
    // The database is down: the handler cannot commit, so nothing is ACKed and DingTalk redelivers.
    app::dingtalk_stream stream(ioc, http, s, clock, [&](const core::inbound_message&) {
        ++calls;
        return false;
    });
    stream.start();
    asio::steady_timer stop(ioc);
    stop.expires_after(1500ms);
    stop.async_wait([&](auto) {
        stream.stop();
        gateway.stop();
    });
    ioc.run_for(5s);
    EXPECT_GE(calls, 2);
    for (const auto& a : gateway.acks()) {
        if (a.empty()) continue;
        EXPECT_NE(json::parse(a)["headers"]["messageId"], "frame-2");
    }
}

TEST(DingtalkStream, WrongCredentialsBackOffWithoutConnecting) {
    asio::io_context ioc{1};
    fake::stream_gateway gateway(ioc, "ding-client", "ding-secret");
    app::https_client http(ioc);
    core::system_clock clock;
    auto s = settings(gateway, "wrong");
    app::dingtalk_stream stream(ioc, http, s, clock, [](const core::inbound_message&) { return true; });
    stream.start();
    asio::steady_timer stop(ioc);
    stop.expires_after(500ms);
    stop.async_wait([&](auto) {
        stream.stop();
        gateway.stop();
    });
    ioc.run_for(3s);
    EXPECT_EQ(gateway.connections(), 0);
    EXPECT_EQ(stream.stats().connections, 0u);
}

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace {

// A gateway speaking TLS on one port: POST /v1.0/gateway/connections/open over HTTPS, then the
// WebSocket (wss://) on the same port. Its certificate is signed by tests/fixtures/tls/ca.pem.
struct tls_gateway {
    explicit tls_gateway(asio::io_context& c)
        : tls(asio::ssl::context::tls_server),
          listener(c, [this](tcp::socket socket) { return connection(std::move(socket)); }) {
        auto dir = std::string(BOT_SOURCE_DIR) + "/tests/fixtures/tls/";
        tls.use_certificate_chain_file(dir + "server.pem");
        tls.use_private_key_file(dir + "server.key", asio::ssl::context::pem);
    }
    unsigned short port() const { return listener.port(); }

    asio::awaitable<void> connection(tcp::socket socket) {
        auto tuple = asio::as_tuple(asio::use_awaitable);
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
        beast::get_lowest_layer(stream).expires_after(5s);
        auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, tuple);
        if (hec) {
            ++tls_failures;
            co_return;
        }
        beast::flat_buffer buf;
        beast::http::request<beast::http::string_body> req;
        auto [rec, rn] = co_await beast::http::async_read(stream, buf, req, tuple);
        (void)rn;
        if (rec) co_return;
        if (!websocket::is_upgrade(req)) {
            beast::http::response<beast::http::string_body> res{beast::http::status::ok, 11};
            res.set(beast::http::field::content_type, "application/json");
            res.body() = json{{"endpoint", "wss://127.0.0.1:" + std::to_string(port()) + "/connect"},
                              {"ticket", "tls-ticket"}}
                             .dump();
            res.prepare_payload();
            co_await beast::http::async_write(stream, res, tuple);
            co_return;
        }
        beast::get_lowest_layer(stream).expires_never();
        websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(std::move(stream));
        auto [aec] = co_await ws.async_accept(req, tuple);
        if (aec) co_return;
        ++connections;
        ws.text(true);
        auto frame = robot_frame("tls-frame-1", "tls-msg-1", "待办");
        co_await ws.async_write(asio::buffer(frame), tuple);
        beast::flat_buffer ack;
        auto [e, n] = co_await ws.async_read(ack, tuple);
        (void)n;
        if (!e) acks.push_back(beast::buffers_to_string(ack.data()));
        done = true;
        beast::flat_buffer rest;
        co_await ws.async_read(rest, tuple);  // until the client goes away
    }

    asio::ssl::context tls;
    int connections = 0;
    int tls_failures = 0;
    std::vector<std::string> acks;
    bool done = false;
    loopback::tcp_listener listener;  // last: its connections use the members above
};

void run_tls(asio::io_context& ioc, tls_gateway& gw, app::dingtalk_stream& stream,
             std::chrono::milliseconds limit) {
    loopback::when(
        ioc, [&] { return gw.done; }, limit,
        [&] {
            stream.stop();
            gw.listener.close();
        });
    ioc.run_for(limit + 5s);
}

}  // namespace

TEST(DingtalkStream, WorksOverTlsVerifyingTheGatewayCertificate) {
    asio::io_context ioc{1};
    tls_gateway gw(ioc);
    app::https_client http(ioc, std::string(BOT_SOURCE_DIR) + "/tests/fixtures/tls/ca.pem");
    core::system_clock clock;
    std::vector<core::inbound_message> handled;
    app::stream_settings s;
    s.gateway = "https://127.0.0.1:" + std::to_string(gw.port());
    s.client_id = "ding-client";
    s.client_secret = "ding-secret";
    app::dingtalk_stream stream(ioc, http, s, clock, [&](const core::inbound_message& m) {
        handled.push_back(m);
        return true;
    });
    stream.start();
    run_tls(ioc, gw, stream, 5s);
    ASSERT_TRUE(gw.done);
    ASSERT_EQ(handled.size(), 1u);
    EXPECT_EQ(handled[0].msg_id, "tls-msg-1");
    ASSERT_EQ(gw.acks.size(), 1u);
    EXPECT_EQ(json::parse(gw.acks[0])["headers"]["messageId"], "tls-frame-1");
}

TEST(DingtalkStream, RefusesAGatewayWhoseCertificateIsNotTrusted) {
    asio::io_context ioc{1};
    tls_gateway gw(ioc);
    app::https_client http(ioc);  // the system store: the test CA is not in it
    core::system_clock clock;
    int handled = 0;
    app::stream_settings s;
    s.gateway = "https://127.0.0.1:" + std::to_string(gw.port());
    s.client_id = "ding-client";
    s.client_secret = "ding-secret";
    s.first_backoff = 100ms;
    app::dingtalk_stream stream(ioc, http, s, clock, [&](const core::inbound_message&) {
        ++handled;
        return true;
    });
    stream.start();
    run_tls(ioc, gw, stream, 1s);
    EXPECT_EQ(handled, 0);
    EXPECT_EQ(gw.connections, 0);
    EXPECT_GE(gw.tls_failures, 1);
}
