// Shared by the fault, load and hostile-input tests (fault_test.cpp, hostile_test.cpp): the test
// secrets (also listed in tests/support/test_secrets.txt for the final log scan), a fake DingTalk
// custom robot that checks 加签 as DingTalk does, the real `complaint-bot serve` process with its
// log under the suite's log directory, a bounded HTTP client and signed DingTalk callbacks.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "adapters/crypto.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"
#include "transport/http_server.hpp"

namespace fault {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;

// Every secret these tests hand to a bot. The last test of the suite (LogsHoldNoSecret) greps every
// bot log for each line of tests/support/test_secrets.txt, which must list these.
inline const std::string app_secret = "SECfault-app-secret-4b7e21";
inline const std::string robot_secret = "SECfault-robot-secret-9c03aa";
inline const std::string robot_token = "fault-robot-token-61d5";
inline std::vector<std::string> secrets() {
    return {app_secret, robot_secret, robot_token};
}

inline std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

inline std::string sign(const std::string& ts, const std::string& secret) {
    return adapters::crypto::base64_encode(adapters::crypto::hmac_sha256(secret, ts + "\n" + secret));
}

// A scratch directory in memory (/dev/shm) when there is one, else under the temp dir. For tests
// whose subject is not the disk: a SIGKILL loses no page cache, so a process crash is the same on
// tmpfs as on a disk, and load tests measure the bot rather than a shared machine's fsync latency.
class memory_dir {
  public:
    memory_dir() {
        std::error_code ec;
        if (std::filesystem::is_directory("/dev/shm", ec)) {
            static std::atomic<int> n{0};
            path_ = std::filesystem::path("/dev/shm") /
                    ("complaint-bot-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
            std::filesystem::remove_all(path_, ec);
            if (std::filesystem::create_directories(path_, ec)) return;
        }
        fallback_ = std::make_unique<test_support::temp_dir>();
        path_ = fallback_->path();
    }
    ~memory_dir() {
        std::error_code ec;
        if (!fallback_) std::filesystem::remove_all(path_, ec);
    }
    memory_dir(const memory_dir&) = delete;
    memory_dir& operator=(const memory_dir&) = delete;
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
    std::unique_ptr<test_support::temp_dir> fallback_;
};

// Where every bot process of the suite writes its log (scanned for secrets at the end).
inline std::filesystem::path log_path(const std::string& name) {
    std::filesystem::path dir = BOT_TEST_LOG_DIR;
    std::filesystem::create_directories(dir);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "no-test";
    return dir / (test + "." + name + ".log");
}

// The DingTalk custom robot (群机器人, security 加签): checks the access token and the signature
// (timestamp within 1 h, sign = URL-encoded Base64 HMAC-SHA256 of "timestamp\nsecret"), records
// the posts. set_mode() makes it fail with 500 or "send too fast" (errcode 130101).
class fake_robot {
  public:
    enum class mode { ok, fail_500, too_fast };

