// Tests for adapters/wecom.cpp, what an authentic callback carries: plaintexts that are not a post
// answered 200 with the reason, events, images, voice and mixed messages, the legacy robot XML and
// its entities, and the leading @-mention stripped.
#include "adapters/wecom.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

#include "adapters/wecom_support.hpp"

namespace {

using namespace wecom_test;

TEST(WecomAdapter, AnswersAnAuthenticButUnusablePlaintext200WithTheReason) {
    // Signed and decrypted, so not a forgery: any other status only makes WeCom retry it.
    const auto wecom = make_adapter();
    const std::pair<std::string, std::string> cases[] = {
        {"{\"msgtype\":\"text\",", "decrypted JSON is malformed"},
        {"<xml><MsgType>text</MsgType>", "decrypted XML is malformed"},
        {"<xml><A>1</B></xml>", "decrypted XML is malformed"},
        {"<xml><A>&bogus;</A></xml>", "decrypted XML is malformed"},
        {"plain words", "decrypted message is neither JSON nor XML"},
        {R"({"msgtype":"text","text":{"content":"hi"}})", "msgtype text without sender"},
        {R"({"msgid":"t1","from":{"userid":"lisi"},"msgtype":"text"})", "text message without text.content"},
        {R"({"from":{"userid":"lisi"},"text":{"content":"hi"}})", "decrypted message without msgtype"},
    };
    for (const auto& [plain, why] : cases) {
        const auto result = wecom.decode(encrypted_post(plain), test_now);
        EXPECT_EQ(result.error, errc::unsupported_event) << plain;
        EXPECT_EQ(result.detail, why) << plain;
        EXPECT_FALSE(result.message) << plain;
    }
}

TEST(WecomAdapter, AnswersEventsAndStreamRefreshes200WithoutAMessage) {
    const auto wecom = make_adapter();
    const auto event = wecom.decode(encrypted_post(fixture("aibot_event_enter_chat.json")), test_now);
    EXPECT_EQ(event.error, errc::unsupported_event);
    EXPECT_EQ(adapters::status_of(*event.error), 200);
    EXPECT_EQ(event.detail, "msgtype event");
    const auto stream = wecom.decode(
        encrypted_post(R"({"msgid":"s1","from":{"userid":"lisi"},"msgtype":"stream","stream":{"id":"x"}})"),
        test_now);
    EXPECT_EQ(stream.error, errc::unsupported_event);
}

TEST(WecomAdapter, KeepsAnImageAsAnUnreadableMessageWithItsUrl) {
    const auto result = make_adapter().decode(encrypted_post(fixture("aibot_image.json")), test_now);
    ASSERT_FALSE(result.error) << result.detail;
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->sender, "lisi");
    EXPECT_EQ(result.message->chat, "lisi");  // a single chat is its one user
    EXPECT_EQ(result.message->text, "");
    EXPECT_EQ(result.message->unreadable, "image");
    EXPECT_EQ(result.message->attachments,
              (std::vector<core::attachment>{{"image", "https://example.invalid/image"}}));
    EXPECT_EQ(result.detail.find("example.invalid"), std::string::npos) << "URLs stay out of the log";
}

TEST(WecomAdapter, AVoiceMessageIsUnreadable) {
    const auto result = make_adapter().decode(encrypted_post(fixture("aibot_voice.json")), test_now);
    ASSERT_TRUE(result.message) << result.detail;
    EXPECT_EQ(result.message->text, "");  // WeCom's transcript is not taken for a complaint
    EXPECT_EQ(result.message->unreadable, "voice");
    EXPECT_TRUE(result.message->attachments.empty());
}

TEST(WecomAdapter, KeepsTextItemsOfMixedMessages) {
    const auto result = make_adapter().decode(encrypted_post(fixture("aibot_mixed.json")), test_now);
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->text, "投诉 见截图\n第二行");
    EXPECT_EQ(result.message->attachments,
              (std::vector<core::attachment>{{"image", "https://example.invalid/image"}}));
    EXPECT_TRUE(result.message->unreadable.empty());
}

