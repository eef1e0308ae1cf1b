// Tests for adapters/dingtalk_events.cpp: DingTalk's encrypted event subscription. The published
// vectors of open-dingtalk/DingTalk-Callback-Crypto go through decode() as whole requests and are
// answered with the encrypted "success"; a person leaving or changing department becomes a
// dingtalk_org_event; every bad request (signature, timestamp, receive id, body, method) is refused
// with no event and no answer body.
#include "adapters/dingtalk_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace {

using adapters::dingtalk_events;
using adapters::dingtalk_org_event;
using adapters::errc;
using adapters::raw_request;
using json = nlohmann::json;

// The app's event subscription as the tests configure it.
constexpr const char* token = "dingEventsToken7";
constexpr const char* aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr const char* app_key = "dingTestAppKey01";
const core::instant now = core::from_ms(1767225600000);

raw_request request(const std::string& signature, const std::string& ts, const std::string& nonce,
                    const std::string& encrypted, const char* sig_name = "signature",
                    const char* ts_name = "timestamp") {
    return {"POST",
            "/hooks/dingtalk/events?" + std::string(sig_name) + "=" + signature + "&" + ts_name + "=" + ts +
                "&nonce=" + nonce,
            {},
            json{{"encrypt", encrypted}}.dump()};
}

// `plain` encrypted and signed as DingTalk does, at `ts` (ms).
raw_request event_request(const std::string& plain, const std::string& receive_id = app_key,
                          const std::string& ts = "1767225600000") {
    adapters::crypto::msg_crypt crypt(token, aes_key);
    auto enc = crypt.encrypt(plain, receive_id, "0123456789abcdef");
    return request(crypt.signature(ts, "nOnCe123", enc), ts, "nOnCe123", enc);
}

// The answer decrypts to "success" for `receive_id` and its signature holds.
void expect_success(const adapters::crypto::msg_crypt& crypt, const adapters::raw_response& reply,
                    const std::string& receive_id) {
    EXPECT_EQ(reply.status, 200);
    auto body = json::parse(reply.body);
    ASSERT_TRUE(body.contains("msg_signature") && body.contains("timeStamp") && body.contains("nonce") &&
                body.contains("encrypt"))
        << reply.body;
    EXPECT_TRUE(crypt.verify(body["msg_signature"].get<std::string>(), body["timeStamp"].get<std::string>(),
                             body["nonce"].get<std::string>(), body["encrypt"].get<std::string>()));
    auto opened = crypt.decrypt(body["encrypt"].get<std::string>());
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->msg, "success");
    EXPECT_EQ(opened->receive_id, receive_id);
}

TEST(DingtalkEvents, PublishedCheckUrlVectorIsAnsweredWithTheEncryptedSuccess) {
    // [V:dingtalk-event-callback-decrypt-check-url] (DingCallbackCrypto3.py __main__).
    dingtalk_events events("mryue", "Yue0EfdN5900c1ce5cf6A152c63DDe1808a60c5ecd7", "ding6ccabc44d2c8d38b");
    auto req = request(
        "03044561471240d4a14bb09372dfcfd4fd0e40cb", "1608001896814", "WL4PK6yA",
        "0vJiX6vliEpwG3U45CtXqi+m8PXbQRARJ8p8BbDuD1EMTDf0jKpQ79QS93qEk7XHpP6u+oTTrd15NRPvNvmBKyDCYxxOK+"
        "HZeKju4yhELOFchzNukR+t8SB/qk4ROMu3",
        "msg_signature", "timeStamp");
    auto r = events.decode(req, core::from_ms(1608001896814));
    EXPECT_FALSE(r.result.error) << r.result.detail;
    EXPECT_EQ(r.event_type, "check_url");
    EXPECT_FALSE(r.org_event);
    ASSERT_TRUE(r.result.reply);
    expect_success(events.msg_crypt(), *r.result.reply, "ding6ccabc44d2c8d38b");
}

TEST(DingtalkEvents, PublishedSuiteVectorIsAuthenticButNoEventTheBotUses) {
    // [V:dingtalk-event-callback-decrypt-suite] (dingtalk_callback_crypto.rs test_msg_decrypt).
    dingtalk_events events("123456", "4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij", "suite4xxxxxxxxxxxxxxx");
    auto req = request("5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0", "1445827045067", "nEXhMP4r",
                       "1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+"
                       "OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/"
                       "D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==");
    auto r = events.decode(req, core::from_ms(1445827045067));
    EXPECT_EQ(r.event_type, "check_create_suite_url");
    EXPECT_EQ(r.result.error, errc::unsupported_event);
    EXPECT_FALSE(r.org_event);
    ASSERT_TRUE(r.result.reply);  // answered success all the same: a retry would not make it usable
    expect_success(events.msg_crypt(), *r.result.reply, "suite4xxxxxxxxxxxxxxx");
    // The same vector with one byte of the signature changed: refused, no answer body.
    auto tampered = req;
    tampered.target.replace(tampered.target.find("5a65"), 4, "5a66");
    auto bad = events.decode(tampered, core::from_ms(1445827045067));
    EXPECT_EQ(bad.result.error, errc::bad_signature);
    EXPECT_FALSE(bad.result.reply);
}

