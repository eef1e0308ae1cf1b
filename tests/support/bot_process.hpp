// The real `complaint-bot serve` process for the loopback tests: the sample company's config with
// the server on a free port of 127.0.0.1 and the given platforms, its log under the suite's log
// directory (scanned for secrets at the end), started and awaited on /healthz, signed callbacks in.
#pragma once

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/fake_platforms.hpp"
#include "support/test_support.hpp"

namespace fake {

// Where every bot process of the suite writes its log: <test suite>.<test>.<name>.log.
std::filesystem::path log_path(const std::string& name);

// What the bot is given: YAML for `platforms:` and `chats:` (and anything more), the environment
// holding their secrets, and the organization's config it is appended to (empty: the sample
// company, examples/company.yaml).
struct bot_setup {
    std::string yaml;
    std::vector<std::pair<std::string, std::string>> env;
    std::string organization;
    std::string server{};             // more of the server: map, e.g. ", dashboard: false"
    std::vector<std::string> args{};  // more arguments for serve, e.g. {"--clock-from", "…"}
};

// The organization part of config.example.yaml (what comes before its `serve` settings).
std::string example_organization();

// DingTalk in HTTP mode, its robot posting to `webhook_url` (`robot_options` go into its map, e.g.
// ", per_minute: 100000"); the chat "group" is "cidGROUP==". Secrets in T_APP_SECRET, T_WEBHOOK,
// T_WEBHOOK_SECRET.
bot_setup dingtalk_http(const std::string& webhook_url, const std::string& robot_options = {});

class bot_process {
  public:
    // The bot with its database at `db`, its log <test>.<name>.log.
    bot_process(std::filesystem::path db, bot_setup setup, const std::string& name = "bot");
    // DingTalk in HTTP mode posting to `webhook_url` without a rate limit of its own; `extra_yaml`
    // is appended to the config.
    bot_process(std::filesystem::path db, const std::string& webhook_url, const std::string& extra_yaml = {});

    // Starts the process without waiting.
    void launch();
    // Starts it and waits (bounded) until /healthz answers; false if it does not come up.
    bool start(std::chrono::milliseconds limit = 20s);
    void kill();
    int stop();

    loopback::reply healthz();
    std::string health_text() { return healthz().body; }
    loopback::reply request(boost::beast::http::verb verb, const std::string& target,
                            const std::string& body = {},
                            const std::map<std::string, std::string>& headers = {});
    // A DingTalk HTTP-mode callback signed with `secret` at now - `skew_ms`; its status.
    int callback(const std::string& msg_id, const std::string& staff_id, const std::string& text,
                 std::chrono::milliseconds limit = 10s, const std::string& secret = app_secret,
                 std::int64_t skew_ms = 0);

    unsigned short port() const { return port_; }
    const std::filesystem::path& db() const { return db_; }
    const std::filesystem::path& config() const { return config_; }
    // The environment the next launch() gets.
    std::vector<std::pair<std::string, std::string>>& env() { return env_; }
    test_support::child_process& proc() { return *proc_; }
    std::string log();

  private:
    test_support::temp_dir config_dir_;
    std::filesystem::path db_;
    unsigned short port_;
    std::vector<std::pair<std::string, std::string>> env_;
    std::filesystem::path config_, log_;
    std::vector<std::string> args_;
    std::unique_ptr<test_support::child_process> proc_;
};

}  // namespace fake
