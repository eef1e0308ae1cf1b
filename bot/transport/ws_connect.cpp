#include "transport/ws_connect.hpp"

#include <openssl/ssl.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include "adapters/adapter.hpp"

namespace app::ws {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr auto connect_limit = std::chrono::seconds(10);

// Resolves and connects the lowest layer of `ws`; empty on success.
template <class Ws>
asio::awaitable<std::string> connect(Ws& ws, const address& a) {
    tcp::resolver resolver(ws.get_executor());
    auto [rec, endpoints] = co_await resolver.async_resolve(a.host, a.port, use_tuple);
    if (rec) co_return "cannot resolve " + a.host + ": " + rec.message();
    auto& lowest = beast::get_lowest_layer(ws);
    lowest.expires_after(connect_limit);
    auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
    (void)ep;
    if (cec) co_return "cannot connect to " + a.host + ": " + cec.message();
    co_return std::string{};
}

}  // namespace

timeouts client_timeouts() {
    return websocket::stream_base::timeout::suggested(beast::role_type::client);
}

std::optional<address> parse(std::string_view url, std::string& why) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
        why = "not a URL";
        return std::nullopt;
    }
    address a;
    a.scheme = std::string(parsed->scheme());
    a.host = std::string(parsed->host());
    a.port = parsed->has_port() ? std::string(parsed->port()) : (a.scheme == "wss" ? "443" : "80");
    a.target = std::string(parsed->encoded_path());
    if (a.target.empty()) a.target = "/";
    if (parsed->has_query()) a.target += "?" + std::string(parsed->encoded_query());
    const bool loopback = a.host == "127.0.0.1" || a.host == "localhost";
    if (a.scheme != "wss" && !(a.scheme == "ws" && loopback)) {
        why = "refusing scheme " + adapters::log_word(a.scheme) + " (wss only, ws for loopback tests)";
        return std::nullopt;
    }
    return a;
}

asio::awaitable<std::string> open(tls_stream& ws, const address& a, timeouts t,
                                  websocket::response_type& res) {
    SSL_ctrl(ws.next_layer().native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(a.host.c_str()));
    ws.next_layer().set_verify_callback(asio::ssl::host_name_verification(a.host));
    if (auto failed = co_await connect(ws, a); !failed.empty()) co_return failed;
    auto& lowest = beast::get_lowest_layer(ws);
    lowest.expires_after(connect_limit);
    auto [hec] = co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, use_tuple);
    if (hec) co_return "TLS handshake with " + a.host + " failed: " + hec.message();
    lowest.expires_never();
    ws.set_option(t);
    auto [wec] = co_await ws.async_handshake(res, a.host, a.target, use_tuple);
    if (wec) co_return "WebSocket handshake with " + a.host + " failed: " + wec.message();
    co_return std::string{};
}

asio::awaitable<std::string> open(plain_stream& ws, const address& a, timeouts t,
                                  websocket::response_type& res) {
    if (auto failed = co_await connect(ws, a); !failed.empty()) co_return failed;
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(t);
    auto [wec] = co_await ws.async_handshake(res, a.host + ":" + a.port, a.target, use_tuple);
    if (wec) co_return "WebSocket handshake with " + a.host + " failed: " + wec.message();
    co_return std::string{};
}

}  // namespace app::ws
