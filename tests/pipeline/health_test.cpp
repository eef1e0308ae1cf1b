// /healthz answers 200 only when healthy: 503 naming why while a post was refused for good in the
// last 24 h or a due deadline waits (the scheduler is stuck); /livez is 200 while the process
// answers; a wrong method on any route is 405 with Allow and changes nothing. The real service and
// HTTP server over loopback, a fake platform, a real SQLite file and a virtual clock.
#include <gtest/gtest.h>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "pipeline/service.hpp"
#include "storage/sql_console.hpp"
#include "support/service_host.hpp"
#include "support/test_support.hpp"

namespace http = boost::beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Inbound JSON {"id","user","chat","text"}; outbound the post's text to the fake platform.
class plain_adapter final : public adapters::adapter {
  public:
    plain_adapter(std::string name, std::string send_url)
        : name_(std::move(name)), url_(std::move(send_url)) {}
    std::string_view platform() const override { return name_; }
    adapters::inbound_result decode(const adapters::raw_request& req, core::instant now) const override {
        adapters::inbound_result r;
        auto j = json::parse(req.body, nullptr, false);
        if (req.method != "POST" || j.is_discarded() || !j.is_object()) {
            r.error = adapters::errc::malformed_body;
            return r;
        }
        r.message = core::inbound_message{
            name_, j.value("chat", ""), j.value("id", ""), j.value("user", ""), j.value("text", ""), now};
        return r;
    }
    std::vector<adapters::outbound_request> encode(const core::outbound_post& post,
                                                   const std::vector<adapters::mention_target>&,
                                                   core::instant) const override {
        adapters::outbound_request r;
        r.url = url_;
        r.body = post.text;
        return {r};
    }
    send_verdict classify(int status, std::string_view) const override {
        return status == 200   ? send_verdict::delivered
               : status >= 500 ? send_verdict::retry
                               : send_verdict::permanent_failure;
    }

  private:
    std::string name_, url_;
};

struct health_bot {
    health_bot() {
        auto text = test_support::read_file(test_support::source_path("config.example.yaml"));
        auto r = conf::parse_config(text.substr(0, text.find("# --- For `serve`")), "bot.yaml");
        cfg = *r.config;
        db = std::make_unique<storage::database>((dir / "bot.db").string());
        auto url = platform.url("/send");
        std::map<std::string, std::unique_ptr<adapters::adapter>> adapters;
        adapters["dingtalk"] = std::make_unique<plain_adapter>("dingtalk", url);
        adapters["wecom"] = std::make_unique<plain_adapter>("wecom", url);
        host.start(cfg, *db, clock, std::move(adapters), {{"group", "dingtalk", "cid-group", 20}});
    }
    ~health_bot() {
        host.stop([this] { platform.stop(); });
    }

    // Runs `f` on the bot's loop thread and waits for it (the clock and the counters live there).
    template <class F>
    auto on_loop(F f) {
        return host.on_loop(std::move(f));
    }
    void advance(core::duration d) {
        on_loop([&] { clock.advance(d); });
    }
    // Refused for good (400) from now on, or accepted again.
    void refusing(bool yes) { platform.status = yes ? 400 : 200; }

    loopback::reply call(http::verb verb, const std::string& target, const std::string& body = {}) {
        return loopback::call(host.port(), verb, target, body);
    }
    int message(const std::string& id, const std::string& user, const std::string& text) {
        return call(http::verb::post, "/hooks/dingtalk",
                    json{{"id", id}, {"user", user}, {"chat", "cid-group"}, {"text", text}}.dump())
            .status;
    }
    std::int64_t count(const std::string& sql) {
        return on_loop([&] { return storage::sql_console(*db).scalar(sql); });
    }

    test_support::temp_dir dir;
    rules::config cfg;
    std::unique_ptr<storage::database> db;
    core::manual_clock clock{core::from_ms(1795395600000)};  // 2026-11-23 09:00 Asia/Shanghai
    loopback::service_host host;
    loopback::recording_platform platform{host.context(), "{\"errcode\":310000}"};
};

const std::string complaint =
    "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
    "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n客户要求：补发合格品\n"
    "投诉时间：2026年11月23日8时55分";

}  // namespace

