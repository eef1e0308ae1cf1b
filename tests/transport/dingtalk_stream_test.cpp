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

#include "support/test_support.hpp"
#include "transport/http_server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string robot_frame(const std::string& frame_id, const std::string& msg_id, const std::string& text) {
    json data = {{"msgtype", "text"},
                 {"text", {{"content", " " + text}}},
                 {"msgId", msg_id},
                 {"conversationId", "cidGROUP=="},
                 {"senderStaffId", "dt-1002"}};
    return json{{"specVersion", "1.0"},
                {"type", "CALLBACK"},
                {"headers",
                 {{"topic", "/v1.0/im/bot/messages/get"},
                  {"messageId", frame_id},
                  {"contentType", "application/json"}}},
                {"data", data.dump()}}
        .dump();
}

// A CALLBACK frame carrying the robot message `data` (a JSON document inside a string).
std::string data_frame(const std::string& frame_id, const std::string& data) {
    return json{{"specVersion", "1.0"},
                {"type", "CALLBACK"},
                {"headers",
                 {{"topic", "/v1.0/im/bot/messages/get"},
                  {"messageId", frame_id},
                  {"contentType", "application/json"}}},
                {"data", data}}
        .dump();
}

std::string ping_frame(const std::string& frame_id) {
    return json{
        {"specVersion", "1.0"},
        {"type", "SYSTEM"},
        {"headers", {{"topic", "ping"}, {"messageId", frame_id}, {"contentType", "application/json"}}},
        {"data", R"({"opaque":"p-42"})"}}
        .dump();
}

// The fake gateway: an HTTP endpoint handing out tickets and a WebSocket endpoint that checks them.
struct fake_gateway {
    explicit fake_gateway(asio::io_context& c)
        : ioc(c), acceptor(c, {asio::ip::make_address("127.0.0.1"), 0}) {
        http = std::make_unique<app::http_server>(c, app::server_options{"127.0.0.1", 0},
                                                  [this](const adapters::raw_request& r) { return open(r); });
        http->start();
        asio::co_spawn(c, accept_loop(), asio::detached);
    }

