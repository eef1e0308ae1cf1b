// The dashboard's "Now" rows (rules/board.cpp): the step, who must act, minutes left or late, the
// paused and compensation cases, and the order (overdue first).
#include "rules/board.hpp"
#include "rules/jobs.hpp"
#include "rules/reports.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

TEST(Board, ANewComplaintWaitsOnTheOrderDeskWithMinutesLeftThenLate) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto r = rules::board_row_of(c, d.ctx(at("09:01")));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, "P1");
    EXPECT_EQ(r->kind, "产品质量");
    EXPECT_EQ(r->step, "受理");
    EXPECT_EQ(r->who, "打单部");
    EXPECT_EQ(r->who_ids, (std::vector<std::string>{"lisi"}));
    EXPECT_EQ(r->departments, (std::vector<std::string>{"打单部"}));
    EXPECT_EQ(r->customer, "华东五金有限公司");
    ASSERT_TRUE(r->minutes);
    EXPECT_EQ(*r->minutes, 4);
    EXPECT_EQ(rules::clock_words(*r), "剩余4分钟");
    auto late = rules::board_row_of(c, d.ctx(at("09:20")));
    ASSERT_TRUE(late && late->minutes);
    EXPECT_EQ(*late->minutes, -15);
    EXPECT_EQ(rules::clock_words(*late), "超时15分钟");
}

TEST(Board, ApprovalCrisisAndSupervisionShowOnTheStep) {
    auto cfg = company();
    cfg.require_manager_approval = true;
    cfg.customer.enabled = true;
    cfg.workflow.repeat_every = core::duration{0};
    desk d(cfg);
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto waiting = rules::board_row_of(c, d.ctx(at("09:01")));
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->step, "待批准");
    EXPECT_EQ(waiting->who, "销售一部（陈静）");
    EXPECT_EQ(waiting->who_ids, (std::vector<std::string>{"chenjing"}));
    EXPECT_FALSE(waiting->minutes);  // no clock yet
    d.say(c, "批准 P1", "chenjing", at("09:02"));
    d.say(c, "级别 P1 一级 群诉", "wangwu", at("09:03"));
    EXPECT_EQ(rules::board_row_of(c, d.ctx(at("09:04")))->step, "【一级】受理");
    d.advance(c, at("09:00", "2026-11-30"));
    EXPECT_EQ(rules::board_row_of(c, d.ctx(at("09:00", "2026-11-30")))->step, "【督办】【一级】受理");
}

TEST(Board, TheRespondStageNamesTheSilentDepartmentsAndTheirHeads) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损", "qianqi", at("10:00"));
    auto r = rules::board_row_of(c, d.ctx(at("10:30")));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->step, "回复");
    EXPECT_EQ(r->who, "采购部（吴九）");
    EXPECT_EQ(r->who_ids, (std::vector<std::string>{"wujiu"}));
    ASSERT_TRUE(r->minutes);
    EXPECT_EQ(*r->minutes, 30);  // the two hours run from the post (09:00)
}

TEST(Board, AServiceComplaintShowsWhomItIsAboutAsTheCustomer) {
    desk d;
    auto c = d.post(service_post, "linfang", at("09:00"));
    auto r = rules::board_row_of(c, d.ctx(at("09:01")));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, "服务质量");
    EXPECT_EQ(r->customer, "物流部 司机小王");
}

TEST(Board, APausedComplaintHasNoClock) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "暂停 P1 等客户寄回样品", "wangwu", at("09:01"));
    auto r = rules::board_row_of(c, d.ctx(at("09:30")));
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->paused);
    EXPECT_FALSE(r->minutes);
    EXPECT_EQ(rules::clock_words(*r), "已暂停");
}

TEST(Board, TheCompensationChainShowsTheSignaturesThenTheVp) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，同意退货并补发", "qianqi", at("10:00"));
    auto before_sheet = rules::board_row_of(c, d.ctx(at("10:01")));
    ASSERT_TRUE(before_sheet);
    EXPECT_TRUE(before_sheet->compensation);
    EXPECT_EQ(before_sheet->step, "待列入流程表");
    std::vector<rules::complaint> open{c};
    rules::outcome out;
    rules::sheet_job(open, {2026, 11, 23}, d.ctx(at("17:30")), out);
    c = open.front();
    auto sign = rules::board_row_of(c, d.ctx(at("17:31")));
    ASSERT_TRUE(sign);
    EXPECT_EQ(sign->step, "待签字");
    EXPECT_EQ(sign->who, "生产部（赵六）");
    EXPECT_FALSE(sign->minutes);
    d.say(c, "签字 P1", "zhaoliu", at("17:40"));
    open = {c};
    rules::forward_job(open, {2026, 11, 24}, d.ctx(at("09:00", "2026-11-24")), out);
    c = open.front();
    auto vp = rules::board_row_of(c, d.ctx(at("09:01", "2026-11-24")));
    ASSERT_TRUE(vp);
    EXPECT_EQ(vp->step, "待副总意见");
    EXPECT_EQ(vp->who, "副总（刘总）");
    EXPECT_EQ(vp->who_ids, (std::vector<std::string>{"liuzong"}));
}

TEST(Board, AClosedComplaintHasNoRow) {
    desk d;
    auto c = d.post(service_post, "linfang", at("09:00"));
    d.say(c, "无效 P1 重复投诉", "wangwu", at("09:02"));
    ASSERT_FALSE(c.is_open());
    EXPECT_FALSE(rules::board_row_of(c, d.ctx(at("09:03"))));
}

TEST(Board, OverdueComesFirstThenTimeLeftThenNoClock) {
    std::vector<rules::board_row> rows(4);
    rows[0].id = "P3";
    rows[1].id = "P1";
    rows[1].minutes = 20;
    rows[2].id = "S1";
    rows[2].minutes = -5;
    rows[3].id = "P2";
    rows[3].minutes = -40;
    rules::sort_board(rows);
    EXPECT_EQ(rows[0].id, "P2");
    EXPECT_EQ(rows[1].id, "S1");
    EXPECT_EQ(rows[2].id, "P1");
    EXPECT_EQ(rows[3].id, "P3");
}

}  // namespace
