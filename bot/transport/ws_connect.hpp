// Opening the long connections' WebSockets (DingTalk Stream, WeCom's AI bot, Feishu's events, Slack
// Socket Mode) the one way: the URL parsed and checked (wss anywhere, plain ws only to loopback for
// the tests' fakes), resolved, connected within 10 s, TLS with SNI and the host name verified
// against the client's trust store, then the WebSocket handshake.
//
// Thread-safety: the io_context's thread, like the clients.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace app::ws {

using tls_stream = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
using plain_stream = boost::beast::websocket::stream<boost::beast::tcp_stream>;
using timeouts = boost::beast::websocket::stream_base::timeout;

struct address {
    std::string scheme;  // wss, or ws for loopback
    std::string host;
    std::string port;
    std::string target;  // path and query
    bool tls() const { return scheme == "wss"; }
};

// The address of `url`; nullopt with `why` (no secrets: the query is left out) when it is not a
// URL or its scheme is not allowed.
std::optional<address> parse(std::string_view url, std::string& why);

// Connects `ws` to `a` and performs the handshakes, the WebSocket's timeouts set to `t`; `res` gets
// the handshake's answer (a refusal's headers). Returns what failed ("cannot connect to …", "TLS
// handshake with … failed: …"), empty on success.
boost::asio::awaitable<std::string> open(tls_stream& ws, const address& a, timeouts t,
                                         boost::beast::websocket::response_type& res);
boost::asio::awaitable<std::string> open(plain_stream& ws, const address& a, timeouts t,
                                         boost::beast::websocket::response_type& res);

// The client's suggested timeouts (Beast's keep-alive pings and idle limit).
timeouts client_timeouts();

}  // namespace app::ws
