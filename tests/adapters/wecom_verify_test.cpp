// Tests for adapters/wecom.cpp, the callback's authenticity: URL verification and decryption on
// the published WeCom samples and on golden fixtures, and every refusal (signature, timestamp,
// receive id, parameters, Base64, padding, envelope) with its exact errc.
#include "adapters/wecom.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "adapters/wecom_support.hpp"

namespace {

using namespace wecom_test;

adapters::wecom_config official_config() {
    // sbzhu/weworkapi_python callback/Sample.py settings.
    adapters::wecom_config config;
    config.token = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo";
    config.encoding_aes_key = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt";
    config.receive_id = "ww1436e0e65a779aee";
    return config;
}

// [V:wecom-decrypt-xml-official-sample]: the POST of callback/Sample.py, byte for byte.
raw_request official_xml_post() {
    return raw_request{
        "POST",
        "/cgi-bin/"
        "wxpush?msg_signature=0c3914025cb4b4d68103f6bfc8db550f79dcf48e&timestamp=1476422779&nonce=1597212914",
        {},
        "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA["
        "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLN"
        "shw2AEew"
        "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+"
        "3JWcoD4Z5jaU0y9GSh010wsHF8KZD24Yhm"
        "ZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWj"
        "ayJOpcwo"
        "cugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></"
        "Encrypt>\n<AgentID><![CDATA[1000002]]></"
        "AgentID>\n</xml>"};
}
const core::instant official_xml_now = at_seconds(1476422779);

TEST(WecomAdapter, VerifiesUrlWithOfficialGoSampleRequest) {
    // [V:wecom-urlverify-official-go-json-sample]: the request line quoted in json_callback/sample.go,
    // echostr percent-encoded as WeCom sends it.
    adapters::wecom_config config;
    config.token = "QDG6eK";
    config.encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    config.receive_id = "wx5823bf96d3bd56c7";
    const wecom_adapter wecom(config);
    raw_request req{
        "GET",
        "/cgi-bin/wxpush?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce="
        "263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%"
        "2BFZXvnaqQ%3D%3D",
        {},
        {}};
    const auto result = wecom.decode(req, at_seconds(1409659589));
    ASSERT_FALSE(result.error) << adapters::name_of(*result.error);
    ASSERT_TRUE(result.reply);
    EXPECT_EQ(result.reply->status, 200);
    EXPECT_EQ(result.reply->body, "1616140317555161061");  // bare plaintext, no quotes or newline
    EXPECT_FALSE(result.message);

    // Tampered copy: one hex digit of the signature changed.
    req.target.replace(req.target.find("5c45ff"), 6, "5c45fe");
    EXPECT_EQ(wecom.decode(req, at_seconds(1409659589)).error, errc::bad_signature);
}

TEST(WecomAdapter, VerifiesUrlWithOfficialPythonAndWechatpySamples) {
    const wecom_adapter official(official_config());
    const raw_request req{
        "GET",
        "/cb?msg_signature=012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb&timestamp=1476416373&nonce=47744683&"
        "echostr=" +
            adapters::crypto::url_encode(
                "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="),
        {},
        {}};
    const auto result = official.decode(req, at_seconds(1476416373));
    ASSERT_TRUE(result.reply);
    EXPECT_EQ(result.reply->body, "1288432023552776189");

    // [V:wecom-urlverify-wechatpy]; its own negative case changes the nonce.
    adapters::wecom_config config;
    config.token = "123456";
    config.encoding_aes_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    config.receive_id = "wx49f0ab532d5d035a";
    const wecom_adapter wechatpy(config);
    const std::string echostr = adapters::crypto::url_encode(
        "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q==");
    const raw_request ok{
        "GET",
        "/cb?msg_signature=dd6b9c95b495b3f7e2901bfbc76c664930ffdb96&timestamp=1411443780&nonce="
        "437374425&echostr=" +
            echostr,
        {},
        {}};
    ASSERT_TRUE(wechatpy.decode(ok, at_seconds(1411443780)).reply);
    EXPECT_EQ(wechatpy.decode(ok, at_seconds(1411443780)).reply->body, "5927782489442352469");
    raw_request tampered = ok;
    tampered.target.replace(tampered.target.find("437374425"), 9, "437374424");
    EXPECT_EQ(wechatpy.decode(tampered, at_seconds(1411443780)).error, errc::bad_signature);
}

TEST(WecomAdapter, DecodesOfficialXmlSample) {
    const auto result = wecom_adapter(official_config()).decode(official_xml_post(), official_xml_now);
    ASSERT_FALSE(result.error) << adapters::name_of(*result.error);
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->platform, "wecom");
    EXPECT_EQ(result.message->sender, "ChenJiaShun");
    EXPECT_EQ(result.message->text, "你好");
    EXPECT_EQ(result.message->msg_id, "1456453720");
    EXPECT_EQ(result.message->chat, "ChenJiaShun");  // app one-to-one message: no ChatId
    EXPECT_FALSE(result.reply);
}

