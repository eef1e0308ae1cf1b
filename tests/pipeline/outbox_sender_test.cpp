// The outbox sender against a fake platform on loopback (our own HTTP server with canned answers):
// failures are retried with backoff until delivered, rate limiting is honoured, permanent errors are
// not retried, order per chat is kept, and every post is delivered exactly once when the platform
// accepts it.
#include "pipeline/outbox_sender.hpp"

#include <gtest/gtest.h>

#include "support/loopback_server.hpp"
#include "support/test_support.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A test double of a platform adapter: posts go to http://127.0.0.1:<port>/send as the raw text;
// the fake platform's status decides the verdict.
class fake_adapter final : public adapters::adapter {
  public:
    explicit fake_adapter(unsigned short port) : port_(port) {}
    void set_port(unsigned short port) { port_ = port; }
    std::string_view platform() const override { return "fake"; }
    adapters::inbound_result decode(const adapters::raw_request&, core::instant) const override { return {}; }
    std::vector<adapters::outbound_request> encode(const core::outbound_post& post,
                                                   const std::vector<adapters::mention_target>&,
                                                   core::instant) const override {
        adapters::outbound_request r;
        r.url = "http://127.0.0.1:" + std::to_string(port_) + "/send";
        r.body = post.chat + "|" + post.text;
        return {r};
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

// Accepts connections and never answers: the platform hangs.
struct black_hole {
    explicit black_hole(asio::io_context& ioc)
        : listener(ioc, [this](asio::ip::tcp::socket s) -> asio::awaitable<void> {
              held.push_back(std::move(s));
              co_return;
          }) {}
    unsigned short port() const { return listener.port(); }
    std::vector<asio::ip::tcp::socket> held;
    loopback::tcp_listener listener;
};

struct fixture {
    fixture() : db((dir / "bot.db").string()), http(ioc) {}

    app::outbox_sender make_sender(int per_minute = 20) { return make_sender_with(http, per_minute); }

    app::outbox_sender make_sender_with(app::https_client& client, int per_minute = 20) {
        app::sender_options o;
        o.first_backoff = 50ms;
        o.rate_limit_penalty = 300ms;
        return app::outbox_sender(
            ioc, db, clock, client,
            [this, per_minute](const std::string& chat) -> std::optional<app::chat_route> {
                if (chat == "nowhere") return std::nullopt;
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

    // Runs the loop until `done` or the time limit.
    void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
        loopback::run_until(ioc, done, limit);
    }

    test_support::temp_dir dir;
    storage::database db;
    core::system_clock clock;
    asio::io_context ioc{1};
    app::https_client http;
    loopback::recording_platform platform{ioc};
    std::unique_ptr<fake_adapter> adapter = std::make_unique<fake_adapter>(platform.port());
};

}  // namespace

TEST(OutboxSender, RetriesServerErrorsWithBackoffUntilDeliveredInOrder) {
    fixture f;
    f.platform.answers = {500, 500, 503};
    f.db.enqueue({"group", "一", {}}, f.clock.now());
    f.db.enqueue({"group", "二", {}}, f.clock.now());
    f.db.enqueue({"other", "三", {}}, f.clock.now());
    auto sender = f.make_sender();
    sender.start();
    f.run_until([&] { return f.db.outbox_backlog() == 0; });
    sender.stop();
    // Each post delivered exactly once; per chat in commit order.
    ASSERT_EQ(f.platform.accepted.size(), 3u);
    std::vector<std::string> group;
    for (const auto& d : f.platform.accepted)
        if (d.rfind("group|", 0) == 0) group.push_back(d);
    EXPECT_EQ(group, (std::vector<std::string>{"group|一", "group|二"}));
    EXPECT_GE(sender.stats().retries, 3u);
    EXPECT_EQ(sender.stats().sent, 3u);
}

TEST(OutboxSender, HonoursRateLimitAnswersAndTheLocalLimit) {
    fixture f;
    f.platform.answers = {429};
    for (int i = 0; i < 4; ++i) f.db.enqueue({"group", "第" + std::to_string(i) + "条", {}}, f.clock.now());
    auto sender = f.make_sender(/*per_minute=*/4);
    sender.start();
    auto start = std::chrono::steady_clock::now();
    f.run_until([&] { return f.platform.accepted.size() >= 3; }, 5s);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, 300ms);  // the block penalty after the 429 was observed
    EXPECT_EQ(f.platform.accepted.size(), 3u);
    // The local limit (4 a minute, counting the refused try) holds the 4th post back.
    f.run_until([&] { return false; }, 300ms);
    sender.stop();
    EXPECT_EQ(f.platform.requests.size(), 4u);
    EXPECT_EQ(sender.stats().rate_limited, 1u);
    EXPECT_EQ(f.db.outbox_backlog(), 1);
}

TEST(OutboxSender, PermanentErrorsAreNotRetried) {
    fixture f;
    f.platform.answers = {400};
    f.db.enqueue({"group", "坏消息", {}}, f.clock.now());
    f.db.enqueue({"group", "好消息", {}}, f.clock.now());
    f.db.enqueue({"nowhere", "没有配置的群", {}}, f.clock.now());
    auto sender = f.make_sender();
    sender.start();
    f.run_until([&] { return f.db.outbox_backlog() == 0; });
    sender.stop();
    EXPECT_EQ(f.platform.accepted, std::vector<std::string>{"group|好消息"});
    EXPECT_EQ(f.db.outbox_failed(), 2);
    EXPECT_EQ(sender.stats().failed, 2u);
}

TEST(OutboxSender, APlatformThatIsDownDelaysButLosesNothing) {
    fixture f;
    f.db.enqueue({"group", "重要提醒", {}}, f.clock.now());
    // Nothing listens on this port: connection refused is a retryable transport failure.
    f.platform.stop();
    auto sender = f.make_sender();
    sender.start();
    f.run_until([&] { return sender.stats().retries >= 2; }, 5s);
    sender.stop();
    EXPECT_EQ(f.db.outbox_backlog(), 1);
    EXPECT_TRUE(f.platform.accepted.empty());
}

TEST(OutboxSender, APlatformThatTimesOutIsRetriedAndTheChatStaysInOrder) {
    fixture f;
    black_hole hole(f.ioc);
    app::https_client impatient(f.ioc, {}, 200ms);
    f.adapter->set_port(hole.port());
    f.db.enqueue({"group", "一", {}}, f.clock.now());
    f.db.enqueue({"group", "二", {}}, f.clock.now());
    auto sender = f.make_sender_with(impatient);
    sender.start();
    f.run_until([&] { return sender.stats().retries >= 2; }, 5s);
    EXPECT_TRUE(f.platform.accepted.empty());
    EXPECT_EQ(hole.held.size(), 2u);         // one request in flight at a time: post 二 waited behind 一
    f.adapter->set_port(f.platform.port());  // the platform recovers
    f.run_until([&] { return f.db.outbox_backlog() == 0; }, 5s);
    sender.stop();
    EXPECT_EQ(f.platform.accepted, (std::vector<std::string>{"group|一", "group|二"}));
}

TEST(OutboxSender, OutageThenRateLimitThenTimeoutStillDeliversEachPostOnceInOrder) {
    fixture f;
    black_hole hole(f.ioc);
    app::https_client impatient(f.ioc, {}, 200ms);
    f.platform.answers = {500, 503, 429};
    for (const char* t : {"一", "二", "三"}) f.db.enqueue({"group", t, {}}, f.clock.now());
    f.db.enqueue({"other", "甲", {}}, f.clock.now());
    auto sender = f.make_sender_with(impatient);
    sender.start();
    // Outage (500, 503), then "too fast" (429): the first posts wait, nothing is lost.
    f.run_until([&] { return sender.stats().rate_limited >= 1; }, 5s);
    // Then the platform hangs for a while.
    f.adapter->set_port(hole.port());
    auto retries = sender.stats().retries;
    f.run_until([&] { return sender.stats().retries >= retries + 1; }, 5s);
    f.adapter->set_port(f.platform.port());
    f.run_until([&] { return f.db.outbox_backlog() == 0; }, 10s);
    sender.stop();
    std::vector<std::string> group;
    for (const auto& d : f.platform.accepted)
        if (d.rfind("group|", 0) == 0) group.push_back(d);
    EXPECT_EQ(group, (std::vector<std::string>{"group|一", "group|二", "group|三"}));
    EXPECT_EQ(f.platform.accepted.size(), 4u);  // each post exactly once
    EXPECT_EQ(f.db.outbox_failed(), 0);
}
