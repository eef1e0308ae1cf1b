#include "adapters/slack.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include "adapters/crypto.hpp"
#include "adapters/slack_markup.hpp"
#include "adapters/text_util.hpp"

namespace adapters {

namespace {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

const std::string* string_field(const json& obj, const char* name) {
    if (!obj.is_object()) return nullptr;
    const auto it = obj.find(name);
    if (it == obj.end() || !it->is_string()) return nullptr;
    return it->get_ptr<const std::string*>();
}

// A non-empty string field, or nullptr.
const std::string* nonempty(const json& obj, const char* name) {
    const auto* s = string_field(obj, name);
    return s != nullptr && !s->empty() ? s : nullptr;
}

const json& object_field(const json& obj, const char* name) {
    static const json empty = json::object();
    if (!obj.is_object()) return empty;
    const auto it = obj.find(name);
    return it != obj.end() && it->is_object() ? *it : empty;
}

std::string dump(const ordered_json& j) {
    // Invalid UTF-8 in a post must not throw out of encode(): replace it with U+FFFD.
    return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != prefix[i]) return false;
    }
    return true;
}

// application/x-www-form-urlencoded fields ('+' is a space), through Boost.URL; the first of a
// repeated name wins. nullopt when the body is not such a string.
std::optional<std::map<std::string, std::string>> form_fields(std::string_view body) {
    if (!boost::urls::parse_query(body)) return std::nullopt;  // checked first: the view below would throw
    std::map<std::string, std::string> out;
    boost::urls::params_view params(body, boost::urls::encoding_opts(/*space_as_plus=*/true));
    for (const auto& p : params) out.try_emplace(p.key, p.value);
    return out;
}

// A Slack conversation id: C…, G… or D… followed by upper-case letters and digits.
bool looks_like_channel(std::string_view id) {
    if (id.size() < 2 || (id[0] != 'C' && id[0] != 'G' && id[0] != 'D')) return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

// The bot's member id: configured, or the bot among the event's authorizations.
std::string bot_user_of(const json& payload, const std::string& configured) {
    if (!configured.empty()) return configured;
    const auto it = payload.find("authorizations");
    if (it == payload.end() || !it->is_array()) return {};
    for (const auto& a : *it) {
        const auto bot = a.is_object() ? a.find("is_bot") : a.end();
        if (bot != a.end() && bot->is_boolean() && bot->get<bool>())
            if (const auto* u = nonempty(a, "user_id")) return *u;
    }
    return {};
}

// "channel:thread_ts", the reply handle of a message in `channel`.
std::string reply_handle(const std::string& channel, const std::string* thread_ts, const std::string* ts) {
    const std::string* t = thread_ts != nullptr ? thread_ts : ts;
    return t != nullptr ? channel + ":" + *t : std::string{};
}

}  // namespace

std::string slack_signature(std::string_view signing_secret, std::string_view timestamp,
                            std::string_view body) {
    std::string base = "v0:";
    base.append(timestamp);
    base.push_back(':');
    base.append(body);
    return "v0=" + hex(crypto::hmac_sha256(signing_secret, base));
}

slack_adapter::slack_adapter(slack_config config) : config_(std::move(config)) {
    while (!config_.api.empty() && config_.api.back() == '/') config_.api.pop_back();
}

