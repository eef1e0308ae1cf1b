// Faults: the real `complaint-bot serve` SIGKILLed at random moments under a load of signed
// DingTalk callbacks and restarted. Afterwards nothing acknowledged is lost, nothing is registered
// or fined twice, and every post reaches the fake robot. (The disk and the database failing are in
// fault_disk_test.cpp, the platform failing in fault_platform_test.cpp.)
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

#include <nlohmann/json.hpp>

#include "pipeline/live_state.hpp"
#include "support/fault_support.hpp"

using namespace fault;

namespace {

// The first line of a post up to any @-mention: the same for the outbox row and the delivered post.
std::string key_of(const std::string& text) {
    auto line = text.substr(0, text.find('\n'));
    return line.substr(0, line.find('@'));
}

struct work_item {
    std::string msg_id;
    std::string staff;
    std::string text;
    int accept_of = 0;  // 受理 P<n>: sent once at least n complaints were acknowledged
};

// What the bot holds in memory against its database, both read by the bot at one moment between
// two steps (/healthz?digest): the same, or the memory has drifted from the file. Returns the
// memory's digest ("" when the bot did not answer).
std::string expect_memory_is_the_file(bot_process& bot, const std::string& when) {
    nlohmann::json j;
    bool got = eventually(
        [&] {
            auto r = bot.request(boost::beast::http::verb::get, "/healthz?digest=1");
            if (r.body.empty() || r.body[0] != '{') return false;  // 429 (asked too often) or busy
            j = nlohmann::json::parse(r.body, nullptr, false);
            return j.is_object() && j.contains("live") && j["live"].contains("digest");
        },
        10s);
    EXPECT_TRUE(got) << when << ": no digest from /healthz";
    if (!got) return {};
    EXPECT_EQ(j["live"]["digest"], j["live"]["database_digest"])
        << when << ": the bot's memory differs from its database (" << j["live"].dump() << ")";
    return j["live"]["digest"].get<std::string>();
}

}  // namespace