TEST(WecomAdapter, RejectsTamperedOfficialXmlSample) {
    const wecom_adapter wecom(official_config());
    auto bad_sig = official_xml_post();
    bad_sig.target.replace(bad_sig.target.find("0c3914"), 6, "0c3915");
    EXPECT_EQ(wecom.decode(bad_sig, official_xml_now).error, errc::bad_signature);
    auto bad_body = official_xml_post();
    bad_body.body.replace(bad_body.body.find("Kl7kjo"), 6, "Kl7kjO");
    EXPECT_EQ(wecom.decode(bad_body, official_xml_now).error, errc::bad_signature);
}

TEST(WecomAdapter, DecodesWechatpyXmlSample) {
    // [V:wecom-decrypt-xml-wechatpy]
    adapters::wecom_config config;
    config.token = "123456";
    config.encoding_aes_key = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";
    config.receive_id = "wx49f0ab532d5d035a";
    const raw_request req{
        "POST",
        "/cb?msg_signature=74d92dfeb87ba7c714f89d98870ae5eb62dff26d&timestamp=1411525903&nonce=461056294",
        {},
        "<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>\n<Encrypt><![CDATA["
        "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/"
        "gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymz"
        "xh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/"
        "nPwBiT+P4hIiO"
        "AQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/"
        "54SNdshoQgWYEvcc"
        "TKe7FS709/"
        "5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></"
        "Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>"};
    const auto result = wecom_adapter(config).decode(req, at_seconds(1411525903));
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->sender, "messense");
    EXPECT_EQ(result.message->text, "test");
    EXPECT_EQ(result.message->msg_id, "4363689963896700987");
}

TEST(WecomAdapter, DecodesOfficialGoJsonSample) {
    // [V:wecom-decrypt-json-official-go-sample]: lower-case "encrypt" envelope, app JSON flavour inside.
    adapters::wecom_config config;
    config.token = "QDG6eK";
    config.encoding_aes_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
    config.receive_id = "wx5823bf96d3bd56c7";
    const raw_request req{
        "POST",
        "/cb?msg_signature=0623cbc5a8cbee5bcc137c70de99575366fc2af3&timestamp=1409659813&nonce=1372623149",
        {},
        R"({"tousername":"wx5823bf96d3bd56c7","encrypt":"CZWs4CWRpI4VolQlvn4dlEC1alN2MUEY2VklGehgBVLBrlVF7SyT+SV+Toj43l4ayJ9UMGKphktKKmP7B2j/P1ey67XB8PBgS7Wr5/8+w/yWriZv3Vmoo/MH3/1HsIWZrPQ3N2mJrelStIfI2Y8kLKXA7EhfZgZX4o+ffdkZDM76SEl79Ib9mw7TGjZ9Aw/x/A2VjNbV1E8BtEbRxYYcQippYNw7hr8sFfa3nW1xLdxokt8QkRX83vK3DFP2F6TQFPL2Tu98UwhcUpPvdJBuu1/yiOQIScppV3eOuLWEsko=","agentid":"218"})"};
    const auto result = wecom_adapter(config).decode(req, at_seconds(1409659813));
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->sender, "mycreate");
    EXPECT_EQ(result.message->text, "hello");
    EXPECT_EQ(result.message->msg_id, "4561255354251345929");
}

