#include "transport/https_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace app {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t response_limit = 1024 * 1024;

bool is_loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1" || host == "[::1]";
}

template <class Stream>
asio::awaitable<http_result> exchange(Stream& stream, beast::tcp_stream& lowest,
                                      const adapters::outbound_request& req, const std::string& host,
                                      const std::string& target, std::chrono::milliseconds timeout) {
    http_result r;
    http::request<http::string_body> msg{http::string_to_verb(req.method), target, 11};
    msg.set(http::field::host, host);
    msg.set(http::field::user_agent, "complaint-bot");
    for (const auto& [k, v] : req.headers) msg.set(k, v);
    if (!req.headers.count("Content-Type") && !req.headers.count("content-type"))
        msg.set(http::field::content_type, "application/json; charset=utf-8");
    msg.body() = req.body;
    msg.prepare_payload();
    lowest.expires_after(timeout);
    auto [wec, wn] = co_await http::async_write(stream, msg, use_tuple);
    (void)wn;
    if (wec) {
        r.error = "write: " + wec.message();
        co_return r;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(response_limit);
    lowest.expires_after(timeout);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
    (void)rn;
    if (rec) {
        r.error = "read: " + rec.message();
        co_return r;
    }
    r.transport_ok = true;
    r.status = static_cast<int>(parser.get().result_int());
    for (const auto& f : parser.get()) {
        std::string name(f.name_string());
        for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        r.headers[name] = std::string(f.value());
    }
    r.body = std::move(parser.get().body());
    co_return r;
}

}  // namespace

https_client::https_client(asio::io_context& ioc, const std::string& ca_file,
                           std::chrono::milliseconds timeout)
    : ioc_(ioc), tls_(asio::ssl::context::tls_client), timeout_(timeout) {
    tls_.set_verify_mode(asio::ssl::verify_peer);
    tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    if (ca_file.empty()) {
        tls_.set_default_verify_paths();
    } else {
        beast::error_code ec;
        tls_.load_verify_file(ca_file, ec);
        if (ec) throw std::runtime_error("cannot load CA file '" + ca_file + "': " + ec.message());
    }
}

asio::awaitable<http_result> https_client::send(const adapters::outbound_request& req) {
    http_result r;
    auto parsed = boost::urls::parse_uri(req.url);
    if (!parsed) {
        r.error = "bad URL " + adapters::redact(req.url);
        co_return r;
    }
    auto url = *parsed;
    std::string scheme(url.scheme());
    std::string host(url.host());
    bool tls = scheme == "https";
    if (!tls && !(scheme == "http" && is_loopback(host))) {
        r.error = "refusing " + scheme + " to " + host + ": only https (or http to loopback) is allowed";
        co_return r;
    }
    std::string port = url.has_port() ? std::string(url.port()) : (tls ? "443" : "80");
    std::string target(url.encoded_target());
    if (target.empty()) target = "/";

    tcp::resolver resolver(ioc_);
    auto [rec, endpoints] = co_await resolver.async_resolve(host, port, use_tuple);
    if (rec) {
        r.error = "resolve " + host + ": " + rec.message();
        co_return r;
    }
    if (!tls) {
        beast::tcp_stream stream(ioc_);
        stream.expires_after(timeout_);
        auto [cec, ep] = co_await stream.async_connect(endpoints, use_tuple);
        (void)ep;
        if (cec) {
            r.error = "connect " + host + ": " + cec.message();
            co_return r;
        }
        r = co_await exchange(stream, stream, req, host + ":" + port, target, timeout_);
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        co_return r;
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc_, tls_);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char*>(host.c_str())) != 1) {
        r.error = "SNI setup failed for " + host;
        co_return r;
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(timeout_);
    auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
    (void)ep;
    if (cec) {
        r.error = "connect " + host + ": " + cec.message();
        co_return r;
    }
    lowest.expires_after(timeout_);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) {
        r.error = "TLS handshake with " + host + ": " + hec.message();
        co_return r;
    }
    r = co_await exchange(stream, lowest, req, host, target, timeout_);
    lowest.expires_after(timeout_);
    co_await stream.async_shutdown(use_tuple);  // errors here (truncated close) do not matter
    co_return r;
}

}  // namespace app
