// Feishu outbound: im/v1/messages (text, or an interactive card with the post's buttons), the
// reply API, the custom bot webhook; the verdict on the answers and the gateway's wait.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>

#include "adapters/crypto.hpp"
#include "adapters/feishu.hpp"
#include "adapters/text_util.hpp"

namespace adapters {

namespace {

using json = nlohmann::ordered_json;

std::string dump(const json& j) {
    // Invalid UTF-8 in a post must not throw out of encode(): replace it with U+FFFD.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

enum class tag_style { text, card };

std::string at_tag(const mention_target& m, tag_style style) {
    if (style == tag_style::card) return "<at id=" + m.account + "></at>";
    return "<at user_id=\"" + m.account + "\">" + m.name + "</at>";
}

// Splits `text` into pieces whose request body (`body_of`, mentions applied) fits `limit`: cut on
// UTF-8 boundaries for a budget that leaves room for the JSON around the text and the mention
// tags, and cut again smaller where escaping still makes a body too big. Each mention goes where
// its "@name" is (the first piece that has it), or on the last piece when no piece has it.
std::vector<std::string> fit(const std::string& text, const std::vector<mention_target>& mentions,
                             tag_style style, std::size_t limit,
                             const std::function<std::string(const std::string&, bool last)>& body_of) {
    std::size_t tags = 0;
    for (const auto& m : mentions) tags += at_tag(m, style).size() + 1;
    const std::size_t overhead = body_of("", true).size() + tags;
    std::size_t budget = limit > overhead + 256 ? limit - overhead : 256;
    for (;;) {
        auto pieces = split_utf8(text, budget);
        if (pieces.empty()) pieces.emplace_back();
        std::vector<bool> placed(mentions.size(), false);
        for (auto& piece : pieces) {
            for (std::size_t k = 0; k < mentions.size(); ++k) {
                const auto& m = mentions[k];
                if (placed[k] || m.account.empty() || m.name.empty()) continue;
                const auto shown = "@" + m.name;
                if (auto pos = piece.find(shown); pos != std::string::npos) {
                    piece.replace(pos, shown.size(), at_tag(m, style));
                    placed[k] = true;
                }
            }
        }
        for (std::size_t k = 0; k < mentions.size(); ++k) {
            if (placed[k] || mentions[k].account.empty()) continue;
            auto& last = pieces.back();
            if (!last.empty() && last.back() != '\n' && last.back() != ' ') last.push_back(' ');
            last += at_tag(mentions[k], style);
        }
        std::vector<std::string> bodies;
        bool fits = true;
        for (std::size_t i = 0; i < pieces.size() && fits; ++i) {
            bodies.push_back(body_of(pieces[i], i + 1 == pieces.size()));
            fits = bodies.back().size() <= limit;
        }
        if (fits || budget <= 256) return bodies;
        budget /= 2;  // escaping (quotes, line breaks, control characters) took more than the margin
    }
}

std::string card_json(const std::string& markdown, const std::vector<core::post_action>& actions) {
    json card;
    card["config"]["wide_screen_mode"] = true;
    card["elements"] = json::array({json{{"tag", "markdown"}, {"content", markdown}}});
    if (!actions.empty()) {
        json buttons = json::array();
        for (const auto& a : actions)
            buttons.push_back(json{{"tag", "button"},
                                   {"text", {{"tag", "plain_text"}, {"content", a.label}}},
                                   {"type", buttons.empty() ? "primary" : "default"},
                                   {"value", {{"command", a.command}}}});
        card["elements"].push_back(json{{"tag", "action"}, {"actions", std::move(buttons)}});
    }
    return dump(card);
}

outbound_request json_request(std::string url, std::string body) {
    outbound_request req;
    req.url = std::move(url);
    req.headers["content-type"] = "application/json; charset=utf-8";
    req.body = std::move(body);
    return req;
}

std::optional<std::int64_t> code_of(std::string_view body) {
    const auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    for (const char* name : {"code", "StatusCode"}) {
        const auto it = j.find(name);
        if (it != j.end() && it->is_number_integer()) return it->get<std::int64_t>();
    }
    return std::nullopt;
}

}  // namespace

std::vector<outbound_request> feishu_adapter::app_requests(
    const std::string& url, const std::string& receive_id, const core::outbound_post& post,
    const std::vector<mention_target>& mentions) const {
    const bool card = !post.actions.empty();
    const bool reply = receive_id.empty();
    auto body_of = [&](const std::string& piece, bool last) {
        json body;
        if (!reply) body["receive_id"] = receive_id;
        body["msg_type"] = card ? "interactive" : "text";
        body["content"] = card ? card_json(piece, last ? post.actions : std::vector<core::post_action>{})
                               : dump(json{{"text", piece}});
        // A placeholder of the uuid's size while measuring; the real one is set below.
        if (post.outbox_id > 0) body["uuid"] = std::string(24, 'x');
        return dump(body);
    };
    auto bodies = fit(post.text, mentions, card ? tag_style::card : tag_style::text,
                      card ? max_card_body : max_text_body, body_of);
    std::vector<outbound_request> out;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        auto body = json::parse(bodies[i]);
        // Feishu sends each uuid at most once (1 hour): a retried part is not posted twice. A reply
        // has uuids of its own, so that falling back to a new message is not taken for a repeat.
        if (post.outbox_id > 0)
            body["uuid"] = "cb-" + std::to_string(post.outbox_id) + (reply ? "-r" : "-") + std::to_string(i);
        out.push_back(json_request(url, dump(body)));
    }
    return out;
}

std::vector<outbound_request> feishu_adapter::encode(const core::outbound_post& post,
                                                     const std::vector<mention_target>& mentions,
                                                     core::instant now) const {
    if (post.text.empty()) return {};
    if (config_.webhook_url.empty()) {
        if (!config_.app) return {};
        std::string receive_id;
        if (auto it = config_.chat_ids.find(post.chat); it != config_.chat_ids.end())
            receive_id = it->second;
        else if (post.chat.starts_with("oc_"))
            receive_id = post.chat;
        if (receive_id.empty()) return {};
        return app_requests(config_.gateway + "/open-apis/im/v1/messages?receive_id_type=chat_id", receive_id,
                            post, mentions);
    }
    // The custom bot: text only (its cards cannot call back), signed per request.
    const auto ts = std::to_string(core::to_ms(now) / 1000);
    auto body_of = [&](const std::string& piece, bool) {
        json body;
        if (!config_.webhook_secret.empty()) {
            body["timestamp"] = ts;
            body["sign"] = feishu_bot_sign(ts, config_.webhook_secret);
        }
        body["msg_type"] = "text";
        body["content"]["text"] = piece;
        return dump(body);
    };
    std::vector<outbound_request> out;
    for (auto& body : fit(post.text, mentions, tag_style::text, max_webhook_body, body_of))
        out.push_back(json_request(config_.webhook_url, std::move(body)));
    return out;
}

std::vector<outbound_request> feishu_adapter::encode_reply(std::string_view message_id,
                                                           const core::outbound_post& post,
                                                           const std::vector<mention_target>& mentions,
                                                           core::instant) const {
    if (!config_.app || message_id.empty() || post.text.empty()) return {};
    return app_requests(
        config_.gateway + "/open-apis/im/v1/messages/" + crypto::url_encode(message_id) + "/reply", {}, post,
        mentions);
}

adapter::send_verdict feishu_adapter::classify(int http_status, std::string_view response_body) const {
    if (http_status <= 0 || http_status == 408) return send_verdict::retry;
    if (http_status == 429) return send_verdict::rate_limited;
    // Feishu answers its errors with a JSON code, often under HTTP 400: the code decides.
    if (const auto code = code_of(response_body)) {
        switch (*code) {
            case 0:
                return http_status >= 200 && http_status < 300 ? send_verdict::delivered
                                                               : send_verdict::retry;
            case 230020:  // too fast for this chat (5 a second per group)
            case 11232:   // the tenant's message rate
            case 9499:    // the custom bot's "too many request"
                return send_verdict::rate_limited;
            case 99991663:  // tenant token invalid
            case 99991661:  // token missing
            case 99991668:  // token expired
                return send_verdict::retry;
            case 19021:   // custom bot: sign mismatch or timestamp off by more than an hour
            case 230025:  // content too long
            case 230006:  // bot ability not enabled
            case 230002:  // the bot is not in the chat
            case 230028:  // refused by the DLP audit
                return send_verdict::permanent_failure;
            default:
                return http_status >= 500 ? send_verdict::retry : send_verdict::permanent_failure;
        }
    }
    if (http_status >= 500) return send_verdict::retry;
    // A 2xx without Feishu's JSON is a proxy's page, not Feishu's verdict: try again later.
    if (http_status >= 200 && http_status < 300) return send_verdict::retry;
    return send_verdict::permanent_failure;
}

std::chrono::milliseconds feishu_adapter::wait_after(const std::map<std::string, std::string>& headers,
                                                     std::string_view) const {
    const auto it = headers.find("x-ogw-ratelimit-reset");
    if (it == headers.end()) return std::chrono::milliseconds{0};
    const auto seconds = text::parse_int64(std::string(text::trim(it->second)));
    if (!seconds || *seconds <= 0) return std::chrono::milliseconds{0};
    return std::chrono::milliseconds{std::min<std::int64_t>(*seconds, 3600) * 1000};
}

}  // namespace adapters
