#include "support/slack_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <thread>
#include "transport/coroutine_frames.hpp"

namespace fake {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

namespace {

adapters::raw_response slack_error(const std::string& error, int status = 200) {
    return {status, "application/json", json{{"ok", false}, {"error", error}}.dump()};
}

std::size_t characters(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    return n;
}

// Block Kit limits Slack enforces with invalid_blocks: section text 3,000 characters, at most 25
// elements an actions block, button labels 75 characters and values 2,000.
bool blocks_valid(const json& blocks) {
    if (!blocks.is_array() || blocks.size() > 50) return false;
    for (const auto& b : blocks) {
        const auto type = b.value("type", "");
        if (type == "section") {
            if (!b.contains("text") || !b["text"].is_object() || !b["text"]["text"].is_string() ||
                characters(b["text"]["text"].get<std::string>()) > 3000)
                return false;
        } else if (type == "actions") {
            if (!b.contains("elements") || !b["elements"].is_array() || b["elements"].empty() ||
                b["elements"].size() > 25)
                return false;
            for (const auto& e : b["elements"]) {
                if (e.value("type", "") != "button" || !e.contains("text") || !e["text"].is_object() ||
                    e["text"].value("type", "") != "plain_text" || !e["text"]["text"].is_string() ||
                    characters(e["text"]["text"].get<std::string>()) > 75 || !e["value"].is_string() ||
                    characters(e["value"].get<std::string>()) > 2000)
                    return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string slack_mention_envelope(const std::string& envelope_id, const std::string& user,
                                   const std::string& channel, const std::string& ts, const std::string& text,
                                   int retry_attempt) {
    json payload = {{"token", "verification-token"},
                    {"team_id", "T0TEAM"},
                    {"api_app_id", "A0APP"},
                    {"type", "event_callback"},
                    {"event_id", "Ev" + envelope_id},
                    {"event_time", 1767225600},
                    {"authorizations", {{{"team_id", "T0TEAM"}, {"user_id", "U0BOT"}, {"is_bot", true}}}},
                    {"event",
                     {{"type", "app_mention"},
                      {"user", user},
                      {"text", "<@U0BOT> " + text},
                      {"ts", ts},
                      {"channel", channel},
                      {"event_ts", ts}}}};
    return json{{"envelope_id", envelope_id},     {"payload", payload},
                {"type", "events_api"},           {"accepts_response_payload", false},
                {"retry_attempt", retry_attempt}, {"retry_reason", retry_attempt > 0 ? "timeout" : ""}}
        .dump();
}

std::string slack_disconnect(const std::string& reason) {
    return json{{"type", "disconnect"}, {"reason", reason}, {"debug_info", {{"host", "applink-fake"}}}}
        .dump();
}

slack_server::slack_server(asio::io_context& ioc, std::vector<std::vector<socket_step>> scripts)
    : ioc_(ioc),
      scripts_(std::move(scripts)),
      ws_(ioc, [this](asio::ip::tcp::socket s) { return connection(std::move(s)); }),
      http_(ioc, [this](const adapters::raw_request& r) { return handle(r); }) {}

void slack_server::stop() {
    ws_.close();
    http_.stop();
}

void slack_server::set_channels(std::set<std::string> channels) {
    std::lock_guard<std::mutex> lock(mutex_);
    channels_ = std::move(channels);
}

std::vector<json> slack_server::posts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return posts_;
}

int slack_server::posts_in(const std::string& channel) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = per_channel_.find(channel);
    return it == per_channel_.end() ? 0 : it->second;
}

std::vector<std::pair<int, std::string>> slack_server::acks() {
    std::lock_guard<std::mutex> lock(mutex_);
    return acks_;
}

std::vector<std::string> slack_server::events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
}

void slack_server::record(std::string event) {
    std::lock_guard<std::mutex> lock(mutex_);
    events_.push_back(std::move(event));
}

adapters::raw_response slack_server::handle(const adapters::raw_request& r) {
    if (r.method != "POST") return slack_error("method_not_supported", 405);
    if (r.path() == "/apps.connections.open") return open(r);
    if (r.path() == "/chat.postMessage") return post_message(r);
    return slack_error("unknown_method", 404);
}

adapters::raw_response slack_server::open(const adapters::raw_request& r) {
    const auto* auth = r.header("authorization");
    if (auth == nullptr) {
        ++bad_tokens_;
        return slack_error("not_authed");
    }
    if (auth->rfind("Bearer xoxb-", 0) == 0) {
        ++bad_tokens_;
        return slack_error("not_allowed_token_type");
    }
    if (*auth != "Bearer " + slack_app_token) {
        ++bad_tokens_;
        return slack_error("invalid_auth");
    }
    const auto ticket = "t" + std::to_string(++urls_issued_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tickets_.insert(ticket);
    }
    return {200, "application/json",
            json{{"ok", true},
                 {"url", "ws://127.0.0.1:" + std::to_string(ws_.port()) + "/link/?ticket=" + ticket +
                             "&app_id=A0APP"}}
                .dump()};
}

adapters::raw_response slack_server::post_message(const adapters::raw_request& r) {
    const auto* auth = r.header("authorization");
    if (auth == nullptr || *auth != "Bearer " + slack_bot_token) {
        ++bad_tokens_;
        return slack_error(auth == nullptr ? "not_authed" : "invalid_auth");
    }
    const auto* type = r.header("content-type");
    if (type == nullptr || type->rfind("application/json", 0) != 0) return slack_error("invalid_arguments");
    auto body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) return slack_error("invalid_json");
    if (!body.contains("channel") || !body["channel"].is_string()) return slack_error("channel_not_found");
    const auto channel = body["channel"].get<std::string>();
    const bool has_text =
        body.contains("text") && body["text"].is_string() && !body["text"].get<std::string>().empty();
    if (!has_text && !body.contains("blocks")) return slack_error("no_text");
    if (has_text && characters(body["text"].get<std::string>()) > 40000) return slack_error("msg_too_long");
    if (body.contains("blocks") && !blocks_valid(body["blocks"])) return slack_error("invalid_blocks");
    if (body.contains("thread_ts") && !body["thread_ts"].is_string()) return slack_error("invalid_thread_ts");
    std::lock_guard<std::mutex> lock(mutex_);
    if (!channels_.empty() && !channels_.count(channel)) return slack_error("channel_not_found");
    const auto now = std::chrono::steady_clock::now();
    if (auto it = last_post_.find(channel);
        it != last_post_.end() && now - it->second < std::chrono::seconds(1)) {
        ++rate_limited_;
        auto res = slack_error("ratelimited", 429);
        res.headers["Retry-After"] = "1";
        return res;
    }
    last_post_[channel] = now;
    ++per_channel_[channel];
    posts_.push_back(body);
    return {200, "application/json",
            json{{"ok", true},
                 {"channel", channel},
                 {"ts", "1767225700.00" + std::to_string(1000 + posts_.size())}}
                .dump()};
}

asio::awaitable<void> slack_server::connection(asio::ip::tcp::socket socket) {
    auto tuple = asio::as_tuple(asio::use_awaitable);
    websocket::stream<beast::tcp_stream> ws(std::move(socket));
    beast::http::request<beast::http::string_body> req;
    beast::flat_buffer buf;
    auto [rec, rn] = co_await beast::http::async_read(ws.next_layer(), buf, req, tuple);
    (void)rn;
    if (rec) co_return;
    std::string target(req.target());
    const auto pos = target.find("ticket=");
    auto ticket = pos == std::string::npos ? std::string{} : target.substr(pos + 7);
    ticket = ticket.substr(0, ticket.find('&'));
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!tickets_.erase(ticket)) co_return;  // unknown or used again: refused
    }
    auto [aec] = co_await ws.async_accept(req, tuple);
    if (aec) co_return;
    const int n = ++sockets_;
    record("open " + std::to_string(n));
    auto send = [&](const std::string& frame) -> asio::awaitable<bool> {
        ws.text(true);
        auto [wec, wn] = co_await ws.async_write(asio::buffer(frame), tuple);
        (void)wn;
        co_return !wec;
    };
    // Reads one frame; records it when it is an ack. False when the socket is gone.
    auto read_ack = [&](std::string& envelope) -> asio::awaitable<bool> {
        beast::flat_buffer b;
        auto [e, bn] = co_await ws.async_read(b, tuple);
        (void)bn;
        if (e) co_return false;
        auto j = json::parse(beast::buffers_to_string(b.data()), nullptr, false);
        envelope = j.is_object() && j.contains("envelope_id") && j["envelope_id"].is_string()
                       ? j["envelope_id"].get<std::string>()
                       : std::string{};
        if (!envelope.empty()) {
            {
                std::lock_guard<std::mutex> lock(mutex_);
                acks_.emplace_back(n, envelope);
            }
            if (on_ack) on_ack(n, envelope);
        }
        co_return true;
    };
    bool open = co_await send(R"({"type":"hello","num_connections":1,"debug_info":{"host":"applink-fake"},)"
                              R"("connection_info":{"app_id":"A0APP"}})");
    const auto* script =
        n <= static_cast<int>(scripts_.size()) ? &scripts_[static_cast<std::size_t>(n - 1)] : nullptr;
    for (std::size_t i = 0; open && script != nullptr && i < script->size(); ++i) {
        const auto& step = (*script)[i];
        if (step.what == socket_step::kind::send) {
            open = co_await send(step.text);
        } else if (step.what == socket_step::kind::await_ack) {
            std::string envelope;
            while (open && envelope != step.text) open = co_await read_ack(envelope);
        } else if (step.what == socket_step::kind::drop) {
            record("dropped " + std::to_string(n));
            ++scripts_done_;
            beast::error_code ignored;
            beast::get_lowest_layer(ws).socket().close(ignored);
            co_return;
        } else {
            asio::steady_timer t(ioc_);
            t.expires_after(step.time);
            co_await t.async_wait(tuple);
        }
    }
    if (script != nullptr) ++scripts_done_;
    std::string envelope;
    while (open) open = co_await read_ack(envelope);  // until the client closes it
    record("closed " + std::to_string(n));
}
bool threaded_slack_server::wait_for_posts(std::size_t n, std::chrono::milliseconds limit) {
    return loopback::eventually([&] { return server_.posts().size() >= n; }, limit);
}

}  // namespace fake