TEST(WecomAdapter, AnswersOfficialPythonJsonSample200AsNotAPost) {
    // [V:wecom-decrypt-json-official-python-sample] (callback_json/Sample.py): it verifies and
    // decrypts, but its plaintext is not valid JSON ("FromUserName": :mycreate). Authentic, so it
    // is answered 200 (WeCom would only retry it) and logged.
    const raw_request req{
        "POST",
        "/cb?msg_signature=e3647471e395139e2308c1fa963f2d648a00b90e&timestamp=1409659813&nonce=1372623149",
        {},
        R"({ "ToUserName": "wx5823bf96d3bd56c7", "Encrypt": "cjhLUX7UU4yCSelv1vz7T0zT8huF51bAMVWriNvO1FMegHrQZNrtvRxbwf0fUPsFvwqR0U0fgiJNEA5Y30F2MoI2S7vv3EjVQ68C0cjw9frBoUE2Hj0BvFp9h3u6Vbsg4lc1C8AtHdaN8orKuNKkLRLuYEL52R1J3v8olJGZRLnRdVKIivixmX/eQpzgeExtp20jI1HxRP1AAZ6xZoILdqDPO549LO4WeG+685JRUTdiwcY5fjZlqeMxuT4PpMn1X9OWsS7NRj06Wa5E3Tvg4twjWp39KPfOdRte6P1T4JU=", "AgentID": 218 })"};
    const auto result = wecom_adapter(official_config()).decode(req, at_seconds(1409659813));
    EXPECT_EQ(result.error, errc::unsupported_event);
    EXPECT_EQ(adapters::status_of(*result.error), 200);
    EXPECT_EQ(result.detail, "decrypted JSON is malformed");
}

TEST(WecomAdapter, RejectsWrongReceiveId) {
    auto config = official_config();
    config.receive_id = "wwSomeOtherCorp";
    const auto result = wecom_adapter(config).decode(official_xml_post(), official_xml_now);
    EXPECT_EQ(result.error, errc::decrypt_failed);
    EXPECT_EQ(result.detail.find("ww1436e0e65a779aee"), std::string::npos);
    // An AI bot (empty receive id) accepts whatever trails the message.
    config.receive_id = "";
    EXPECT_TRUE(wecom_adapter(config).decode(official_xml_post(), official_xml_now).message);
}

TEST(WecomAdapter, DecodesGoldenAiBotCallback) {
    // Encrypted by an independent implementation (see tests/fixtures/README.md).
    core::instant now{};
    const auto req = request_from_fixture("aibot_text_group.request.json", now);
    const auto result = make_adapter().decode(req, now);
    ASSERT_FALSE(result.error) << adapters::name_of(*result.error) << " " << result.detail;
    ASSERT_TRUE(result.message);
    const auto& m = *result.message;
    EXPECT_EQ(m.chat, "wrTestChat0001");
    EXPECT_EQ(m.sender, "lisi");
    EXPECT_EQ(m.msg_id, "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=");
    EXPECT_EQ(m.text, "投诉 订单456 未退款");  // "@RobotA " stripped
    EXPECT_EQ(m.received_at, now);
    EXPECT_EQ(result.message->reply_handle,
              "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=testResponseCode0123456789");
}

TEST(WecomAdapter, AnswersGoldenUrlVerification) {
    core::instant now{};
    const auto j = json::parse(fixture("url_verification.request.json"));
    const auto req = request_from_fixture("url_verification.request.json", now);
    const auto result = make_adapter().decode(req, now);
    ASSERT_TRUE(result.reply);
    EXPECT_EQ(result.reply->body, j["expected_reply"].get<std::string>());
    EXPECT_EQ(result.reply->content_type, "text/plain; charset=utf-8");
}

TEST(WecomAdapter, RejectsStaleTimestamp) {
    const wecom_adapter wecom(official_config());
    EXPECT_TRUE(wecom.decode(official_xml_post(), official_xml_now + std::chrono::seconds(3600)).message);
    const auto result = wecom.decode(official_xml_post(), official_xml_now + std::chrono::seconds(3601));
    EXPECT_EQ(result.error, errc::stale_timestamp);
    EXPECT_EQ(adapters::status_of(*result.error), 401);
}