// Several hundred signed callbacks from 4 concurrent clients while the bot is SIGKILLed at random
// moments (20 rounds) and restarted. Before each kill, and at the end, what the bot holds in memory
// is compared with its database. A callback without a 2xx answer is redelivered with the same
// msgId, as DingTalk does.
TEST(Fault, SigkillUnderLoadLosesNothingAndRegistersNothingTwice) {
    unsigned seed = 20261201;
    if (const char* s = std::getenv("FAULT_SEED")) seed = static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    std::cout << "[ seed     ] FAULT_SEED=" << seed << " (set it to replay this run)\n";
    RecordProperty("seed", std::to_string(seed));
    std::mt19937 rng(seed);

    constexpr int complaints = 400, accepts = 100, clients = 4, rounds = 20;
    memory_dir dir;  // SIGKILL is a process crash: the page cache survives it, tmpfs or disk
    fake_robot robot;
    bot_process bot(dir / "bot.db", robot.url());

    std::mutex mutex;
    std::deque<work_item> pending;  // complaints, then redeliveries at the front
    for (int i = 1; i <= complaints; ++i) {
        char tag[16];
        std::snprintf(tag, sizeof tag, "C%04d", i);
        pending.push_back({"load-c-" + std::to_string(i), "dt-1002", complaint_text(tag), 0});
    }
    std::deque<work_item> commands;
    for (int k = 1; k <= accepts; ++k)
        commands.push_back({"load-a-" + std::to_string(k), "dt-1006", "受理 P" + std::to_string(k), k});
    int acked_complaints = 0, acked_total = 0, in_flight = 0, lost_answers = 0;
    std::set<std::string> acked_ids;
    std::atomic<bool> give_up{false};

    auto client = [&] {
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
                } else {
                    item.msg_id.clear();
                }
                if (!item.msg_id.empty()) ++in_flight;
            }
            if (give_up) return;
            if (item.msg_id.empty()) {
                std::this_thread::sleep_for(5ms);
                continue;
            }
            int status = bot.callback(item.msg_id, item.staff, item.text, 5s);
            std::lock_guard<std::mutex> lock(mutex);
            --in_flight;
            if (status >= 200 && status < 300) {
                ++acked_total;
                acked_ids.insert(item.msg_id);
                if (item.accept_of == 0) ++acked_complaints;
            } else {
                // No answer (killed, refused, cut): the platform redelivers the same msgId.
                ++lost_answers;
                if (item.accept_of == 0)
                    pending.push_front(item);
                else
                    commands.push_front(item);
            }
            if (status == 0) std::this_thread::sleep_for(10ms);
        }
    };

    auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    ASSERT_TRUE(bot.start()) << bot.log();
    for (int c = 0; c < clients; ++c) threads.emplace_back(client);
    // Each kill lands at a random point of the load: after a random share of the callbacks was
    // answered, plus a random delay.
    std::uniform_int_distribution<int> share(5 * (complaints + accepts) / 100,
                                             90 * (complaints + accepts) / 100),
        delay_ms(0, 30), down_ms(0, 200);
    std::vector<int> kill_at;
    for (int r = 0; r < rounds; ++r) kill_at.push_back(share(rng));
    std::sort(kill_at.begin(), kill_at.end());
    for (int r = 0; r < rounds; ++r) {
        eventually(
            [&] {
                std::lock_guard<std::mutex> lock(mutex);
                return acked_total >= kill_at[static_cast<std::size_t>(r)];
            },
            30s);
        if (r % 4 == 0 || r == rounds - 1)  // (each digest reads every open complaint)
            expect_memory_is_the_file(bot, "before kill " + std::to_string(r + 1));
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
        bot.kill();
        std::this_thread::sleep_for(std::chrono::milliseconds(down_ms(rng)));
        if (!bot.start()) {
            give_up = true;
            for (auto& t : threads) t.join();
            FAIL() << "restart " << r << " failed: " << bot.log();
        }
    }
    // The last run: everything gets answered, the outbox drains.
    bool answered = eventually(
        [&] {
            std::lock_guard<std::mutex> lock(mutex);
            return acked_total == complaints + accepts;
        },
        60s);
    give_up = !answered;
    for (auto& t : threads) t.join();
    ASSERT_TRUE(answered) << "not every callback was answered 2xx: " << acked_total << " of "
                          << complaints + accepts;
    auto db = bot.db();
    ASSERT_TRUE(eventually(
        [&] {
            return count(db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0 &&
                   robot.count() >= static_cast<std::size_t>(count(db, "SELECT COUNT(*) FROM outbox"));
        },
        60s))
        << "outbox did not drain: " << bot.health_text();
    std::string kills;
    for (auto k : kill_at) kills += (kills.empty() ? "" : ", ") + std::to_string(k);
    std::cout << "[ load     ] " << acked_total << " callbacks acknowledged, " << lost_answers
              << " answers lost and redelivered, " << rounds << " SIGKILLs (after " << kills
              << " answers), took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       started)
                     .count()
              << " ms\n";

    EXPECT_GE(lost_answers, rounds) << "the kills did not land during the load";
    // The last run's memory: as the bot reads its file, and as this process reads it.
    auto memory = expect_memory_is_the_file(bot, "at the end");
    {
        storage::database file(db.string(), storage::database::read_only);
        EXPECT_EQ(memory, app::live_state::digest_of(file)) << "the bot's memory is not what its file holds";
    }
    // Every acknowledged callback is in the database, once.
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM inbound"), complaints + accepts);
    for (const auto& id : acked_ids)
        EXPECT_EQ(count(db, "SELECT COUNT(*) FROM inbound WHERE msg_id = '" + id + "'"), 1) << id;
    // Every complaint registered exactly once (its customer names it), numbered P1..P300.
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM complaints"), complaints);
    EXPECT_EQ(count(db, "SELECT MAX(seq) FROM complaints WHERE kind = 'product'"), complaints);
    std::map<std::string, int> customers;
    for (const auto& state : column(db, "SELECT state FROM complaints")) {
        auto at = state.find("客户C");
        ASSERT_NE(at, std::string::npos) << state.substr(0, 300);
        customers[state.substr(at, std::strlen("客户C") + 4)]++;
    }
    EXPECT_EQ(customers.size(), static_cast<std::size_t>(complaints));
    for (const auto& [customer, n] : customers)
        EXPECT_EQ(n, 1) << customer << " registered " << n << " times";
    // Every 受理 applied once: one "accepted" event per complaint P1..P80, none elsewhere.
    EXPECT_EQ(count(db, "SELECT COUNT(*) FROM events WHERE type = 'accepted'"), accepts);
    EXPECT_EQ(count(db, "SELECT COUNT(DISTINCT complaint_id) FROM events WHERE type = 'accepted'"), accepts);
    EXPECT_EQ(count(db,
                    "SELECT COUNT(*) FROM events WHERE type = 'accepted' AND CAST(SUBSTR(complaint_id, 2) AS "
                    "INTEGER) > " +
                        std::to_string(accepts)),
              0);
    // No fine twice (none is due yet: the clocks run minutes).
    EXPECT_EQ(count(db,
                    "SELECT COUNT(*) FROM (SELECT 1 FROM fines GROUP BY complaint_id, stage, department "
                    "HAVING COUNT(*) > 1)"),
              0);

    // Every outbox post delivered, signed; at least once, and a repeat only for a post that a
    // SIGKILL caught between the platform's "ok" and mark_sent (at most one such post per kill).
    std::map<std::string, int> expected, delivered;
    for (const auto& t : column(db, "SELECT text FROM outbox")) expected[key_of(t)]++;
    for (const auto& t : robot.texts()) delivered[key_of(t)]++;
    EXPECT_EQ(expected.size(), static_cast<std::size_t>(count(db, "SELECT COUNT(*) FROM outbox")))
        << "outbox posts are told apart by their first line";
    int repeats = 0;
    for (const auto& [k, n] : expected) {
        EXPECT_GE(delivered[k], n) << "never delivered: " << k;
        repeats += std::max(0, delivered[k] - n);
    }
    for (const auto& [k, n] : delivered)
        EXPECT_TRUE(expected.count(k)) << "delivered but not in the outbox: " << k;
    EXPECT_LE(repeats, rounds);
    std::cout << "[ outbox   ] " << expected.size() << " posts, " << robot.count() << " deliveries ("
              << repeats << " repeated after a kill)\n";
    EXPECT_EQ(robot.bad_signatures(), 0);
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}
