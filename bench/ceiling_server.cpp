// The framework ceiling for bench/ingest.sh: a minimal HTTP/1.1 server on Boost.Beast with C++20
// coroutines on one io_context thread (the shape of app::http_server), which reads each request,
// parses its JSON body and answers 200 — no signature check, no engine, no SQLite. What complaint-bot
// serve reaches relative to this is the cost of everything the bot adds.
//
// Usage: ceiling_server PORT   (listens on 127.0.0.1; SIGINT/SIGTERM stop it)
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(256 * 1024);
        stream.expires_after(std::chrono::seconds(30));
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        (void)n;
        if (ec) break;
        auto& req = parser.get();
        auto body = nlohmann::json::parse(req.body(), nullptr, false);
        bool ok = !body.is_discarded() && body.is_object() && body.contains("msgId");
        http::response<http::string_body> res{ok ? http::status::ok : http::status::bad_request,
                                              req.version()};
        res.set(http::field::content_type, "text/plain; charset=utf-8");
        res.keep_alive(req.keep_alive());
        res.prepare_payload();
        auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
        (void)wn;
        if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) continue;
        asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: ceiling_server PORT\n");
        return 2;
    }
    auto port = static_cast<unsigned short>(std::strtoul(argv[1], nullptr, 10));
    asio::io_context ioc{1};
    tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        beast::error_code ignored;
        acceptor.close(ignored);
        ioc.stop();
    });
    asio::co_spawn(ioc, accept_loop(acceptor), asio::detached);
    ioc.run();
    return 0;
}