TEST(WecomAdapter, RejectsFutureTimestamp) {
    const wecom_adapter wecom(official_config());
    EXPECT_EQ(wecom.decode(official_xml_post(), official_xml_now - std::chrono::seconds(3601)).error,
              errc::stale_timestamp);
}

TEST(WecomAdapter, RejectsMissingParameters) {
    const auto wecom = make_adapter();
    const auto good = encrypted_post(fixture("aibot_text_group.json"));
    for (const std::string name : {"msg_signature", "timestamp", "nonce"}) {
        auto req = good;
        const auto start = req.target.find(name + "=");
        auto end = req.target.find('&', start);
        end = end == std::string::npos ? req.target.size() : end + 1;
        req.target.erase(start, end - start);
        // The signature and what it covers: 401 when absent, like a wrong signature.
        EXPECT_EQ(wecom.decode(req, test_now).error, errc::missing_signature) << name;
        req.method = "GET";
        req.target += "&echostr=abc";
        EXPECT_EQ(wecom.decode(req, test_now).error, errc::missing_signature) << "GET without " << name;
    }
    auto non_numeric = good;
    non_numeric.target.replace(non_numeric.target.find(test_ts), 10, "17672256xx");
    EXPECT_EQ(wecom.decode(non_numeric, test_now).error, errc::bad_signature);
    raw_request get = good;
    get.method = "GET";  // URL verification without echostr
    EXPECT_EQ(wecom.decode(get, test_now).error, errc::missing_parameter);
}

TEST(WecomAdapter, RejectsBadBase64) {
    const auto wecom = make_adapter();
    const adapters::crypto::msg_crypt crypt(test_token, test_key);
    const std::string bogus = "this is not base64!!";
    raw_request req{"POST",
                    std::string("/hooks/wecom?msg_signature=") + crypt.signature(test_ts, test_nonce, bogus) +
                        "&timestamp=" + test_ts + "&nonce=" + test_nonce,
                    {},
                    json{{"encrypt", bogus}}.dump()};
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::decrypt_failed);
}

TEST(WecomAdapter, RejectsBadPadding) {
    const auto wecom = make_adapter();
    const adapters::crypto::msg_crypt crypt(test_token, test_key);
    const auto key = *adapters::crypto::base64_decode(std::string(test_key) + "=", true);
    std::string plain = std::string(16, 'r') + std::string("\x00\x00\x00\x02", 4) + "{}";
    plain.append(64 - plain.size() - 1, '\x00');
    plain.push_back('\x21');  // 33: larger than the 32-byte block
    const auto encrypted = adapters::crypto::base64_encode(
        *adapters::crypto::aes_256_cbc_encrypt(key, key.substr(0, 16), plain));
    raw_request req{"POST",
                    std::string("/hooks/wecom?msg_signature=") +
                        crypt.signature(test_ts, test_nonce, encrypted) + "&timestamp=" + test_ts +
                        "&nonce=" + test_nonce,
                    {},
                    json{{"encrypt", encrypted}}.dump()};
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::decrypt_failed);
}

TEST(WecomAdapter, AcceptsFullBlockOfThirtyTwoBytePadding) {
    // 16 + 4 + len(msg) + 0 ≡ 0 (mod 32) → a whole block of 0x20 padding (PROTOCOLS 1.4).
    std::string msg = fixture("aibot_text_group.json");
    while ((20 + msg.size()) % 32 != 0) msg.push_back(' ');
    const auto result = make_adapter().decode(encrypted_post(msg), test_now);
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->sender, "lisi");
}

TEST(WecomAdapter, RejectsMalformedEnvelopes) {
    const auto wecom = make_adapter();
    auto req = encrypted_post(fixture("aibot_text_group.json"));
    req.body = "{\"encrypt\": ";
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::malformed_body);
    req.body = R"({"other":"x"})";
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::malformed_body);
    req.body = "<xml><Encrypt>abc</xml>";
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::malformed_body);
    req.body = "<xml><ToUserName>x</ToUserName></xml>";
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::malformed_body);
    req.body = "encrypt=abc";
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::malformed_body);
    req.method = "PUT";
    EXPECT_EQ(wecom.decode(req, test_now).error, errc::malformed_body);
}

}  // namespace