inbound_result slack_adapter::decode(const raw_request& req, core::instant now) const {
    const std::string* ts = req.header("x-slack-request-timestamp");
    const std::string* sig = req.header("x-slack-signature");
    if (ts == nullptr || sig == nullptr || ts->empty() || sig->empty())
        return refuse(errc::missing_signature, "X-Slack-Request-Timestamp or X-Slack-Signature missing");
    const auto seconds = text::parse_int64(*ts);
    if (!seconds) return refuse(errc::bad_signature, "X-Slack-Request-Timestamp is not a number");
    const std::int64_t skew = core::to_ms(now) / 1000 - *seconds;
    if (skew > window_s || skew < -window_s)
        return refuse(errc::stale_timestamp, "timestamp skew " + std::to_string(skew) + " s");
    if (config_.signing_secret.empty() ||
        !crypto::constant_time_equal(*sig, slack_signature(config_.signing_secret, *ts, req.body)))
        return refuse(errc::bad_signature, "X-Slack-Signature does not match");

    // Interactivity (and slash commands) arrive form-encoded, events as JSON.
    const std::string* type_header = req.header("content-type");
    if (type_header != nullptr && starts_with_ci(*type_header, "application/x-www-form-urlencoded")) {
        auto fields = form_fields(req.body);
        if (!fields) return refuse(errc::malformed_body, "form body does not parse");
        if (auto it = fields->find("payload"); it != fields->end())
            return decode_interaction(it->second, now);
        if (fields->count("command")) return refuse(errc::unsupported_event, "slash command");
        return refuse(errc::malformed_body, "form body without payload");
    }
    const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object())
        return refuse(errc::malformed_body, "body is not a JSON object");
    const auto* type = string_field(body, "type");
    if (type == nullptr) return refuse(errc::malformed_body, "no type");
    if (*type == "url_verification") {
        const auto* challenge = string_field(body, "challenge");
        if (challenge == nullptr) return refuse(errc::malformed_body, "url_verification without challenge");
        inbound_result r;
        r.reply = raw_response{200, "text/plain; charset=utf-8", *challenge};
        r.detail = "url_verification";
        return r;
    }
    if (*type != "event_callback") return refuse(errc::unsupported_event, "callback type " + log_word(*type));
    return decode_event(req.body, now);
}

