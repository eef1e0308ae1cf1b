// Hostile input against the real `complaint-bot serve` (and the HTTP server in process where the
// bot's timeouts would make the test slow): oversized and unsigned or replayed callbacks, forged
// senders, a department acting for another, garbage bytes, slow-loris connections, and 10,000 bad
// posts from one sender. Each leaves the database as it was (but for the inbound record and the
// polite reply where one is due) and the bot up.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <future>
#include <random>
#include <sstream>

#include "pipeline/engine.hpp"
#include "support/fault_support.hpp"

using namespace fault;
using tcp = boost::asio::ip::tcp;

namespace {

// What a refusal must not change: complaints, events, deadlines, fines, the outbox.
std::string snapshot(const std::filesystem::path& db) {
    std::string s;
    for (const char* sql :
         {"SELECT id || '|' || status || '|' || state FROM complaints ORDER BY id",
          "SELECT COUNT(*) FROM events", "SELECT COUNT(*) FROM deadlines WHERE complaint_id <> ''",
          "SELECT COUNT(*) FROM fines", "SELECT COUNT(*) FROM outbox"})
        for (const auto& v : column(db, sql)) s += v + "\n";
    return s;
}

}  // namespace

TEST(Hostile, BadCallbacksAreRefusedAndChangeNothing) {
    test_support::temp_dir dir;
    fake_robot robot;
    bot_process bot(dir / "bot.db", robot.url());
    ASSERT_TRUE(bot.start()) << bot.log();
    ASSERT_EQ(bot.callback("ok-1", "dt-1002", complaint_text("H1")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 1; }, 10s)) << bot.log();
    const auto before = snapshot(bot.db());
    const auto inbound = count(bot.db(), "SELECT COUNT(*) FROM inbound");
    auto post = [&](const std::string& body, const std::map<std::string, std::string>& headers) {
        return call(bot.port(), http::verb::post, "/hooks/dingtalk", body, headers).status;
    };

    // Oversized (over server.body_limit, 256 KiB), even when signed: 413, nothing read.
    EXPECT_EQ(post(callback_body("big-1", "dt-1002", complaint_text(std::string(300 * 1024, 'x'))),
                   callback_headers()),
              413);
    // Wrong secret, no signature, a replayed callback two hours old: 401.
    EXPECT_EQ(post(callback_body("bad-1", "dt-1002", complaint_text("H2")), callback_headers("SECwrong")),
              401);
    EXPECT_EQ(post(callback_body("bad-2", "dt-1002", complaint_text("H2")), {}), 401);  // missing_signature
    EXPECT_EQ(post(callback_body("bad-3", "dt-1002", complaint_text("H2")),
                   callback_headers(app_secret, 2 * 3'600'000)),
              401);
    auto old = callback_headers(app_secret, 2 * 3'600'000);
    EXPECT_EQ(post(callback_body("ok-1", "dt-1002", complaint_text("H1")), old), 401) << "a replay of ok-1";
    // Signed but not JSON / not a message: 400.
    EXPECT_EQ(post("{\"msgtype\":", callback_headers()), 400);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM inbound"), inbound);
    EXPECT_EQ(snapshot(bot.db()), before);

    // A forged sender: signed, but senderStaffId is nobody in the organization. The polite reply,
    // no complaint.
    EXPECT_EQ(bot.callback("forged-1", "dt-9999", complaint_text("H3")), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 2; }, 10s)) << bot.log();
    EXPECT_NE(robot.texts()[1].find("尚未在投诉机器人中登记"), std::string::npos) << robot.texts()[1];
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints"), 1);
    // A registered salesperson acting for the order desk (受理) or for a department (回复): refused
    // with who may act; the complaint is unchanged.
    auto complaint_before = column(bot.db(), "SELECT state FROM complaints WHERE id = 'P1'");
    auto events_before = count(bot.db(), "SELECT COUNT(*) FROM events");
    EXPECT_EQ(bot.callback("act-1", "dt-1002", "受理 P1"), 200);
    EXPECT_EQ(bot.callback("act-2", "dt-1002", "回复 P1 是客户装配问题，不予处理"), 200);
    ASSERT_TRUE(eventually([&] { return robot.count() == 4; }, 10s)) << [&] {
        std::string all;
        for (const auto& t : robot.texts()) all += "---\n" + t + "\n";
        for (const auto& t : column(bot.db(), "SELECT state || ' ' || text FROM outbox"))
            all += "outbox: " + t + "\n";
        for (const auto& t : column(bot.db(), "SELECT msg_id || ' ' || text FROM inbound"))
            all += "inbound: " + t + "\n";
        return all + bot.log();
    }();
    for (std::size_t i : {2u, 3u})
        EXPECT_NE(robot.texts()[i].find("❌"), std::string::npos) << robot.texts()[i];
    EXPECT_NE(robot.texts()[2].find("打单部"), std::string::npos)
        << "names who may act: " << robot.texts()[2];
    EXPECT_EQ(column(bot.db(), "SELECT state FROM complaints WHERE id = 'P1'"), complaint_before);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM events"), events_before);
    EXPECT_EQ(robot.bad_signatures(), 0);
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}

