// The stages (rules/stages.cpp) run on a small organization in memory: registration, 受理,
// 工艺/分流, 回复, 已通知, 暂停/恢复 and 无效. Each refusal says why and leaves the complaint as it was.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

TEST(Stages, RegistrationNamesTheOrderDeskAndItsDeadlines) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    EXPECT_EQ(c.id, "P1");
    EXPECT_EQ(c.complainant, "zhangsan");
    EXPECT_TRUE(c.compensation);  // 客户要求：退货…
    ASSERT_EQ(d.last().posts.size(), 1u);
    const auto& p = d.last().posts.front();
    EXPECT_TRUE(has(p.text, "✅ 已登记产品质量投诉 P1")) << p.text;
    EXPECT_TRUE(has(p.text, "请打单部于 09:05 前受理（受理 P1），09:30 前公布工艺流程")) << p.text;
    EXPECT_TRUE(mentions(p, "lisi"));
    EXPECT_TRUE(mentions(p, "zhoumin"));
    ASSERT_EQ(d.last().events.size(), 1u);
    EXPECT_EQ(d.last().events.front().type, "registered");
}

TEST(Stages, ServiceComplaintGoesToHrAndRoutesToTheDepartment) {
    desk d;
    auto c = d.post(service_post, "linfang", at("08:00"));
    EXPECT_EQ(c.id, "S1");
    EXPECT_TRUE(has(d.reply(), "请人力资源部于 08:05 前受理（受理 S1）")) << d.reply();
    EXPECT_TRUE(d.say(c, "受理 S1", "xiaoye", at("08:03")));
    EXPECT_TRUE(d.say(c, "分流 S1 物流部", "xiaoye", at("08:10")));
    EXPECT_TRUE(has(d.reply(), "S1 已分流至物流部")) << d.reply();
    ASSERT_EQ(c.departments.size(), 1u);
    EXPECT_EQ(c.departments.front().department, "物流部");
}

TEST(Stages, AcceptFromOutsideTheOrderDeskIsRefusedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "受理 P1", "qianqi", at("09:02")));
    EXPECT_TRUE(has(d.reply(), "钱七")) << d.reply();
    EXPECT_TRUE(has(d.reply(), "打单部")) << d.reply();
    EXPECT_TRUE(d.last().events.empty());
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, AcceptTwiceIsRefusedNamingWhoAcceptedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "受理 P1", "zhoumin", at("09:04")));
    EXPECT_TRUE(has(d.reply(), "P1 已由周敏受理（按时）")) << d.reply();
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "受理　Ｐ１", "lisi", at("09:06")));  // full-width space and letters
    EXPECT_TRUE(has(d.reply(), "P1 已于")) << d.reply();
    EXPECT_TRUE(has(d.reply(), "由 周敏 受理，无需重复")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, PublishBeforeAcceptIsRefusedWithTheCommandToRunFirst) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:02")));
    EXPECT_TRUE(has(d.reply(), "P1 当前待受理，请先完成：受理 P1")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, PublishToAnUnknownDepartmentIsRefusedListingTheDepartments) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "受理 P1", "zhoumin", at("09:04")));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "工艺 P1 批号B2611-07 调查: 品管部", "zhoumin", at("09:10")));
    EXPECT_TRUE(has(d.reply(), "品管部")) << d.reply();
    EXPECT_TRUE(has(d.reply(), "生产部")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, TraditionalDepartmentNamesArmTheRespondStage) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "受理 P1", "zhoumin", at("09:04")));
    ASSERT_TRUE(d.say(c, "工艺 P1 批号B2611-07，2号冷镦机 調查: 生產部 採購部", "zhoumin", at("09:25")));
    ASSERT_EQ(c.departments.size(), 2u);
    EXPECT_EQ(c.departments[0].department, "生产部");
    EXPECT_EQ(c.departments[1].department, "采购部");
    const auto* respond = c.find_stage(rules::stage_id::respond);
    ASSERT_TRUE(respond && respond->due);
    EXPECT_EQ(*respond->due, at("11:00"));
}

TEST(Stages, RepliesFromEveryDepartmentCloseAComplaintWithoutCompensation) {
    desk d;
    auto text = product_post;
    text.replace(text.find("退货并补发合格品"), std::string("退货并补发合格品").size(), "下次加固包装");
    auto c = d.post(text, "zhangsan", at("09:00"));
    EXPECT_FALSE(c.compensation);
    ASSERT_TRUE(d.say(c, "受理 P1", "zhoumin", at("09:04")));
    ASSERT_TRUE(d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25")));
    ASSERT_TRUE(d.say(c, "回复 P1 模具磨损，责任生产部", "qianqi", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "仍待采购部回复")) << d.reply();
    ASSERT_TRUE(d.say(c, "回复 P1 原材料合格，非采购责任", "wujiu", at("10:20")));
    EXPECT_TRUE(has(d.reply(), "P1 已关闭")) << d.reply();
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
}

TEST(Stages, ReplyFromADepartmentNotInvestigatingIsRefusedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "受理 P1", "zhoumin", at("09:04")));
    ASSERT_TRUE(d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25")));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "回复 P1 与物流无关", "sunba", at("10:00")));
    EXPECT_FALSE(d.reply().empty());
    EXPECT_TRUE(d.last().events.empty());
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, PauseByHrStopsTheClockAndResumeRestartsIt) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "暂停 P1 客户出差，周三再联系", "wangwu", at("09:02")));
    EXPECT_TRUE(c.paused_since);
    EXPECT_TRUE(rules::pending_deadlines(c).empty());
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "暂停 P1 再停一次", "wangwu", at("09:03")));
    EXPECT_EQ(stored(c), before);
    ASSERT_TRUE(d.say(c, "恢复 P1", "wangwu", at("09:32")));
    EXPECT_FALSE(c.paused_since);
    EXPECT_FALSE(rules::pending_deadlines(c).empty());
}

TEST(Stages, PauseFromOutsideHrIsRefusedAndChangesNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "暂停 P1 我想停一下", "zhangsan", at("09:02")));
    EXPECT_TRUE(has(d.reply(), "人力资源部")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, InvalidClosesTheComplaintAndASecondInvalidIsRefused) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "无效 P1 重复投诉，同P0", "wangwu", at("09:10")));
    EXPECT_TRUE(c.status_is(rules::complaint_status::invalid));
    EXPECT_TRUE(has(d.reply(), "判为无效投诉（重复投诉，同P0）")) << d.reply();
    EXPECT_TRUE(rules::pending_deadlines(c).empty());
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "无效 P1 再判一次", "wangwu", at("09:11")));
    EXPECT_TRUE(has(d.reply(), "P1 已判为无效投诉，无需再判定")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Stages, TheAcceptDeadlineMissesThenEscalates) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.advance(c, at("09:05"));
    ASSERT_FALSE(d.last().posts.empty());
    EXPECT_TRUE(has(d.last().posts.front().text, "P1 受理已超时（应于 09:05 前完成）")) << d.reply();
    EXPECT_TRUE(c.find_stage(rules::stage_id::accept)->missed);
    EXPECT_TRUE(d.fines().empty());  // only the respond stage fines
}

}  // namespace
