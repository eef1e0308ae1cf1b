// The whole live pipe over loopback: HTTP callback → adapter → engine (committed before the 2xx) →
// outbox → HTTP client → a fake platform that records what the bot posts. A test adapter stands in
// for DingTalk/WeCom here; their signature and crypto checks are tested with the adapters.
#include "pipeline/service.hpp"
#include "storage/sql_console.hpp"

#include <gtest/gtest.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include <future>
#include <thread>

#include "config/loader.hpp"
#include "support/service_host.hpp"
#include "support/test_support.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// Inbound: a JSON body {"id","user","chat","text"} guarded by a shared token header; outbound: the
// post as JSON to the fake platform.
class test_adapter final : public adapters::adapter {
  public:
    explicit test_adapter(std::string send_url) : send_url_(std::move(send_url)) {}
    std::string_view platform() const override { return "dingtalk"; }
    adapters::inbound_result decode(const adapters::raw_request& req, core::instant now) const override {
        adapters::inbound_result r;
        const auto* token = req.header("x-token");
        if (!token || *token != "let-me-in") {
            r.error = adapters::errc::bad_signature;
            return r;
        }
        auto j = json::parse(req.body, nullptr, false);
        if (j.is_discarded() || !j.is_object()) {
            r.error = adapters::errc::malformed_body;
            return r;
        }
        r.message = core::inbound_message{"dingtalk",          j.value("chat", ""), j.value("id", ""),
                                          j.value("user", ""), j.value("text", ""), now};
        return r;
    }
    std::vector<adapters::outbound_request> encode(const core::outbound_post& post,
                                                   const std::vector<adapters::mention_target>& mentions,
                                                   core::instant) const override {
        json at = json::array();
        for (const auto& m : mentions) at.push_back(m.account);
        adapters::outbound_request r;
        r.url = send_url_;
        r.body = json{{"text", post.text}, {"at", at}}.dump();
        return {r};
    }
    send_verdict classify(int status, std::string_view) const override {
        return status == 200   ? send_verdict::delivered
               : status >= 500 ? send_verdict::retry
                               : send_verdict::permanent_failure;
    }

  private:
    std::string send_url_;
};

struct live_bot {
    explicit live_bot(std::vector<app::chat_binding> chats = {{"group", "dingtalk", "cid-group", 20}}) {
        auto r = conf::load_config(test_support::source_path("examples/company.yaml"));
        cfg = *r.config;
        cfg.chats.clear();
        for (const auto& c : chats) cfg.chats.push_back({c.id, c.platform, c.conversation});
        db = std::make_unique<storage::database>((dir / "bot.db").string());
        std::map<std::string, std::unique_ptr<adapters::adapter>> adapters;
        adapters["dingtalk"] = std::make_unique<test_adapter>(platform.url("/send"));
        host.start(cfg, *db, clock, std::move(adapters), chats);
    }
    ~live_bot() {
        host.stop([this] { platform.stop(); });
    }

    // A synchronous client on the test thread.
    loopback::reply call(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& token = "let-me-in") {
        std::map<std::string, std::string> headers;
        if (!token.empty()) headers["x-token"] = token;
        return loopback::call(host.port(), method == "GET" ? http::verb::get : http::verb::post, target, body,
                              headers);
    }

    // Sends every body on its own connection while the bot's loop is held, then lets it go: the
    // requests are all readable at once, as under load. Returns the statuses in order.
    std::vector<int> wave(const std::vector<std::string>& bodies) {
        std::promise<void> held, release;
        auto released = release.get_future();
        asio::post(host.context(), [&] {
            held.set_value();
            released.wait();
        });
        held.get_future().wait();
        asio::io_context c;
        std::vector<std::unique_ptr<beast::tcp_stream>> streams;
        for (const auto& body : bodies) {
            auto s = std::make_unique<beast::tcp_stream>(c);
            s->connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), host.port()));
            http::request<http::string_body> req{http::verb::post, "/hooks/dingtalk", 11};
            req.set(http::field::host, "127.0.0.1");
            req.set("x-token", "let-me-in");
            req.body() = body;
            req.prepare_payload();
            http::write(*s, req);
            streams.push_back(std::move(s));
        }
        release.set_value();
        std::vector<int> statuses;
        for (auto& s : streams) {
            beast::flat_buffer buf;
            http::response<http::string_body> res;
            beast::error_code ec;
            http::read(*s, buf, res, ec);
            statuses.push_back(ec ? 0 : static_cast<int>(res.result_int()));
        }
        return statuses;
    }

    app::batch_stats ingest_stats() {
        return host.on_loop([&] { return host.service().ingest_stats(); });
    }

    // The posts the platform received, as JSON (read on the loop).
    std::vector<json> received() {
        return host.on_loop([&] {
            std::vector<json> out;
            for (const auto& body : platform.requests) out.push_back(json::parse(body));
            return out;
        });
    }
    std::size_t received_count() {
        return host.on_loop([&] { return platform.requests.size(); });
    }

    bool wait_for_posts(std::size_t n, std::chrono::milliseconds limit = 5s) {
        return loopback::eventually([&] { return received_count() >= n; }, limit);
    }

    test_support::temp_dir dir;
    rules::config cfg;
    std::unique_ptr<storage::database> db;
    core::system_clock clock;
    loopback::service_host host;
    loopback::recording_platform platform{host.context()};
};