    // Listens on `port` (0 = any free port).
    explicit fake_robot(unsigned short port = 0) {
        server_ =
            std::make_unique<app::http_server>(ioc_, app::server_options{"127.0.0.1", port},
                                               [this](const adapters::raw_request& r) { return handle(r); });
        server_->start();
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~fake_robot() {
        asio::post(ioc_, [this] { server_->stop(); });
        work_.reset();
        for (int i = 0; i < 300 && !ioc_.stopped(); ++i) std::this_thread::sleep_for(10ms);
        ioc_.stop();
        thread_.join();
    }
    fake_robot(const fake_robot&) = delete;
    fake_robot& operator=(const fake_robot&) = delete;

    std::string url() const {
        return "http://127.0.0.1:" + std::to_string(server_->port()) +
               "/robot/send?access_token=" + robot_token;
    }
    void set_mode(mode m) { mode_ = m; }
    // The answers to the next requests (then `mode` again).
    void script(std::deque<mode> answers) {
        std::lock_guard<std::mutex> lock(mutex_);
        script_ = std::move(answers);
    }
    // The answers to the next requests carrying exactly `text` (before the general script): a
    // post's own failures, whichever order the sender tries the chats in.
    void script_for(const std::string& text, std::deque<mode> answers) {
        std::lock_guard<std::mutex> lock(mutex_);
        per_text_[text] = std::move(answers);
    }
    // Every well-signed request that arrived: when, and the post's text.
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> arrivals() {
        std::lock_guard<std::mutex> lock(mutex_);
        return arrivals_;
    }
    // Runs `f` (once) on the robot's thread after it accepted the next post, before it answers "ok".
    void on_next_delivery(std::function<void()> f) {
        std::lock_guard<std::mutex> lock(mutex_);
        hook_ = std::move(f);
    }
    std::vector<std::string> texts() {
        std::lock_guard<std::mutex> lock(mutex_);
        return texts_;
    }
    std::size_t count() {
        std::lock_guard<std::mutex> lock(mutex_);
        return texts_.size();
    }
    int bad_signatures() const { return bad_signatures_; }

  private:
    adapters::raw_response handle(const adapters::raw_request& r) {
        auto reply = [](int code, const std::string& msg) {
            return adapters::raw_response{200, "application/json",
                                          json{{"errcode", code}, {"errmsg", msg}}.dump()};
        };
        if (r.query("access_token") != robot_token) return reply(300001, "token is not exist");
        auto ts = r.query("timestamp");
        auto sg = r.query("sign");
        if (!ts || !sg || ts->empty() || ts->size() > 15 ||
            ts->find_first_not_of("0123456789") != std::string::npos ||
            std::llabs(now_ms() - std::stoll(*ts)) > 3'600'000 || *sg != sign(*ts, robot_secret)) {
            ++bad_signatures_;
            return reply(310000, "sign not match");
        }
        auto body = json::parse(r.body, nullptr, false);
        if (body.is_discarded()) return reply(40035, "bad json");
        mode m = mode_;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            const auto text = body["text"]["content"].get<std::string>();
            arrivals_.emplace_back(std::chrono::steady_clock::now(), text);
            if (auto it = per_text_.find(text); it != per_text_.end() && !it->second.empty()) {
                m = it->second.front();
                it->second.pop_front();
            } else if (!script_.empty()) {
                m = script_.front();
                script_.pop_front();
            }
        }
        if (m == mode::fail_500) return {500, "text/plain", "upstream down"};
        if (m == mode::too_fast) return reply(130101, "send too fast, exceed 20 times per minute");
        std::function<void()> hook;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            texts_.push_back(body["text"]["content"].get<std::string>());
            std::swap(hook, hook_);
        }
        if (hook) hook();
        return reply(0, "ok");
    }

    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
    std::unique_ptr<app::http_server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> texts_;
    std::function<void()> hook_;
    std::deque<mode> script_;
    std::map<std::string, std::deque<mode>> per_text_;
    std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>> arrivals_;
    std::atomic<mode> mode_{mode::ok};
    std::atomic<int> bad_signatures_{0};
};

// One HTTP exchange on loopback, bounded by `limit`; status 0 when the connection failed, was cut
// or timed out (the answer is lost: a platform would redeliver).
inline std::pair<int, std::string> call(unsigned short port, http::verb verb, const std::string& target,
                                        const std::string& body,
                                        const std::map<std::string, std::string>& headers,
                                        std::chrono::milliseconds limit = 10s) {
    try {
        asio::io_context c;
        beast::tcp_stream s(c);
        s.expires_after(limit);
        s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        http::request<http::string_body> req{verb, target, 11};
        req.set(http::field::host, "127.0.0.1");
        for (const auto& [k, v] : headers) req.set(k, v);
        req.body() = body;
        req.prepare_payload();
        s.expires_after(limit);
        http::write(s, req);
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        s.expires_after(limit);
        http::read(s, buf, res);
        return {static_cast<int>(res.result_int()), res.body()};
    } catch (const std::exception&) {
        return {0, {}};
    }
}

// A DingTalk HTTP-mode robot callback in group "cidGROUP==" (senderStaffId = the sender's userid).
inline std::string callback_body(const std::string& msg_id, const std::string& staff_id,
                                 const std::string& text) {
    return json{{"msgtype", "text"},       {"text", {{"content", " " + text}}}, {"msgId", msg_id},
                {"conversationType", "2"}, {"conversationId", "cidGROUP=="},    {"senderStaffId", staff_id}}
        .dump();
}

inline std::map<std::string, std::string> callback_headers(const std::string& secret = app_secret,
                                                           std::int64_t skew_ms = 0) {
    auto ts = std::to_string(now_ms() - skew_ms);
    return {{"timestamp", ts}, {"sign", sign(ts, secret)}, {"Content-Type", "application/json"}};
}

// A product complaint whose customer names it uniquely ("客户<tag>").
inline std::string complaint_text(const std::string& tag) {
    return "产品质量投诉\n投诉人：张三\n客户名称：客户" + tag +
           "\n发货日期：2020年11月18日\n品牌：金虎\n规格及数量：M8×40 镀锌螺栓 200盒\n"
           "产品存在的质量问题：约三成螺纹滑牙\n客户要求：退货并补发合格品\n投诉时间：2020年11月23日8时55分";
}

// `complaint-bot serve` with the sample company, DingTalk in HTTP mode, posts to `webhook_url`.
class bot_process {
  public:
    bot_process(std::filesystem::path db, const std::string& webhook_url, std::string extra_yaml = {})
        : db_(std::move(db)), port_(test_support::free_port()) {
        env_ = {{"F_APP_SECRET", app_secret}, {"F_WEBHOOK", webhook_url}, {"F_WEBHOOK_SECRET", robot_secret}};
        auto company = test_support::read_file(test_support::source_path("examples/company.yaml"));
        company.replace(company.find("database: data/complaint-bot.db"), 31, "database: " + db_.string());
        company += "server: { listen: 127.0.0.1, port: " + std::to_string(port_) +
                   " }\n"
                   "platforms:\n  dingtalk: { app_secret_env: F_APP_SECRET, webhook_env: F_WEBHOOK, "
                   "webhook_secret_env: F_WEBHOOK_SECRET, per_minute: 100000 }\n"
                   "chats:\n  - { id: group, platform: dingtalk, conversation: \"cidGROUP==\" }\n" +
                   extra_yaml;
        config_ = config_dir_.path() / "bot.yaml";
        log_ = log_path("bot");
        std::filesystem::remove(log_);
        test_support::write_file(config_, company);
    }

