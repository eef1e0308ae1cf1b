#include "support/feishu_server.hpp"

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <deque>
#include "transport/coroutine_frames.hpp"

namespace fake {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

namespace {

constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
const std::string client_config =
    R"({"ReconnectCount":-1,"ReconnectInterval":1,"ReconnectNonce":0,"PingInterval":1})";
const std::string pong_config =
    R"({"ReconnectCount":-1,"ReconnectInterval":1,"ReconnectNonce":0,"PingInterval":2})";

adapters::raw_response answer(int status, const json& body) {
    return {status, "application/json; charset=utf-8", body.dump()};
}

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void add_header(pbbp2::Frame& f, const std::string& k, const std::string& v) {
    auto* h = f.add_headers();
    h->set_key(k);
    h->set_value(v);
}

}  // namespace

struct feishu_server::conn {
    websocket::stream<beast::tcp_stream> ws;
    asio::steady_timer wake;
    std::deque<std::string> out;
    bool open = true;
    explicit conn(asio::ip::tcp::socket s) : ws(std::move(s)), wake(ws.get_executor()) {}
    void enqueue(std::string frame) {
        out.push_back(std::move(frame));
        wake.cancel();
    }
};

feishu_server::feishu_server()
    : ws_(loop_.context(), [this](asio::ip::tcp::socket s) { return connection(std::move(s)); }),
      http_(loop_.context(), [this](const adapters::raw_request& r) { return handle(r); }) {
    loop_.start();
}

feishu_server::~feishu_server() {
    loop_.stop([this] {
        ws_.close();
        http_.stop();
        if (current_) {
            current_->open = false;
            beast::error_code ignored;
            beast::get_lowest_layer(current_->ws).socket().close(ignored);
        }
    });
}

std::vector<feishu_message> feishu_server::messages() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
}

std::vector<pbbp2::Frame> feishu_server::acks() {
    std::lock_guard<std::mutex> lock(mutex_);
    return acks_;
}

void feishu_server::revoke_tokens() {
    std::lock_guard<std::mutex> lock(mutex_);
    tokens_.clear();
}

adapters::raw_response feishu_server::handle(const adapters::raw_request& r) {
    const auto path = r.path();
    if (r.method != "POST") return answer(405, {{"code", 405}});
    if (path == "/callback/ws/endpoint") return endpoint(r);
    if (path == "/open-apis/auth/v3/tenant_access_token/internal") return token(r);
    if (path == "/open-apis/im/v1/messages") return send(r, {});
    const std::string prefix = "/open-apis/im/v1/messages/";
    if (path.starts_with(prefix) && path.ends_with("/reply"))
        return send(r, path.substr(prefix.size(), path.size() - prefix.size() - 6));
    return answer(404, {{"code", 404}, {"msg", "not found"}});
}

adapters::raw_response feishu_server::token(const adapters::raw_request& r) {
    ++token_requests_;
    auto body = json::parse(r.body, nullptr, false);
    if (!body.is_object() || body.value("app_id", "") != feishu_app_id ||
        body.value("app_secret", "") != feishu_app_secret)
        return answer(200, {{"code", 10014}, {"msg", "app secret invalid"}});
    std::lock_guard<std::mutex> lock(mutex_);
    tokens_.push_back("t-g1044fake" + std::to_string(tokens_.size() + 1) + "feishutoken");
    return answer(200,
                  {{"code", 0}, {"msg", "ok"}, {"tenant_access_token", tokens_.back()}, {"expire", 7200}});
}

