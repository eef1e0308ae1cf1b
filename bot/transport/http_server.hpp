// The inbound HTTP server (Boost.Beast, C++20 coroutines on one io_context thread). It only moves
// bytes: every request becomes an adapters::raw_request handed to one handler, whose raw_response
// is written back. The handler is either synchronous or a coroutine (awaited on the same thread, so
// other connections are served meanwhile — group commit waits there for its batch). Defaults from
// the first commit (STYLE.md guideline 8): a body limit, a header limit, a read timeout per request
// (slow clients are cut off), a write timeout, keep-alive, a catch-all that maps any stray exception
// to 500, and a graceful stop that lets in-flight requests finish. When accepting fails (out of file
// descriptors) it pauses 100 ms rather than spinning.
//
// Thread-safety: construct, start and stop on the io_context's thread; the handler runs there too.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "adapters/adapter.hpp"

namespace app {

struct server_options {
    std::string address = "127.0.0.1";
    unsigned short port = 8080;  // 0 = any free port (tests)
    std::size_t body_limit = 256 * 1024;
    std::chrono::milliseconds read_timeout{10'000};
    std::chrono::milliseconds write_timeout{10'000};
    std::chrono::milliseconds idle_timeout{30'000};  // keep-alive connection waiting for its next request
};

using request_handler = std::function<adapters::raw_response(const adapters::raw_request&)>;
using async_request_handler =
    std::function<boost::asio::awaitable<adapters::raw_response>(adapters::raw_request)>;

class http_server {
  public:
    http_server(boost::asio::io_context& ioc, server_options opts, request_handler handler);
    http_server(boost::asio::io_context& ioc, server_options opts, async_request_handler handler);
    ~http_server();
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Binds and starts accepting. Throws std::runtime_error naming the address when it cannot bind.
    void start();
    // Stops accepting; idle keep-alive connections close; requests in flight finish and are answered.
    void stop();
    unsigned short port() const;  // the bound port
    std::size_t open_sessions() const;

  private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace app
