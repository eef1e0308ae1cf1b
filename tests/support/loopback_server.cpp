#include "support/loopback_server.hpp"

#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace loopback {

namespace beast = boost::beast;
namespace http = beast::http;

reply call(unsigned short port, http::verb verb, const std::string& target, const std::string& body,
           const std::map<std::string, std::string>& headers, std::chrono::milliseconds limit) {
    try {
        asio::io_context c;
        beast::tcp_stream s(c);
        s.expires_after(limit);
        s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        for (const auto& [k, v] : headers) req.set(k, v);
        req.body() = body;
        req.prepare_payload();
        s.expires_after(limit);
        http::write(s, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        s.expires_after(limit);
        http::read(s, buf, res);
        reply r{static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::allow])};
        for (const auto& f : res) {
            std::string name(f.name_string());
            for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            r.headers[name] = std::string(f.value());
        }
        return r;
    } catch (const std::exception&) {
        return {};
    }
}

raw_reply exchange(unsigned short port, const std::string& bytes, std::chrono::milliseconds limit,
                   const std::string& until) {
    raw_reply r;
    auto start = std::chrono::steady_clock::now();
    asio::io_context ioc;
    asio::ip::tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return r;
    asio::write(s, asio::buffer(bytes), ec);
    s.non_blocking(true);
    char buf[4096];
    while (std::chrono::steady_clock::now() - start < limit) {
        auto n = s.read_some(asio::buffer(buf), ec);
        if (ec == asio::error::would_block) {
            if (!until.empty() && r.reply.find(until) != std::string::npos) break;
            std::this_thread::sleep_for(5ms);
            continue;
        }
        if (ec) {
            r.closed = true;
            break;
        }
        r.reply.append(buf, n);
    }
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return r;
}

void loop_thread::start() {
    thread_ = std::thread([this] { ioc_.run(); });
}

void loop_thread::stop(const std::function<void()>& last) {
    if (!thread_.joinable()) return;
    if (last) on_loop(last);
    work_.reset();
    for (int i = 0; i < 300 && !ioc_.stopped(); ++i) std::this_thread::sleep_for(10ms);
    ioc_.stop();
    thread_.join();
}

server::server(asio::io_context& ioc, app::request_handler handler, app::server_options options)
    : http_(std::make_unique<app::http_server>(ioc, std::move(options), std::move(handler))) {
    http_->start();
}

server::server(asio::io_context& ioc, app::async_request_handler handler, app::server_options options)
    : http_(std::make_unique<app::http_server>(ioc, std::move(options), std::move(handler))) {
    http_->start();
}

std::string server::url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port()) + target;
}

app::server_options local(unsigned short port) {
    app::server_options o;
    o.address = "127.0.0.1";
    o.port = port;
    return o;
}

threaded_server::threaded_server(app::request_handler handler, app::server_options options) {
    options.address = "127.0.0.1";
    server_ = std::make_unique<server>(loop_.context(), std::move(handler), std::move(options));
    loop_.start();
}

void threaded_server::stop() {
    loop_.stop([this] { server_->stop(); });
}

void threaded_server::post_stop() {
    asio::post(loop_.context(), [this] { server_->stop(); });
}

recording_platform::recording_platform(asio::io_context& ioc, std::string body)
    : body_(std::move(body)), server_(ioc, [this](const adapters::raw_request& req) {
          int answer = status;
          if (!answers.empty()) {
              answer = answers.front();
              answers.pop_front();
          }
          requests.push_back(req.body);
          if (answer == 200) accepted.push_back(req.body);
          if (on_request) on_request(req, answer);
          return adapters::raw_response{answer, "application/json", body_};
      }) {}

tcp_listener::tcp_listener(asio::io_context& ioc, connection_handler on_connection)
    : ioc_(ioc),
      acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}),
      on_connection_(std::move(on_connection)) {
    asio::co_spawn(ioc_, accept_loop(), asio::detached);
}

void tcp_listener::close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
}

asio::awaitable<void> tcp_listener::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        asio::co_spawn(ioc_, on_connection_(std::move(socket)), asio::detached);
    }
}

void when(asio::io_context& ioc, std::function<bool()> done, std::chrono::milliseconds limit,
          std::function<void()> then, std::chrono::milliseconds every) {
    struct poller {
        asio::steady_timer timer;
        std::function<bool()> done;
        std::function<void()> then;
        std::chrono::steady_clock::time_point until;
        std::chrono::milliseconds every;
    };
    auto p = std::make_shared<poller>(poller{asio::steady_timer(ioc), std::move(done), std::move(then),
                                             std::chrono::steady_clock::now() + limit, every});
    auto check = std::make_shared<std::function<void()>>();
    *check = [p, weak = std::weak_ptr<std::function<void()>>(check)] {
        if (p->done() || std::chrono::steady_clock::now() > p->until) {
            p->then();
            return;
        }
        p->timer.expires_after(p->every);
        p->timer.async_wait([next = weak.lock()](auto) { (*next)(); });
    };
    (*check)();
}

void run_until(asio::io_context& ioc, std::function<bool()> done, std::chrono::milliseconds limit,
               std::chrono::milliseconds every) {
    ioc.restart();  // before the first check: it may stop the loop at once
    when(
        ioc, std::move(done), limit, [&ioc] { ioc.stop(); }, every);
    ioc.run();
}

}  // namespace loopback