// Garbage on the wire (seeded random bytes, broken request lines, bad lengths, smuggling
// attempts, an oversized header): each connection gets a 4xx or is closed, never a 2xx or 5xx,
// and the bot keeps serving.
TEST(Hostile, MalformedHttpGets4xxOrCloseAndTheBotStaysUp) {
    unsigned seed = 5150;
    std::cout << "[ seed     ] " << seed << "\n";
    std::mt19937 rng(seed);
    test_support::temp_dir dir;
    fake_robot robot;
    bot_process bot(dir / "bot.db", robot.url());
    ASSERT_TRUE(bot.start()) << bot.log();
    std::vector<std::string> inputs = {
        "\r\n\r\n\r\n",
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n",
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: "
        "chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: "
        "3\r\n\r\n0\r\n\r\n",
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
        std::string("POST /hooks/dingtalk HTTP/1.1\r\nHo\0st: a\r\n\r\n", 43),
        std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS ClientHello on plain HTTP
    };
    std::uniform_int_distribution<int> byte(0, 255), len(1, 3000);
    for (int i = 0; i < 30; ++i) {
        std::string junk(static_cast<std::size_t>(len(rng)), '\0');
        for (auto& c : junk) c = static_cast<char>(byte(rng));
        if (i % 2) junk = "POST /hooks/dingtalk HTTP/1.1\r\n" + junk;
        inputs.push_back(junk);
    }
    // All at once: an incomplete request is only closed at the bot's read timeout (10 s).
    std::vector<std::future<loopback::raw_reply>> results;
    for (const auto& in : inputs)
        results.push_back(
            std::async(std::launch::async, [&bot, in] { return loopback::exchange(bot.port(), in, 14s); }));
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        auto r = results[i].get();
        bool refused = r.reply.rfind("HTTP/1.1 4", 0) == 0;
        EXPECT_TRUE(r.closed) << "input " << i << " left the connection open";
        EXPECT_TRUE(refused || r.reply.empty()) << "input " << i << ": " << r.reply.substr(0, 200);
    }
    EXPECT_EQ(bot.healthz().status, 200);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM inbound"), 0);
    EXPECT_EQ(bot.callback("after-garbage", "dt-1002", complaint_text("G1")), 200);
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}

