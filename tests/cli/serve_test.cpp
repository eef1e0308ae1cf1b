// `complaint-bot serve` as a real process: a fake DingTalk on loopback that checks the custom
// robot's 加签 exactly as DingTalk does (timestamp within 1 h, sign = URL-encoded Base64 HMAC-SHA256),
// signed callbacks in, the receipt out with real @-mentions; SIGTERM stops it cleanly; SIGKILL
// between commit and delivery loses nothing and sends once after the restart; no secret in the log.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include "adapters/crypto.hpp"
#include "support/test_support.hpp"
#include "transport/http_server.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::string app_secret = "SECapp-secret-for-tests-7d1f";
const std::string robot_secret = "SECrobot-secret-for-tests-93ab";
const std::string robot_token = "robot-token-5c2e";

std::string sign(const std::string& ts, const std::string& secret) {
    return adapters::crypto::base64_encode(adapters::crypto::hmac_sha256(secret, ts + "\n" + secret));
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The fake DingTalk robot endpoint.
class fake_dingtalk {
  public:
    fake_dingtalk() {
        server_ =
            std::make_unique<app::http_server>(ioc_, app::server_options{"127.0.0.1", 0},
                                               [this](const adapters::raw_request& r) { return handle(r); });
        server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~fake_dingtalk() {
        asio::post(ioc_, [this] { server_->stop(); });
        work_.reset();
        for (int i = 0; i < 300 && !ioc_.stopped(); ++i) std::this_thread::sleep_for(10ms);
        ioc_.stop();
        thread_.join();
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_->port()) +
               "/robot/send?access_token=" + robot_token;
    }
    void set_failing(bool f) { failing_ = f; }
    std::vector<json> delivered() {
        std::lock_guard<std::mutex> lock(mutex_);
        return delivered_;
    }
    int bad_signatures() const { return bad_signatures_; }
    bool wait_for(std::size_t n, std::chrono::milliseconds limit) {
        auto start = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - start < limit) {
            if (delivered().size() >= n) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

  private:
    adapters::raw_response handle(const adapters::raw_request& r) {
        auto reply = [](int code, const std::string& msg) {
            return adapters::raw_response{200, "application/json",
                                          json{{"errcode", code}, {"errmsg", msg}}.dump()};
        };
        if (r.query("access_token") != robot_token) return reply(300001, "token is not exist");
        auto ts = r.query("timestamp");
        auto sg = r.query("sign");
        if (!ts || !sg || std::llabs(now_ms() - std::stoll(*ts)) > 3'600'000 ||
            *sg != sign(*ts, robot_secret)) {
            ++bad_signatures_;
            return reply(310000, "sign not match");
        }
        if (failing_) return {500, "text/plain", "upstream down"};
        std::lock_guard<std::mutex> lock(mutex_);
        delivered_.push_back(json::parse(r.body));
        return reply(0, "ok");
    }

    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::unique_ptr<app::http_server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<json> delivered_;
    std::atomic<bool> failing_{false};
    std::atomic<int> bad_signatures_{0};
};

struct bot_process {
    // DingTalk in HTTP mode with the given robot webhook.
    bot_process(const std::filesystem::path& dir, const std::string& webhook_url, unsigned short port)
        : bot_process(dir, port,
                      "platforms:\n  dingtalk: { app_secret_env: T_APP_SECRET, webhook_env: T_WEBHOOK, "
                      "webhook_secret_env: T_WEBHOOK_SECRET }\n"
                      "chats:\n  - { id: group, platform: dingtalk, conversation: \"cidGROUP==\" }\n",
                      {{"T_APP_SECRET", app_secret},
                       {"T_WEBHOOK", webhook_url},
                       {"T_WEBHOOK_SECRET", robot_secret}}) {}

    bot_process(const std::filesystem::path& dir, unsigned short port, const std::string& platform_yaml,
                std::vector<std::pair<std::string, std::string>> env)
        : port_(port), env_(std::move(env)) {
        auto company = test_support::read_file(test_support::source_path("examples/company.yaml"));
        auto db = (dir / "bot.db").string();
        company.replace(company.find("database: data/complaint-bot.db"), 31, "database: " + db);
        company += "server: { listen: 127.0.0.1, port: " + std::to_string(port) + " }\n" + platform_yaml;
        config_ = dir / "bot.yaml";
        // Under the suite's log directory: the last test (LogsHoldNoSecret) scans it for secrets.
        std::filesystem::create_directories(BOT_TEST_LOG_DIR);
        log_ = std::filesystem::path(BOT_TEST_LOG_DIR) / ("serve-" + dir.filename().string() + ".log");
        test_support::write_file(config_, company);
    }

    void start() {
        proc_ = std::make_unique<test_support::child_process>(
            std::vector<std::string>{BOT_BINARY, "serve", "--config", config_.string()}, env_, log_);
        for (int i = 0; i < 500; ++i) {
            if (get("/healthz").first == 200) return;
            std::this_thread::sleep_for(10ms);
        }
        FAIL() << "serve did not answer /healthz: " << test_support::read_file(log_);
    }

    std::pair<int, std::string> request(http::verb verb, const std::string& target, const std::string& body,
                                        const std::map<std::string, std::string>& headers) {
        try {
            asio::io_context c;
            beast::tcp_stream s(c);
            s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
            http::request<http::string_body> req{verb, target, 11};
            req.set(http::field::host, "127.0.0.1");
            for (const auto& [k, v] : headers) req.set(k, v);
            req.body() = body;
            req.prepare_payload();
            http::write(s, req);
            beast::flat_buffer buf;
            http::response<http::string_body> res;
            http::read(s, buf, res);
            return {static_cast<int>(res.result_int()), res.body()};
        } catch (const std::exception&) {
            return {0, {}};
        }
    }
    std::pair<int, std::string> get(const std::string& target) {
        return request(http::verb::get, target, {}, {});
    }

    int callback(const std::string& msg_id, const std::string& staff_id, const std::string& text,
                 const std::string& secret = app_secret, std::int64_t skew_ms = 0) {
        auto ts = std::to_string(now_ms() - skew_ms);
        json body = {
            {"msgtype", "text"},       {"text", {{"content", " " + text}}}, {"msgId", msg_id},
            {"conversationType", "2"}, {"conversationId", "cidGROUP=="},    {"senderStaffId", staff_id}};
        return request(http::verb::post, "/hooks/dingtalk", body.dump(),
                       {{"timestamp", ts}, {"sign", sign(ts, secret)}, {"Content-Type", "application/json"}})
            .first;
    }

    test_support::child_process& proc() { return *proc_; }
    std::string log() { return test_support::read_file(log_); }

    unsigned short port_;
    std::vector<std::pair<std::string, std::string>> env_;
    std::filesystem::path config_, log_;
    std::unique_ptr<test_support::child_process> proc_;
};

const std::string complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n"
    "投诉时间：2020年11月23日8时55分";

}  // namespace

TEST(Serve, SignedCallbackRegistersAndTheReceiptReachesDingtalkWithMentions) {
    test_support::temp_dir dir;
    fake_dingtalk dingtalk;
    bot_process bot(dir.path(), dingtalk.url(), test_support::free_port());
    bot.start();
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    ASSERT_TRUE(dingtalk.wait_for(1, 10s)) << bot.log();
    auto post = dingtalk.delivered()[0];
    auto text = post["text"]["content"].get<std::string>();
    EXPECT_NE(text.find("已登记产品质量投诉 P1"), std::string::npos) << text;
    EXPECT_NE(text.find("@dt-1005 @dt-1006"), std::string::npos) << text;  // 李四, 周敏 as DingTalk user ids
    EXPECT_EQ(post["at"]["atUserIds"], (json::array({"dt-1005", "dt-1006"})));
    EXPECT_EQ(dingtalk.bad_signatures(), 0);

    // The same message again (DingTalk redelivers): 200, nothing new.
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    // Wrong signature, stale timestamp: refused, nothing happens.
    EXPECT_EQ(bot.callback("msg-2", "dt-1002", complaint, "SECwrong"), 401);
    EXPECT_EQ(bot.callback("msg-3", "dt-1002", complaint, app_secret, 3'700'000), 401);
    // A command from the order desk is answered.
    EXPECT_EQ(bot.callback("msg-4", "dt-1006", "受理 P1"), 200);
    ASSERT_TRUE(dingtalk.wait_for(2, 10s));
    std::this_thread::sleep_for(300ms);
    auto all = dingtalk.delivered();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_NE(all[1]["text"]["content"].get<std::string>().find("P1 已由周敏受理"), std::string::npos);

    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
    // Secrets never reach the log.
    auto log = bot.log();
    for (const auto& secret : {app_secret, robot_secret, robot_token})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << log;
}

TEST(Serve, KilledBetweenCommitAndDeliveryDeliversOnceAfterRestart) {
    test_support::temp_dir dir;
    fake_dingtalk dingtalk;
    dingtalk.set_failing(true);  // the platform answers 500: the receipt stays in the outbox
    bot_process bot(dir.path(), dingtalk.url(), test_support::free_port());
    bot.start();
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    std::this_thread::sleep_for(500ms);
    bot.proc().signal(SIGKILL);
    bot.proc().wait(5s);
    EXPECT_TRUE(dingtalk.delivered().empty());

    dingtalk.set_failing(false);
    bot.start();
    ASSERT_TRUE(dingtalk.wait_for(1, 15s)) << bot.log();
    std::this_thread::sleep_for(500ms);
    auto all = dingtalk.delivered();
    ASSERT_EQ(all.size(), 1u);
    EXPECT_NE(all[0]["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"), std::string::npos);
    // The redelivered callback after the crash is still a duplicate.
    EXPECT_EQ(bot.callback("msg-1", "dt-1002", complaint), 200);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(dingtalk.delivered().size(), 1u);
}

TEST(Serve, RefusesToStartWithoutItsSecrets) {
    test_support::temp_dir dir;
    bot_process bot(dir.path(), "https://oapi.dingtalk.com/robot/send?access_token=x",
                    test_support::free_port());
    bot.env_ = {{"T_WEBHOOK", "https://oapi.dingtalk.com/robot/send?access_token=x"}};
    test_support::child_process p({BOT_BINARY, "serve", "--config", bot.config_.string()}, bot.env_,
                                  bot.log_);
    EXPECT_EQ(p.wait(10s), 2);
    EXPECT_NE(bot.log().find("environment variable T_APP_SECRET"), std::string::npos) << bot.log();
}

namespace {

const std::string wecom_token = "wecomTestToken42";
const std::string wecom_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";  // 43 characters
const std::string wecom_key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

// The fake WeCom group-robot webhook: checks the key, records what the bot posts.
class fake_wecom_webhook {
  public:
    fake_wecom_webhook() {
        server_ = std::make_unique<app::http_server>(
            ioc_, app::server_options{"127.0.0.1", 0}, [this](const adapters::raw_request& r) {
                if (r.query("key") != wecom_key)
                    return adapters::raw_response{200, "application/json",
                                                  R"({"errcode":93000,"errmsg":"invalid webhook url"})"};
                std::lock_guard<std::mutex> lock(mutex_);
                posts_.push_back(json::parse(r.body));
                return adapters::raw_response{200, "application/json", R"({"errcode":0,"errmsg":"ok"})"};
            });
        server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~fake_wecom_webhook() {
        asio::post(ioc_, [this] { server_->stop(); });
        work_.reset();
        for (int i = 0; i < 300 && !ioc_.stopped(); ++i) std::this_thread::sleep_for(10ms);
        ioc_.stop();
        thread_.join();
    }
    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_->port()) +
               "/cgi-bin/webhook/send?key=" + wecom_key;
    }
    std::vector<json> posts() {
        std::lock_guard<std::mutex> lock(mutex_);
        return posts_;
    }

  private:
    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::unique_ptr<app::http_server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<json> posts_;
};

}  // namespace

