#include "support/stream_gateway.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include "transport/coroutine_frames.hpp"

namespace fake {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

std::string data_frame(const std::string& frame_id, const std::string& data) {
    return json{{"specVersion", "1.0"},
                {"type", "CALLBACK"},
                {"headers",
                 {{"topic", "/v1.0/im/bot/messages/get"},
                  {"messageId", frame_id},
                  {"contentType", "application/json"}}},
                {"data", data}}
        .dump();
}

std::string robot_frame(const std::string& frame_id, const std::string& msg_id, const std::string& text) {
    json data = {{"msgtype", "text"},
                 {"text", {{"content", " " + text}}},
                 {"msgId", msg_id},
                 {"conversationId", "cidGROUP=="},
                 {"senderStaffId", "dt-1002"}};
    return data_frame(frame_id, data.dump());
}

std::string ping_frame(const std::string& frame_id) {
    return json{
        {"specVersion", "1.0"},
        {"type", "SYSTEM"},
        {"headers", {{"topic", "ping"}, {"messageId", frame_id}, {"contentType", "application/json"}}},
        {"data", R"({"opaque":"p-42"})"}}
        .dump();
}

std::string card_press_frame(const std::string& frame_id, const std::string& out_track_id,
                             const std::string& user, const std::vector<std::string>& action_ids,
                             const std::string& space) {
    // The fields of the SDKs' card callback (Go card.CardRequest): `content` is a JSON document
    // inside a string holding cardPrivateData.actionIds and params.
    json content = {{"cardPrivateData", {{"actionIds", action_ids}, {"params", json::object()}}}};
    json data = {{"content", content.dump()},  {"corpId", "dingCorpFake"}, {"extension", "{}"},
                 {"outTrackId", out_track_id}, {"spaceId", space},         {"spaceType", "IM_GROUP"},
                 {"type", "actionCallback"},   {"userId", user},           {"userIdType", 1}};
    return json{{"specVersion", "1.0"},
                {"type", "CALLBACK"},
                {"headers",
                 {{"topic", "/v1.0/card/instances/callback"},
                  {"messageId", frame_id},
                  {"contentType", "application/json"}}},
                {"data", data.dump()}}
        .dump();
}

stream_gateway::stream_gateway(asio::io_context& ioc, std::string client_id, std::string client_secret,
                               std::vector<std::string> script)
    : ioc_(ioc),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      script_(std::move(script)),
      ws_(ioc, [this](asio::ip::tcp::socket s) { return connection(std::move(s)); }),
      http_(ioc, [this](const adapters::raw_request& r) { return open(r); }) {}

void stream_gateway::stop() {
    ws_.close();
    http_.stop();
}

json stream_gateway::subscriptions() {
    std::lock_guard<std::mutex> lock(mutex_);
    return subscriptions_;
}

std::vector<std::string> stream_gateway::acks() {
    std::lock_guard<std::mutex> lock(mutex_);
    return acks_;
}

void stream_gateway::push(std::string frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    pushed_.push_back(std::move(frame));
}

bool stream_gateway::take_pushed(std::string& frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (pushed_.empty()) return false;
    frame = std::move(pushed_.front());
    pushed_.erase(pushed_.begin());
    return true;
}

void stream_gateway::revoke_tokens() {
    std::lock_guard<std::mutex> lock(mutex_);
    revoked_ += tokens_.size();
}

std::vector<json> stream_gateway::cards() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cards_;
}

adapters::raw_response stream_gateway::access_token(const adapters::raw_request& r) {
    ++token_requests_;
    auto body = json::parse(r.body, nullptr, false);
    if (r.method != "POST" || !body.is_object() || body.value("appKey", "") != client_id_ ||
        body.value("appSecret", "") != client_secret_)
        return {400, "application/json", R"({"code":"invalidClientIdOrSecret","message":"bad credentials"})"};
    std::lock_guard<std::mutex> lock(mutex_);
    tokens_.push_back("fake-dt-access-" + std::to_string(tokens_.size() + 1));
    return {200, "application/json", json{{"accessToken", tokens_.back()}, {"expireIn", 7200}}.dump()};
}

adapters::raw_response stream_gateway::send_card(const adapters::raw_request& r) {
    const auto* token = r.header("x-acs-dingtalk-access-token");
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const auto live = tokens_.begin() + static_cast<std::ptrdiff_t>(revoked_);
        if (token == nullptr || std::find(live, tokens_.end(), *token) == tokens_.end()) {
            ++card_refusals_;
            return {401, "application/json", R"({"code":"InvalidAuthentication","message":"token"})"};
        }
    }
    auto body = json::parse(r.body, nullptr, false);
    json card;
    bool ok = r.method == "POST" && body.is_object() && body.value("robotCode", "") == client_id_ &&
              body.value("cardTemplateId", "") == "StandardCard" &&
              !body.value("openConversationId", "").empty() && !body.value("cardBizId", "").empty() &&
              body.contains("cardData") && body["cardData"].is_string();
    if (ok) {
        card = json::parse(body["cardData"].get<std::string>(), nullptr, false);
        ok = card.is_object() && card.contains("contents") && card["contents"].is_array();
    }
    if (!ok) {
        ++card_refusals_;
        return {400, "application/json", R"({"code":"param.error","message":"bad card"})"};
    }
    body["cardData"] = card;
    std::lock_guard<std::mutex> lock(mutex_);
    cards_.push_back(body);
    return {200, "application/json",
            json{{"processQueryKey", "pqk-" + std::to_string(cards_.size())}}.dump()};
}

