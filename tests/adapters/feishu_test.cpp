// Tests for adapters/feishu{,_send}.cpp against the published vectors (go-lark/lark crypto_test.go:
// the "test key" decrypt and the custom bot sign) and a signature computed per the SDK algorithm,
// then every refusal (nothing accepted), the message and card decoding, and the encoded posts.
#include "adapters/feishu.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "adapters/crypto.hpp"

namespace {

using namespace adapters;
using json = nlohmann::json;

// [V:feishu-event-decrypt], go-lark/lark crypto_test.go TestAESDecrypt.
const std::string vector_key = "test key";
const std::string vector_cipher = "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=";
const std::string token = "vt-feishu-test-7c21";
const std::string encrypt_key = "ek-feishu-test-5e90";
const core::instant now = core::from_ms(1'700'000'000'000);

feishu_config config() {
    feishu_config c;
    c.verification_token = token;
    c.encrypt_key = encrypt_key;
    c.gateway = "https://open.feishu.cn";
    c.chat_ids["group"] = "oc_5ad11d72b830411d72b836c20";
    c.bot = {"ou_bot0000000000000000000000000000", "投诉机器人"};
    return c;
}

// A request signed as Feishu signs it: encrypted with `key`, X-Lark-Signature over the raw body.
raw_request signed_request(const std::string& plain, const std::string& key = encrypt_key,
                           const std::string& sign_key = encrypt_key) {
    raw_request r;
    r.method = "POST";
    r.target = "/hooks/feishu";
    r.body = json{{"encrypt", crypto::feishu_encrypt(key, plain, "0123456789abcdef")}}.dump();
    r.headers["x-lark-request-timestamp"] = "1700000000";
    r.headers["x-lark-request-nonce"] = "nonce-3921";
    r.headers["x-lark-signature"] = feishu_signature("1700000000", "nonce-3921", sign_key, r.body);
    return r;
}

json message_event(const std::string& text, const json& mentions = json::array(),
                   const std::string& type = "text", const json& content = nullptr) {
    return {{"schema", "2.0"},
            {"header",
             {{"event_id", "5e3702a84e847582be8db7fb73283c02"},
              {"event_type", "im.message.receive_v1"},
              {"create_time", "1700000000000"},
              {"token", token},
              {"app_id", "cli_9f5343c580f8d00e"},
              {"tenant_key", "2ca1d211f64f6438"}}},
            {"event",
             {{"sender",
               {{"sender_id", {{"open_id", "ou_zhangsan000000000000000000000"}, {"union_id", "on_1"}}},
                {"sender_type", "user"},
                {"tenant_key", "2ca1d211f64f6438"}}},
              {"message",
               {{"message_id", "om_dc13264520392913993dd051dba21dcf"},
                {"chat_id", "oc_5ad11d72b830411d72b836c20"},
                {"chat_type", "group"},
                {"message_type", type},
                {"content", content.is_null() ? json{{"text", text}}.dump() : content.dump()},
                {"mentions", mentions}}}}}};
}

json bot_and_zhoumin() {
    return json::array({{{"key", "@_user_1"},
                         {"id", {{"open_id", "ou_bot0000000000000000000000000000"}}},
                         {"name", "投诉机器人"}},
                        {{"key", "@_user_2"}, {"id", {{"open_id", "ou_zhoumin"}}}, {"name", "周敏"}}});
}

json card_event(const json& value) {
    return {{"schema", "2.0"},
            {"header",
             {{"event_id", "f7984f25108f8137722bb63cee927e66"},
              {"event_type", "card.action.trigger"},
              {"token", token},
              {"create_time", "1700000000000"}}},
            {"event",
             {{"operator", {{"open_id", "ou_zhoumin"}, {"user_id", "a1b2"}}},
              {"token", "c-295ee57216a5dc9de90fefd0aadb4b1d7d337c37"},
              {"action", {{"tag", "button"}, {"value", value}}},
              {"host", "im_message"},
              {"context",
               {{"open_message_id", "om_x100b4c3e1c5a8cc0"},
                {"open_chat_id", "oc_5ad11d72b830411d72b836c20"}}}}}};
}

void expect_refused(const inbound_result& r, errc e, int status) {
    ASSERT_TRUE(r.error.has_value()) << r.detail;
    EXPECT_EQ(*r.error, e) << r.detail;
    EXPECT_EQ(status_of(*r.error), status);
    EXPECT_FALSE(r.message.has_value());
}

}  // namespace

