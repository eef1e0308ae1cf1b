// Faults of the platform under the outbox sender (the real DingTalk adapter, a real SQLite file, the
// fake robot on loopback): a robot that is down, then failing, then "send too fast" is backed off
// from at growing intervals without losing a post or its order, and a post committed during a send
// is not left waiting for the sender's next periodic look.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <iostream>
#include <thread>

#include "adapters/dingtalk.hpp"
#include "pipeline/outbox_sender.hpp"
#include "support/fault_support.hpp"

using namespace fault;

// The outbox against the real DingTalk adapter and a robot that is down (connection refused), then
// answers 500, then "send too fast" (errcode 130101), then recovers: the waits between tries grow,
// the block penalty is waited out, each post arrives once and each chat's posts in order.
TEST(Fault, PlatformRefusedThen5xxThenTooFastBacksOffKeepsOrderAndLosesNothing) {
    test_support::temp_dir dir;
    storage::database db((dir / "bot.db").string());
    auto port = test_support::free_port();
    adapters::dingtalk_config dc;
    dc.app_secret = app_secret;
    dc.robots["*"] = {"http://127.0.0.1:" + std::to_string(port) + "/robot/send?access_token=" + robot_token,
                      robot_secret};
    adapters::dingtalk_adapter adapter(std::move(dc));
    loopback::loop_thread loop;  // the sender's loop
    auto& ioc = loop.context();
    core::system_clock clock;
    app::https_client http(ioc);
    for (const char* t : {"一", "二", "三", "四"}) db.enqueue({"group", t, {}}, clock.now());
    for (const char* t : {"甲", "乙"}) db.enqueue({"other", t, {}}, clock.now());
    app::sender_options o;
    o.first_backoff = 20ms;
    o.max_backoff = 2s;
    const auto penalty = 300ms;
    app::outbox_sender sender(
        ioc, db, clock, http,
        [&](const std::string& chat) -> std::optional<app::chat_route> {
            app::chat_route r;
            r.adapter = &adapter;
            r.robot = "dingtalk:" + chat;
            r.per_minute = 1000;
            r.rate_limit_penalty = penalty;
            r.mentions = [](const std::vector<std::string>&) {
                return std::vector<adapters::mention_target>{};
            };
            return r;
        },
        o);
    asio::post(ioc, [&] { sender.start(); });
    loop.start();

    // Down: nothing listens on the robot's port.
    EXPECT_TRUE(
        eventually([&] { return count(dir / "bot.db", "SELECT MAX(attempts) FROM outbox") >= 3; }, 5s));
    EXPECT_EQ(count(dir / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state <> 'pending'"), 0);
    // Up again, but failing: three 500s for each chat's first post, then "too fast" for 一 (scripted
    // per post, so the count holds whichever chat the sender tries first on a loaded machine).
    auto robot = std::make_unique<fake_robot>(port);
    using m = fake_robot::mode;
    robot->script_for("一", {m::fail_500, m::fail_500, m::fail_500, m::too_fast});
    robot->script_for("甲", {m::fail_500, m::fail_500, m::fail_500});
    bool drained = eventually(
        [&] { return count(dir / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 6; }, 20s);
    loop.stop([&] { sender.stop(); });
    ASSERT_TRUE(drained);

    std::vector<std::string> group, other;
    for (const auto& t : robot->texts()) (t == "甲" || t == "乙" ? other : group).push_back(t);
    EXPECT_EQ(group, (std::vector<std::string>{"一", "二", "三", "四"}));
    EXPECT_EQ(other, (std::vector<std::string>{"甲", "乙"}));
    EXPECT_EQ(count(dir / "bot.db", "SELECT COUNT(*) FROM outbox WHERE state = 'failed'"), 0);
    EXPECT_EQ(robot->bad_signatures(), 0);

    // 一: tried at growing intervals (500, 500, 500), then "too fast", then delivered after the penalty.
    std::vector<std::chrono::steady_clock::time_point> tries;
    std::size_t first_two = 0;
    auto arrivals = robot->arrivals();
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        if (arrivals[i].second == "一") tries.push_back(arrivals[i].first);
        if (arrivals[i].second == "二" && first_two == 0) first_two = i;
    }
    ASSERT_EQ(tries.size(), 5u);
    auto gap = [&](std::size_t i) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(tries[i + 1] - tries[i]);
    };
    std::cout << "[ backoff  ] 一 retried after " << gap(0).count() << ", " << gap(1).count() << ", "
              << gap(2).count() << " ms; after 130101 waited " << gap(3).count() << " ms\n";
    EXPECT_GT(gap(1).count(), gap(0).count() * 3 / 2) << "backoff grows";
    EXPECT_GE(gap(2).count(), std::min<std::int64_t>(gap(1).count() * 3 / 2, 1800))
        << "grows up to max_backoff";
    // Instants are whole milliseconds (core/time.hpp) and the gap is truncated to them as well, so the
    // wait measured between two arrivals may read up to 2 ms short of the penalty.
    EXPECT_GE(gap(3), penalty - 2ms) << "the block after errcode 130101 is waited out";
    // Order: 二 was not tried before 一 got through.
    EXPECT_GT(first_two, 0u);
    std::size_t one_ok = 0;
    for (std::size_t i = 0, n = 0; i < arrivals.size(); ++i)
        if (arrivals[i].second == "一" && ++n == 5) one_ok = i;
    EXPECT_GT(first_two, one_ok);
}

// A post committed while the sender is busy sending an earlier one goes out right after it, not at
// the sender's next periodic look (30 s later): the kick is not lost.
TEST(Fault, APostCommittedDuringASendIsNotLeftWaiting) {
    test_support::temp_dir dir;
    storage::database db((dir / "bot.db").string());
    fake_robot robot;
    adapters::dingtalk_config dc;
    dc.app_secret = app_secret;
    dc.robots["*"] = {robot.url(), robot_secret};
    adapters::dingtalk_adapter adapter(std::move(dc));
    loopback::loop_thread loop;  // the sender's loop
    auto& ioc = loop.context();
    core::system_clock clock;
    app::https_client http(ioc);
    app::outbox_sender sender(ioc, db, clock, http,
                              [&](const std::string&) -> std::optional<app::chat_route> {
                                  app::chat_route r;
                                  r.adapter = &adapter;
                                  r.robot = "dingtalk:group";
                                  r.per_minute = 1000;
                                  r.mentions = [](const std::vector<std::string>&) {
                                      return std::vector<adapters::mention_target>{};
                                  };
                                  return r;
                              });
    // While the robot handles the first post, the engine commits a second one and kicks the sender.
    robot.on_next_delivery([&] {
        std::promise<void> done;
        asio::post(ioc, [&] {
            db.enqueue({"group", "第二条", {}}, clock.now());
            sender.kick();
            done.set_value();
        });
        done.get_future().wait();
    });
    db.enqueue({"group", "第一条", {}}, clock.now());
    asio::post(ioc, [&] { sender.start(); });
    loop.start();
    bool both = eventually([&] { return robot.count() == 2; }, 5s);
    loop.stop([&] { sender.stop(); });
    EXPECT_TRUE(both) << "the second post waited for the sender's periodic look";
    EXPECT_EQ(robot.texts(), (std::vector<std::string>{"第一条", "第二条"}));
}