namespace {

// Trickles `bytes` one byte per `gap` (after sending `prefix` at once) until the server closes the
// connection; returns how long that took from the first trickled byte.
std::chrono::milliseconds trickle(unsigned short port, const std::string& prefix, const std::string& bytes,
                                  std::chrono::milliseconds gap, std::chrono::milliseconds limit) {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect({asio::ip::make_address("127.0.0.1"), port});
    boost::system::error_code ec;
    std::string got;
    char buf[4096];
    if (!prefix.empty()) {
        asio::write(s, asio::buffer(prefix), ec);
        // Wait for the answer to the prefix request.
        auto until = std::chrono::steady_clock::now() + 5s;
        s.non_blocking(true);
        while (got.find("served") == std::string::npos && std::chrono::steady_clock::now() < until) {
            auto n = s.read_some(asio::buffer(buf), ec);
            if (!ec) got.append(buf, n);
            std::this_thread::sleep_for(5ms);
        }
        s.non_blocking(false);
    }
    auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; std::chrono::steady_clock::now() - start < limit; i = (i + 1) % bytes.size()) {
        s.send(asio::buffer(&bytes[i], 1), 0, ec);
        if (ec) break;
        s.non_blocking(true);
        auto n = s.read_some(asio::buffer(buf), ec);
        s.non_blocking(false);
        if (ec && ec != asio::error::would_block) break;  // closed by the server
        if (!ec && n == 0) break;
        std::this_thread::sleep_for(gap);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

// Slow-loris: 20 connections trickling a header a byte at a time (and one trickling its second,
// keep-alive request) are each cut off within the read timeout, while a normal client is served
// all along.
TEST(Hostile, SlowLorisConnectionsAreCutOffWhileNormalClientsAreServed) {
    app::server_options o;
    o.read_timeout = 1500ms;
    o.idle_timeout = 5s;
    o.port = 0;
    // The HTTP server on its own loop thread with short timeouts (the bot's are 10 s and 30 s).
    loopback::threaded_server s(
        [](const adapters::raw_request& r) {
            return adapters::raw_response{200, "text/plain", "served " + r.target};
        },
        o);
    const std::string header =
        "POST /hooks/dingtalk HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + std::string(4000, 'p') + "\r\n";
    std::vector<std::future<std::chrono::milliseconds>> lorises;
    for (int i = 0; i < 20; ++i)
        lorises.push_back(
            std::async(std::launch::async, [&] { return trickle(s.port(), {}, header, 250ms, 20s); }));
    const std::string first = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";
    auto keep_alive_loris =
        std::async(std::launch::async, [&] { return trickle(s.port(), first, header, 250ms, 20s); });
    // Meanwhile a normal client is answered promptly, again and again.
    auto until = std::chrono::steady_clock::now() + 1200ms;
    int served = 0;
    while (std::chrono::steady_clock::now() < until) {
        auto start = std::chrono::steady_clock::now();
        auto status = call(s.port(), http::verb::get, "/normal", {}, {}, 2s).status;
        EXPECT_EQ(status, 200);
        EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
        served += status == 200;
        std::this_thread::sleep_for(50ms);
    }
    EXPECT_GE(served, 5);
    for (auto& f : lorises) {
        auto took = f.get();
        EXPECT_LT(took, o.read_timeout + 1s) << "a byte every 250 ms did not extend the read timeout";
    }
    EXPECT_LT(keep_alive_loris.get(), o.read_timeout + 1s)
        << "the next request on a keep-alive connection has the read timeout too, once its first byte is in";
    EXPECT_EQ(call(s.port(), http::verb::get, "/after", {}, {}, 2s).status, 200);
}

// 10,000 malformed complaint posts from one sender as fast as 4 clients can send them: all
// answered 200 (each committed and de-duplicated), the bot stays healthy, the group gets at most
// engine::bad_post_replies_per_minute replies a minute instead of 10,000, and another person's
// complaint in the middle of it is registered and answered.
TEST(Hostile, TenThousandBadPostsFromOneSenderAreAllAnsweredWithoutFloodingTheGroup) {
    constexpr int posts = 10'000, clients = 4;
    memory_dir dir;
    fake_robot robot;
    bot_process bot(dir / "bot.db", robot.url());
    ASSERT_TRUE(bot.start()) << bot.log();
    const std::string bad = "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司";  // fields missing
    std::atomic<int> next{0}, ok{0}, other{0};
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&] {
            for (int i = next++; i < posts; i = next++) {
                int status = bot.callback("flood-" + std::to_string(i), "dt-1002", bad, 10s);
                (status == 200 ? ok : other)++;
            }
        });
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(bot.callback("real-1", "dt-1003", complaint_text("W1")), 200);
    for (auto& t : threads) t.join();
    auto took = std::chrono::steady_clock::now() - start;
    std::cout << "[ flood    ] " << posts << " posts in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
    EXPECT_EQ(ok.load(), posts);
    EXPECT_EQ(other.load(), 0);
    auto health = bot.healthz();
    EXPECT_EQ(health.status, 200) << health.body;
    EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos) << health.body;
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM inbound WHERE msg_id LIKE 'flood-%'"), posts);
    auto minutes = std::chrono::duration_cast<std::chrono::minutes>(took).count() + 1;
    auto replies = count(bot.db(), "SELECT COUNT(*) FROM outbox WHERE mentions LIKE '%zhangsan%'");
    std::cout << "[ flood    ] " << replies << " replies to " << posts << " bad posts\n";
    EXPECT_GE(replies, 1);
    EXPECT_LE(replies, static_cast<std::int64_t>(app::engine::bad_post_replies_per_minute) * (minutes + 1));
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints WHERE state LIKE '%客户W1\"%'"), 1);
    EXPECT_TRUE(eventually(
        [&] { return count(bot.db(), "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'") == 0; }, 20s))
        << bot.health_text();
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}