adapters::raw_response stream_gateway::open(const adapters::raw_request& r) {
    if (r.path() == "/v1.0/oauth2/accessToken") return access_token(r);
    if (r.path() == "/v1.0/im/v1.0/robot/interactiveCards/send") return send_card(r);
    auto body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || body.value("clientId", "") != client_id_ ||
        body.value("clientSecret", "") != client_secret_)
        return {401, "application/json", R"({"code":"invalidClient"})"};
    auto ticket = "ticket-" + std::to_string(++tickets_issued_);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        subscriptions_ = body["subscriptions"];
        valid_tickets_.push_back(ticket);
    }
    return {
        200, "application/json",
        json{{"endpoint", "ws://127.0.0.1:" + std::to_string(ws_.port()) + "/connect"}, {"ticket", ticket}}
            .dump()};
}

bool stream_gateway::take_ticket(const std::string& ticket) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find(valid_tickets_.begin(), valid_tickets_.end(), ticket);
    if (it == valid_tickets_.end()) return false;
    valid_tickets_.erase(it);  // single use
    return true;
}

void stream_gateway::record_ack(std::string ack) {
    std::lock_guard<std::mutex> lock(mutex_);
    acks_.push_back(std::move(ack));
}

asio::awaitable<void> stream_gateway::connection(asio::ip::tcp::socket socket) {
    auto tuple = asio::as_tuple(asio::use_awaitable);
    websocket::stream<beast::tcp_stream> ws(std::move(socket));
    beast::http::request<beast::http::string_body> req;
    beast::flat_buffer buf;
    auto [rec, rn] = co_await beast::http::async_read(ws.next_layer(), buf, req, tuple);
    (void)rn;
    if (rec) co_return;
    std::string target(req.target());
    auto pos = target.find("ticket=");
    auto ticket = pos == std::string::npos ? "" : target.substr(pos + 7);
    if (!take_ticket(ticket)) co_return;  // unknown or reused ticket: refused
    auto [aec] = co_await ws.async_accept(req, tuple);
    if (aec) co_return;
    const int nth = ++connections_;
    auto send = [&](const std::string& frame) -> asio::awaitable<bool> {
        ws.text(true);
        auto [wec, wn] = co_await ws.async_write(asio::buffer(frame), tuple);
        (void)wn;
        co_return !wec;
    };
    auto read = [&]() -> asio::awaitable<std::string> {
        beast::flat_buffer b;
        auto [e, n] = co_await ws.async_read(b, tuple);
        (void)n;
        co_return e ? std::string{} : beast::buffers_to_string(b.data());
    };
    if (!script_.empty()) {  // a test's own frames, each ACK read back
        for (const auto& frame : script_) {
            co_await send(frame);
            record_ack(co_await read());
        }
        done_ = true;
        // Then the pushed frames: a reader records every ACK while the writer sends what comes.
        bool closed = false;
        asio::co_spawn(
            ioc_,
            [&]() -> asio::awaitable<void> {
                for (;;) {
                    auto ack = co_await read();
                    if (ack.empty()) break;
                    record_ack(std::move(ack));
                }
                closed = true;
            },
            asio::detached);
        asio::steady_timer tick(ioc_);
        std::string frame;
        while (!closed) {
            if (take_pushed(frame)) {
                co_await send(frame);
                continue;
            }
            tick.expires_after(std::chrono::milliseconds(20));
            co_await tick.async_wait(tuple);
        }
        co_return;
    }
    if (nth == 1) {
        co_await send(ping_frame("ping-1"));
        record_ack(co_await read());
        co_await send(robot_frame("frame-1", "msg-1", "受理 P1"));
        // Drop the connection before the ACK is read: DingTalk would push the message again.
        beast::error_code ignored;
        beast::get_lowest_layer(ws).socket().close(ignored);
        co_return;
    }
    co_await send(robot_frame("frame-2", "msg-1", "受理 P1"));  // the redelivery
    record_ack(co_await read());
    co_await send(robot_frame("frame-3", "msg-2", "查询 P1"));
    record_ack(co_await read());
    done_ = true;
    co_await read();  // hold the connection open until the client closes it
}
}  // namespace fake
