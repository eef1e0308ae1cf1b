// The Beast server over real loopback sockets: routing to the handler, keep-alive, the body limit,
// malformed requests, slow clients cut off by the read timeout, and a graceful stop that lets the
// request in flight finish.
#include "transport/http_server.hpp"

#include <gtest/gtest.h>

#include "support/loopback_server.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <future>
#include <thread>

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

using loopback::threaded_server;

// What came back on a connection of its own for `bytes` (see loopback::exchange).
std::string exchange(unsigned short port, const std::string& bytes, const std::string& until = {},
                     std::chrono::milliseconds limit = 5s) {
    return loopback::exchange(port, bytes, limit, until).reply;
}

std::string post(const std::string& path, const std::string& body, bool keep_alive = false) {
    return "POST " + path +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + (keep_alive ? "" : "Connection: close\r\n") + "\r\n" + body;
}

app::request_handler echo() {
    return [](const adapters::raw_request& r) {
        return adapters::raw_response{200, "text/plain", r.method + " " + r.target + " " + r.body};
    };
}

}  // namespace

TEST(HttpServer, HandsTheRequestToTheHandlerAndAnswers) {
    threaded_server s(echo());
    auto out = exchange(s.port(), post("/hooks/dingtalk?x=1", "{\"a\":1}"));
    EXPECT_NE(out.find("HTTP/1.1 200 OK"), std::string::npos) << out;
    EXPECT_NE(out.find("POST /hooks/dingtalk?x=1 {\"a\":1}"), std::string::npos) << out;
}

TEST(HttpServer, KeepsTheConnectionAliveForTwoRequests) {
    threaded_server s(echo());
    auto out = exchange(s.port(), post("/a", "1", true) + post("/b", "2", false));
    EXPECT_NE(out.find("POST /a 1"), std::string::npos) << out;
    EXPECT_NE(out.find("POST /b 2"), std::string::npos) << out;
}

TEST(HttpServer, RefusesOversizeBodiesWith413WithoutCallingTheHandler) {
    std::atomic<int> calls{0};
    auto o = loopback::local();
    o.body_limit = 1024;
    threaded_server s(
        [&](const adapters::raw_request&) {
            ++calls;
            return adapters::raw_response{};
        },
        o);
    auto out = exchange(s.port(), post("/hooks/wecom", std::string(4096, 'x')));
    EXPECT_NE(out.find("HTTP/1.1 413"), std::string::npos) << out;
    EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, AnswersMalformedRequestsWith400) {
    std::atomic<int> calls{0};
    threaded_server s([&](const adapters::raw_request&) {
        ++calls;
        return adapters::raw_response{};
    });
    auto out = exchange(s.port(), "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: zebra\r\n\r\n");
    EXPECT_NE(out.find("HTTP/1.1 400"), std::string::npos) << out;
    EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, CutsOffASlowClientAtTheReadTimeout) {
    auto o = loopback::local();
    o.read_timeout = 300ms;
    threaded_server s(echo(), o);
    auto start = std::chrono::steady_clock::now();
    // Half a header, then silence: the server must close the connection by itself.
    auto out = exchange(s.port(), "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\n", {}, 5s);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_TRUE(out.empty()) << out;
    EXPECT_LT(took, 3s);
}

TEST(HttpServer, HandlerExceptionsBecome500) {
    threaded_server s(
        [](const adapters::raw_request&) -> adapters::raw_response { throw std::runtime_error("boom"); });
    auto out = exchange(s.port(), post("/x", ""));
    EXPECT_NE(out.find("HTTP/1.1 500"), std::string::npos) << out;
    EXPECT_EQ(out.find("boom"), std::string::npos) << "internal errors are not echoed";
}

TEST(HttpServer, GracefulStopFinishesTheRequestInFlight) {
    std::promise<void> entered;
    std::promise<void> release;
    auto released = release.get_future().share();
    std::unique_ptr<threaded_server> s;
    s = std::make_unique<threaded_server>([&](const adapters::raw_request&) {
        entered.set_value();
        released.wait();
        return adapters::raw_response{200, "text/plain", "done"};
    });
    auto port = s->port();
    auto client =
        std::async(std::launch::async, [port] { return exchange(port, post("/slow", "x", true), "done"); });
    entered.get_future().wait();
    s->post_stop();  // queued behind the handler on the loop thread
    release.set_value();
    auto out = client.get();
    EXPECT_NE(out.find("200 OK"), std::string::npos) << out;
    EXPECT_NE(out.find("done"), std::string::npos) << out;
    // No new connections after the stop.
    asio::io_context ioc;
    tcp::socket sock(ioc);
    boost::system::error_code ec;
    for (int i = 0; i < 50 && !ec; ++i) {  // the acceptor closes once the loop runs the stop
        sock.close();
        sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
        if (!ec) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(ec) << "still accepting after stop";
}