TEST(Serve, WecomUrlVerificationAndAnEncryptedCallback) {
    test_support::temp_dir dir;
    fake_wecom_webhook webhook;
    bot_process bot(
        dir.path(), test_support::free_port(),
        "platforms:\n  wecom: { token_env: W_TOKEN, aes_key_env: W_AES_KEY, webhook_env: W_WEBHOOK }\n"
        "chats:\n  - { id: group, platform: wecom }\n",
        {{"W_TOKEN", wecom_token}, {"W_AES_KEY", wecom_aes_key}, {"W_WEBHOOK", webhook.url()}});
    bot.start();
    adapters::crypto::msg_crypt crypt(wecom_token, wecom_aes_key);
    auto ts = std::to_string(now_ms() / 1000);
    const std::string nonce = "1372623149";

    // URL verification: the bare plaintext echo within the request.
    auto echo = crypt.encrypt("4523851186389571234", "", "0123456789abcdef");
    auto target = "/hooks/wecom?msg_signature=" + crypt.signature(ts, nonce, echo) + "&timestamp=" + ts +
                  "&nonce=" + nonce + "&echostr=" + adapters::crypto::url_encode(echo);
    auto [vs, vbody] = bot.get(target);
    EXPECT_EQ(vs, 200);
    EXPECT_EQ(vbody, "4523851186389571234");

    // An AI-bot callback with a complaint, encrypted and signed as WeCom does.
    json msg = {{"msgid", "wecom-msg-1"},
                {"aibotid", "aib-1"},
                {"chatid", "wrkGROUP"},
                {"chattype", "group"},
                {"from", {{"userid", "ZhangSan"}}},
                {"msgtype", "text"},
                {"text", {{"content", "@投诉机器人 " + complaint}}}};
    auto enc = crypt.encrypt(msg.dump(), "", "fedcba9876543210");
    auto post_target = "/hooks/wecom?msg_signature=" + crypt.signature(ts, nonce, enc) + "&timestamp=" + ts +
                       "&nonce=" + nonce;
    auto [ps, pbody] = bot.request(http::verb::post, post_target, json{{"encrypt", enc}}.dump(), {});
    EXPECT_EQ(ps, 200) << pbody;
    for (int i = 0; i < 500 && webhook.posts().empty(); ++i) std::this_thread::sleep_for(20ms);
    auto posts = webhook.posts();
    ASSERT_EQ(posts.size(), 1u) << bot.log();
    EXPECT_NE(posts[0]["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"),
              std::string::npos);
    EXPECT_EQ(posts[0]["text"]["mentioned_list"], (json::array({"LiSi", "ZhouMin"})));

    // A tampered signature changes nothing.
    auto bad_target =
        "/hooks/wecom?msg_signature=" + std::string(40, '0') + "&timestamp=" + ts + "&nonce=" + nonce;
    EXPECT_EQ(bot.request(http::verb::post, bad_target, json{{"encrypt", enc}}.dump(), {}).first, 401);
    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0);
    auto log = bot.log();
    for (const auto& secret : {wecom_token, wecom_aes_key, wecom_key})
        EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << log;
}

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/beast/websocket.hpp>

