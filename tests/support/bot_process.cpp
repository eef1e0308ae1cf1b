#include "support/bot_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace fake {

std::filesystem::path log_path(const std::string& name) {
    std::filesystem::path dir = BOT_TEST_LOG_DIR;
    std::filesystem::create_directories(dir);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string test = info ? std::string(info->test_suite_name()) + "." + info->name() : "no-test";
    return dir / (test + "." + name + ".log");
}

bot_setup dingtalk_http(const std::string& webhook_url, const std::string& robot_options) {
    return {
        "platforms:\n  dingtalk: { app_secret_env: T_APP_SECRET, webhook_env: T_WEBHOOK, "
        "webhook_secret_env: T_WEBHOOK_SECRET" +
            robot_options +
            " }\n"
            "chats:\n  - { id: group, platform: dingtalk, conversation: \"cidGROUP==\" }\n",
        {{"T_APP_SECRET", app_secret}, {"T_WEBHOOK", webhook_url}, {"T_WEBHOOK_SECRET", robot_secret}},
        {}};
}

std::string example_organization() {
    auto text = test_support::read_file(test_support::source_path("config.example.yaml"));
    return text.substr(0, text.find("# --- For `serve`"));
}

bot_process::bot_process(std::filesystem::path db, bot_setup setup, const std::string& name)
    : db_(std::move(db)),
      port_(test_support::free_port()),
      env_(std::move(setup.env)),
      args_(std::move(setup.args)) {
    auto company = setup.organization.empty()
                       ? test_support::read_file(test_support::source_path("examples/company.yaml"))
                       : setup.organization;
    company.replace(company.find("database: data/complaint-bot.db"), 31, "database: " + db_.string());
    company +=
        "server: { listen: 127.0.0.1, port: " + std::to_string(port_) + setup.server + " }\n" + setup.yaml;
    config_ = config_dir_.path() / (name + ".yaml");
    log_ = log_path(name);
    std::filesystem::remove(log_);
    test_support::write_file(config_, company);
}

bot_process::bot_process(std::filesystem::path db, const std::string& webhook_url,
                         const std::string& extra_yaml)
    : bot_process(std::move(db), [&] {
          auto setup = dingtalk_http(webhook_url, ", per_minute: 100000");
          setup.yaml += extra_yaml;
          return setup;
      }()) {}

void bot_process::launch() {
    std::vector<std::string> argv{BOT_BINARY, "serve", "--config", config_.string()};
    argv.insert(argv.end(), args_.begin(), args_.end());
    proc_ = std::make_unique<test_support::child_process>(argv, env_, log_);
}

bool bot_process::start(std::chrono::milliseconds limit) {
    launch();
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (healthz().status == 200) return true;
        if (!proc_->running()) return false;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

void bot_process::kill() {
    proc_->signal(SIGKILL);
    proc_->wait(10s);
}

int bot_process::stop() {
    proc_->signal(SIGTERM);
    return proc_->wait(20s);
}

loopback::reply bot_process::healthz() {
    return loopback::call(port_, boost::beast::http::verb::get, "/healthz", {}, {}, 2s);
}

loopback::reply bot_process::request(boost::beast::http::verb verb, const std::string& target,
                                     const std::string& body,
                                     const std::map<std::string, std::string>& headers) {
    return loopback::call(port_, verb, target, body, headers);
}

int bot_process::callback(const std::string& msg_id, const std::string& staff_id, const std::string& text,
                          std::chrono::milliseconds limit, const std::string& secret, std::int64_t skew_ms) {
    return loopback::call(port_, boost::beast::http::verb::post, "/hooks/dingtalk",
                          callback_body(msg_id, staff_id, text), callback_headers(secret, skew_ms), limit)
        .status;
}

std::string bot_process::log() {
    return std::filesystem::exists(log_) ? test_support::read_file(log_) : std::string{};
}

}  // namespace fake