TEST(FeishuCrypto, PublishedDecryptVector) {
    EXPECT_EQ(crypto::feishu_decrypt(vector_key, vector_cipher), "hello world");
    EXPECT_EQ(crypto::feishu_decrypt("other key", vector_cipher), std::nullopt);  // padding fails
    EXPECT_EQ(crypto::feishu_decrypt(vector_key, vector_cipher.substr(0, 24)), std::nullopt);
    EXPECT_EQ(crypto::feishu_decrypt(vector_key, "not base64!"), std::nullopt);
    // Our encryption is the inverse, with the IV in front.
    const auto enc = crypto::feishu_encrypt(vector_key, "投訴：螺紋滑牙", "0123456789abcdef");
    EXPECT_EQ(crypto::feishu_decrypt(vector_key, enc), "投訴：螺紋滑牙");
}

TEST(FeishuCrypto, CustomBotSignPublishedVector) {
    // [V:feishu-custom-bot-sign], go-lark/lark crypto_test.go TestGenSign.
    EXPECT_EQ(feishu_bot_sign("1661860880", "xxx"), "QnWVTSBe6FmQDE0bG6X0mURbI+DnvVyu1h+j5dHOjrU=");
}

TEST(FeishuCrypto, EventSignatureComputedPerTheSdk) {
    // [V:feishu-event-signature]: no published value; computed as the SDK does and checked with
    //   printf '%s' '1661860880nonce-7f3atest key{"encrypt":"P37w…ghk="}' | openssl dgst -sha256
    //   python3: hashlib.sha256(b"1661860880"+b"nonce-7f3a"+b"test key"+body).hexdigest()
    const std::string body = R"({"encrypt":")" + vector_cipher + R"("})";
    EXPECT_EQ(feishu_signature("1661860880", "nonce-7f3a", vector_key, body),
              "8a069afc3b6dd8b9c390019fc13d267f259bd3daf788bc4fdd7521b86e542e2f");
}

TEST(FeishuDecode, PublishedCiphertextThroughTheHook) {
    // The published vector inside a signed request: it decrypts ("hello world"), which is not JSON.
    auto c = config();
    c.encrypt_key = vector_key;
    feishu_adapter a(c);
    raw_request r;
    r.body = R"({"encrypt":")" + vector_cipher + R"("})";
    r.headers = {{"x-lark-request-timestamp", "1661860880"},
                 {"x-lark-request-nonce", "nonce-7f3a"},
                 {"x-lark-signature", "8a069afc3b6dd8b9c390019fc13d267f259bd3daf788bc4fdd7521b86e542e2f"}};
    expect_refused(a.decode(r, now), errc::malformed_body, 400);
    r.headers["x-lark-signature"][0] = '9';
    expect_refused(a.decode(r, now), errc::bad_signature, 401);
}

TEST(FeishuDecode, UrlVerificationChallenge) {
    feishu_adapter a(config());
    json challenge = {{"challenge", "ajls384kdjx98XX"}, {"token", token}, {"type", "url_verification"}};
    // Encrypted and unsigned, as the SDK accepts it.
    auto r = signed_request(challenge.dump());
    r.headers.clear();
    auto out = a.decode(r, now);
    ASSERT_FALSE(out.error) << out.detail;
    ASSERT_TRUE(out.reply);
    EXPECT_EQ(json::parse(out.reply->body), (json{{"challenge", "ajls384kdjx98XX"}}));
    EXPECT_FALSE(out.message);
    // Plain, with no encrypt key configured.
    auto plain_config = config();
    plain_config.encrypt_key.clear();
    raw_request p{"POST", "/hooks/feishu", {}, challenge.dump()};
    EXPECT_EQ(json::parse(feishu_adapter(plain_config).decode(p, now).reply->body)["challenge"],
              "ajls384kdjx98XX");
    // A wrong token: refused, no challenge answered.
    challenge["token"] = "vt-wrong";
    auto bad = signed_request(challenge.dump());
    bad.headers.clear();
    auto refused = a.decode(bad, now);
    expect_refused(refused, errc::bad_signature, 401);
    EXPECT_FALSE(refused.reply);
}

TEST(FeishuDecode, SignedEncryptedTextMessage) {
    feishu_adapter a(config());
    auto out =
        a.decode(signed_request(message_event("@_user_1 受理 P1 @_user_2", bot_and_zhoumin()).dump()), now);
    ASSERT_FALSE(out.error) << out.detail;
    ASSERT_TRUE(out.message);
    const auto& m = *out.message;
    EXPECT_EQ(m.platform, "feishu");
    EXPECT_EQ(m.msg_id, "om_dc13264520392913993dd051dba21dcf");  // the message id, not the event id
    EXPECT_EQ(m.sender, "ou_zhangsan000000000000000000000");
    EXPECT_EQ(m.chat, "oc_5ad11d72b830411d72b836c20");
    EXPECT_EQ(m.text, "受理 P1 @周敏");  // the bot's placeholder removed, the other one named
    EXPECT_EQ(m.reply_handle, "om_dc13264520392913993dd051dba21dcf");
    EXPECT_EQ(m.received_at, now);
}