std::string complaint_json(const std::string& id) {
    return json{
        {"id", id},
        {"user", "dt-1002"},
        {"chat", "cid-group"},
        {"text",
         "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2020年11月18日\n品牌：金虎\n"
         "规格及数量：200盒\n产品存在的质量问题：螺纹滑牙\n客户要求：退货\n投诉时间：2020年11月23日8时55分"}}
        .dump();
}

}  // namespace

TEST(Service, ACallbackIsCommittedBeforeTheAnswerAndTheReceiptIsDelivered) {
    live_bot bot;
    auto answer = bot.call("POST", "/hooks/dingtalk", complaint_json("m1"));
    EXPECT_EQ(answer.status, 200) << answer.body;
    // Committed before the 2xx: a second connection to the same file sees it at once.
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_TRUE(reader.seen("dingtalk", "m1"));
    EXPECT_TRUE(reader.load_complaint("P1"));
    ASSERT_TRUE(bot.wait_for_posts(1));
    auto post = bot.received()[0];
    EXPECT_NE(post["text"].get<std::string>().find("已登记产品质量投诉 P1"), std::string::npos)
        << post.dump();
    // @-mentions travel as the platform's account ids of the order desk.
    EXPECT_EQ(post["at"], (json::array({"dt-1005", "dt-1006"})));
}

TEST(Service, ARedeliveryIsAnswered2xxAndProcessedOnce) {
    live_bot bot;
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", complaint_json("m1")).status, 200);
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", complaint_json("m1")).status, 200);
    ASSERT_TRUE(bot.wait_for_posts(1));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(bot.received_count(), 1u);
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_FALSE(reader.load_complaint("P2"));
}

// Every chat of a platform posts through the platform's one robot webhook, so the robot's limit is
// shared: two busy groups together never exceed it (DingTalk blocks the robot, not the group).
TEST(Service, ChatsOfOnePlatformShareTheRobotsRateLimit) {
    live_bot bot({{"group", "dingtalk", "cid-group", 3}, {"east", "dingtalk", "cid-east", 3}});
    for (int i = 0; i < 4; ++i) {
        auto body = json::parse(complaint_json("r" + std::to_string(i)));
        body["chat"] = i % 2 ? "cid-east" : "cid-group";
        EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", body.dump()).status, 200);
    }
    ASSERT_TRUE(bot.wait_for_posts(3));
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(bot.received_count(), 3u) << "the fourth receipt waits for the robot's minute";
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_EQ(reader.pending_outbox().size(), 1u);
}