TEST(Health, APostRefusedForGoodMakesHealthz503NamingItUntilADayHasPassed) {
    health_bot bot;
    EXPECT_EQ(bot.call(http::verb::get, "/healthz").status, 200);
    bot.refusing(true);  // e.g. the robot's keyword or secret changed
    ASSERT_EQ(bot.message("m1", "dt-1002", "帮助"), 200);
    ASSERT_TRUE(loopback::eventually(
        [&] { return bot.count("SELECT COUNT(*) FROM outbox WHERE state = 'failed'") == 1; }));
    auto h = bot.call(http::verb::get, "/healthz");
    EXPECT_EQ(h.status, 503) << h.body;
    auto j = json::parse(h.body);
    EXPECT_EQ(j["status"], "degraded");
    EXPECT_EQ(j["outbox_failed_24h"], 1);
    ASSERT_EQ(j["reasons"].size(), 1u) << h.body;
    EXPECT_EQ(
        j["reasons"][0].get<std::string>().rfind(
            "1 post(s) refused for good by the platform since 2026-11-23 09:00 (last to chat 'group' at "
            "2026-11-23 09:00: HTTP 400 {\"errcode\":310000}): check the robot's webhook, secret and "
            "keywords",
            0),
        0u)
        << h.body;
    // The process itself is fine.
    auto live = bot.call(http::verb::get, "/livez");
    EXPECT_EQ(live.status, 200);
    EXPECT_EQ(live.body, "alive\n");

    bot.refusing(false);
    bot.advance(23h);
    h = bot.call(http::verb::get, "/healthz");
    EXPECT_EQ(h.status, 503);
    EXPECT_NE(h.body.find("refused for good"), std::string::npos) << h.body;
    bot.advance(1h + 1s);
    // (The day's scheduled posts are due by now: a message wakes the loop to run them.)
    ASSERT_EQ(bot.message("m2", "dt-1006", "帮助"), 200);
    EXPECT_TRUE(loopback::eventually([&] { return bot.call(http::verb::get, "/healthz").status == 200; }))
        << bot.call(http::verb::get, "/healthz").body;
    h = bot.call(http::verb::get, "/healthz");
    EXPECT_EQ(json::parse(h.body)["outbox_failed"], 1);  // still counted in total, no longer unhealthy
    EXPECT_EQ(json::parse(h.body)["outbox_failed_24h"], 0);
}

TEST(Health, ADueDeadlineTheSchedulerHasNotRunMakesHealthz503) {
    health_bot bot;
    ASSERT_EQ(bot.message("m1", "dt-1002", complaint), 200);  // accept is due in 5 minutes
    ASSERT_TRUE(
        loopback::eventually([&] { return bot.on_loop([&] { return bot.platform.requests.size(); }) >= 1; }));
    bot.advance(5min + 2min + 30s);  // due at 09:05, but the loop has not fired it (as if stuck)
    auto h = bot.call(http::verb::get, "/healthz");
    EXPECT_EQ(h.status, 503) << h.body;
    auto j = json::parse(h.body);
    EXPECT_EQ(j["deadline_overdue_s"], 150);
    EXPECT_NE(h.body.find("a deadline due at 2026-11-23 09:05 has not run for 150 s: the scheduler is stuck"),
              std::string::npos)
        << h.body;
    // (The loop has not woken for 7.5 minutes either: that is named too.)
    EXPECT_NE(h.body.find("the scheduler has not woken for 450 s"), std::string::npos) << h.body;
    EXPECT_EQ(bot.call(http::verb::get, "/livez").status, 200);
    // The loop runs again (a message re-arms it): the deadline fires and health returns.
    ASSERT_EQ(bot.message("m2", "dt-1006", "帮助"), 200);
    EXPECT_TRUE(loopback::eventually([&] { return bot.call(http::verb::get, "/healthz").status == 200; }))
        << bot.call(http::verb::get, "/healthz").body;
}

TEST(Health, AWrongMethodOnAnyRouteIs405WithAllowAndChangesNothing) {
    health_bot bot;
    struct probe {
        http::verb verb;
        std::string target, allow;
    };
    for (const auto& p : std::vector<probe>{{http::verb::get, "/hooks/dingtalk", "POST"},
                                            {http::verb::put, "/hooks/dingtalk?x=1", "POST"},
                                            {http::verb::delete_, "/hooks/wecom", "GET, POST"},
                                            {http::verb::post, "/healthz", "GET"},
                                            {http::verb::post, "/livez", "GET"},
                                            {http::verb::delete_, "/metrics", "GET"}}) {
        auto a = bot.call(
            p.verb, p.target,
            json{{"id", "x"}, {"user", "dt-1002"}, {"chat", "cid-group"}, {"text", complaint}}.dump());
        EXPECT_EQ(a.status, 405) << p.target;
        EXPECT_EQ(a.allow, p.allow) << p.target;
        EXPECT_EQ(a.body, "method not allowed: use " + p.allow + "\n");
    }
    EXPECT_EQ(bot.count("SELECT COUNT(*) FROM inbound"), 0);
    EXPECT_EQ(bot.count("SELECT COUNT(*) FROM complaints"), 0);
    // The right methods still work; unknown paths stay 404.
    EXPECT_EQ(bot.call(http::verb::get, "/hooks/wecom").status, 400);  // reaches the adapter
    EXPECT_EQ(bot.call(http::verb::post, "/hooks/slack").status, 404);
    EXPECT_EQ(bot.call(http::verb::get, "/metrics").status, 200);
    auto metrics = bot.call(http::verb::get, "/metrics").body;
    EXPECT_NE(metrics.find("complaint_bot_requests_total{route=\"/healthz\",status=\"405\"} 1"),
              std::string::npos)
        << metrics;
}
