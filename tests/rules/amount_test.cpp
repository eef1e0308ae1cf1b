// Approval by amount (rules/amount.cpp): 赔偿 P1 <金额> below compensation.self_approve_below lets
// 打单部 execute once the heads signed — no forward to the VP, no approval first — and the general
// manager countersigns afterwards (补签 P1, reminded); at or above it the VP → general manager chain
// runs as before. Every refusal leaves the complaint as it was.
#include "rules/jobs.hpp"
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

rules::config with_limit(int yuan) {
    auto cfg = company();
    cfg.compensation.self_approve_below = yuan;
    return cfg;
}

bool has_key(const rules::complaint& c, const std::string& key) {
    for (const auto& dl : rules::pending_deadlines(c))
        if (dl.key == key) return true;
    return false;
}

// P1 (a return: compensation) answered by 生产部 at 10:30 Monday, on Monday's 17:30 sheet.
rules::complaint on_the_sheet(desk& d, const std::string& amount = "") {
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，同意退货补发", "qianqi", at("10:30"));
    if (!amount.empty()) {
        EXPECT_TRUE(d.say(c, "赔偿 P1 " + amount, "zhangsan", at("11:00"))) << d.reply();
    }
    std::vector<rules::complaint> open{c};
    rules::outcome out;
    rules::sheet_job(open, {2026, 11, 23}, d.ctx(at("17:30")), out);
    return open.front();
}

std::vector<rules::complaint*> forward(std::vector<rules::complaint>& open, desk& d, core::instant t) {
    rules::outcome out;
    return rules::forward_job(open, {2026, 11, 24}, d.ctx(t), out);
}

TEST(Amount, BelowTheLimitTheDeskExecutesAfterTheSignaturesAndTheGmCountersigns) {
    desk d(with_limit(500));
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 模具磨损，同意退货补发", "qianqi", at("10:30"));
    ASSERT_TRUE(d.say(c, "赔偿 P1 320元", "zhangsan", at("11:00")));
    EXPECT_TRUE(has(d.reply(),
                    "💴 P1 赔偿金额：320 元。低于 500 元，责任部门负责人签字后由打单部直接执行（执行 "
                    "P1），总经理事后补签。"))
        << d.reply();
    ASSERT_TRUE(c.amount);
    EXPECT_EQ(c.amount->cents, 32000);
    EXPECT_TRUE(rules::self_approvable(c));
    std::vector<rules::complaint> open{c};
    rules::outcome out;
    rules::sheet_job(open, {2026, 11, 23}, d.ctx(at("17:30")), out);
    EXPECT_TRUE(
        has(out.posts.front().text, "赔偿金额：320 元（低于 500 元，签字后由打单部直接执行，总经理补签）"))
        << out.posts.front().text;
    c = open.front();

    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "执行 P1", "zhoumin", at("08:35", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "P1 赔偿 320 元可由打单部直接执行，但还待生产部负责人签字（签字 P1）"))
        << d.reply();
    EXPECT_EQ(stored(c), before);

    ASSERT_TRUE(d.say(c, "签字 P1", "zhaoliu", at("08:40", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "请打单部直接执行（执行 P1），总经理事后补签")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "zhoumin"));
    open = {c};
    EXPECT_TRUE(forward(open, d, at("09:00", "2026-11-24")).empty());  // nothing goes to the VP
    EXPECT_TRUE(has_key(c, "execute:remind:1"));                       // 打单部 is reminded from the sheet
    {
        auto waiting = c;
        desk later(with_limit(500));
        later.advance(waiting, at("17:30", "2026-11-24"));
        bool reminded = false;
        for (const auto& p : later.last().posts)
            reminded = reminded || has(p.text, "P1 待打单部按金额直接执行（执行 P1）");
        EXPECT_TRUE(reminded);
    }
    EXPECT_TRUE(has(rules::pending_summary(c, d.ctx(at("09:10", "2026-11-24"))),
                    "待执行（打单部，赔偿 320 元，按金额直接执行）"));

    ASSERT_TRUE(d.say(c, "执行 P1", "zhoumin", at("09:30", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(),
                    "🏁 P1 已由周敏执行（赔偿 320 元，低于 500 "
                    "元，无需副总和总经理事先审批），投诉关闭。请总经理补签（补签 P1）"))
        << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "huangzong"));
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
    EXPECT_TRUE(rules::countersign_pending(c));
    EXPECT_TRUE(has_key(c, "countersign:remind:1"));
    EXPECT_TRUE(rules::may_still_change(c, at("09:30", "2026-12-31")));

    d.advance(c, at("09:30", "2026-11-25"));
    bool reminded = false;
    for (const auto& p : d.last().posts)
        reminded =
            reminded || (has(p.text, "⏰ 提醒（第1次）：P1 已按金额由打单部执行，待总经理补签（补签 P1）") &&
                         mentions(p, "huangzong"));
    EXPECT_TRUE(reminded);

    before = stored(c);
    EXPECT_FALSE(d.say(c, "补签 P1", "lisi", at("10:00", "2026-11-25")));
    EXPECT_TRUE(has(d.reply(), "只有黄总可以补签 P1，李四不能补签")) << d.reply();
    EXPECT_EQ(stored(c), before);
    ASSERT_TRUE(d.say(c, "補簽 Ｐ１ 同意", "huangzong", at("10:05", "2026-11-25")));
    EXPECT_TRUE(has(d.reply(), "✅ P1 已补签（黄总）：同意。")) << d.reply();
    EXPECT_FALSE(rules::countersign_pending(c));
    EXPECT_FALSE(has_key(c, "countersign:remind:2"));
    EXPECT_FALSE(d.say(c, "补签 P1", "huangzong", at("10:10", "2026-11-25")));
    EXPECT_TRUE(has(d.reply(), "已于 11-25 10:05 由黄总补签，无需重复")) << d.reply();
}

