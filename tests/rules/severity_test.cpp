// Severity and the crisis workflow (rules/severity.cpp): 级别 P1 一级|二级|三级 by HR, the general
// manager or a VP; 一级 @-mentions the leaders, shortens the pending clocks, has every miss @ the
// general manager, posts the state every hour until it closes and then its closing report; the
// receipt proposes 一级 on the configured words; refusals change nothing.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

rules::config crisis_company() {
    auto cfg = company();
    cfg.workflow.repeat_every = core::duration{0};
    return cfg;
}

std::string service_with(const std::string& event) {
    auto text = service_post;
    const std::string old = "11月20日下午送货迟到三小时，未提前通知客户。";
    text.replace(text.find(old), old.size(), event);
    return text;
}

}  // namespace

TEST(Severity, TheReceiptProposesCrisisOnItsWords) {
    desk d(crisis_company());
    d.post(service_with("十余户业主集体投诉，扬言要找媒体曝光。"), "linfang", at("09:00"));
    const std::string proposal =
        "⚠️ 内容提到“集体投诉”，可能属一级投诉（危机事件），";
    EXPECT_TRUE(has(d.reply(), proposal + "请人力资源部确认（级别 S1 一级 <原因>）。")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "wangwu"));
    d.post(service_with("客户称已投诉到市场监督管理局。"), "linfang", at("09:10"), 2);
    EXPECT_TRUE(has(d.reply(), "内容提到“投诉到…局”")) << d.reply();
    d.post(service_with("送貨遲到，客戶說要找記者。"), "linfang", at("09:20"), 3);  // Traditional
    EXPECT_TRUE(has(d.reply(), "内容提到“记者”")) << d.reply();
    d.post(service_post, "linfang", at("09:30"), 4);
    EXPECT_FALSE(has(d.reply(), "一级投诉")) << d.reply();
}

TEST(Severity, CrisisShortensTheClocksAndTellsTheLeaders) {
    desk d(crisis_company());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:10"));
    ASSERT_EQ(c.find_stage(rules::stage_id::respond)->due, at("11:00"));
    ASSERT_TRUE(d.say(c, "级别 P1 一级 客户十余家门店同时投诉，已联系报社", "wangwu", at("09:30")));
    const auto& post = d.last().posts.front();
    EXPECT_TRUE(has(post.text,
                    "🚨 P1 "
                    "定为一级投诉（危机事件）：客户十余家门店同时投诉，已联系报社（王五）。请总经理、副总立即"
                    "关注；时限缩短：回复 10:30。每 1小时通报一次进展，直至办结。"))
        << post.text;
    EXPECT_TRUE(has(post.text, "当前：待回复（生产部、采购部）")) << post.text;
    for (const auto* p : {"huangzong", "liuzong", "zhaoliu", "wujiu"}) EXPECT_TRUE(mentions(post, p)) << p;
    EXPECT_EQ(c.find_stage(rules::stage_id::respond)->due, at("10:30"));

    d.say(c, "回复 P1 模具磨损，同意退货补发", "qianqi", at("10:00"));
    d.advance(c, at("10:30"));  // 采购部 silent: fined, and the general manager is @-mentioned
    ASSERT_EQ(d.last().new_fines.size(), 1U);
    bool gm_on_miss = false, status = false;
    for (const auto& p : d.last().posts) {
        if (has(p.text, "💰 P1 回复已超时")) gm_on_miss = mentions(p, "huangzong");
        status = status || has(p.text, "🚨 一级投诉 P1 进展通报（第1次）");
    }
    EXPECT_TRUE(gm_on_miss);
    EXPECT_TRUE(status);  // 10:30, an hour after the level
    d.advance(c, at("11:30"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    EXPECT_TRUE(has(d.reply(), "🚨 一级投诉 P1 进展通报（第2次）：定级已 2小时")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "liuzong"));
    EXPECT_EQ(rules::severity_words(c, d.ctx(at("11:30"))),
              "一级（危机事件）：客户十余家门店同时投诉，已联系报社（王五 11-23 09:30）");
}

TEST(Severity, AClosedCrisisGetsItsClosingReportOnce) {
    desk d(crisis_company());
    auto text = product_post;  // no compensation: the last reply closes it
    text.replace(text.find("退货并补发合格品"), std::string("退货并补发合格品").size(), "查明原因");
    auto c = d.post(text, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "级别 P1 一级 客户扬言曝光", "huangzong", at("09:05"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:10"));
    EXPECT_EQ(c.find_stage(rules::stage_id::respond)->due, at("10:10"));  // armed within crisis.respond
    d.advance(c, at("10:05"));
    d.say(c, "回复 P1 模具磨损，已更换", "qianqi", at("10:06"));
    ASSERT_TRUE(c.status_is(rules::complaint_status::closed));
    d.advance(c, at("10:06"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    EXPECT_TRUE(has(d.reply(),
                    "🚨 一级投诉 P1 已办结：登记 11-23 09:00，定级 11-23 09:05，办结 11-23 10:06，历时 "
                    "1小时6分钟；共通报 1 次。定级原因：客户扬言曝光。"))
        << d.reply();
    d.advance(c, at("18:00"));
    for (const auto& p : d.last().posts) EXPECT_FALSE(has(p.text, "🚨")) << p.text;
    EXPECT_FALSE(rules::may_still_change(c, at("10:00", "2026-12-31")) && c.crisis() &&
                 !c.severity->closing_posted);
}

TEST(Severity, LowerLevelsAndRefusals) {
    desk d(crisis_company());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "级别 P1 一级 媒体报道", "zhoumin", at("09:01")));
    EXPECT_TRUE(has(d.reply(), "只有人力资源部、总经理或副总可以为 P1 定级，周敏不能定级")) << d.reply();
    EXPECT_EQ(stored(c), before);
    ASSERT_TRUE(d.say(c, "級別 Ｐ１ 二级 老客户，金额较大", "liuzong", at("09:02")));
    EXPECT_TRUE(has(d.reply(), "🏷 P1 定为二级投诉（刘总）：老客户，金额较大。"))
        << d.reply();
    EXPECT_FALSE(c.crisis());
    auto graded = stored(c);
    EXPECT_FALSE(d.say(c, "级别 P1 二级 重复", "wangwu", at("09:03")));
    EXPECT_TRUE(has(d.reply(), "P1 已是二级投诉，无需重复定级")) << d.reply();
    EXPECT_EQ(stored(c), graded);
    d.say(c, "级别 P1 一级 已上升为群诉", "wangwu", at("09:04"));
    EXPECT_TRUE(c.crisis());
    ASSERT_TRUE(d.say(c, "级别 P1 三级 误报，仅一户", "wangwu", at("09:05")));
    EXPECT_TRUE(has(d.reply(), "不再按危机事件通报，已缩短的时限不恢复")) << d.reply();
    d.advance(c, at("12:00"));
    for (const auto& p : d.last().posts) EXPECT_FALSE(has(p.text, "进展通报")) << p.text;
    for (const auto* bad : {"级别 P1", "级别 P1 四级 原因", "级别 P1 一级"})
        EXPECT_TRUE(std::holds_alternative<rules::command_error>(rules::parse_command(bad))) << bad;
}

TEST(Severity, StoredAndReadBack) {
    desk d(crisis_company());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "级别 P1 一级 群诉", "wangwu", at("09:01"));
    d.advance(c, at("10:01"));
    auto back = nlohmann::json(c).get<rules::complaint>();
    EXPECT_EQ(stored(back), stored(c));
    EXPECT_EQ(back.severity->status_posted, 1);
    EXPECT_EQ(back.severity->status_every, std::chrono::hours(1));
}
