// A company of a group (config::group, set by the group loader): an escalation at or above the
// group's escalate_from_level is also posted to the group chat, prefixed with the company's short
// name, naming whom the company's post @-mentioned and @-mentioning the centre's members; the levels below
// it, and a company of no group, post to their own chat alone.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;
using namespace std::chrono_literals;

// 受理 escalates to the head at the miss (level 1) and to the general manager 30 minutes later
// (level 2); the group hears of level `from` and above.
rules::config in_group(int from) {
    auto cfg = company();
    cfg.workflow.accept.escalation = {{0ms, "head"}, {30min, "general_manager"}};
    cfg.group = rules::group_escalation{"centre", "【华东】", from, {"zhoujie", "wumin"}, {"周杰", "吴敏"}};
    return cfg;
}

std::vector<core::outbound_post> to_chat(const rules::outcome& out, const std::string& chat) {
    std::vector<core::outbound_post> posts;
    for (const auto& p : out.posts)
        if (p.chat == chat) posts.push_back(p);
    return posts;
}

TEST(GroupEscalation, TheLevelTheGroupHearsOfIsCopiedToTheGroupChatWithTheCompanysName) {
    desk d(in_group(2));
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.advance(c, at("09:05"));  // the miss and level 1: the company's chat only
    EXPECT_EQ(to_chat(d.last(), "group").size(), 1u);
    EXPECT_TRUE(to_chat(d.last(), "centre").empty());

    d.advance(c, at("09:35"));  // level 2 (and 公布工艺流程 missed at 09:30: level 1, its own chat)
    auto own = to_chat(d.last(), "group");
    ASSERT_EQ(own.size(), 2u);
    EXPECT_TRUE(has(own[0].text, "P1 公布工艺流程已超时")) << own[0].text;
    EXPECT_EQ(own[1].text, "⏫ P1 受理已超时 30分钟（截止 09:05），打单部仍未处理，升级提醒：\n@黄总");
    auto centre = to_chat(d.last(), "centre");
    ASSERT_EQ(centre.size(), 1u);
    EXPECT_EQ(centre[0].text,
              "【华东】⏫ P1 受理已超时 30分钟（截止 09:05），打单部仍未处理，升级提醒：黄总\n@周杰 @吴敏");
    EXPECT_EQ(centre[0].mentions, (std::vector<std::string>{"zhoujie", "wumin"}));
    EXPECT_TRUE(centre[0].actions.empty());
}

TEST(GroupEscalation, ALevelPostedWithTheMissCopiesTheMissPost) {
    desk d(in_group(1));
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.advance(c, at("09:05"));
    auto centre = to_chat(d.last(), "centre");
    ASSERT_EQ(centre.size(), 1u);
    EXPECT_TRUE(has(centre[0].text, "【华东】⏰ P1 受理已超时（应于 09:05 前完成），请打单部立即处理"))
        << centre[0].text;
    EXPECT_TRUE(has(centre[0].text, "。（已提醒：李四）\n@周杰 @吴敏")) << centre[0].text;
}

TEST(GroupEscalation, ACompanyOfNoGroupPostsToItsOwnChatAlone) {
    auto cfg = in_group(1);
    cfg.group.reset();
    desk d(cfg);
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.advance(c, at("09:40"));
    for (const auto& p : d.last().posts) EXPECT_EQ(p.chat, "group") << p.text;
}

}  // namespace
