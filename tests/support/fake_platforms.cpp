#include "support/fake_platforms.hpp"

#include <cstdlib>

#include "adapters/crypto.hpp"

namespace fake {

std::vector<std::string> secrets() {
    return {app_secret, robot_secret, robot_token, wecom_token, wecom_aes_key, wecom_key};
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string dingtalk_sign(const std::string& ts, const std::string& secret) {
    return adapters::crypto::base64_encode(adapters::crypto::hmac_sha256(secret, ts + "\n" + secret));
}

std::string callback_body(const std::string& msg_id, const std::string& staff_id, const std::string& text,
                          const std::string& session_webhook) {
    json j{{"msgtype", "text"},       {"text", {{"content", " " + text}}}, {"msgId", msg_id},
           {"conversationType", "2"}, {"conversationId", "cidGROUP=="},    {"senderStaffId", staff_id}};
    if (!session_webhook.empty()) {
        j["sessionWebhook"] = session_webhook;
        j["sessionWebhookExpiredTime"] = now_ms() + 5'400'000;
    }
    return j.dump();
}

std::map<std::string, std::string> callback_headers(const std::string& secret, std::int64_t skew_ms) {
    auto ts = std::to_string(now_ms() - skew_ms);
    return {{"timestamp", ts}, {"sign", dingtalk_sign(ts, secret)}, {"Content-Type", "application/json"}};
}

namespace {

adapters::raw_response errcode(int code, const std::string& msg) {
    return {200, "application/json", json{{"errcode", code}, {"errmsg", msg}}.dump()};
}

// The post's text.content when `body` is a text message as the robots take it.
const std::string* text_content(const json& body) {
    if (!body.is_object() || body.value("msgtype", "") != "text") return nullptr;
    auto text = body.find("text");
    if (text == body.end() || !text->is_object()) return nullptr;
    auto content = text->find("content");
    return content != text->end() && content->is_string() ? content->get_ptr<const std::string*>() : nullptr;
}

}  // namespace

dingtalk_robot::dingtalk_robot(unsigned short port)
    : server_([this](const adapters::raw_request& r) { return handle(r); }, loopback::local(port)) {}

std::string dingtalk_robot::url() const {
    return server_.url("/robot/send?access_token=" + robot_token);
}

void dingtalk_robot::script(std::deque<mode> answers) {
    std::lock_guard<std::mutex> lock(mutex_);
    script_ = std::move(answers);
}

void dingtalk_robot::script_for(const std::string& text, std::deque<mode> answers) {
    std::lock_guard<std::mutex> lock(mutex_);
    per_text_[text] = std::move(answers);
}

void dingtalk_robot::on_next_delivery(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mutex_);
    hook_ = std::move(f);
}

std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> dingtalk_robot::arrivals() {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrivals_;
}

std::vector<json> dingtalk_robot::posts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return posts_;
}

std::vector<std::string> dingtalk_robot::texts() {
    std::vector<std::string> out;
    for (const auto& p : posts()) out.push_back(*text_content(p));
    return out;
}

std::size_t dingtalk_robot::count() {
    std::lock_guard<std::mutex> lock(mutex_);
    return posts_.size();
}

bool dingtalk_robot::wait_for(std::size_t n, std::chrono::milliseconds limit) {
    return loopback::eventually([&] { return count() >= n; }, limit);
}

std::string dingtalk_robot::session_url(const std::string& name) const {
    return server_.url("/robot/sendBySession?session=" + name);
}

void dingtalk_robot::open_session(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_[name];
}

void dingtalk_robot::close_session(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(name);
}

std::vector<json> dingtalk_robot::session_posts(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = sessions_.find(name);
    return it == sessions_.end() ? std::vector<json>{} : it->second;
}

adapters::raw_response dingtalk_robot::handle(const adapters::raw_request& r) {
    if (r.path() == "/robot/sendBySession") {
        auto body = json::parse(r.body, nullptr, false);
        if (body.is_discarded() || !text_content(body)) return errcode(40035, "bad json: not a text message");
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = sessions_.find(r.query("session").value_or(""));
        if (it == sessions_.end()) {
            ++closed_session_hits_;
            return errcode(300001, "session 不存在");
        }
        it->second.push_back(body);
        return errcode(0, "ok");
    }
    if (r.query("access_token") != robot_token) return errcode(300001, "token is not exist");
    auto ts = r.query("timestamp");
    auto sg = r.query("sign");
    if (!ts || !sg || ts->empty() || ts->size() > 15 ||
        ts->find_first_not_of("0123456789") != std::string::npos ||
        std::llabs(now_ms() - std::stoll(*ts)) > 3'600'000 || *sg != dingtalk_sign(*ts, robot_secret)) {
        ++bad_signatures_;
        return errcode(310000, "sign not match");
    }
    auto body = json::parse(r.body, nullptr, false);
    const auto* text = body.is_discarded() ? nullptr : text_content(body);
    if (!text) return errcode(40035, "bad json: not a text message");
    mode m = mode_;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        arrivals_.emplace_back(std::chrono::steady_clock::now(), *text);
        if (auto it = per_text_.find(*text); it != per_text_.end() && !it->second.empty()) {
            m = it->second.front();
            it->second.pop_front();
        } else if (!script_.empty()) {
            m = script_.front();
            script_.pop_front();
        }
    }
    if (m == mode::fail_500) return {500, "text/plain", "upstream down"};
    if (m == mode::too_fast) return errcode(130101, "send too fast, exceed 20 times per minute");
    std::function<void()> hook;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        posts_.push_back(body);
        std::swap(hook, hook_);
    }
    if (hook) hook();
    return errcode(0, "ok");
}

wecom_webhook::wecom_webhook() : server_([this](const adapters::raw_request& r) { return handle(r); }) {}

std::string wecom_webhook::url() const {
    return server_.url("/cgi-bin/webhook/send?key=" + wecom_key);
}

std::vector<json> wecom_webhook::posts() {
    std::lock_guard<std::mutex> lock(mutex_);
    return posts_;
}

adapters::raw_response wecom_webhook::handle(const adapters::raw_request& r) {
    if (r.query("key") != wecom_key) return errcode(93000, "invalid webhook url");
    auto body = json::parse(r.body, nullptr, false);
    const auto* text = body.is_discarded() ? nullptr : text_content(body);
    if (!text) return errcode(40008, "invalid message type");
    if (text->size() > 2048) return errcode(40058, "content exceed max length 2048");
    if (auto m = body["text"].find("mentioned_list"); m != body["text"].end() && !m->is_array())
        return errcode(40058, "mentioned_list must be an array");
    std::lock_guard<std::mutex> lock(mutex_);
    posts_.push_back(body);
    return errcode(0, "ok");
}

}  // namespace fake
