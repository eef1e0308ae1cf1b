// A long post split into several requests: every request counts against the robot's per-minute
// limit (one long 查询 must not go out as 18 requests in a second: DingTalk blocks the robot for 10
// minutes), the parts arrive in order with the chat's next post behind them, and a failure or a
// "too fast" in the middle resumes at the part that failed, never repeating the accepted ones.
// A fake platform on loopback counts the requests per minute of a virtual clock.
#include <gtest/gtest.h>

#include "pipeline/outbox_sender.hpp"
#include "support/loopback_server.hpp"
#include "support/test_support.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// Splits a post at each '|' into one request per piece, as the real adapters split long posts.
class splitting_adapter final : public adapters::adapter {
  public:
    explicit splitting_adapter(unsigned short port) : port_(port) {}
    std::string_view platform() const override { return "fake"; }
    adapters::inbound_result decode(const adapters::raw_request&, core::instant) const override { return {}; }
    std::vector<adapters::outbound_request> encode(const core::outbound_post& post,
                                                   const std::vector<adapters::mention_target>&,
                                                   core::instant) const override {
        std::vector<adapters::outbound_request> out;
        std::size_t start = 0;
        while (true) {
            auto bar = post.text.find('|', start);
            adapters::outbound_request r;
            r.url = "http://127.0.0.1:" + std::to_string(port_) + "/send";
            r.body = post.text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
            out.push_back(r);
            if (bar == std::string::npos) break;
            start = bar + 1;
        }
        return out;
    }
    send_verdict classify(int status, std::string_view) const override {
        if (status == 200) return send_verdict::delivered;
        if (status == 429) return send_verdict::rate_limited;
        if (status >= 500) return send_verdict::retry;
        return send_verdict::permanent_failure;
    }

  private:
    unsigned short port_;
};

struct rate_fixture {
    explicit rate_fixture(int per_minute) : db((dir / "bot.db").string()), http(ioc) {
        platform.on_request = [this](const adapters::raw_request&, int) { times.push_back(clock.now()); };
        adapter = std::make_unique<splitting_adapter>(platform.port());
        sender = make_sender(db, per_minute);
    }

    // A sender of `from`'s outbox posting every chat through the one robot of the fake platform.
    std::unique_ptr<app::outbox_sender> make_sender(storage::database& from, int per_minute) {
        app::sender_options o;
        o.first_backoff = 1s;  // virtual: the test moves the clock past it
        o.rate_limit_penalty = 10min;
        return std::make_unique<app::outbox_sender>(
            ioc, from, clock, http,
            [this, per_minute](const std::string&) -> std::optional<app::chat_route> {
                app::chat_route r;
                r.adapter = adapter.get();
                r.robot = "robot";
                r.per_minute = per_minute;
                r.mentions = [](const std::vector<std::string>&) {
                    return std::vector<adapters::mention_target>{};
                };
                return r;
            },
            o);
    }

    // Runs the loop until the platform has seen `n` requests (or `limit` passes without them).
    void run_until_requests(std::size_t n, std::chrono::milliseconds limit = 3s) {
        loopback::run_until(
            ioc, [&] { return platform.requests.size() >= n; }, limit, 5ms);
    }
    // Lets the loop run a little with nothing expected (to see that nothing more is sent).
    void settle() {
        auto before = platform.requests.size();
        run_until_requests(before + 1000, 300ms);  // times out
    }
    void advance(core::duration d) {
        clock.advance(d);
        sender->kick();
    }
    // The most requests the platform saw in any minute.
    std::size_t busiest_minute() const {
        std::size_t most = 0;
        for (std::size_t i = 0; i < times.size(); ++i) {
            std::size_t n = 0;
            for (std::size_t k = i; k < times.size() && times[k] - times[i] < 1min; ++k) ++n;
            most = std::max(most, n);
        }
        return most;
    }

    test_support::temp_dir dir;
    storage::database db;
    core::manual_clock clock{core::instant{std::chrono::hours(24 * 20000)}};
    asio::io_context ioc{1};
    app::https_client http;
    loopback::recording_platform platform{ioc};
    std::vector<core::instant> times;  // of each request the platform saw, on the virtual clock
    std::unique_ptr<splitting_adapter> adapter;
    std::unique_ptr<app::outbox_sender> sender;
};

std::string parts(const std::string& tag, int n) {
    std::string s;
    for (int i = 1; i <= n; ++i) s += (i > 1 ? "|" : "") + tag + std::to_string(i);
    return s;
}

}  // namespace