TEST(Amount, AtOrAboveTheLimitTheVpAndGmApproveFirst) {
    desk d(with_limit(500));
    auto c = on_the_sheet(d, "500");
    EXPECT_FALSE(rules::self_approvable(c));
    EXPECT_TRUE(has(d.reply(), "不低于 500 元，按流程经副总意见、总经理审批后执行")) << d.reply();
    d.say(c, "签字 P1", "zhaoliu", at("08:40", "2026-11-24"));
    EXPECT_TRUE(has(d.reply(), "流程表将转交副总")) << d.reply();
    std::vector<rules::complaint> open{c};
    EXPECT_EQ(forward(open, d, at("09:00", "2026-11-24")).size(), 1U);
    c = open.front();
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "执行 P1", "zhoumin", at("09:30", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "P1 尚未经总经理审批，不能执行")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Amount, WithoutALimitEveryAmountGoesTheUsualWay) {
    desk d;  // self_approve_below 0
    auto c = on_the_sheet(d, "50");
    EXPECT_FALSE(rules::self_approvable(c));
    EXPECT_EQ(c.amount->limit, 0);
    std::vector<rules::complaint> open{c};
    EXPECT_EQ(forward(open, d, at("09:00", "2026-11-24")).size(), 1U);
}

TEST(Amount, TheLimitInForceWhenRecordedCounts) {
    auto cfg = with_limit(500);
    desk d(cfg);
    auto c = on_the_sheet(d, "320");
    EXPECT_EQ(c.amount->limit, 500);
    // A new amount replaces the old one and is judged again.
    ASSERT_TRUE(d.say(c, "赔偿 P1 1200", "zhoumin", at("08:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "赔偿金额：1200 元（原为 320 元）")) << d.reply();
    EXPECT_FALSE(rules::self_approvable(c));
}

TEST(Amount, RefusalsChangeNothing) {
    desk d(with_limit(500));
    auto c = on_the_sheet(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "赔偿 P1 300", "qianqi", at("08:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "可以登记 P1 的赔偿金额，钱七不能登记")) << d.reply();
    EXPECT_FALSE(d.say(c, "补签 P1", "huangzong", at("08:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "P1 尚未按金额由打单部直接执行，无需补签")) << d.reply();
    EXPECT_EQ(stored(c), before);
    d.say(c, "赔偿 P1 300", "zhangsan", at("08:01", "2026-11-24"));
    auto recorded = stored(c);
    EXPECT_FALSE(d.say(c, "赔偿 P1 300.00", "zhangsan", at("08:02", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "赔偿金额已是 300.00 元，无需重复登记")) << d.reply();
    EXPECT_EQ(stored(c), recorded);

    desk plain(with_limit(500));
    auto text = product_post;  // no compensation asked
    text.replace(text.find("退货并补发合格品"), std::string("退货并补发合格品").size(), "下次加固包装");
    auto p = plain.post(text, "zhangsan", at("09:00"));
    auto p_before = stored(p);
    EXPECT_FALSE(plain.say(p, "赔偿 P1 100", "zhangsan", at("09:10")));
    EXPECT_TRUE(has(plain.reply(), "P1 不涉及赔款或退换货，无需登记赔偿金额")) << plain.reply();
    EXPECT_EQ(stored(p), p_before);

    for (const auto* bad : {"赔偿 P1", "赔偿 P1 abc", "赔偿 P1 0", "赔偿 P1 -5", "赔偿 P1 1.2.3"})
        EXPECT_TRUE(std::holds_alternative<rules::command_error>(rules::parse_command(bad))) << bad;
    EXPECT_EQ(std::get<rules::command>(rules::parse_command("赔偿 Ｐ１ ３２０元")).args,
              std::vector<std::string>{"320"});
}

TEST(Amount, StoredAndReadBack) {
    desk d(with_limit(500));
    auto c = on_the_sheet(d, "85.5");
    EXPECT_EQ(c.amount->cents, 8550);
    d.say(c, "签字 P1", "zhaoliu", at("08:40", "2026-11-24"));
    d.say(c, "执行 P1", "zhoumin", at("09:30", "2026-11-24"));
    d.say(c, "补签 P1", "huangzong", at("10:00", "2026-11-24"));
    auto back = nlohmann::json(c).get<rules::complaint>();
    EXPECT_EQ(stored(back), stored(c));
    EXPECT_EQ(back.countersigned.by, "huangzong");
    EXPECT_EQ(back.amount->yuan, "85.5");
}

}  // namespace