adapters::raw_response feishu_server::send(const adapters::raw_request& r, const std::string& reply_to) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto* auth = r.header("authorization");
    if (auth == nullptr || !auth->starts_with("Bearer ") ||
        std::find(tokens_.begin(), tokens_.end(), auth->substr(7)) == tokens_.end()) {
        ++bad_tokens_;
        return answer(400, {{"code", 99991663}, {"msg", "Invalid access token for authorization."}});
    }
    auto body = json::parse(r.body, nullptr, false);
    const bool create = reply_to.empty();
    json content;
    if (body.is_object() && body.contains("content") && body["content"].is_string())
        content = json::parse(body["content"].get<std::string>(), nullptr, false);
    if ((create && r.query("receive_id_type") != "chat_id") || !body.is_object() || !content.is_object() ||
        (create && !body.contains("receive_id")) || !body.contains("msg_type")) {
        ++bad_requests_;
        return answer(400, {{"code", 230001}, {"msg", "invalid request"}});
    }
    const std::string uuid = body.value("uuid", "");
    if (!uuid.empty() && uuids_.count(uuid)) {  // at most once per uuid: the same message again
        ++duplicates_;
        return answer(200, {{"code", 0}, {"msg", "success"}, {"data", {{"message_id", uuids_[uuid]}}}});
    }
    const std::string chat = create ? body.value("receive_id", "") : known_[reply_to];
    auto& times = sent_at_[chat];
    const auto now = steady_ms();
    times.erase(std::remove_if(times.begin(), times.end(), [&](auto t) { return now - t >= 1000; }),
                times.end());
    if (times.size() >= 5) {
        ++rate_limited_;
        return answer(400, {{"code", 230020}, {"msg", "This operation triggers the frequency limit."}});
    }
    times.push_back(now);
    const std::string id = "om_fake" + std::to_string(++next_id_);
    if (!uuid.empty()) uuids_[uuid] = id;
    messages_.push_back({chat, reply_to, body.value("msg_type", ""), content, uuid});
    return answer(200, {{"code", 0}, {"msg", "success"}, {"data", {{"message_id", id}, {"chat_id", chat}}}});
}

adapters::raw_response feishu_server::endpoint(const adapters::raw_request& r) {
    ++endpoint_requests_;
    auto body = json::parse(r.body, nullptr, false);
    if (r.header("locale") == nullptr || !body.is_object() || body.value("AppID", "") != feishu_app_id ||
        body.value("AppSecret", "") != feishu_app_secret)
        return answer(200, {{"code", 1000040344}, {"msg", "app id or secret invalid"}});
    if (endpoint_code_ != 0) return answer(200, {{"code", endpoint_code_.load()}, {"msg", "scripted"}});
    std::lock_guard<std::mutex> lock(mutex_);
    tickets_.push_back("tk" + std::to_string(endpoint_requests_.load()));
    const auto url = "ws://127.0.0.1:" + std::to_string(ws_.port()) + "/ws/v2?fpid=493&device_id=dev-" +
                     std::to_string(endpoint_requests_.load()) + "&service_id=33&ticket=" + tickets_.back();
    return answer(
        200,
        {{"code", 0}, {"msg", "ok"}, {"data", {{"URL", url}, {"ClientConfig", json::parse(client_config)}}}});
}

std::string feishu_server::push(const std::string& payload, int parts, const std::string& type) {
    // Unique per push (as Feishu's are): two events pushed in the same millisecond are two frames.
    static std::atomic<std::uint64_t> pushed{0};
    const std::string message_id = "fmsg-" + std::to_string(steady_ms()) + "-" + std::to_string(++pushed);
    auto event = json::parse(payload, nullptr, false);
    std::vector<std::string> frames;
    const std::size_t step =
        (payload.size() + static_cast<std::size_t>(parts) - 1) / static_cast<std::size_t>(parts);
    for (int i = 0; i < parts; ++i) {
        pbbp2::Frame f;
        f.set_seqid(static_cast<std::uint64_t>(i));
        f.set_logid(7);
        f.set_service(33);
        f.set_method(1);
        add_header(f, "type", type);
        add_header(f, "message_id", message_id);
        add_header(f, "sum", std::to_string(parts));
        add_header(f, "seq", std::to_string(i));
        add_header(f, "trace_id", "trace-" + message_id);
        f.set_payload(payload.substr(static_cast<std::size_t>(i) * step, step));
        frames.push_back(f.SerializeAsString());
    }
    loop_.on_loop([&] {
        if (event.is_object() && event.contains("event") && event["event"].contains("message")) {
            const auto& m = event["event"]["message"];
            std::lock_guard<std::mutex> lock(mutex_);
            known_[m.value("message_id", "")] = m.value("chat_id", "");
        }
        if (current_)
            for (auto& f : frames) current_->enqueue(f);
    });
    return message_id;
}

void feishu_server::drop() {
    loop_.on_loop([this] {
        if (!current_) return;
        current_->open = false;
        beast::error_code ignored;
        beast::get_lowest_layer(current_->ws).socket().close(ignored);
        current_->wake.cancel();
        current_.reset();
    });
}