inbound_result slack_adapter::decode_event(std::string_view json_text, core::instant now) const {
    const json body = json::parse(json_text, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        return refuse(errc::malformed_body, "event is not a JSON object");
    const auto it = body.find("event");
    if (it == body.end() || !it->is_object())
        return refuse(errc::malformed_body, "event_callback without event");
    const json& event = *it;
    const auto* type = string_field(event, "type");
    if (type == nullptr) return refuse(errc::malformed_body, "event without type");
    if (*type != "app_mention" && *type != "message")
        return refuse(errc::unsupported_event, "event " + log_word(*type));
    // Edits, deletions, joins and bots' posts are subtypes; a file shared with a comment is a person's post.
    if (const auto* subtype = nonempty(event, "subtype"); subtype != nullptr && *subtype != "file_share")
        return refuse(errc::unsupported_event, "message subtype " + log_word(*subtype));
    if (nonempty(event, "bot_id") != nullptr) return refuse(errc::unsupported_event, "a bot's message");
    if (const auto* kind = string_field(event, "channel_type"); kind != nullptr && *kind == "im")
        return refuse(errc::unsupported_event, "a direct message");
    const auto* user = nonempty(event, "user");
    const auto* channel = nonempty(event, "channel");
    const auto* ts = nonempty(event, "ts");
    if (user == nullptr || channel == nullptr || ts == nullptr)
        return refuse(errc::malformed_body, "message event without user, channel or ts");
    const std::string bot = bot_user_of(body, config_.bot_user);
    if (*user == bot) return refuse(errc::unsupported_event, "our own message");

    core::inbound_message m;
    m.platform = "slack";
    m.chat = *channel;
    // The message's identity, not the event's: Slack's retries, the Socket Mode copy and the
    // app_mention and message events of one post all carry the same channel and ts.
    m.msg_id = *channel + ":" + *ts;
    m.sender = *user;
    const auto* raw_text = string_field(event, "text");
    m.text = slack_readable(raw_text != nullptr ? *raw_text : std::string{}, bot, *type == "app_mention");
    // Files only from a post addressed to the bot: the bot answers a file it cannot read, and a
    // channel's other pictures are none of its business.
    const bool addressed = *type == "app_mention" || (raw_text != nullptr && !bot.empty() &&
                                                      raw_text->find("<@" + bot) != std::string::npos);
    if (const auto files = event.find("files"); addressed && files != event.end() && files->is_array()) {
        for (const auto& f : *files)
            if (const auto* id = nonempty(f, "id")) m.attachments.push_back({"file", *id});
    }
    if (m.text.empty() && !m.attachments.empty()) m.unreadable = "file";
    m.received_at = now;
    m.reply_handle = reply_handle(*channel, nonempty(event, "thread_ts"), ts);
    inbound_result r;
    r.message = std::move(m);
    r.detail = log_word(*type) + " event";
    return r;
}

inbound_result slack_adapter::decode_interaction(std::string_view json_text, core::instant now) const {
    const json p = json::parse(json_text, nullptr, false);
    if (p.is_discarded() || !p.is_object())
        return refuse(errc::malformed_body, "payload is not a JSON object");
    const auto* type = string_field(p, "type");
    if (type == nullptr) return refuse(errc::malformed_body, "payload without type");
    if (*type != "block_actions") return refuse(errc::unsupported_event, "interaction " + log_word(*type));
    const auto* user = nonempty(object_field(p, "user"), "id");
    const auto* channel = nonempty(object_field(p, "channel"), "id");
    const json& container = object_field(p, "container");
    if (channel == nullptr) channel = nonempty(container, "channel_id");
    const auto actions = p.find("actions");
    if (user == nullptr || channel == nullptr || actions == p.end() || !actions->is_array() ||
        actions->empty())
        return refuse(errc::malformed_body, "block_actions without user, channel or actions");
    const json& action = actions->front();
    const auto* action_ts = nonempty(action, "action_ts");
    if (action_ts == nullptr) return refuse(errc::malformed_body, "action without action_ts");
    const auto* value = string_field(action, "value");
    if (value == nullptr || text::trim(*value).empty())
        return refuse(errc::unsupported_event, "an action without a command (not one of our buttons)");

    core::inbound_message m;
    m.platform = "slack";
    m.chat = *channel;
    m.msg_id = "press:" + *action_ts + ":" + *user;  // one per press; a redelivered press is the same
    m.sender = *user;
    m.text = std::string(text::trim(*value));
    m.received_at = now;
    const json& message = object_field(p, "message");
    const auto* thread = nonempty(message, "thread_ts");
    const auto* ts = nonempty(message, "ts");
    if (ts == nullptr) ts = nonempty(container, "message_ts");
    m.reply_handle = reply_handle(*channel, thread, ts);
    inbound_result r;
    r.message = std::move(m);
    r.detail = "button press";
    return r;
}

slack_socket_result slack_adapter::decode_socket_frame(std::string_view text, core::instant now) const {
    slack_socket_result out;
    const json frame = json::parse(text, nullptr, false);
    if (frame.is_discarded() || !frame.is_object()) {
        out.inbound = refuse(errc::malformed_body, "socket frame is not a JSON object");
        return out;
    }
    const auto* type = string_field(frame, "type");
    if (type == nullptr) {
        out.inbound = refuse(errc::malformed_body, "socket frame without type");
        return out;
    }
    if (*type == "hello") {
        out.kind = slack_frame_kind::hello;
        out.inbound = refuse(errc::unsupported_event, "hello");
        return out;
    }
    if (*type == "disconnect") {
        out.kind = slack_frame_kind::disconnect;
        const auto* reason = string_field(frame, "reason");
        out.reason = reason != nullptr ? log_word(*reason) : std::string("unknown");
        out.inbound = refuse(errc::unsupported_event, "disconnect " + out.reason);
        return out;
    }
    const auto* envelope = nonempty(frame, "envelope_id");
    if (envelope == nullptr) {
        out.inbound =
            refuse(errc::malformed_body, "socket frame " + log_word(*type) + " without envelope_id");
        return out;
    }
    // Every envelope is acknowledged once handled, even one we cannot use: a redelivery would not
    // make it usable.
    out.ack = dump(ordered_json{{"envelope_id", *envelope}});
    const auto payload = frame.find("payload");
    const bool has_payload = payload != frame.end() && payload->is_object();
    if (*type == "events_api") {
        out.kind = slack_frame_kind::events_api;
        if (!has_payload)
            out.inbound = refuse(errc::malformed_body, "events_api envelope without payload");
        else if (const auto* ptype = string_field(*payload, "type");
                 ptype == nullptr || *ptype != "event_callback")
            out.inbound = refuse(errc::unsupported_event, "events_api payload not an event_callback");
        else
            out.inbound = decode_event(payload->dump(), now);
        return out;
    }
    if (*type == "interactive") {
        out.kind = slack_frame_kind::interactive;
        out.inbound = has_payload ? decode_interaction(payload->dump(), now)
                                  : refuse(errc::malformed_body, "interactive envelope without payload");
        return out;
    }
    out.inbound = refuse(errc::unsupported_event, "envelope " + log_word(*type));
    return out;
}

std::vector<outbound_request> slack_adapter::requests(const std::string& channel,
                                                      const std::string& thread_ts,
                                                      const core::outbound_post& post,
                                                      const std::vector<mention_target>& mentions) const {
    if (channel.empty() || post.text.empty()) return {};
    const std::string text = slack_markup::apply_mentions(slack_markup::escape(post.text), mentions);
    const auto pieces = slack_markup::split(text, post.actions.empty() ? max_text_bytes : section_bytes);
    std::vector<outbound_request> out;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        ordered_json body;
        body["channel"] = channel;
        body["text"] = pieces[i];
        if (!thread_ts.empty()) body["thread_ts"] = thread_ts;
        if (i + 1 == pieces.size() && !post.actions.empty()) {
            ordered_json blocks = ordered_json::array();
            blocks.push_back({{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", pieces[i]}}}});
            // At most 25 elements an actions block; labels 75 characters, values 2,000.
            ordered_json elements = ordered_json::array();
            for (std::size_t k = 0; k < post.actions.size(); ++k) {
                const auto& a = post.actions[k];
                const std::string label = a.label.empty() ? a.command : a.label;
                elements.push_back(
                    {{"type", "button"},
                     {"action_id", "cmd-" + std::to_string(k)},
                     {"text", {{"type", "plain_text"}, {"text", split_utf8(label, 75).front()}}},
                     {"value", split_utf8(a.command, 2000).front()}});
                if (elements.size() == 25 || k + 1 == post.actions.size()) {
                    blocks.push_back({{"type", "actions"}, {"elements", elements}});
                    elements = ordered_json::array();
                }
            }
            body["blocks"] = std::move(blocks);
        }
        body["unfurl_links"] = false;
        outbound_request req;
        req.url = config_.api + "/chat.postMessage";
        req.headers["Content-Type"] = "application/json; charset=utf-8";
        req.headers["Authorization"] = "Bearer " + config_.bot_token;
        req.body = dump(body);
        out.push_back(std::move(req));
    }
    return out;
}

std::vector<outbound_request> slack_adapter::encode(const core::outbound_post& post,
                                                    const std::vector<mention_target>& mentions,
                                                    core::instant) const {
    std::string channel;
    if (auto it = config_.channels.find(post.chat); it != config_.channels.end())
        channel = it->second;
    else if (looks_like_channel(post.chat))
        channel = post.chat;
    return requests(channel, {}, post, mentions);
}

std::vector<outbound_request> slack_adapter::encode_reply(std::string_view handle,
                                                          const core::outbound_post& post,
                                                          const std::vector<mention_target>& mentions,
                                                          core::instant) const {
    const auto colon = handle.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == handle.size()) return {};
    return requests(std::string(handle.substr(0, colon)), std::string(handle.substr(colon + 1)), post,
                    mentions);
}

adapter::send_verdict slack_adapter::classify(int http_status, std::string_view response_body) const {
    if (http_status <= 0 || http_status == 408 || http_status >= 500) return send_verdict::retry;
    if (http_status == 429) return send_verdict::rate_limited;
    if (http_status < 200 || http_status >= 300) return send_verdict::permanent_failure;
    const json body = json::parse(response_body, nullptr, false);
    const auto ok = body.is_object() ? body.find("ok") : body.end();
    // A 200 without Slack's JSON is a proxy's page, not Slack's verdict: try again later.
    if (body.is_discarded() || !body.is_object() || ok == body.end() || !ok->is_boolean())
        return send_verdict::retry;
    if (ok->get<bool>()) return send_verdict::delivered;
    const auto* error = string_field(body, "error");
    const std::string e = error != nullptr ? *error : std::string{};
    if (e == "rate_limited" || e == "ratelimited") return send_verdict::rate_limited;
    if (e == "internal_error" || e == "fatal_error" || e == "service_unavailable" || e == "request_timeout")
        return send_verdict::retry;
    // not_in_channel, channel_not_found, invalid_auth, msg_too_long, no_text, account_inactive,
    // invalid_blocks …: sending the same again cannot succeed.
    return send_verdict::permanent_failure;
}

std::chrono::milliseconds slack_adapter::wait_after(const std::map<std::string, std::string>& headers,
                                                    std::string_view) const {
    const auto it = headers.find("retry-after");
    if (it == headers.end()) return std::chrono::milliseconds{0};
    const auto seconds = text::parse_int64(text::trim(it->second));
    if (!seconds) return std::chrono::milliseconds{0};
    return std::chrono::seconds(std::min<std::int64_t>(*seconds, 3600));
}

}  // namespace adapters
