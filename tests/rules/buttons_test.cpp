// The buttons the rules put on posts (core::outbound_post::actions): a receipt carries 受理 (or
// 批准 while it waits for approval) and 查询, a fine notice 申诉 for each fine. A press is the
// button's command from whoever pressed, so it is role-checked exactly like the typed command.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

std::vector<std::string> commands_of(const core::outbound_post& p) {
    std::vector<std::string> out;
    for (const auto& a : p.actions) out.push_back(a.label + "=" + a.command);
    return out;
}

TEST(Buttons, AReceiptCarriesAcceptAndQueryForItsOwnComplaint) {
    desk d;
    d.post(product_post, "zhangsan", at("09:00"), 7);
    ASSERT_FALSE(d.last().posts.empty());
    EXPECT_EQ(commands_of(d.last().posts.front()),
              (std::vector<std::string>{"受理=受理 P7", "查询=查询 P7"}));
}

TEST(Buttons, AServiceReceiptCarriesTheSameButtons) {
    desk d;
    d.post(service_post, "zhangsan", at("09:00"));
    ASSERT_FALSE(d.last().posts.empty());
    EXPECT_EQ(commands_of(d.last().posts.front()),
              (std::vector<std::string>{"受理=受理 S1", "查询=查询 S1"}));
}

TEST(Buttons, APressFromSomeoneOutsideTheOrderDeskIsRefusedLikeTheTypedCommand) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    const auto press = d.last().posts.front().actions.front().command;
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, press, "zhangsan", at("09:01")));  // the complainant is not 打单部
    EXPECT_EQ(stored(c), before);
    EXPECT_TRUE(d.say(c, press, "zhoumin", at("09:02")));
    EXPECT_TRUE(c.find_stage(rules::stage_id::accept)->done_at.has_value());
}

TEST(Buttons, AFineNoticeCarriesAnAppealButtonPerFine) {
    desk d;
    late_morning(d);  // 采购部 never answers: fined at 11:00
    const core::outbound_post* notice = nullptr;
    for (const auto& p : d.last().posts)
        if (!p.actions.empty()) notice = &p;
    ASSERT_TRUE(notice) << "no post with buttons at the fine";
    ASSERT_EQ(d.fines().size(), 1U);
    EXPECT_EQ(commands_of(*notice), (std::vector<std::string>{"申诉 F1=申诉 F1"}));
    EXPECT_TRUE(mentions(*notice, "wujiu"));
}

}  // namespace