asio::awaitable<void> feishu_server::connection(asio::ip::tcp::socket socket) {
    auto c = std::make_shared<conn>(std::move(socket));
    beast::http::request<beast::http::string_body> req;
    beast::flat_buffer buf;
    auto [rec, rn] = co_await beast::http::async_read(c->ws.next_layer(), buf, req, tuple);
    (void)rn;
    if (rec) co_return;
    std::string target(req.target());
    const auto pos = target.find("ticket=");
    const auto ticket = pos == std::string::npos ? std::string{} : target.substr(pos + 7);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = std::find(tickets_.begin(), tickets_.end(), ticket);
        if (it == tickets_.end()) co_return;  // unknown or used: the upgrade is refused
        tickets_.erase(it);
    }
    auto [aec] = co_await c->ws.async_accept(req, tuple);
    if (aec) co_return;
    ++connections_;
    current_ = c;
    // The writer: frames queued by push() and the pongs, one write at a time.
    asio::co_spawn(
        c->ws.get_executor(),
        [c]() -> asio::awaitable<void> {
            while (c->open) {
                while (!c->out.empty() && c->open) {
                    auto frame = std::move(c->out.front());
                    c->out.pop_front();
                    c->ws.binary(true);
                    auto [wec, wn] = co_await c->ws.async_write(asio::buffer(frame), tuple);
                    (void)wn;
                    if (wec) c->open = false;
                }
                c->wake.expires_at(asio::steady_timer::time_point::max());
                co_await c->wake.async_wait(tuple);
            }
        },
        asio::detached);
    for (;;) {
        beast::flat_buffer b;
        auto [e, n] = co_await c->ws.async_read(b, tuple);
        (void)n;
        if (e) break;
        pbbp2::Frame f;
        if (!f.ParseFromString(beast::buffers_to_string(b.data()))) continue;
        std::string type;
        for (const auto& h : f.headers())
            if (h.key() == "type") type = h.value();
        if (f.method() == 0) {
            if (type != "ping" || f.service() != 33) {
                ++bad_pings_;
                continue;
            }
            ++pings_;
            pbbp2::Frame pong = f;
            pong.clear_headers();
            add_header(pong, "type", "pong");
            pong.set_payload(pong_config);
            c->enqueue(pong.SerializeAsString());
        } else {
            std::lock_guard<std::mutex> lock(mutex_);
            acks_.push_back(f);
        }
    }
    c->open = false;
    c->wake.cancel();
    if (current_ == c) current_.reset();
}
std::string feishu_text_event(const std::string& message_id, const std::string& open_id,
                              const std::string& chat_id, const std::string& text, bool at_bot,
                              const std::string& token) {
    json mentions = json::array();
    if (at_bot)
        mentions.push_back(
            {{"key", "@_user_1"},
             {"id", {{"open_id", "ou_bot7f0c2e5d9a1b4c3d"}, {"union_id", "on_bot"}, {"user_id", ""}}},
             {"name", "投诉机器人"},
             {"tenant_key", "2ca1d211f64f6438"}});
    return json{{"schema", "2.0"},
                {"header",
                 {{"event_id", "ev-" + message_id},
                  {"event_type", "im.message.receive_v1"},
                  {"create_time", "1700000000000"},
                  {"token", token},
                  {"app_id", feishu_app_id},
                  {"tenant_key", "2ca1d211f64f6438"}}},
                {"event",
                 {{"sender",
                   {{"sender_id", {{"open_id", open_id}, {"union_id", "on_" + open_id}}},
                    {"sender_type", "user"},
                    {"tenant_key", "2ca1d211f64f6438"}}},
                  {"message",
                   {{"message_id", message_id},
                    {"chat_id", chat_id},
                    {"chat_type", "group"},
                    {"message_type", "text"},
                    {"content", json{{"text", (at_bot ? "@_user_1 " : "") + text}}.dump()},
                    {"mentions", mentions}}}}}}
        .dump();
}

std::string feishu_card_event(const std::string& event_id, const std::string& open_id,
                              const std::string& chat_id, const std::string& command,
                              const std::string& token) {
    return json{{"schema", "2.0"},
                {"header", {{"event_id", event_id}, {"event_type", "card.action.trigger"}, {"token", token}}},
                {"event",
                 {{"operator", {{"open_id", open_id}}},
                  {"token", "c-" + event_id},
                  {"action", {{"tag", "button"}, {"value", {{"command", command}}}}},
                  {"host", "im_message"},
                  {"context", {{"open_message_id", "om_card1"}, {"open_chat_id", chat_id}}}}}}
        .dump();
}

}  // namespace fake