TEST(FeishuDecode, TraditionalAndFullWidthTextKeptAsTyped) {
    auto c = config();
    c.encrypt_key.clear();  // plaintext events: the token alone authenticates
    feishu_adapter a(c);
    const std::string text = "　產品質量投訴\n投訴人：張三\n規格及數量：Ｍ８×４０　鍍鋅螺栓２００盒　";
    raw_request r{"POST", "/hooks/feishu", {}, message_event(text).dump()};
    auto out = a.decode(r, now);
    ASSERT_TRUE(out.message) << out.detail;
    EXPECT_EQ(out.message->text, "產品質量投訴\n投訴人：張三\n規格及數量：Ｍ８×４０　鍍鋅螺栓２００盒");
    // Without an identity a leading bot mention stays "@name" (the rules strip a leading mention).
    auto anonymous = c;
    anonymous.bot = {};
    raw_request m{"POST", "/hooks/feishu", {}, message_event("@_user_1 查詢 P1", bot_and_zhoumin()).dump()};
    EXPECT_EQ(feishu_adapter(anonymous).decode(m, now).message->text, "@投诉机器人 查詢 P1");
}

TEST(FeishuDecode, RefusalsAcceptNothing) {
    feishu_adapter a(config());
    const auto event = message_event("受理 P1").dump();
    // Signed with another key.
    expect_refused(a.decode(signed_request(event, encrypt_key, "ek-other"), now), errc::bad_signature, 401);
    // A body changed after signing.
    auto tampered = signed_request(event);
    tampered.body.insert(tampered.body.size() - 1, " ");
    expect_refused(a.decode(tampered, now), errc::bad_signature, 401);
    // No signature on an event while a key is configured.
    auto unsigned_event = signed_request(event);
    unsigned_event.headers.erase("x-lark-signature");
    expect_refused(a.decode(unsigned_event, now), errc::missing_signature, 401);
    // Encrypted with another key but correctly signed: bad ciphertext.
    expect_refused(a.decode(signed_request(event, "ek-other"), now), errc::decrypt_failed, 400);
    // The same unsigned: refused like any unsigned event (nothing learnt about the padding).
    auto unsigned_bad = signed_request(event, "ek-other");
    unsigned_bad.headers.clear();
    expect_refused(a.decode(unsigned_bad, now), errc::missing_signature, 401);
    // A wrong verification token inside a well-signed event.
    auto wrong_token = message_event("受理 P1");
    wrong_token["header"]["token"] = "vt-wrong";
    expect_refused(a.decode(signed_request(wrong_token.dump()), now), errc::bad_signature, 401);
    // Not JSON at all.
    expect_refused(a.decode({"POST", "/hooks/feishu", {}, "投诉"}, now), errc::malformed_body, 400);
    // Encrypted while no key is configured.
    auto plain = config();
    plain.encrypt_key.clear();
    expect_refused(feishu_adapter(plain).decode(signed_request(event), now), errc::decrypt_failed, 400);
    // No token configured: nothing authenticates.
    plain.verification_token.clear();
    expect_refused(feishu_adapter(plain).decode({"POST", "/hooks/feishu", {}, event}, now),
                   errc::bad_signature, 401);
    // A message without its chat id.
    auto no_chat = message_event("受理 P1");
    no_chat["event"]["message"].erase("chat_id");
    expect_refused(a.decode(signed_request(no_chat.dump()), now), errc::malformed_body, 400);
}

TEST(FeishuDecode, OtherEventsAreAnswered200WithoutAMessage) {
    feishu_adapter a(config());
    auto joined = message_event("");
    joined["header"]["event_type"] = "im.chat.member.bot.added_v1";
    expect_refused(a.decode(signed_request(joined.dump()), now), errc::unsupported_event, 200);
    auto from_app = message_event("受理 P1");
    from_app["event"]["sender"]["sender_type"] = "app";
    expect_refused(a.decode(signed_request(from_app.dump()), now), errc::unsupported_event, 200);
}