TEST(Service, BadSignatureAndMalformedBodiesChangeNothing) {
    live_bot bot;
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", complaint_json("m1"), "wrong").status, 401);
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", "{not json", "let-me-in").status, 400);
    EXPECT_EQ(bot.call("POST", "/hooks/nowhere", "{}").status, 404);
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_EQ(reader.inbound_count(), 0);
    EXPECT_FALSE(reader.load_complaint("P1"));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(bot.received_count(), 0u);
}

TEST(Service, UnregisteredSenderGetsOnePoliteReply) {
    live_bot bot;
    auto body = json::parse(complaint_json("m9"));
    body["user"] = "dt-9999";
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", body.dump()).status, 200);
    ASSERT_TRUE(bot.wait_for_posts(1));
    // The id HR must add, and HR as the config names it (roles.hr).
    EXPECT_EQ(bot.received()[0]["text"],
              "❌ 你的钉钉账号尚未在投诉机器人中登记（账号 ID：dt-9999）。请把这个 ID "
              "发给人力资源部，登记后再发送。");
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_FALSE(reader.load_complaint("P1"));
}

TEST(Service, UnknownChatsAreIgnored) {
    live_bot bot;
    auto body = json::parse(complaint_json("m2"));
    body["chat"] = "cid-other";
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", body.dump()).status, 200);
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_FALSE(reader.load_complaint("P1"));
}

TEST(Service, HealthAndMetrics) {
    live_bot bot;
    bot.call("POST", "/hooks/dingtalk", complaint_json("m1"));
    auto health = bot.call("GET", "/healthz", "", "");
    EXPECT_EQ(health.status, 200);
    auto h = json::parse(health.body);
    EXPECT_EQ(h["status"], "ok");
    EXPECT_EQ(h["database"], true);
    EXPECT_EQ(h["scheduler_alive"], true);
    auto scrape = bot.call("GET", "/metrics", "", "");
    EXPECT_EQ(scrape.status, 200);
    const auto& metrics = scrape.body;
    EXPECT_NE(metrics.find("complaint_bot_requests_total{route=\"/hooks/dingtalk\",status=\"200\"} 1"),
              std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("complaint_bot_open_complaints{stage=\"accept\"} 1"), std::string::npos)
        << metrics;
    EXPECT_NE(metrics.find("complaint_bot_outbox_backlog"), std::string::npos);
}

TEST(Service, ConcurrentCallbacksAreGroupCommittedAndAllAnswered) {
    live_bot bot;
    std::vector<std::string> bodies;
    for (int i = 0; i < 120; ++i) bodies.push_back(complaint_json("c" + std::to_string(i)));
    auto statuses = bot.wave(bodies);
    for (std::size_t i = 0; i < statuses.size(); ++i) EXPECT_EQ(statuses[i], 200) << "request " << i;
    // Every 2xx is on disk: a second connection sees all of them.
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_EQ(reader.inbound_count(), 120);
    EXPECT_EQ(reader.complaint_count(), 120);
    auto stats = bot.ingest_stats();
    EXPECT_EQ(stats.messages, 120u);
    EXPECT_LT(stats.batches, 120u) << "no two callbacks shared a commit";
    EXPECT_GE(stats.largest, 2u);
}

TEST(Service, CopiesOfOneCallbackArrivingTogetherAreProcessedOnce) {
    live_bot bot;
    std::vector<std::string> bodies;
    for (int i = 0; i < 10; ++i) bodies.push_back(complaint_json(i % 2 ? "same" : "u" + std::to_string(i)));
    auto statuses = bot.wave(bodies);
    for (auto s : statuses) EXPECT_EQ(s, 200);  // every copy acknowledged
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_EQ(reader.inbound_count(), 6);  // u0 u2 u4 u6 u8 and one "same"
    EXPECT_EQ(reader.complaint_count(), 6);
    ASSERT_TRUE(bot.wait_for_posts(6)) << bot.received_count();
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(bot.received_count(), 6u);  // one receipt per distinct message
}

TEST(Service, AFailingCallbackInABatchDoesNotLoseTheOthers) {
    live_bot bot;
    {
        // A real SQLite failure while processing one message: the insert of its inbound row aborts.
        storage::database admin((bot.dir / "bot.db").string());
        storage::sql_console(admin).exec(
            "CREATE TRIGGER poison BEFORE INSERT ON inbound WHEN NEW.msg_id = 'poison' "
            "BEGIN SELECT RAISE(ABORT, 'poisoned message'); END");
    }
    std::vector<std::string> bodies;
    for (int i = 0; i < 9; ++i)
        bodies.push_back(complaint_json(i == 4 ? "poison" : "ok" + std::to_string(i)));
    auto statuses = bot.wave(bodies);
    for (std::size_t i = 0; i < statuses.size(); ++i) EXPECT_EQ(statuses[i], i == 4 ? 500 : 200) << i;
    storage::database reader((bot.dir / "bot.db").string());
    EXPECT_EQ(reader.inbound_count(), 8);
    EXPECT_FALSE(reader.seen("dingtalk", "poison"));
    EXPECT_EQ(reader.complaint_count(), 8);
    EXPECT_EQ(bot.ingest_stats().rejected, 1u);
    // Once the cause is gone, the platform's redelivery is processed.
    storage::sql_console(reader).exec("DROP TRIGGER poison");
    EXPECT_EQ(bot.call("POST", "/hooks/dingtalk", complaint_json("poison")).status, 200);
    EXPECT_TRUE(reader.seen("dingtalk", "poison"));
}
