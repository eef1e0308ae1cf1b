#include "adapters/dingtalk_events.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <utility>

#include "adapters/text_util.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;

std::optional<std::string> first_query(const raw_request& req, const char* a, const char* b) {
    if (auto v = req.query(a)) return v;
    return req.query(b);
}

// A string, or an integer rendered as text; nullopt otherwise.
std::optional<std::string> scalar(const json& obj, const char* name) {
    const auto it = obj.find(name);
    if (it == obj.end()) return std::nullopt;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    return std::nullopt;
}

// UserId (["…"], as the address-book events send it) or userId; a lone string is taken too.
std::vector<std::string> user_ids(const json& event) {
    std::vector<std::string> out;
    for (const char* name : {"UserId", "userId"}) {
        const auto it = event.find(name);
        if (it == event.end()) continue;
        if (it->is_string() && !it->get<std::string>().empty()) out.push_back(it->get<std::string>());
        if (it->is_array())
            for (const auto& v : *it)
                if (v.is_string() && !v.get<std::string>().empty()) out.push_back(v.get<std::string>());
        if (!out.empty()) break;
    }
    return out;
}

}  // namespace

dingtalk_events::dingtalk_events(std::string token, std::string_view aes_key, std::string receive_id)
    : crypt_(token, aes_key), receive_id_(std::move(receive_id)) {
    if (token.empty()) throw std::invalid_argument("DingTalk event subscription token must not be empty");
}

raw_response dingtalk_events::success(core::instant now, std::string_view random16,
                                      std::string_view nonce) const {
    const std::string ts = std::to_string(core::to_ms(now));
    const std::string encrypted = crypt_.encrypt("success", receive_id_, random16);
    json body = {{"msg_signature", crypt_.signature(ts, nonce, encrypted)},
                 {"timeStamp", ts},
                 {"nonce", std::string(nonce)},
                 {"encrypt", encrypted}};
    return {200, "application/json; charset=utf-8", body.dump()};
}

dingtalk_event_result dingtalk_events::decode(const raw_request& req, core::instant now) const {
    dingtalk_event_result out;
    if (req.method != "POST") {
        out.result = refuse(errc::malformed_body, "unexpected method");
        return out;
    }
    const auto signature = first_query(req, "signature", "msg_signature");
    const auto timestamp = first_query(req, "timestamp", "timeStamp");
    const auto nonce = req.query("nonce");
    if (!signature || !timestamp || !nonce) {
        out.result = refuse(errc::missing_signature, "signature, timestamp or nonce missing");
        return out;
    }
    const auto ts = text::parse_int64(*timestamp);
    if (!ts) {
        out.result = refuse(errc::bad_signature, "timestamp is not a number");
        return out;
    }
    // Milliseconds as DingTalk sends them; ten digits or fewer would be seconds.
    const std::int64_t ts_ms = *ts < 100'000'000'000 ? *ts * 1000 : *ts;
    const std::int64_t skew = core::to_ms(now) - ts_ms;
    if (skew > window_ms || skew < -window_ms) {
        out.result = refuse(errc::stale_timestamp, "timestamp skew " + std::to_string(skew / 1000) + " s");
        return out;
    }
    const json envelope = json::parse(req.body, nullptr, false);
    const auto encrypted = envelope.is_object() ? scalar(envelope, "encrypt") : std::nullopt;
    if (!encrypted) {
        out.result = refuse(errc::malformed_body, "body is not {\"encrypt\": …}");
        return out;
    }
    if (!crypt_.verify(*signature, *timestamp, *nonce, *encrypted)) {
        out.result = refuse(errc::bad_signature, "signature does not match");
        return out;
    }
    auto opened = crypt_.decrypt(*encrypted);
    if (!opened) {
        out.result = refuse(errc::decrypt_failed, "bad base64, padding or length");
        return out;
    }
    if (!receive_id_.empty() && opened->receive_id != receive_id_) {
        out.result =
            refuse(errc::decrypt_failed, "receive id mismatch (" + std::to_string(opened->receive_id.size()) +
                                             " bytes received): check events_receive_id");
        return out;
    }

    // Authentic from here on: DingTalk wants the encrypted success whatever the event is (it retries
    // otherwise, and a retry cannot make an event usable).
    out.result.reply = success(now, crypto::random_prefix(), crypto::random_prefix());
    const json event = json::parse(opened->msg, nullptr, false);
    if (!event.is_object()) {
        out.result.error = errc::unsupported_event;
        out.result.detail = "decrypted event is not a JSON object";
        return out;
    }
    out.event_type = scalar(event, "EventType").value_or("");
    const std::string word = out.event_type.empty() ? std::string("(none)") : log_word(out.event_type);
    dingtalk_org_event org;
    if (out.event_type == "user_leave_org") {
        org.what = dingtalk_org_event::kind::left;
    } else if (out.event_type == "user_modify_org" || out.event_type == "org_user_modify") {
        org.what = dingtalk_org_event::kind::changed;
    } else {
        // check_url (the console's check), and the events the bot has no use for.
        if (out.event_type != "check_url") out.result.error = errc::unsupported_event;
        out.result.detail = "event " + word;
        return out;
    }
    org.user_ids = user_ids(event);
    if (org.user_ids.empty()) {
        out.result.error = errc::unsupported_event;
        out.result.detail = "event " + word + " without UserId";
        return out;
    }
    std::optional<std::int64_t> when;
    for (const char* name : {"TimeStamp", "timeStamp", "EventTime"})
        if (!when)
            if (auto v = scalar(event, name)) when = text::parse_int64(*v);
    org.time = when ? core::from_ms(*when) : now;
    org.event_id = scalar(event, "eventId").value_or("");
    if (org.event_id.empty()) {
        org.event_id = out.event_type + ":" + std::to_string(core::to_ms(org.time));
        for (const auto& id : org.user_ids) org.event_id += ":" + id;
    }
    out.result.detail = "event " + word + ", " + std::to_string(org.user_ids.size()) + " user(s)";
    out.org_event = std::move(org);
    return out;
}

}  // namespace adapters