    // Starts the process without waiting.
    void launch() {
        proc_ = std::make_unique<test_support::child_process>(
            std::vector<std::string>{BOT_BINARY, "serve", "--config", config_.string()}, env_, log_);
    }
    // Starts it and waits (bounded) until /healthz answers; false if it does not come up.
    bool start(std::chrono::milliseconds limit = 20s) {
        launch();
        auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (healthz().first == 200) return true;
            if (!proc_->running()) return false;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    void kill() {
        proc_->signal(SIGKILL);
        proc_->wait(10s);
    }
    int stop() {
        proc_->signal(SIGTERM);
        return proc_->wait(20s);
    }

    std::pair<int, std::string> healthz() { return call(port_, http::verb::get, "/healthz", {}, {}, 2s); }
    std::string health_text() { return healthz().second; }
    int callback(const std::string& msg_id, const std::string& staff_id, const std::string& text,
                 std::chrono::milliseconds limit = 10s) {
        return call(port_, http::verb::post, "/hooks/dingtalk", callback_body(msg_id, staff_id, text),
                    callback_headers(), limit)
            .first;
    }

    unsigned short port() const { return port_; }
    const std::filesystem::path& db() const { return db_; }
    test_support::child_process& proc() { return *proc_; }
    std::string log() {
        return std::filesystem::exists(log_) ? test_support::read_file(log_) : std::string{};
    }

  private:
    test_support::temp_dir config_dir_;
    std::filesystem::path db_;
    unsigned short port_;
    std::vector<std::pair<std::string, std::string>> env_;
    std::filesystem::path config_, log_;
    std::unique_ptr<test_support::child_process> proc_;
};

// Read-only look at a bot's database from the test (WAL: safe while the bot runs).
inline std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
    storage::sql_console d(db.string());
    d.set_busy_timeout(5000);
    return d.scalar(sql);
}

inline std::vector<std::string> column(const std::filesystem::path& db, const std::string& sql) {
    storage::sql_console d(db.string());
    d.set_busy_timeout(5000);
    std::vector<std::string> out;
    for (const auto& row : d.rows(sql)) out.push_back(row.front());
    return out;
}

// Waits (bounded) for `done`.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (done()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return done();
}

}  // namespace fault