// The log scan that ends the suite works: a planted secret fails it, naming file and line, and the
// secrets these tests use are all on its list.
TEST(LogScan, APlantedSecretFailsTheScanWithFileAndLine) {
    auto list = test_support::read_file(test_support::source_path("tests/support/test_secrets.txt"));
    for (const auto& s : secrets())
        EXPECT_NE(list.find(s + "\n"), std::string::npos) << s << " not on the list";
    test_support::temp_dir dir;
    test_support::write_file(dir / "clean.log", "[info] complaint-bot listening\n");
    std::string out;
    auto script = test_support::source_path("tests/support/scan_logs.sh").string();
    auto secrets_file = test_support::source_path("tests/support/test_secrets.txt").string();
    EXPECT_EQ(
        test_support::run_command("sh " + script + " " + dir.path().string() + " " + secrets_file, out, true),
        0)
        << out;
    test_support::write_file(dir / "leaky.log",
                             "line one\nPOST to webhook sign=x secret=" + robot_secret + "\n");
    EXPECT_EQ(
        test_support::run_command("sh " + script + " " + dir.path().string() + " " + secrets_file, out, true),
        1)
        << out;
    EXPECT_NE(out.find("leaky.log:2: a test secret is in the log"), std::string::npos) << out;
    EXPECT_EQ(out.find(robot_secret), std::string::npos) << "the scan does not print the secret";
}

namespace {

// User + system CPU time of a process in clock ticks (/proc/<pid>/stat fields 14 and 15).
long cpu_ticks(int pid) {
    auto stat = test_support::read_file("/proc/" + std::to_string(pid) + "/stat");
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

std::size_t open_fds(int pid) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd"))
        ++n;
    return n;
}

}  // namespace

// A connection flood that exhausts the bot's file descriptors: the bot pauses accepting (no busy
// loop), says so in its log, stays up, and serves callbacks again once the flood goes away.
TEST(Hostile, AConnectionFloodThatExhaustsFileDescriptorsDoesNotSpinAndPasses) {
    memory_dir dir;
    fake_robot robot;
    bot_process bot(dir / "bot.db", robot.url());
    ASSERT_TRUE(bot.start()) << bot.log();
    const int pid = bot.proc().pid();
    auto limit = static_cast<rlim_t>(open_fds(pid) + 16);
    rlimit lim{limit, limit};
    ASSERT_EQ(::prlimit(pid, RLIMIT_NOFILE, &lim, nullptr), 0) << std::strerror(errno);
    asio::io_context ioc;
    std::vector<tcp::socket> flood;
    for (int i = 0; i < 64; ++i) {
        tcp::socket s(ioc);
        boost::system::error_code ec;
        s.connect({asio::ip::make_address("127.0.0.1"), bot.port()}, ec);
        if (!ec) flood.push_back(std::move(s));
    }
    ASSERT_TRUE(
        eventually([&] { return bot.log().find("cannot accept connections") != std::string::npos; }, 5s))
        << bot.log();
    auto before = cpu_ticks(pid);
    std::this_thread::sleep_for(1s);
    auto spent = cpu_ticks(pid) - before;
    std::cout << "[ fd flood ] " << flood.size() << " idle connections, the bot used " << spent
              << " ticks of CPU in 1 s\n";
    EXPECT_LT(spent, 30) << "the accept loop spins while out of file descriptors";
    EXPECT_TRUE(bot.proc().running());
    flood.clear();  // the flood goes away
    EXPECT_TRUE(eventually([&] { return bot.healthz().status == 200; }, 15s)) << bot.log();
    EXPECT_EQ(bot.callback("after-flood", "dt-1002", complaint_text("E1")), 200);
    EXPECT_EQ(count(bot.db(), "SELECT COUNT(*) FROM complaints"), 1);
    EXPECT_EQ(bot.stop(), 0) << bot.log();
}
