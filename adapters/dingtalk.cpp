#include "adapters/dingtalk.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>

#include "adapters/crypto.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;

inbound_result refuse(errc e, std::string detail) {
    inbound_result r;
    r.error = e;
    r.detail = std::move(detail);
    return r;
}

std::string trim_copy(std::string s) {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front())) s.erase(0, 1);
    while (!s.empty() && is_space(s.back())) s.pop_back();
    return s;
}

}  // namespace

dingtalk_adapter::dingtalk_adapter(dingtalk_settings s) : s_(std::move(s)) {
    if (s_.app_secret.empty()) throw std::invalid_argument("the DingTalk app secret is empty");
    if (s_.webhook_url.rfind("https://", 0) != 0 && s_.webhook_url.rfind("http://127.0.0.1", 0) != 0)
        throw std::invalid_argument("the DingTalk robot webhook must be an https:// URL");
}

std::string dingtalk_adapter::sign(std::string_view timestamp_ms, std::string_view secret) {
    std::string to_sign = std::string(timestamp_ms) + "\n" + std::string(secret);
    return crypto::base64_encode(crypto::hmac_sha256(secret, to_sign));
}

inbound_result dingtalk_adapter::decode(const raw_request& req, core::instant now) const {
    if (req.method != "POST") return refuse(errc::malformed_body, "method " + req.method);
    const auto* ts = req.header("timestamp");
    const auto* sg = req.header("sign");
    if (!ts || !sg) return refuse(errc::missing_parameter, "timestamp or sign header missing");
    std::int64_t ms = 0;
    auto [p, ec] = std::from_chars(ts->data(), ts->data() + ts->size(), ms);
    if (ec != std::errc{} || p != ts->data() + ts->size()) return refuse(errc::missing_parameter, "timestamp not a number");
    auto skew = core::to_ms(now) - ms;
    if (skew > window_ms || skew < -window_ms)
        return refuse(errc::stale_timestamp, "timestamp off by " + std::to_string(skew / 1000) + " s");
    if (!crypto::equal(sign(*ts, s_.app_secret), *sg)) return refuse(errc::bad_signature, "sign does not match");

    return decode_message(req.body, now);
}

inbound_result dingtalk_adapter::decode_message(std::string_view body, core::instant now) {
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return refuse(errc::malformed_body, "body is not a JSON object");
    auto str = [&](const char* key) -> std::string {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    if (str("msgtype") != "text") return refuse(errc::unsupported_event, "msgtype " + str("msgtype"));
    auto text = j.find("text");
    if (text == j.end() || !text->is_object() || !text->contains("content") || !(*text)["content"].is_string())
        return refuse(errc::malformed_body, "text.content missing");
    auto msg_id = str("msgId");
    if (msg_id.empty()) return refuse(errc::malformed_body, "msgId missing");
    auto sender = str("senderStaffId");
    if (sender.empty()) sender = str("senderId");  // outsiders have no staff id
    inbound_result r;
    core::inbound_message m;
    m.platform = "dingtalk";
    m.chat = str("conversationId");
    m.msg_id = msg_id;
    m.sender = sender;
    // DingTalk removes the robot's @name but leaves a leading space.
    m.text = trim_copy((*text)["content"].get<std::string>());
    m.received_at = now;
    r.message = std::move(m);
    return r;
}

std::string dingtalk_adapter::stream_ack(std::string_view message_id, std::string_view data_json) {
    return json{{"code", 200},
                {"headers", {{"messageId", message_id}, {"contentType", "application/json"}}},
                {"message", "OK"},
                {"data", data_json}}
        .dump();
}

dingtalk_adapter::stream_frame dingtalk_adapter::decode_stream_frame(std::string_view frame, core::instant now) {
    stream_frame f;
    auto j = json::parse(frame, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("headers") || !j["headers"].is_object()) {
        f.result = refuse(errc::malformed_body, "stream frame is not a JSON object with headers");
        return f;
    }
    const auto& h = j["headers"];
    auto header = [&](const char* key) {
        auto it = h.find(key);
        return it != h.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    auto type = j.value("type", std::string{});
    auto topic = header("topic");
    auto message_id = header("messageId");
    // `data` is a JSON document inside a string: parsed a second time.
    std::string data = j.contains("data") && j["data"].is_string() ? j["data"].get<std::string>() : std::string{};
    if (type == "SYSTEM") {
        if (topic == "ping") {
            f.ack = stream_ack(message_id, data);  // echo the opaque data
        } else if (topic == "disconnect") {
            f.disconnect = true;
        }
        f.result = refuse(errc::unsupported_event, "system frame " + topic);
        return f;
    }
    if (type == "CALLBACK" && topic == "/v1.0/im/bot/messages/get") {
        f.result = decode_message(data, now);
        f.ack = stream_ack(message_id, R"({"response":null})");
        return f;
    }
    // Events we did not subscribe to: acknowledge so they are not pushed again.
    f.ack = stream_ack(message_id, R"({"status":"SUCCESS","message":"ignored"})");
    f.result = refuse(errc::unsupported_event, "frame " + type + " " + topic);
    return f;
}

std::vector<outbound_request> dingtalk_adapter::encode(const core::outbound_post& post,
                                                       const std::vector<mention_target>& mentions,
                                                       core::instant now) const {
    // A real @-mention needs the user id in `at.atUserIds` and "@userid" in the text.
    std::string text = post.text;
    json at_ids = json::array();
    for (const auto& m : mentions) {
        if (m.account.empty()) continue;
        at_ids.push_back(m.account);
        auto shown = "@" + m.name;
        if (auto pos = text.rfind(shown); pos != std::string::npos) text.replace(pos, shown.size(), "@" + m.account);
    }
    auto pieces = split_utf8(text, max_content_bytes);
    std::vector<outbound_request> out;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        bool last = i + 1 == pieces.size();
        json body = {{"msgtype", "text"},
                     {"text", {{"content", pieces[i]}}},
                     {"at", {{"atUserIds", last ? at_ids : json::array()}, {"isAtAll", false}}}};
        outbound_request r;
        r.url = s_.webhook_url;
        if (!s_.webhook_secret.empty()) {
            auto ts = std::to_string(core::to_ms(now));
            r.url += std::string(r.url.find('?') == std::string::npos ? "?" : "&") + "timestamp=" + ts +
                     "&sign=" + crypto::url_encode(sign(ts, s_.webhook_secret));
        }
        r.headers["Content-Type"] = "application/json; charset=utf-8";
        r.body = body.dump();
        out.push_back(std::move(r));
    }
    return out;
}

adapter::send_verdict dingtalk_adapter::classify(int http_status, std::string_view response_body) const {
    if (http_status == 429) return send_verdict::rate_limited;
    if (http_status >= 500) return send_verdict::retry;
    if (http_status != 200) return send_verdict::permanent_failure;
    auto j = json::parse(response_body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("errcode") || !j["errcode"].is_number_integer())
        return send_verdict::retry;  // a proxy's error page: try again later
    auto code = j["errcode"].get<long>();
    if (code == 0) return send_verdict::delivered;
    if (code == 130101) return send_verdict::rate_limited;  // 20/min exceeded: the robot is blocked 10 min
    if (code == -1) return send_verdict::retry;              // system busy
    return send_verdict::permanent_failure;                  // 310000 sign/keyword/IP, 300001 token, …
}

}  // namespace adapters
