// The pure parts of Feishu's long connection (PROTOCOLS 9.1): the pbbp2 frames the client writes
// (ping, the acknowledgement of a data frame), the headers it reads, the ClientConfig the endpoint
// and each pong may carry, and the reassembly of a payload the platform split into parts.
//
// Thread-safety: free functions are reentrant; a reassembler belongs to one connection's thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pbbp2.pb.h"

namespace app::feishu {

enum class frame_method : std::int32_t { control = 0, data = 1 };

// The value of a frame header ("" when absent).
std::string header(const pbbp2::Frame& frame, std::string_view key);
// A header's value as an integer (`fallback` when absent or not a number).
std::int64_t header_int(const pbbp2::Frame& frame, std::string_view key, std::int64_t fallback);

// The control frame sent every PingInterval: service = the URL's service_id, header type=ping.
std::string ping_bytes(std::int32_t service_id);
// The acknowledgement of a data frame: the same frame with header biz_rt (ms the handler took) and
// payload {"code": code} (plus "data": Base64 of `data` when given: a card's answer).
std::string ack_bytes(pbbp2::Frame frame, int code, std::chrono::milliseconds took,
                      const std::string& data = {});

// Reconnect and ping settings, in seconds on the wire; Go SDK defaults.
struct client_config {
    int reconnect_count = -1;  // retries after a drop; negative = forever
    std::chrono::milliseconds reconnect_interval{120'000};
    std::chrono::milliseconds reconnect_nonce{30'000};  // first retry after random 0..nonce
    std::chrono::milliseconds ping_interval{120'000};
    // Applies the fields `config_json` has (ReconnectCount, ReconnectInterval, ReconnectNonce,
    // PingInterval); intervals below 1 s are ignored (a zero would spin). False when not JSON.
    bool apply(std::string_view config_json);
};

// Parts of split payloads (headers sum > 1, seq 0..sum-1) by message_id, kept `ttl` (5 s as in
// the SDKs) from the first part; an incomplete message older than that is dropped.
class reassembler {
  public:
    using clock = std::chrono::steady_clock;
    explicit reassembler(std::chrono::milliseconds ttl = std::chrono::milliseconds(5000)) : ttl_(ttl) {}
    // The whole payload once the last missing part arrives; nullopt while parts are missing or the
    // part is impossible (seq outside 0..sum-1, sum above 1000).
    std::optional<std::string> add(const std::string& message_id, std::int64_t sum, std::int64_t seq,
                                   std::string part, clock::time_point now);
    std::size_t pending() const { return parts_.size(); }
    std::size_t dropped() const { return dropped_; }

  private:
    struct entry {
        std::vector<std::optional<std::string>> parts;
        clock::time_point first;
    };
    std::chrono::milliseconds ttl_;
    std::map<std::string, entry> parts_;
    std::size_t dropped_ = 0;
};

}  // namespace app::feishu
