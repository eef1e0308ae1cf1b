// The pure parts of Feishu's long connection: split payloads put together (and dropped after 5 s
// when a part never comes), the ClientConfig applied, the ping and ack frames as pbbp2 bytes.
#include "transport/feishu_frames.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace app::feishu;
using namespace std::chrono_literals;

TEST(FeishuFrames, ReassemblesInAnyOrderAndDropsIncompleteAfterTheTtl) {
    reassembler r;
    const auto t0 = reassembler::clock::time_point{} + 1h;
    EXPECT_EQ(r.add("m1", 3, 2, "三", t0), std::nullopt);
    EXPECT_EQ(r.add("m1", 3, 0, "投诉", t0), std::nullopt);
    EXPECT_EQ(r.add("m1", 3, 1, "第", t0 + 1s), "投诉第三");
    EXPECT_EQ(r.pending(), 0u);
    // A part that never comes: the rest is dropped 5 s after the first part.
    EXPECT_EQ(r.add("m2", 2, 0, "{\"a\":", t0), std::nullopt);
    EXPECT_EQ(r.add("m3", 2, 0, "x", t0 + 6s), std::nullopt);
    EXPECT_EQ(r.dropped(), 1u);
    EXPECT_EQ(r.add("m2", 2, 1, "1}", t0 + 6s), std::nullopt);  // too late: a new, incomplete message
    // Impossible parts are refused.
    EXPECT_EQ(r.add("m4", 2, 2, "x", t0), std::nullopt);
    EXPECT_EQ(r.add("m4", 5000, 0, "x", t0), std::nullopt);
}

TEST(FeishuFrames, ClientConfigInSeconds) {
    client_config c;
    EXPECT_TRUE(
        c.apply(R"({"ReconnectCount":3,"ReconnectInterval":10,"ReconnectNonce":0,"PingInterval":90})"));
    EXPECT_EQ(c.reconnect_count, 3);
    EXPECT_EQ(c.reconnect_interval, 10s);
    EXPECT_EQ(c.reconnect_nonce, 0s);
    EXPECT_EQ(c.ping_interval, 90s);
    EXPECT_TRUE(c.apply(R"({"PingInterval":0})"));  // a zero would spin: kept
    EXPECT_EQ(c.ping_interval, 90s);
    EXPECT_FALSE(c.apply("not json"));
}

TEST(FeishuFrames, PingAndAckFrames) {
    pbbp2::Frame ping;
    ASSERT_TRUE(ping.ParseFromString(ping_bytes(33)));
    EXPECT_EQ(ping.service(), 33);
    EXPECT_EQ(ping.method(), 0);
    EXPECT_EQ(header(ping, "type"), "ping");
    pbbp2::Frame data;
    data.set_seqid(5);
    data.set_logid(6);
    data.set_service(33);
    data.set_method(1);
    auto* h = data.add_headers();
    h->set_key("message_id");
    h->set_value("fmsg-1");
    data.set_payload("{\"schema\":\"2.0\"}");
    pbbp2::Frame ack;
    ASSERT_TRUE(ack.ParseFromString(ack_bytes(data, 200, 12ms, R"({"toast":{}})")));
    EXPECT_EQ(ack.seqid(), 5u);
    EXPECT_EQ(header(ack, "message_id"), "fmsg-1");
    EXPECT_EQ(header_int(ack, "biz_rt", -1), 12);
    auto payload = nlohmann::json::parse(ack.payload());
    EXPECT_EQ(payload["code"], 200);
    EXPECT_EQ(payload["data"], "eyJ0b2FzdCI6e319");  // Base64 of {"toast":{}}
    EXPECT_EQ(header_int(ack, "missing", 7), 7);
}