namespace {

// A plain-ws Stream gateway on loopback for the serve binary: hands out a ticket, pushes one robot
// message frame and records the ACK.
class fake_stream_gateway {
  public:
    explicit fake_stream_gateway(std::string frame) : frame_(std::move(frame)) {
        http_ = std::make_unique<app::http_server>(
            ioc_, app::server_options{"127.0.0.1", 0}, [this](const adapters::raw_request& r) {
                auto body = json::parse(r.body, nullptr, false);
                if (body.is_discarded() || body.value("clientId", "") != "cid-7" ||
                    body.value("clientSecret", "") != app_secret)
                    return adapters::raw_response{401, "application/json", "{}"};
                return adapters::raw_response{
                    200, "application/json",
                    json{{"endpoint", "ws://127.0.0.1:" + std::to_string(ws_port()) + "/connect"},
                         {"ticket", "t1"}}
                        .dump()};
            });
        http_->start();
        asio::co_spawn(ioc_, accept(), asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~fake_stream_gateway() {
        asio::post(ioc_, [this] {
            http_->stop();
            acceptor_.close();
        });
        work_.reset();
        for (int i = 0; i < 100 && !ioc_.stopped(); ++i) std::this_thread::sleep_for(10ms);
        ioc_.stop();
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(http_->port()); }
    unsigned short ws_port() const { return acceptor_.local_endpoint().port(); }
    std::vector<std::string> acks() {
        std::lock_guard<std::mutex> lock(mutex_);
        return acks_;
    }

  private:
    asio::awaitable<void> accept() {
        auto tuple = asio::as_tuple(asio::use_awaitable);
        auto [ec, socket] = co_await acceptor_.async_accept(tuple);
        if (ec) co_return;
        beast::websocket::stream<beast::tcp_stream> ws(std::move(socket));
        auto [aec] = co_await ws.async_accept(tuple);
        if (aec) co_return;
        ws.text(true);
        co_await ws.async_write(asio::buffer(frame_), tuple);
        beast::flat_buffer buf;
        auto [rec, n] = co_await ws.async_read(buf, tuple);
        (void)n;
        if (!rec) {
            std::lock_guard<std::mutex> lock(mutex_);
            acks_.push_back(beast::buffers_to_string(buf.data()));
        }
        beast::flat_buffer rest;
        co_await ws.async_read(rest, tuple);
    }

    std::string frame_;
    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::unique_ptr<app::http_server> http_;
    asio::ip::tcp::acceptor acceptor_{ioc_, {asio::ip::make_address("127.0.0.1"), 0}};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> acks_;
};

}  // namespace

TEST(Serve, DingtalkStreamModeRegistersAComplaintAndAcksTheFrame) {
    test_support::temp_dir dir;
    fake_dingtalk dingtalk;
    json data = {{"msgtype", "text"},
                 {"text", {{"content", " " + complaint}}},
                 {"msgId", "stream-msg-1"},
                 {"conversationId", "cidGROUP=="},
                 {"senderStaffId", "dt-1002"}};
    json frame = {{"specVersion", "1.0"},
                  {"type", "CALLBACK"},
                  {"headers", {{"topic", "/v1.0/im/bot/messages/get"}, {"messageId", "frame-9"}}},
                  {"data", data.dump()}};
    fake_stream_gateway gateway(frame.dump());
    bot_process bot(
        dir.path(), test_support::free_port(),
        "platforms:\n  dingtalk: { mode: stream, gateway: \"" + gateway.url() +
            "\", client_id_env: T_CLIENT_ID, client_secret_env: T_APP_SECRET, webhook_env: T_WEBHOOK, "
            "webhook_secret_env: T_WEBHOOK_SECRET }\n"
            "chats:\n  - { id: group, platform: dingtalk }\n",
        {{"T_CLIENT_ID", "cid-7"},
         {"T_APP_SECRET", app_secret},
         {"T_WEBHOOK", dingtalk.url()},
         {"T_WEBHOOK_SECRET", robot_secret}});
    bot.start();
    ASSERT_TRUE(dingtalk.wait_for(1, 10s)) << bot.log();
    EXPECT_NE(dingtalk.delivered()[0]["text"]["content"].get<std::string>().find("已登记产品质量投诉 P1"),
              std::string::npos);
    for (int i = 0; i < 200 && gateway.acks().empty(); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(gateway.acks().size(), 1u);
    EXPECT_EQ(json::parse(gateway.acks()[0])["headers"]["messageId"], "frame-9");
    bot.proc().signal(SIGTERM);
    EXPECT_EQ(bot.proc().wait(10s), 0) << bot.log();
}
