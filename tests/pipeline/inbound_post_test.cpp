// What the engine does with the parts of a post it cannot read (app/inbound_post.hpp): a complaint
// sent with photos is registered from its text with the photos' download codes on the record and
// 查询 says so; a photo, voice message or file alone gets one reply saying what to send, and a
// flood of them stays within the bad-post rate limit; an unregistered sender is told their id and
// HR by the name the config gives it. Each refusal leaves the complaint tables unchanged.
#include "pipeline/inbound_post.hpp"
#include "storage/sql_console.hpp"

#include <gtest/gtest.h>

#include "adapters/dingtalk.hpp"
#include "support/harness.hpp"

namespace {

using harness::at;

std::string fixture(const std::string& name) {
    return test_support::read_file(test_support::source_path("tests/fixtures/dingtalk/" + name));
}

// A DingTalk robot message decoded by the real adapter, from `person` in the group.
core::inbound_message dingtalk_post(const std::string& fixture_name, const std::string& person,
                                    core::instant t) {
    auto r = adapters::decode_dingtalk_message(fixture(fixture_name), t);
    if (!r.message) throw std::runtime_error(fixture_name + ": " + r.detail);
    auto m = *r.message;
    m.platform = "dingtalk";
    m.chat = "group";
    m.sender = person;
    return m;
}

std::vector<harness::post> handle(harness::bench& b, const core::inbound_message& m) {
    b.advance(m.received_at);
    b.engine().handle(m);
    return b.advance(m.received_at);
}

std::string inbound_text(harness::bench& b, const std::string& msg_id) {
    auto rows = storage::sql_console(b.db()).rows("SELECT text FROM inbound WHERE msg_id = ?", {msg_id});
    return rows.empty() ? std::string("<no row>") : rows.front().front();
}

// The sample company with its HR department renamed, as another company would call it.
rules::config company_with_hr_named(const std::string& name, const test_support::temp_dir& dir) {
    auto text = test_support::read_file(test_support::source_path("examples/company.yaml"));
    for (auto pos = text.find("人力资源部"); pos != std::string::npos; pos = text.find("人力资源部", pos))
        text.replace(pos, std::string("人力资源部").size(), name);
    test_support::write_file(dir.path() / "company.yaml", text);
    auto r = conf::load_config(dir.path() / "company.yaml");
    if (!r.config) throw std::runtime_error("renamed company.yaml did not load");
    return *r.config;
}

}  // namespace

TEST(InboundPost, ARichTextComplaintIsRegisteredWithItsPictureOnTheRecord) {
    harness::bench b;
    auto m = dingtalk_post("robot_richtext_picture_first.json", "zhangsan", at("09:00"));
    auto posts = handle(b, m);
    ASSERT_FALSE(posts.empty());
    EXPECT_NE(posts[0].text.find("已登记产品质量投诉 P1"), std::string::npos) << posts[0].text;
    auto c = b.complaint("P1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->poster, "zhangsan");
    EXPECT_EQ(c->attachments, (std::vector<core::attachment>{{"picture", "testDownloadCodeRich0002"}}));
    EXPECT_NE(inbound_text(b, "msgRich0002").find("[picture] testDownloadCodeRich0002"), std::string::npos);
    // Durable: a restarted bot still has the code, and 查询 says a picture came with it.
    b.restart();
    EXPECT_EQ(b.complaint("P1")->attachments.size(), 1u);
    auto query = b.say(at("09:01"), "zhangsan", "查询 P1");
    ASSERT_EQ(query.size(), 1u);
    EXPECT_NE(query[0].text.find("随附：图片 1 张（已存档）"), std::string::npos) << query[0].text;
    EXPECT_EQ(query[0].text.find("testDownloadCode"), std::string::npos)
        << "codes are not posted in the chat";
}

TEST(InboundPost, ATraditionalRichTextComplaintInSeveralPartsIsRegistered) {
    harness::bench b;
    auto posts = handle(b, dingtalk_post("robot_richtext_parts.json", "linfang", at("09:00")));
    ASSERT_FALSE(posts.empty());
    EXPECT_NE(posts[0].text.find("S1"), std::string::npos) << posts[0].text;
    auto c = b.complaint("S1");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->attachments.size(), 2u);
    const auto* event = [&]() -> const std::string* {
        for (const auto& [k, v] : c->fields)
            if (k == "投诉事件") return &v;
        return nullptr;
    }();
    ASSERT_NE(event, nullptr);
    EXPECT_NE(event->find("只能次日重新卸貨"), std::string::npos) << *event;  // stored as typed
}

TEST(InboundPost, APictureAloneGetsOneReplySayingWhatToSendAndChangesNothing) {
    harness::bench b;
    b.say(at("09:00"), "zhangsan", harness::product_post, "first");
    const auto before = b.snapshot();
    auto posts = handle(b, dingtalk_post("robot_picture.json", "zhangsan", at("09:01")));
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_NE(posts[0].text.find("机器人读不了图片"), std::string::npos) << posts[0].text;
    EXPECT_NE(posts[0].text.find("产品质量投诉"), std::string::npos) << "names the form to send as text";
    EXPECT_NE(posts[0].text.find("@张三"), std::string::npos);
    EXPECT_EQ(posts[0].mentions, (std::vector<std::string>{"zhangsan"}));
    EXPECT_EQ(b.snapshot(), before);
    EXPECT_EQ(inbound_text(b, "msgTest0002"), "[picture] testDownloadCode");
    // The platform's redelivery is a duplicate: no second reply.
    EXPECT_TRUE(handle(b, dingtalk_post("robot_picture.json", "zhangsan", at("09:01"))).empty());
}

