// The loopback scaffolding of the tests that talk to a server or a fake platform: an io_context on
// a thread of its own, the bot's HTTP server bound to 127.0.0.1 on a free port (0), a fake platform
// that records every request and answers scripted statuses, a raw TCP listener for WebSocket
// gateways and hanging peers, a bounded HTTP client, and polling a loop until a condition holds.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/verb.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "transport/http_server.hpp"

namespace loopback {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// The answer to one HTTP exchange: status 0 when the connection failed, was cut or timed out (the
// answer is lost: a platform would redeliver). `allow` is the Allow header, if any.
struct reply {
    int status = 0;
    std::string body;
    std::string allow;
    std::map<std::string, std::string> headers{};  // every response header, names lower-cased
};

// One HTTP exchange with 127.0.0.1:`port`, bounded by `limit`.
reply call(unsigned short port, boost::beast::http::verb verb, const std::string& target,
           const std::string& body = {}, const std::map<std::string, std::string>& headers = {},
           std::chrono::milliseconds limit = 10s);

// What came back for raw bytes sent on a connection of its own, whether the server closed it, and
// how long that took.
struct raw_reply {
    std::string reply;
    bool closed = false;
    std::chrono::milliseconds took{0};
};

// Sends `bytes` to 127.0.0.1:`port` and reads until the server closes the connection, `until`
// (when given) has come back, or `limit` passes. Nothing when it cannot connect.
raw_reply exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds limit = 5s,
                   const std::string& until = {});

// An io_context run by a thread of its own (kept alive by a work guard until stop()), for tests
// whose own thread blocks on clients or waits.
class loop_thread {
  public:
    loop_thread() = default;
    ~loop_thread() { stop(); }
    loop_thread(const loop_thread&) = delete;
    loop_thread& operator=(const loop_thread&) = delete;

    asio::io_context& context() { return ioc_; }
    // Starts the thread (once what runs on the loop is set up).
    void start();
    // Runs `last` on the loop and waits for it, lets the loop wind down by itself (forcing it only
    // after 3 s, if something hangs) and joins the thread. Idempotent.
    void stop(const std::function<void()>& last = {});

    // Runs `f` on the loop's thread and waits for its result (what lives on the loop is read there).
    template <class F>
    auto on_loop(F f) {
        std::promise<decltype(f())> p;
        asio::post(ioc_, [&] {
            if constexpr (std::is_void_v<decltype(f())>) {
                f();
                p.set_value();
            } else {
                p.set_value(f());
            }
        });
        return p.get_future().get();
    }

  private:
    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::thread thread_;
};

// 127.0.0.1 and `port` (0: any free port) with the server's default limits.
app::server_options local(unsigned short port = 0);

// The bot's HTTP server on 127.0.0.1 (`options.port` 0, the default here: any free port) on a loop
// the caller runs. Listening once constructed.
class server {
  public:
    server(asio::io_context& ioc, app::request_handler handler, app::server_options options = local());
    server(asio::io_context& ioc, app::async_request_handler handler, app::server_options options = local());
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    unsigned short port() const { return http_->port(); }
    // http://127.0.0.1:<port><target>
    std::string url(const std::string& target = {}) const;
    // Closes the listener; the request in flight finishes (call it on the loop's thread).
    void stop() { http_->stop(); }

  private:
    std::unique_ptr<app::http_server> http_;
};

// A server (as above) on a loop_thread of its own; the destructor stops it and joins.
class threaded_server {
  public:
    explicit threaded_server(app::request_handler handler, app::server_options options = local());
    ~threaded_server() { stop(); }
    threaded_server(const threaded_server&) = delete;
    threaded_server& operator=(const threaded_server&) = delete;

    unsigned short port() const { return server_->port(); }
    std::string url(const std::string& target = {}) const { return server_->url(target); }
    // Stops the server on its loop and joins the thread (idempotent).
    void stop();
    // Only posts the stop to the loop (queued behind a request in flight); the destructor joins.
    void post_stop();

  private:
    loop_thread loop_;
    std::unique_ptr<server> server_;
};

// A fake platform on a loop the caller runs: records every request's body and answers the scripted
// statuses in `answers` (then `status`, 200 unless set) with `body`; `accepted` holds the bodies it
// answered 200. Read what it recorded on the loop's thread.
class recording_platform {
  public:
    explicit recording_platform(asio::io_context& ioc, std::string body = "{}");

    unsigned short port() const { return server_.port(); }
    std::string url(const std::string& target) const { return server_.url(target); }
    void stop() { server_.stop(); }

    std::deque<int> answers;
    std::atomic<int> status{200};
    std::vector<std::string> requests;
    std::vector<std::string> accepted;
    // Runs for every request, with the status it gets.
    std::function<void(const adapters::raw_request&, int)> on_request;

  private:
    std::string body_;
    server server_;
};

// A raw TCP listener on 127.0.0.1, any free port, on a loop the caller runs: each accepted
// connection goes to `on_connection`, a coroutine of its own.
class tcp_listener {
  public:
    using connection_handler = std::function<asio::awaitable<void>(asio::ip::tcp::socket)>;
    tcp_listener(asio::io_context& ioc, connection_handler on_connection);

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    // Stops accepting (call it on the loop's thread).
    void close();

  private:
    asio::awaitable<void> accept_loop();

    asio::io_context& ioc_;
    asio::ip::tcp::acceptor acceptor_;
    connection_handler on_connection_;
};

// Calls `then` on `ioc` once `done()` holds or `limit` has passed, checking every `every`; the
// caller runs the loop.
void when(asio::io_context& ioc, std::function<bool()> done, std::chrono::milliseconds limit,
          std::function<void()> then, std::chrono::milliseconds every = 10ms);

// Runs `ioc` on this thread until `done()` holds or `limit` has passed (checking every `every`),
// then stops it; what is queued stays for the next run.
void run_until(asio::io_context& ioc, std::function<bool()> done, std::chrono::milliseconds limit,
               std::chrono::milliseconds every = 10ms);

// Waits (bounded) for `done`.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 10s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return done();
}

}  // namespace loopback
