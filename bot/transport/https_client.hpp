// Outbound HTTP(S) for the outbox sender: one request at a time per call, with SNI, certificate
// and host-name verification against the system trust store (or a configured CA file for tests),
// connect/handshake/write/read timeouts, and a response size limit. Plain http:// is accepted
// only for loopback hosts (the fake platforms of the tests).
//
// Thread-safety: use from the io_context's thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <map>
#include <string>

#include "adapters/adapter.hpp"

namespace app {

struct http_result {
    bool transport_ok = false;  // false: DNS, connect, TLS, timeout or protocol failure (retryable)
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // response headers, names lower-cased
    std::string error;                           // what failed, without the URL's secrets
};

class https_client {
  public:
    // `ca_file` empty: the system trust store. Throws std::runtime_error when the CA file is unreadable.
    https_client(boost::asio::io_context& ioc, const std::string& ca_file = {},
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));

    boost::asio::awaitable<http_result> send(const adapters::outbound_request& req);
    // The verifying TLS context, shared with the DingTalk Stream WebSocket.
    boost::asio::ssl::context& tls() { return tls_; }

  private:
    boost::asio::io_context& ioc_;
    boost::asio::ssl::context tls_;
    std::chrono::milliseconds timeout_;
};

}  // namespace app