TEST(InboundPost, AFloodOfPicturesStaysWithinTheBadPostRateLimit) {
    harness::bench b;
    const auto before = b.snapshot();
    std::size_t replies = 0;
    for (int i = 0; i < 30; ++i) {
        auto m = dingtalk_post("robot_picture.json", "zhangsan", at("09:00") + std::chrono::seconds(i));
        m.msg_id = "pic-" + std::to_string(i);
        replies += handle(b, m).size();
    }
    EXPECT_EQ(replies, app::engine::bad_post_replies_per_minute);
    EXPECT_EQ(b.db().inbound_count(), 30);  // each one recorded, with its code
    EXPECT_EQ(b.snapshot(), before);
    // A minute later the sender is answered again.
    auto later = dingtalk_post("robot_picture.json", "zhangsan", at("09:02"));
    later.msg_id = "pic-later";
    EXPECT_EQ(handle(b, later).size(), 1u);
}

TEST(InboundPost, AVoiceMessageOrAFileIsAnsweredByWhatItIs) {
    harness::bench b;
    auto voice = handle(b, dingtalk_post("robot_audio.json", "zhangsan", at("09:00")));
    ASSERT_EQ(voice.size(), 1u);
    EXPECT_NE(voice[0].text.find("机器人读不了语音"), std::string::npos) << voice[0].text;
    auto file = handle(b, dingtalk_post("robot_file.json", "zhangsan", at("09:01")));
    ASSERT_EQ(file.size(), 1u);
    EXPECT_NE(file[0].text.find("机器人读不了文件"), std::string::npos) << file[0].text;
    EXPECT_EQ(inbound_text(b, "msgAudio0001"), "[audio] testAudioDownloadCode0001");
    EXPECT_FALSE(b.complaint("P1"));
}

TEST(InboundPost, ChatTextWithAPictureIsToldThePictureCannotBeRead) {
    harness::bench b;
    auto m = dingtalk_post("robot_richtext_picture_only.json", "zhangsan", at("09:00"));
    m.text = "客户发来的照片，请看";
    auto posts = handle(b, m);
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_NE(posts[0].text.find("机器人读不了图片里的内容"), std::string::npos) << posts[0].text;
    EXPECT_FALSE(b.complaint("P1"));
    // Plain chat text without a picture is still left alone.
    EXPECT_TRUE(b.say(at("09:01"), "zhangsan", "客户发来的照片，请看", "chat-1").empty());
}

TEST(InboundPost, ACommandSentWithAPictureIsAppliedAndThePictureKeptOnTheInboundRecord) {
    harness::bench b;
    b.say(at("09:00"), "zhangsan", harness::product_post, "p1");
    auto m = dingtalk_post("robot_richtext.json", "lisi", at("09:02"));
    m.text = "受理 P1";
    auto posts = handle(b, m);
    ASSERT_FALSE(posts.empty());
    EXPECT_EQ(posts[0].text.find("❌"), std::string::npos) << posts[0].text;
    EXPECT_TRUE(b.complaint("P1")->find_stage("accept")->done_at);
    EXPECT_EQ(inbound_text(b, "msgRich0001"), "受理 P1\n[picture] testDownloadCodeRich0001");
}

TEST(InboundPost, AnUnregisteredSenderIsToldTheirIdAndHrByItsConfiguredName) {
    test_support::temp_dir dir;
    harness::bench b(company_with_hr_named("人事行政部", dir));
    const auto before = b.snapshot();
    auto m = dingtalk_post("robot_richtext.json", "unregistered:dt-9999", at("09:00"));
    auto posts = handle(b, m);
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].text,
              "❌ 你的钉钉账号尚未在投诉机器人中登记（账号 ID：dt-9999）。请把这个 ID "
              "发给人事行政部，登记后再发送。");
    EXPECT_TRUE(posts[0].mentions.empty());
    EXPECT_EQ(b.snapshot(), before);
    // A picture alone from them gets the same answer (they must be registered first).
    auto picture = dingtalk_post("robot_picture.json", "unregistered:dt-9999", at("09:01"));
    auto second = handle(b, picture);
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NE(second[0].text.find("dt-9999"), std::string::npos);
    EXPECT_EQ(b.snapshot(), before);
}

TEST(InboundPost, TheRecordTextOfAPlainMessageIsItsText) {
    core::inbound_message m{"dingtalk", "group", "m1", "zhangsan", "查询 P1", {}};
    EXPECT_EQ(app::inbound_record_text(m), "查询 P1");
    EXPECT_FALSE(app::has_unreadable_part(m));
    m.text.clear();
    m.unreadable = "audio";
    EXPECT_EQ(app::inbound_record_text(m), "[audio]");
    EXPECT_TRUE(app::has_unreadable_part(m));
}