TEST(DingtalkEvents, APersonLeavingBecomesAnOrgEvent) {
    dingtalk_events events(token, aes_key, app_key);
    auto r = events.decode(event_request(R"({"EventType":"user_leave_org","TimeStamp":"1767225500000",
        "CorpId":"dingCorp","UserId":["dt-1009","dt-1010"],"OptStaffId":"dt-1007","eventId":"ev-leave-1"})"),
                           now);
    EXPECT_FALSE(r.result.error) << r.result.detail;
    ASSERT_TRUE(r.org_event);
    EXPECT_EQ(*r.org_event, (dingtalk_org_event{dingtalk_org_event::kind::left,
                                                {"dt-1009", "dt-1010"},
                                                core::from_ms(1767225500000),
                                                "ev-leave-1"}));
    ASSERT_TRUE(r.result.reply);
    expect_success(events.msg_crypt(), *r.result.reply, app_key);
}

TEST(DingtalkEvents, ADepartmentChangeUnderEitherNameIsAChangedEvent) {
    dingtalk_events events(token, aes_key, app_key);
    for (const char* type : {"user_modify_org", "org_user_modify"}) {
        auto r = events.decode(event_request(std::string(R"({"EventType":")") + type +
                                             R"(","timeStamp":1767225590000,"userId":["dt-1013"]})"),
                               now);
        ASSERT_TRUE(r.org_event) << type;
        EXPECT_EQ(r.org_event->what, dingtalk_org_event::kind::changed);
        EXPECT_EQ(r.org_event->user_ids, std::vector<std::string>{"dt-1013"});
        EXPECT_EQ(r.org_event->time, core::from_ms(1767225590000));
        EXPECT_FALSE(r.org_event->event_id.empty());  // derived when DingTalk sends none
    }
    // An org event without users is no event.
    auto empty = events.decode(event_request(R"({"EventType":"user_leave_org","UserId":[]})"), now);
    EXPECT_FALSE(empty.org_event);
    EXPECT_EQ(empty.result.error, errc::unsupported_event);
    EXPECT_TRUE(empty.result.reply);
}

TEST(DingtalkEvents, BadRequestsAreRefusedWithNothingAccepted) {
    dingtalk_events events(token, aes_key, app_key);
    auto expect_refused = [&](const raw_request& req, errc want, const char* what) {
        auto r = events.decode(req, now);
        EXPECT_EQ(r.result.error, want) << what << ": " << r.result.detail;
        EXPECT_FALSE(r.result.reply) << what;
        EXPECT_FALSE(r.org_event) << what;
    };
    const std::string leave = R"({"EventType":"user_leave_org","UserId":["dt-1009"]})";
    expect_refused(event_request(leave, "dingOtherApp"), errc::decrypt_failed, "other app's receive id");
    expect_refused(event_request(leave, app_key, "1767221000000"), errc::stale_timestamp, "77 min old");
    expect_refused(event_request(leave, app_key, "soon"), errc::bad_signature, "timestamp not a number");
    auto unsigned_req = event_request(leave);
    unsigned_req.target = "/hooks/dingtalk/events?timestamp=1767225600000&nonce=n";
    expect_refused(unsigned_req, errc::missing_signature, "no signature");
    auto no_body = event_request(leave);
    no_body.body = "encrypt=abc";
    expect_refused(no_body, errc::malformed_body, "not JSON");
    auto get = event_request(leave);
    get.method = "GET";
    expect_refused(get, errc::malformed_body, "GET");
    // Signed correctly over garbage ciphertext.
    adapters::crypto::msg_crypt crypt(token, aes_key);
    const std::string junk = "AAAAAAAAAAAAAAAAAAAAAA==";
    expect_refused(request(crypt.signature("1767225600000", "n", junk), "1767225600000", "n", junk),
                   errc::decrypt_failed, "junk ciphertext");
    // A wrong token signs differently.
    dingtalk_events other("anotherToken9", aes_key, app_key);
    auto r = other.decode(event_request(leave), now);
    EXPECT_EQ(r.result.error, errc::bad_signature);
    EXPECT_FALSE(r.org_event);
}

TEST(DingtalkEvents, ConstructorRefusesAnEmptyTokenOrABadKey) {
    EXPECT_THROW(dingtalk_events("", aes_key, app_key), std::invalid_argument);
    EXPECT_THROW(dingtalk_events(token, "short", app_key), std::invalid_argument);
}

}  // namespace
