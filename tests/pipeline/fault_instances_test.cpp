// Two real `complaint-bot serve` processes on one real PostgreSQL database, as behind a load
// balancer: signed DingTalk callbacks spread over both while either is SIGKILLed at random moments
// and restarted. Every acknowledged message is registered once, numbered without gaps or repeats,
// each 受理 applied once, no fine twice, and every post reaches the robot (a repeat only for a post
// a kill interrupted).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "support/fault_support.hpp"
#include "support/pg_server.hpp"

using namespace fault;

namespace {

struct work_item {
    std::string msg_id;
    std::string staff;
    std::string text;
    int accept_of = 0;  // 受理 P<n>: sent once at least n complaints were acknowledged
};

// The first line of a post up to any @-mention: the same for the outbox row and the delivered post.
std::string key_of(const std::string& text) {
    auto line = text.substr(0, text.find('\n'));
    return line.substr(0, line.find('@'));
}

}  // namespace

TEST(FaultInstances, TwoInstancesSigkilledInTurnLoseNothingAndDoNothingTwice) {
    unsigned seed = 20261204;
    if (const char* s = std::getenv("FAULT_SEED")) seed = static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    std::cout << "[ seed     ] FAULT_SEED=" << seed << " (set it to replay this run)\n";
    std::mt19937 rng(seed);

    constexpr int complaints = 160, accepts = 40, clients = 4, rounds = 10;
    const std::string url = test_support::pg_server::shared().create_database("two_instances");
    fake_robot robot;
    bot_process a(url, robot.url());
    bot_process b(url, robot.url());
    bot_process* bots[2] = {&a, &b};

    std::mutex mutex;
    std::deque<work_item> pending, commands;
    for (int i = 1; i <= complaints; ++i) {
        char tag[16];
        std::snprintf(tag, sizeof tag, "C%04d", i);
        pending.push_back({"two-c-" + std::to_string(i), "dt-1002", complaint_text(tag), 0});
    }
    for (int k = 1; k <= accepts; ++k)
        commands.push_back({"two-a-" + std::to_string(k), "dt-1006", "受理 P" + std::to_string(k), k});
    int acked_complaints = 0, acked_total = 0, in_flight = 0, lost_answers = 0;
    std::map<int, int> acked_by;  // instance -> callbacks it answered 2xx
    std::atomic<bool> give_up{false};

    auto client = [&](unsigned client_seed) {
        std::mt19937 pick(client_seed);
        for (;;) {
            work_item item;
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (!commands.empty() && commands.front().accept_of <= acked_complaints) {
                    item = commands.front();
                    commands.pop_front();
                } else if (!pending.empty()) {
                    item = pending.front();
                    pending.pop_front();
                } else if (commands.empty() && in_flight == 0) {
                    return;
                }
                if (!item.msg_id.empty()) ++in_flight;
            }
            if (give_up) return;
            if (item.msg_id.empty()) {
                std::this_thread::sleep_for(5ms);
                continue;
            }
            // The load balancer: either instance (the platform redelivers to whichever it reaches).
            int which = static_cast<int>(pick() % 2);
            int status = bots[which]->callback(item.msg_id, item.staff, item.text, 5s);
            std::lock_guard<std::mutex> lock(mutex);
            --in_flight;
            if (status >= 200 && status < 300) {
                ++acked_total;
                ++acked_by[which];
                if (item.accept_of == 0) ++acked_complaints;
            } else {
                ++lost_answers;
                (item.accept_of == 0 ? pending : commands).push_front(item);
            }
            if (status == 0) std::this_thread::sleep_for(10ms);
        }
    };

    ASSERT_TRUE(a.start()) << a.log();
    ASSERT_TRUE(b.start()) << b.log();
    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) threads.emplace_back(client, seed + static_cast<unsigned>(c));
    std::uniform_int_distribution<int> share(5 * (complaints + accepts) / 100,
                                             90 * (complaints + accepts) / 100),
        delay_ms(0, 30), down_ms(0, 200), victim(0, 1);
    std::vector<int> kill_at;
    for (int r = 0; r < rounds; ++r) kill_at.push_back(share(rng));
    std::sort(kill_at.begin(), kill_at.end());
    int kills[2] = {0, 0};
    for (int r = 0; r < rounds; ++r) {
        eventually(
            [&] {
                std::lock_guard<std::mutex> lock(mutex);
                return acked_total >= kill_at[static_cast<std::size_t>(r)];
            },
            60s);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        int v = victim(rng);
        ++kills[v];
        bots[v]->kill();
        std::this_thread::sleep_for(std::chrono::milliseconds(down_ms(rng)));
        if (!bots[v]->start()) {
            give_up = true;
            for (auto& t : threads) t.join();
            FAIL() << "restart " << r << " failed: " << bots[v]->log();
        }
    }
    bool answered = eventually(
        [&] {
            std::lock_guard<std::mutex> lock(mutex);
            return acked_total == complaints + accepts;
        },
        120s);
    give_up = !answered;
    for (auto& t : threads) t.join();
    ASSERT_TRUE(answered) << acked_total << " of " << complaints + accepts << " answered";
    const std::filesystem::path db = url;
    ASSERT_TRUE(eventually(
        [&] {
            return count(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0 &&
                   robot.count() >= static_cast<std::size_t>(count(db, "SELECT COUNT(*) FROM outbox"));
        },
        120s))
        << "outbox did not drain: " << a.health_text() << b.health_text();
    std::cout << "[ load     ] " << acked_total << " callbacks acknowledged (" << acked_by[0] << " by A, "
              << acked_by[1] << " by B), " << lost_answers << " answers lost and redelivered, " << kills[0]
              << " + " << kills[1] << " SIGKILLs, took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       started)
                     .count()
              << " ms\n";
    EXPECT_GT(acked_by[0], 0);
    EXPECT_GT(acked_by[1], 0);
    EXPECT_GE(lost_answers, 1) << "the kills did not land during the load";

    // Every acknowledged callback once; every complaint once, numbered P1..P<n>.
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM inbound"), complaints + accepts);
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM complaints"), complaints);
    EXPECT_EQ(count(db, "SELECT MAX(seq) FROM complaints WHERE kind = 'product'"), complaints);
    std::map<std::string, int> customers;
    for (const auto& state : column(db, "SELECT state FROM complaints")) {
        auto at = state.find("客户C");
        ASSERT_NE(at, std::string::npos);
        customers[state.substr(at, std::strlen("客户C") + 4)]++;
    }
    EXPECT_EQ(customers.size(), static_cast<std::size_t>(complaints));
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM events WHERE type = 'accepted'"), accepts);
    EXPECT_EQ(count(db, "SELECT COUNT(DISTINCT complaint_id) FROM events WHERE type = 'accepted'"), accepts);
    EXPECT_EQ(count(db,
                    "SELECT COUNT(*) FROM (SELECT 1 FROM fines GROUP BY complaint_id, stage, department "
                    "HAVING COUNT(*) > 1) AS twice"),
              0);
    // The audit chain is whole although two processes appended to it.
    {
        storage::database check(url);
        auto audit = check.verify_audit();
        EXPECT_TRUE(audit.ok) << (audit.problems.empty() ? "" : audit.problems.front());
    }
    // Every post delivered, signed; a repeat only for a post a kill interrupted (at most one per kill).
    std::map<std::string, int> expected, delivered;
    for (const auto& t : column(db, "SELECT text FROM outbox")) expected[key_of(t)]++;
    for (const auto& t : robot.texts()) delivered[key_of(t)]++;
    int repeats = 0;
    for (const auto& [k, n] : expected) {
        EXPECT_GE(delivered[k], n) << "never delivered: " << k;
        repeats += std::max(0, delivered[k] - n);
    }
    for (const auto& [k, n] : delivered)
        EXPECT_TRUE(expected.count(k)) << "delivered but not in the outbox: " << k;
    EXPECT_LE(repeats, rounds) << "more repeats than kills";
    std::cout << "[ outbox   ] " << expected.size() << " posts, " << robot.count() << " deliveries ("
              << repeats << " repeated after a kill)\n";
    EXPECT_EQ(robot.bad_signatures(), 0);
    EXPECT_EQ(a.stop(), 0) << a.log();
    EXPECT_EQ(b.stop(), 0) << b.log();
}