    adapters::raw_response open(const adapters::raw_request& r) {
        auto body = json::parse(r.body, nullptr, false);
        if (body.is_discarded() || body.value("clientId", "") != "ding-client" ||
            body.value("clientSecret", "") != "ding-secret")
            return {401, "application/json", R"({"code":"invalidClient"})"};
        subscriptions = body["subscriptions"];
        auto ticket = "ticket-" + std::to_string(++tickets_issued);
        valid_tickets.push_back(ticket);
        return {200, "application/json",
                json{{"endpoint",
                      "ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/connect"},
                     {"ticket", ticket}}
                    .dump()};
    }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            asio::co_spawn(ioc, connection(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> connection(tcp::socket socket) {
        websocket::stream<beast::tcp_stream> ws(std::move(socket));
        beast::http::request<beast::http::string_body> req;
        beast::flat_buffer buf;
        auto [rec, rn] =
            co_await beast::http::async_read(ws.next_layer(), buf, req, asio::as_tuple(asio::use_awaitable));
        (void)rn;
        if (rec) co_return;
        std::string target(req.target());
        auto pos = target.find("ticket=");
        auto ticket = pos == std::string::npos ? "" : target.substr(pos + 7);
        auto it = std::find(valid_tickets.begin(), valid_tickets.end(), ticket);
        if (it == valid_tickets.end()) co_return;  // unknown or reused ticket: refused
        valid_tickets.erase(it);                   // single use
        auto [aec] = co_await ws.async_accept(req, asio::as_tuple(asio::use_awaitable));
        if (aec) co_return;
        ++connections;
        auto send = [&](const std::string& frame) -> asio::awaitable<bool> {
            ws.text(true);
            auto [wec, wn] =
                co_await ws.async_write(asio::buffer(frame), asio::as_tuple(asio::use_awaitable));
            (void)wn;
            co_return !wec;
        };
        auto read = [&]() -> asio::awaitable<std::string> {
            beast::flat_buffer b;
            auto [e, n] = co_await ws.async_read(b, asio::as_tuple(asio::use_awaitable));
            (void)n;
            co_return e ? std::string{} : beast::buffers_to_string(b.data());
        };
        if (!script.empty()) {  // a test's own frames, each ACK read back
            for (const auto& frame : script) {
                co_await send(frame);
                acks.push_back(co_await read());
            }
            done = true;
            co_await read();
            co_return;
        }
        if (connections == 1) {
            co_await send(ping_frame("ping-1"));
            acks.push_back(co_await read());
            co_await send(robot_frame("frame-1", "msg-1", "受理 P1"));
            // Drop the connection before the ACK is read: DingTalk would push the message again.
            beast::error_code ignored;
            beast::get_lowest_layer(ws).socket().close(ignored);
            co_return;
        }
        co_await send(robot_frame("frame-2", "msg-1", "受理 P1"));  // the redelivery
        acks.push_back(co_await read());
        co_await send(robot_frame("frame-3", "msg-2", "查询 P1"));
        acks.push_back(co_await read());
        done = true;
        co_await read();  // hold the connection open until the client closes it
    }

    asio::io_context& ioc;
    tcp::acceptor acceptor;
    std::unique_ptr<app::http_server> http;
    std::vector<std::string> valid_tickets;
    int tickets_issued = 0;
    int connections = 0;
    json subscriptions;
    std::vector<std::string> script;  // when set: sent on the first connection instead of the default
    std::vector<std::string> acks;
    bool done = false;
};

}  // namespace

TEST(DingtalkStream, AcksAfterHandlingAndReconnectsWithANewTicketAfterADrop) {
    asio::io_context ioc{1};
    fake_gateway gateway(ioc);
    app::https_client http(ioc);
    core::system_clock clock;
    std::vector<core::inbound_message> handled;
    app::stream_settings s;
    s.gateway = "http://127.0.0.1:" + std::to_string(gateway.http->port());
    s.client_id = "ding-client";
    s.client_secret = "ding-secret";
    s.first_backoff = 50ms;
    app::dingtalk_stream stream(ioc, http, s, clock, [&](const core::inbound_message& m) {
        handled.push_back(m);
        return true;
    });
    stream.start();
    asio::steady_timer check(ioc);
    auto start = std::chrono::steady_clock::now();
    std::function<void()> poll = [&] {
        if (gateway.done || std::chrono::steady_clock::now() - start > 10s) {
            stream.stop();
            gateway.acceptor.close();
            gateway.http->stop();
            return;
        }
        check.expires_after(10ms);
        check.async_wait([&](auto) { poll(); });
    };
    poll();
    ioc.run_for(15s);

    ASSERT_TRUE(gateway.done);
    EXPECT_EQ(gateway.subscriptions,
              json::parse(R"([{"type":"CALLBACK","topic":"/v1.0/im/bot/messages/get"}])"));
    EXPECT_EQ(gateway.tickets_issued, 2);  // a fresh ticket for the reconnection
    ASSERT_EQ(gateway.acks.size(), 3u);
    auto ping_ack = json::parse(gateway.acks[0]);
    EXPECT_EQ(ping_ack["code"], 200);
    EXPECT_EQ(ping_ack["headers"]["messageId"], "ping-1");
    EXPECT_EQ(ping_ack["data"], R"({"opaque":"p-42"})");
    auto ack = json::parse(gateway.acks[1]);
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
    fake_gateway gateway(ioc);
    auto fixture = [](const std::string& name) {
        return test_support::read_file(test_support::source_path("tests/fixtures/dingtalk/" + name));
    };
    gateway.script = {data_frame("frame-r", fixture("robot_richtext.json")),
                      data_frame("frame-p", fixture("robot_picture.json"))};
    app::https_client http(ioc);
    core::system_clock clock;
    std::vector<core::inbound_message> handled;
    app::stream_settings s;
    s.gateway = "http://127.0.0.1:" + std::to_string(gateway.http->port());
    s.client_id = "ding-client";
    s.client_secret = "ding-secret";
    s.first_backoff = 50ms;
    app::dingtalk_stream stream(ioc, http, s, clock, [&](const core::inbound_message& m) {
        handled.push_back(m);
        return true;
    });
    stream.start();
    asio::steady_timer check(ioc);
    auto start = std::chrono::steady_clock::now();
    std::function<void()> poll = [&] {
        if (gateway.done || std::chrono::steady_clock::now() - start > 10s) {
            stream.stop();
            gateway.acceptor.close();
            gateway.http->stop();
            return;
        }
        check.expires_after(10ms);
        check.async_wait([&](auto) { poll(); });
    };
    poll();
    ioc.run_for(15s);

    ASSERT_TRUE(gateway.done);
    ASSERT_EQ(handled.size(), 2u);
    EXPECT_EQ(handled[0].msg_id, "msgRich0001");
    EXPECT_TRUE(handled[0].text.starts_with("产品质量投诉\n投诉人：张三")) << handled[0].text;
    EXPECT_EQ(handled[0].attachments,
              (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0001"}}));
    EXPECT_EQ(handled[1].unreadable, "picture");  // handed over too: the engine answers it
    ASSERT_EQ(gateway.acks.size(), 2u);
    EXPECT_EQ(json::parse(gateway.acks[0])["headers"]["messageId"], "frame-r");
    EXPECT_EQ(json::parse(gateway.acks[1])["headers"]["messageId"], "frame-p");
}

TEST(DingtalkStream, ANotHandledMessageIsNotAcked) {
    asio::io_context ioc{1};
    fake_gateway gateway(ioc);
    app::https_client http(ioc);
    core::system_clock clock;
    app::stream_settings s;
    s.gateway = "http://127.0.0.1:" + std::to_string(gateway.http->port());
    s.client_id = "ding-client";
    s.client_secret = "ding-secret";
    s.first_backoff = 50ms;
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
        gateway.acceptor.close();
        gateway.http->stop();
    });
    ioc.run_for(5s);
    EXPECT_GE(calls, 2);
    for (const auto& a : gateway.acks) {
        if (a.empty()) continue;
        EXPECT_NE(json::parse(a)["headers"]["messageId"], "frame-2");
    }
}

TEST(DingtalkStream, WrongCredentialsBackOffWithoutConnecting) {
    asio::io_context ioc{1};
    fake_gateway gateway(ioc);
    app::https_client http(ioc);
    core::system_clock clock;
    app::stream_settings s;
    s.gateway = "http://127.0.0.1:" + std::to_string(gateway.http->port());
    s.client_id = "ding-client";
    s.client_secret = "wrong";
    s.first_backoff = 50ms;
    app::dingtalk_stream stream(ioc, http, s, clock, [](const core::inbound_message&) { return true; });
    stream.start();
    asio::steady_timer stop(ioc);
    stop.expires_after(500ms);
    stop.async_wait([&](auto) {
        stream.stop();
        gateway.acceptor.close();
        gateway.http->stop();
    });
    ioc.run_for(3s);
    EXPECT_EQ(gateway.connections, 0);
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
        : ioc(c), tls(asio::ssl::context::tls_server), acceptor(c, {asio::ip::make_address("127.0.0.1"), 0}) {
        auto dir = std::string(BOT_SOURCE_DIR) + "/tests/fixtures/tls/";
        tls.use_certificate_chain_file(dir + "server.pem");
        tls.use_private_key_file(dir + "server.key", asio::ssl::context::pem);
        asio::co_spawn(c, accept_loop(), asio::detached);
    }
    unsigned short port() const { return acceptor.local_endpoint().port(); }

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            asio::co_spawn(ioc, connection(std::move(socket)), asio::detached);
        }
    }

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

    asio::io_context& ioc;
    asio::ssl::context tls;
    tcp::acceptor acceptor;
    int connections = 0;
    int tls_failures = 0;
    std::vector<std::string> acks;
    bool done = false;
};

void run_tls(asio::io_context& ioc, tls_gateway& gw, app::dingtalk_stream& stream,
             std::chrono::milliseconds limit) {
    asio::steady_timer check(ioc);
    auto start = std::chrono::steady_clock::now();
    std::function<void()> poll = [&] {
        if (gw.done || std::chrono::steady_clock::now() - start > limit) {
            stream.stop();
            gw.acceptor.close();
            return;
        }
        check.expires_after(10ms);
        check.async_wait([&](auto) { poll(); });
    };
    poll();
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
