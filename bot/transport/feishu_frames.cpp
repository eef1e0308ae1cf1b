#include "transport/feishu_frames.hpp"

#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"

namespace app::feishu {

using json = nlohmann::json;

std::string header(const pbbp2::Frame& frame, std::string_view key) {
    for (const auto& h : frame.headers())
        if (h.key() == key) return h.value();
    return {};
}

std::int64_t header_int(const pbbp2::Frame& frame, std::string_view key, std::int64_t fallback) {
    const auto v = header(frame, key);
    if (v.empty() || v.size() > 18) return fallback;
    std::int64_t n = 0;
    std::size_t i = v[0] == '-' ? 1 : 0;
    if (i == v.size()) return fallback;
    for (; i < v.size(); ++i) {
        if (v[i] < '0' || v[i] > '9') return fallback;
        n = n * 10 + (v[i] - '0');
    }
    return v[0] == '-' ? -n : n;
}

std::string ping_bytes(std::int32_t service_id) {
    pbbp2::Frame f;
    f.set_seqid(0);
    f.set_logid(0);
    f.set_service(service_id);
    f.set_method(static_cast<std::int32_t>(frame_method::control));
    auto* h = f.add_headers();
    h->set_key("type");
    h->set_value("ping");
    return f.SerializeAsString();
}

std::string ack_bytes(pbbp2::Frame frame, int code, std::chrono::milliseconds took, const std::string& data) {
    auto* h = frame.add_headers();
    h->set_key("biz_rt");
    h->set_value(std::to_string(took.count()));
    json payload{{"code", code}};
    if (!data.empty()) payload["data"] = adapters::crypto::base64_encode(data);
    frame.set_payload(payload.dump());
    return frame.SerializeAsString();
}

bool client_config::apply(std::string_view config_json) {
    const auto j = json::parse(config_json, nullptr, false);
    if (!j.is_object()) return false;
    auto seconds = [&](const char* name, std::chrono::milliseconds& out) {
        const auto it = j.find(name);
        if (it != j.end() && it->is_number_integer() && it->get<std::int64_t>() >= 1)
            out = std::chrono::seconds(it->get<std::int64_t>());
    };
    if (const auto it = j.find("ReconnectCount"); it != j.end() && it->is_number_integer())
        reconnect_count = static_cast<int>(
            std::max<std::int64_t>(-1, std::min<std::int64_t>(it->get<std::int64_t>(), 1'000'000)));
    seconds("ReconnectInterval", reconnect_interval);
    seconds("PingInterval", ping_interval);
    // The nonce may be 0 (no jitter).
    if (const auto it = j.find("ReconnectNonce");
        it != j.end() && it->is_number_integer() && it->get<std::int64_t>() >= 0)
        reconnect_nonce = std::chrono::seconds(it->get<std::int64_t>());
    return true;
}

std::optional<std::string> reassembler::add(const std::string& message_id, std::int64_t sum, std::int64_t seq,
                                            std::string part, clock::time_point now) {
    for (auto it = parts_.begin(); it != parts_.end();) {
        if (now - it->second.first > ttl_) {
            it = parts_.erase(it);
            ++dropped_;
        } else {
            ++it;
        }
    }
    if (sum < 2 || sum > 1000 || seq < 0 || seq >= sum) return std::nullopt;
    auto& e = parts_[message_id];
    if (e.parts.size() != static_cast<std::size_t>(sum))
        e = {std::vector<std::optional<std::string>>(static_cast<std::size_t>(sum)), now};
    e.parts[static_cast<std::size_t>(seq)] = std::move(part);
    std::string whole;
    for (const auto& p : e.parts) {
        if (!p) return std::nullopt;
        whole += *p;
    }
    parts_.erase(message_id);
    return whole;
}

}  // namespace app::feishu
