#include "transport/http_server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <list>
#include <stdexcept>

namespace app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct session_slot {
    beast::tcp_stream* stream = nullptr;
    bool idle = true;  // waiting for the next request (safe to close on stop)
};

}  // namespace

struct http_server::state : std::enable_shared_from_this<http_server::state> {
    state(asio::io_context& c, server_options o, request_handler h, async_request_handler ah)
        : ioc(c), opts(std::move(o)), handler(std::move(h)), async_handler(std::move(ah)), acceptor(c) {}

    asio::io_context& ioc;
    server_options opts;
    request_handler handler;  // one of the two is set
    async_request_handler async_handler;
    tcp::acceptor acceptor;
    bool stopping = false;
    bool accept_failing = false;
    std::list<session_slot> sessions;

    asio::awaitable<void> accept_loop() {
        auto self = shared_from_this();
        while (!stopping) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec) {
                if (ec == asio::error::operation_aborted || stopping) break;
                // E.g. out of file descriptors (a connection flood): the waiting connection stays
                // queued and the acceptor is ready again at once, so pause instead of spinning; the
                // open connections are served or time out and free theirs.
                if (!accept_failing)
                    spdlog::warn("cannot accept connections: {} (pausing; raise `ulimit -n` if it persists)",
                                 ec.message());
                accept_failing = true;
                asio::steady_timer pause(ioc, std::chrono::milliseconds(100));
                co_await pause.async_wait(use_tuple);
                continue;
            }
            accept_failing = false;
            asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
        }
    }

    http::response<http::string_body> make_response(const adapters::raw_response& r, unsigned version,
                                                    bool keep_alive) {
        http::response<http::string_body> res{static_cast<http::status>(r.status), version};
        res.set(http::field::server, "complaint-bot");
        res.set(http::field::content_type, r.content_type);
        for (const auto& [name, value] : r.headers) res.set(name, value);
        res.keep_alive(keep_alive && !stopping);
        res.body() = r.body;
        res.prepare_payload();
        return res;
    }

    asio::awaitable<void> session(tcp::socket socket) {
        auto self = shared_from_this();
        beast::tcp_stream stream(std::move(socket));
        auto slot = sessions.insert(sessions.end(), session_slot{&stream, true});
        beast::flat_buffer buffer;
        bool first = true;
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.body_limit(opts.body_limit);
            parser.header_limit(16 * 1024);
            slot->idle = true;
            if (stopping) break;
            if (!first && buffer.size() == 0) {
                // Keep-alive: wait up to the idle timeout for the next request to begin; from its first
                // byte on, the read timeout applies (a request trickled a byte at a time is cut off).
                stream.expires_after(opts.idle_timeout);
                auto [pec, pn] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
                if (pec) break;
                buffer.commit(pn);
            }
            stream.expires_after(opts.read_timeout);
            first = false;
            // Read the header first: once it is in, the request is "in flight" and a stop waits for it.
            auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
            (void)hn;
            slot->idle = false;
            beast::error_code ec = hec;
            if (!ec) {
                stream.expires_after(opts.read_timeout);
                auto [bec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
                (void)n;
                ec = bec;
            }
            if (ec == http::error::body_limit) {
                auto res =
                    make_response({413, "text/plain; charset=utf-8", "request body too large\n"}, 11, false);
                stream.expires_after(opts.write_timeout);
                co_await http::async_write(stream, res, use_tuple);
                break;
            }
            if (ec) {
                // A peer that went away, a timeout or a stop closes quietly; a malformed request gets a 400.
                if (ec.category() == beast::error_code(http::error::end_of_stream).category() &&
                    ec != http::error::end_of_stream && ec != http::error::partial_message) {
                    auto res =
                        make_response({400, "text/plain; charset=utf-8", "malformed request\n"}, 11, false);
                    stream.expires_after(opts.write_timeout);
                    co_await http::async_write(stream, res, use_tuple);
                }
                break;
            }
            auto& req = parser.get();
            adapters::raw_request raw;
            raw.method = std::string(req.method_string());
            raw.target = std::string(req.target());
            for (const auto& f : req) {
                std::string name(f.name_string());
                std::transform(name.begin(), name.end(), name.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                raw.headers[name] = std::string(f.value());
            }
            raw.body = std::move(req.body());
            adapters::raw_response out;
            try {
                if (async_handler)
                    out = co_await async_handler(std::move(raw));
                else
                    out = handler(raw);
            } catch (const std::exception&) {
                out = {500, "text/plain; charset=utf-8", "internal error\n"};
            }
            bool keep = req.keep_alive();
            auto res = make_response(out, req.version(), keep);
            stream.expires_after(opts.write_timeout);
            auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
            (void)wn;
            if (wec || !res.keep_alive()) break;
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        sessions.erase(slot);
    }
};

http_server::http_server(asio::io_context& ioc, server_options opts, request_handler handler)
    : state_(std::make_shared<state>(ioc, std::move(opts), std::move(handler), async_request_handler{})) {}

http_server::http_server(asio::io_context& ioc, server_options opts, async_request_handler handler)
    : state_(std::make_shared<state>(ioc, std::move(opts), request_handler{}, std::move(handler))) {}

http_server::~http_server() {
    if (state_) state_->stopping = true;
}

void http_server::start() {
    auto& s = *state_;
    beast::error_code ec;
    auto address = asio::ip::make_address(s.opts.address, ec);
    if (ec)
        throw std::runtime_error("bad listen address '" + s.opts.address +
                                 "': use an IP such as 127.0.0.1 or 0.0.0.0");
    tcp::endpoint ep{address, s.opts.port};
    s.acceptor.open(ep.protocol(), ec);
    if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(ep, ec);
    if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + s.opts.address + ":" + std::to_string(s.opts.port) +
                                 ": " + ec.message() +
                                 " (is another process using the port? set server.port)");
    asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
}

void http_server::stop() {
    auto& s = *state_;
    s.stopping = true;
    beast::error_code ec;
    s.acceptor.close(ec);
    for (auto& slot : s.sessions)
        if (slot.idle) slot.stream->cancel();  // in-flight requests finish; their response closes
}

unsigned short http_server::port() const {
    beast::error_code ec;
    auto ep = state_->acceptor.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

std::size_t http_server::open_sessions() const {
    return state_->sessions.size();
}

}  // namespace app