TEST(OutboxRate, EveryPartOfALongPostCountsAgainstTheRobotsLimit) {
    rate_fixture f(/*per_minute=*/5);
    // One long 查询 answer in 12 parts, then the next post of the same chat.
    f.db.enqueue({"group", parts("P1 查询第", 12), {}}, f.clock.now());
    f.db.enqueue({"group", "📨 P1 已收到生产部的回复", {}}, f.clock.now());
    f.sender->start();
    f.run_until_requests(5);
    f.settle();
    EXPECT_EQ(f.platform.requests.size(), 5u);  // the first minute's five, not all twelve
    for (int minute = 0; minute < 3; ++minute) {
        f.advance(61s);
        f.run_until_requests(std::min<std::size_t>(f.platform.requests.size() + 5, 13));
    }
    f.settle();
    f.sender->stop();
    ASSERT_EQ(f.platform.requests.size(), 13u);
    EXPECT_LE(f.busiest_minute(), 5u);
    std::vector<std::string> expected;
    for (int i = 1; i <= 12; ++i) expected.push_back("P1 查询第" + std::to_string(i));
    expected.push_back("📨 P1 已收到生产部的回复");
    EXPECT_EQ(f.platform.accepted, expected);  // in order, each part once
    EXPECT_EQ(f.db.outbox_backlog(), 0);
    EXPECT_EQ(f.sender->stats().sent, 2u);
}

TEST(OutboxRate, APartThatFailsIsRetriedAloneWithoutRepeatingTheAcceptedOnes) {
    rate_fixture f(/*per_minute=*/20);
    f.platform.answers = {200, 200, 503};  // the third part meets a platform hiccup
    f.db.enqueue({"group", parts("待办第", 4), {}}, f.clock.now());
    f.sender->start();
    f.run_until_requests(3);
    f.settle();
    EXPECT_EQ(f.db.outbox_backlog(), 1);
    EXPECT_EQ(f.sender->stats().retries, 1u);
    f.advance(2s);  // past the first backoff
    f.run_until_requests(5);
    f.settle();
    f.sender->stop();
    EXPECT_EQ(f.platform.accepted, (std::vector<std::string>{"待办第1", "待办第2", "待办第3", "待办第4"}));
    EXPECT_EQ(f.platform.requests.size(), 5u);  // 1, 2, 3 (503), 3, 4
    EXPECT_EQ(f.db.outbox_backlog(), 0);
}

TEST(OutboxRate, TooFastInTheMiddleOfAPostWaitsOutTheBlockAndResumesAtThatPart) {
    rate_fixture f(/*per_minute=*/20);
    f.platform.answers = {200, 429};
    f.db.enqueue({"group", parts("罚款汇总第", 3), {}}, f.clock.now());
    f.db.enqueue({"group", "下一条", {}}, f.clock.now());
    f.sender->start();
    f.run_until_requests(2);
    f.settle();
    EXPECT_EQ(f.platform.requests.size(), 2u);  // blocked: nothing more for the robot's 10 minutes
    f.advance(9min);
    f.settle();
    EXPECT_EQ(f.platform.requests.size(), 2u);
    f.advance(61s);
    f.run_until_requests(5);
    f.settle();
    f.sender->stop();
    EXPECT_EQ(f.platform.accepted,
              (std::vector<std::string>{"罚款汇总第1", "罚款汇总第2", "罚款汇总第3", "下一条"}));
    EXPECT_EQ(f.sender->stats().rate_limited, 1u);
}

// Two companies of a group served by one process (serve_group): each its own database and sender,
// the group centre's robot in common. Sharing their windows, both together keep the robot's
// limit; each counting alone (the control), the robot would take ten in the first minute.
std::size_t first_minute_of_two_companies(bool share) {
    rate_fixture f(/*per_minute=*/5);
    storage::database other((f.dir / "huanan.db").string());
    auto second = f.make_sender(other, 5);
    if (share) {
        auto windows = std::make_shared<app::robot_windows>();
        f.sender->share_limits(windows, f.db);
        second->share_limits(windows, f.db);
    }
    for (int i = 1; i <= 5; ++i) {
        f.db.enqueue({"centre", "华东 P" + std::to_string(i) + " 回复超时，已升级至集团", {}}, f.clock.now());
        other.enqueue({"centre", "华南 S" + std::to_string(i) + " 回复超时，已升级至集团", {}},
                      f.clock.now());
    }
    f.sender->start();
    second->start();
    f.run_until_requests(10, 1s);
    f.settle();
    const auto first_minute = f.platform.requests.size();
    f.advance(61s);
    second->kick();
    f.run_until_requests(10);
    f.settle();
    f.sender->stop();
    second->stop();
    EXPECT_EQ(f.platform.requests.size(), 10u);  // every post once, none lost
    EXPECT_EQ(f.db.outbox_backlog(), 0);
    EXPECT_EQ(other.outbox_backlog(), 0);
    return first_minute;
}

TEST(OutboxRate, TwoCompaniesPostingThroughOneRobotKeepItsLimitTogether) {
    EXPECT_EQ(first_minute_of_two_companies(/*share=*/true), 5u);
}

TEST(OutboxRate, CountingAloneEachCompanyWouldPostItsOwnLimitThroughTheSharedRobot) {
    EXPECT_EQ(first_minute_of_two_companies(/*share=*/false), 10u);
}