TEST(WecomAdapter, ReadsAComplaintFormSplitAroundImagesInAMixedMessage) {
    const auto result = make_adapter().decode(encrypted_post(fixture("aibot_mixed_form.json")), test_now);
    ASSERT_TRUE(result.message) << result.detail;
    EXPECT_EQ(result.message->sender, "ZhangSan");
    EXPECT_EQ(result.message->chat, "wrTestChat0001");
    EXPECT_EQ(result.message->text,
              "产品质量投诉\n投诉人：张三\n客户名称：华东五金有限公司\n发货日期：2026年11月18日\n品牌：金虎\n"
              "规格及数量：M8×40 镀锌螺栓 200盒\n产品存在的质量问题：约三成螺纹滑牙\n"
              "客户要求：退货并补发合格品\n投诉时间：2026年11月23日8时55分");  // "@RobotA " stripped
    EXPECT_EQ(result.message->attachments,
              (std::vector<core::attachment>{{"image", "https://example.invalid/wecom/image/0001"},
                                             {"image", "https://example.invalid/wecom/image/0002"}}));
}

TEST(WecomAdapter, AMixedMessageWithOnlyImagesIsUnreadable) {
    auto body = json::parse(fixture("aibot_mixed_form.json"));
    body["mixed"]["msg_item"] = json::array(
        {{{"msgtype", "text"}, {"text", {{"content", "@RobotA"}}}},
         {{"msgtype", "image"}, {"image", {{"url", "https://example.invalid/wecom/image/0003"}}}}});
    const auto result = make_adapter().decode(encrypted_post(body.dump()), test_now);
    ASSERT_TRUE(result.message) << result.detail;
    EXPECT_EQ(result.message->text, "");
    EXPECT_EQ(result.message->unreadable, "mixed");
    EXPECT_EQ(result.message->attachments.size(), 1u);
}

TEST(WecomAdapter, DecodesLegacyRobotXmlInXmlEnvelope) {
    const auto result =
        make_adapter("wwTestCorp")
            .decode(encrypted_post(fixture("legacy_robot_text.xml"), "wwTestCorp", true), test_now);
    ASSERT_FALSE(result.error) << adapters::name_of(*result.error) << " " << result.detail;
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->chat, "wrTestChat0002");
    EXPECT_EQ(result.message->sender, "wangwu");
    EXPECT_EQ(result.message->msg_id, "legacyMsg0001");
    EXPECT_EQ(result.message->text, "投诉 <物流> & 时效");  // CDATA kept verbatim
    EXPECT_EQ(result.message->reply_handle,
              "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=testLegacyKey0123456789");
}

TEST(WecomAdapter, DecodesXmlEntitiesOutsideCdata) {
    const auto result = make_adapter().decode(
        encrypted_post(
            "<xml><FromUserName>u1</FromUserName><MsgType>text</MsgType><Content>a &lt;b&gt; &amp; "
            "&#20320;&#x597D;</Content><MsgId>9</MsgId></xml>"),
        test_now);
    ASSERT_TRUE(result.message);
    EXPECT_EQ(result.message->text, "a <b> & 你好");
}

TEST(WecomAdapter, StripsLeadingMention) {
    auto body = json::parse(fixture("aibot_text_group.json"));
    const auto text_of = [&](const wecom_adapter& wecom, const std::string& content) {
        body["text"]["content"] = content;
        const auto result = wecom.decode(encrypted_post(body.dump()), test_now);
        return result.message ? result.message->text : std::string("<refused>");
    };
    const auto plain = make_adapter();
    EXPECT_EQ(text_of(plain, "@RobotA hello robot"), "hello robot");
    EXPECT_EQ(text_of(plain, "  @RobotA\xe2\x80\x85查询 订单"), "查询 订单");  // U+2005 after the mention
    EXPECT_EQ(text_of(plain, "\xef\xbc\xa0RobotA 查询"), "查询");              // full-width ＠
    EXPECT_EQ(text_of(plain, "no mention here "), "no mention here");
    EXPECT_EQ(text_of(plain, "@RobotA"), "");
    // With the configured name, a name containing spaces is stripped whole, and only that name.
    const auto named = make_adapter("", "Complaint Bot");
    EXPECT_EQ(text_of(named, "@Complaint Bot 投诉 A"), "投诉 A");
    EXPECT_EQ(text_of(named, "@Complaint Botany 投诉"), "@Complaint Botany 投诉");
    EXPECT_EQ(text_of(named, "@张三 你好"), "@张三 你好");
}

}  // namespace