TEST(FeishuDecode, PostImageAndFileMessages) {
    feishu_adapter a(config());
    json post = {
        {"title", "产品质量投诉"},
        {"content",
         json::array({json::array({{{"tag", "at"}, {"user_id", "@_user_1"}, {"user_name", "投诉机器人"}},
                                   {{"tag", "text"}, {"text", " 投诉人：张三"}}}),
                      json::array({{{"tag", "text"}, {"text", "产品存在的质量问题：螺纹滑牙"}},
                                   {{"tag", "img"}, {"image_key", "img_v2_041b"}}}),
                      json::array({{{"tag", "text"}, {"text", "请"}},
                                   {{"tag", "at"}, {"user_id", "@_user_2"}, {"user_name", "周敏"}},
                                   {{"tag", "text"}, {"text", " 受理"}}})})}};
    auto out = a.decode(signed_request(message_event("", bot_and_zhoumin(), "post", post).dump()), now);
    ASSERT_TRUE(out.message) << out.detail;
    EXPECT_EQ(out.message->text, "产品质量投诉\n 投诉人：张三\n产品存在的质量问题：螺纹滑牙\n请@周敏 受理");
    EXPECT_EQ(out.message->attachments, (std::vector<core::attachment>{{"image", "img_v2_041b"}}));
    EXPECT_TRUE(out.message->unreadable.empty());
    // The same post under a locale key.
    auto zh = a.decode(
        signed_request(message_event("", bot_and_zhoumin(), "post", json{{"zh_cn", post}}).dump()), now);
    ASSERT_TRUE(zh.message);
    EXPECT_EQ(zh.message->text, out.message->text);

    auto image =
        a.decode(signed_request(message_event("", {}, "image", {{"image_key", "img_v2_9d"}}).dump()), now);
    ASSERT_TRUE(image.message);
    EXPECT_EQ(image.message->unreadable, "image");
    EXPECT_EQ(image.message->attachments, (std::vector<core::attachment>{{"image", "img_v2_9d"}}));
    auto file = a.decode(
        signed_request(
            message_event("", {}, "file", {{"file_key", "file_v2_1"}, {"file_name", "质检报告.pdf"}}).dump()),
        now);
    ASSERT_TRUE(file.message);
    EXPECT_EQ(file.message->unreadable, "file");
    EXPECT_EQ(file.message->attachments, (std::vector<core::attachment>{{"file", "file_v2_1"}}));
}

TEST(FeishuDecode, CardButtonBecomesThePressersCommand) {
    feishu_adapter a(config());
    auto out = a.decode(signed_request(card_event({{"command", "受理 P3"}}).dump()), now);
    ASSERT_FALSE(out.error) << out.detail;
    ASSERT_TRUE(out.message);
    EXPECT_EQ(out.message->text, "受理 P3");
    EXPECT_EQ(out.message->sender, "ou_zhoumin");
    EXPECT_EQ(out.message->msg_id, "f7984f25108f8137722bb63cee927e66");
    EXPECT_EQ(out.message->chat, "oc_5ad11d72b830411d72b836c20");
    EXPECT_EQ(out.message->reply_handle, "om_x100b4c3e1c5a8cc0");
    ASSERT_TRUE(out.reply);
    EXPECT_EQ(json::parse(out.reply->body), json::parse(R"({"toast":{"type":"info","content":"已收到"}})"));
    // A value given as a JSON string works the same.
    auto encoded = decode_feishu_event(card_event(json{{"command", "查询 P3"}}.dump()).dump(), now);
    ASSERT_TRUE(encoded.message);
    EXPECT_EQ(encoded.message->text, "查询 P3");
    // A button without a command: answered, nothing accepted.
    auto empty = a.decode(signed_request(card_event({{"other", 1}}).dump()), now);
    expect_refused(empty, errc::unsupported_event, 200);
    EXPECT_TRUE(empty.reply);
    // A forged press (wrong token) is refused.
    auto forged = card_event({{"command", "受理 P3"}});
    forged["header"]["token"] = "vt-wrong";
    expect_refused(a.decode(signed_request(forged.dump()), now), errc::bad_signature, 401);
    // The older card callback format (long connection "card" frames).
    json v1 = {{"open_id", "ou_lisi"},
               {"open_message_id", "om_2"},
               {"open_chat_id", "oc_5ad11d72b830411d72b836c20"},
               {"token", "c-1f2e"},
               {"action", {{"tag", "button"}, {"value", {{"command", "申诉 F1"}}}}}};
    auto old = decode_feishu_event(v1.dump(), now);
    ASSERT_TRUE(old.message) << old.detail;
    EXPECT_EQ(old.message->sender, "ou_lisi");
    EXPECT_EQ(old.message->msg_id, "c-1f2e");
    EXPECT_EQ(old.message->text, "申诉 F1");
}
