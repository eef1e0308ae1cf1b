// The customer's clock (rules/customer.cpp), in memory: 已答复客户 within 24 h (reminded before,
// the complainant's head told at the end), 督办 after a week (the VP, then the general manager, once
// each), 延期 and 同意延期 moving one department's reply deadline only when approved, the later
// times people write, and every refusal leaving the complaint as it was.
#include "rules/customer.hpp"
#include "rules/facts.hpp"

#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

rules::config with_clock() {
    auto cfg = company();
    cfg.customer.enabled = true;
    cfg.workflow.repeat_every = core::duration{0};  // no hourly reminders over the week
    return cfg;
}

bool has_key(const rules::complaint& c, const std::string& key) {
    for (const auto& dl : rules::pending_deadlines(c))
        if (dl.key == key) return true;
    return false;
}

bool any_key_starting(const rules::complaint& c, const std::string& prefix) {
    for (const auto& dl : rules::pending_deadlines(c))
        if (dl.key.rfind(prefix, 0) == 0) return true;
    return false;
}

// P1 posted Monday 09:00, accepted, 工艺 with 生产部 to investigate: it waits for 生产部's reply (11:00).
rules::complaint waiting_p1(desk& d) {
    auto text = product_post;  // no compensation asked: the reply closes it
    text.replace(text.find("退货并补发合格品"), std::string("退货并补发合格品").size(), "下次加固包装");
    auto c = d.post(text, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    return c;
}

TEST(CustomerClock, FixedAtRegistrationOnTheWallClock) {
    desk d(with_clock());
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(c.customer);
    EXPECT_EQ(c.customer->answer_due, at("09:00", "2026-11-24"));
    EXPECT_EQ(c.customer->remind_at, at("07:00", "2026-11-24"));
    EXPECT_EQ(c.customer->resolve_due, at("09:00", "2026-11-30"));
    EXPECT_EQ(c.customer->gm_due, at("09:00", "2026-12-01"));
    for (const auto* k : {"customer:remind:1", "customer:esc:1", "supervise:esc:1", "supervise:esc:2"})
        EXPECT_TRUE(has_key(c, k)) << k;
    desk off;  // customer.enabled false: no clock, no keys
    auto plain = off.post(product_post, "zhangsan", at("09:00"));
    EXPECT_FALSE(plain.customer);
    EXPECT_FALSE(any_key_starting(plain, "customer:"));
    EXPECT_FALSE(any_key_starting(plain, "supervise:"));
}

TEST(CustomerClock, RemindedBeforeThenTheHeadIsToldOnceEach) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "回复 P1 模具磨损，已更换模具", "qianqi", at("10:30"));
    ASSERT_TRUE(c.status_is(rules::complaint_status::closed));  // closed: the customer still must be told
    d.advance(c, at("07:00", "2026-11-24"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    EXPECT_TRUE(has(d.reply(), "🔔 P1 请张三于 09:00 前答复客户（处理进度或预计答复时间），并在群里确认"))
        << d.reply();
    EXPECT_TRUE(has(d.reply(), "（已答复客户 P1 <答复客户的内容>）")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "zhangsan"));
    d.advance(c, at("09:00", "2026-11-24"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    const auto& esc = d.last().posts.front();
    EXPECT_TRUE(has(esc.text, "⏫ P1 登记已满 1天（截止 09:00），张三仍未确认答复客户，请销售一部负责人督促"))
        << esc.text;
    EXPECT_TRUE(mentions(esc, "chenjing"));
    EXPECT_TRUE(d.last().new_fines.empty());
    EXPECT_FALSE(any_key_starting(c, "customer:"));
    EXPECT_FALSE(any_key_starting(c, "supervise:"));  // closed: nothing to supervise
    d.advance(c, at("09:00", "2026-12-31"));
    for (const auto& p : d.last().posts) EXPECT_FALSE(has(p.text, "答复客户")) << p.text;  // the 回访 only
}

TEST(CustomerClock, AnsweredStopsItAndSaysWhetherInTime) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    ASSERT_TRUE(d.say(c, "已答复客户 P1 已告知客户今天内给出检测结果", "zhangsan", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "✅ P1 已记录答复客户：已告知客户今天内给出检测结果（张三，按时）。"))
        << d.reply();
    EXPECT_FALSE(any_key_starting(c, "customer:"));
    EXPECT_TRUE(has_key(c, "supervise:esc:1"));  // still open: the week's clock runs on
    // A second answer updates what the customer was told; the first decides lateness.
    ASSERT_TRUE(
        d.say(c, "已答複客戶 Ｐ１ 检测结果已发客户，周五补发", "chenjing", at("10:00", "2026-11-25")));
    EXPECT_EQ(c.customer->answered_at, at("10:00"));
    EXPECT_EQ(c.customer->answered_by, "zhangsan");
    EXPECT_EQ(c.customer->answer, "检测结果已发客户，周五补发");
    EXPECT_TRUE(has(rules::customer_words(c, d.ctx(at("11:00", "2026-11-25"))),
                    "已答复客户（张三 11-23 10:00）：检测结果已发客户，周五补发"));
}

TEST(CustomerClock, LateAnswerIsRecordedAsLate) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.advance(c, at("09:30", "2026-11-24"));
    ASSERT_TRUE(d.say(c, "已答复客户 P1 已致电客户说明进度", "zhangsan", at("09:30", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "（张三，超时30分钟）")) << d.reply();
}

TEST(CustomerClock, RefusalsChangeNothing) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "已答复客户 P1 已告知", "qianqi", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "只有投诉人张三或销售一部负责人陈静可以确认 P1 已答复客户，钱七不能确认"))
        << d.reply();
    EXPECT_EQ(stored(c), before);
    desk off;
    auto plain = off.post(product_post, "zhangsan", at("09:00"));
    auto plain_before = stored(plain);
    EXPECT_FALSE(off.say(plain, "已答复客户 P1 已告知", "zhangsan", at("10:00")));
    EXPECT_TRUE(has(off.reply(), "未启用答复客户时限")) << off.reply();
    EXPECT_EQ(stored(plain), plain_before);
    ASSERT_TRUE(d.say(c, "无效 P1 客户自行安装错误", "wangwu", at("10:10")) ||
                c.status_is(rules::complaint_status::invalid));
    auto invalid = stored(c);
    EXPECT_FALSE(d.say(c, "已答复客户 P1 已告知", "zhangsan", at("10:20")));
    EXPECT_EQ(stored(c), invalid);
}

TEST(Supervision, TheVpAfterAWeekThenTheGeneralManagerOnceEach) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "已答复客户 P1 已告知客户在检测", "zhangsan", at("10:00"));
    d.advance(c, at("08:59", "2026-11-30"));
    EXPECT_FALSE(rules::supervised(c, at("08:59", "2026-11-30")));
    d.advance(c, at("09:00", "2026-11-30"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    const auto& vp = d.last().posts.front();
    EXPECT_TRUE(has(vp.text, "🚩 督办：P1 登记已满 7天仍未办结（待回复（生产部）")) << vp.text;
    EXPECT_TRUE(has(vp.text, "请副总督办")) << vp.text;
    EXPECT_TRUE(mentions(vp, "liuzong"));
    EXPECT_TRUE(rules::supervised(c, at("09:00", "2026-11-30")));
    d.advance(c, at("09:00", "2026-12-01"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    EXPECT_TRUE(has(d.reply(), "请总经理督办")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "huangzong"));
    EXPECT_FALSE(any_key_starting(c, "supervise:"));
    d.advance(c, at("09:00", "2026-12-20"));
    EXPECT_TRUE(d.last().posts.empty());
    // On the list until it closes.
    auto ctx = d.ctx(at("09:00", "2026-12-20"));
    auto list = rules::supervision_list({&c}, ctx);
    EXPECT_TRUE(has(list, "🚩 督办（登记满 7天 仍未办结）共 1 件：\n· P1 待回复（生产部）")) << list;
    EXPECT_TRUE(has(list, "，总经理督办")) << list;
    d.say(c, "回复 P1 模具磨损，已更换模具", "qianqi", at("10:00", "2026-12-20"));
    EXPECT_FALSE(rules::supervised(c, at("10:00", "2026-12-20")));
    EXPECT_TRUE(
        has(rules::supervision_list({&c}, d.ctx(at("10:00", "2026-12-20"))), "没有登记满 7天 仍未办结"));
}

TEST(Supervision, WithoutAVpTheGeneralManagerIsFirst) {
    auto cfg = with_clock();
    cfg.roles.vice_presidents.clear();
    desk d(cfg);
    auto c = waiting_p1(d);
    d.advance(c, at("09:00", "2026-11-30"));
    bool told = false;
    for (const auto& p : d.last().posts)
        if (has(p.text, "🚩 督办")) told = has(p.text, "请总经理督办") && mentions(p, "huangzong");
    EXPECT_TRUE(told);
}

TEST(Extension, NoApprovalNoMove) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    ASSERT_TRUE(d.say(c, "延期 P1 明天 17:00 等供应商检测报告", "qianqi", at("10:00")));
    EXPECT_TRUE(has(d.reply(),
                    "⏳ P1 生产部申请将回复时间延至 11-24 17:00（原截止 "
                    "11:00），原因：等供应商检测报告。请赵六审批（同意延期 P1）"))
        << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "zhaoliu"));
    ASSERT_EQ(c.extensions.size(), 1U);
    EXPECT_TRUE(c.extensions.front().approved_by.empty());
    d.advance(c, at("11:00"));
    ASSERT_EQ(d.last().new_fines.size(), 1U);  // the old deadline counted: 赵六 fined
    EXPECT_EQ(d.last().new_fines.front().person, "zhaoliu");
    // Fined: the request can no longer be granted.
    auto fined = stored(c);
    EXPECT_FALSE(d.say(c, "同意延期 P1", "zhaoliu", at("11:05")));
    EXPECT_TRUE(has(d.reply(), "P1 没有待批准的延期申请")) << d.reply();
    EXPECT_EQ(stored(c), fined);
}

TEST(Extension, ApprovedTheDepartmentsDeadlineMoves) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "延期 P1 明天17:00前 等供应商检测报告", "qianqi", at("10:00"));
    ASSERT_TRUE(d.say(c, "同意延期 P1", "zhaoliu", at("10:30")));
    EXPECT_TRUE(has(d.reply(),
                    "✅ P1 同意延期：生产部回复截止由 11:00 延至 11-24 "
                    "17:00（赵六批准）。请投诉人张三告知客户新的答复时间"))
        << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "qianqi"));
    EXPECT_TRUE(mentions(d.last().posts.front(), "zhangsan"));
    const auto& r = c.extensions.front();
    EXPECT_EQ(r.approved_by, "zhaoliu");
    EXPECT_EQ(r.previous_due, at("11:00"));
    d.advance(c, at("16:59", "2026-11-24"));
    EXPECT_TRUE(d.fines().empty());
    EXPECT_TRUE(has_key(c, "respond:miss:生产部"));
    d.advance(c, at("17:00", "2026-11-24"));
    ASSERT_EQ(d.fines().size(), 1U);  // the new deadline missed: fined then
    EXPECT_EQ(d.fines().front().deadline, at("17:00", "2026-11-24"));
    auto q = rules::extension_words(c, d.ctx(at("17:00", "2026-11-24")));
    ASSERT_EQ(q.size(), 1U);
    EXPECT_EQ(q.front(), "生产部延至 11-24 17:00（赵六批准）：等供应商检测报告");
}

TEST(Extension, AnsweredByTheMovedDeadlineTheStageIsInTime) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "延期 P1 明天 17:00 等供应商检测报告", "qianqi", at("10:00"));
    d.say(c, "同意延期 P1", "zhaoliu", at("10:30"));
    d.advance(c, at("11:00"));
    for (const auto& e : d.last().events) EXPECT_NE(e.type, "missed") << e.detail;  // nobody was due
    d.say(c, "回复 P1 炉温偏高，已调整", "qianqi", at("16:30", "2026-11-24"));
    auto f = rules::facts_of(c);
    bool respond_seen = false;
    for (const auto& s : f.steps)
        if (s.stage == rules::stage_id::respond) {
            respond_seen = true;
            EXPECT_FALSE(s.late) << s.department;
            EXPECT_EQ(s.due, at("17:00", "2026-11-24")) << s.department;
        }
    EXPECT_TRUE(respond_seen);
}

TEST(Extension, TheHeadsOwnRequestGoesToTheVpOrGeneralManager) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "延期 P1 12月1日 10:00 模具返厂", "zhaoliu", at("10:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "同意延期 P1", "zhaoliu", at("10:10")));
    EXPECT_TRUE(has(d.reply(), "只有黄总可以批准生产部的延期，赵六不能批准")) << d.reply();
    EXPECT_EQ(stored(c), before);
    EXPECT_TRUE(d.say(c, "同意延期 P1 生产部", "huangzong", at("10:20")));
    EXPECT_EQ(c.departments.front().due, at("10:00", "2026-12-01"));
}

TEST(Extension, RefusalsChangeNothing) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "延期 P1 明天 17:00 等报告", "zhangsan", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "只有 P1 的责任部门（生产部）可以申请延期，张三不在这些部门")) << d.reply();
    EXPECT_FALSE(d.say(c, "延期 P1 10:30 等报告", "qianqi", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "延期时间 10:30 须晚于现在的回复截止时间 11:00，未登记")) << d.reply();
    EXPECT_FALSE(d.say(c, "同意延期 P1", "zhaoliu", at("10:00")));
    EXPECT_TRUE(has(d.reply(), "P1 没有待批准的延期申请")) << d.reply();
    EXPECT_EQ(stored(c), before);
    d.say(c, "延期 P1 明天 17:00 等报告", "qianqi", at("10:00"));
    auto requested = stored(c);
    EXPECT_FALSE(d.say(c, "同意延期 P1", "qianqi", at("10:05")));
    EXPECT_FALSE(d.say(c, "同意延期 P1", "lisi", at("10:05")));
    EXPECT_TRUE(has(d.reply(), "只有赵六可以批准生产部的延期，李四不能批准")) << d.reply();
    EXPECT_FALSE(d.say(c, "同意延期 P1 采购部", "zhaoliu", at("10:05")));
    EXPECT_EQ(stored(c), requested);
    d.say(c, "回复 P1 模具磨损，已更换模具", "qianqi", at("10:30"));
    auto answered = stored(c);
    EXPECT_FALSE(d.say(c, "延期 P1 明天 17:00 等报告", "qianqi", at("10:40")));
    EXPECT_EQ(stored(c), answered);
}

TEST(Extension, RefusedTheDeadlineStays) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "延期 P1 明天 17:00 等供应商检测报告", "qianqi", at("10:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "驳回延期 P1 不行", "lisi", at("10:05")));
    EXPECT_TRUE(has(d.reply(), "只有赵六可以驳回生产部的延期，李四不能驳回")) << d.reply();
    EXPECT_EQ(stored(c), before);
    ASSERT_TRUE(d.say(c, "驳回延期 P1 生产部 客户今天必须有答复", "zhaoliu", at("10:10")));
    const std::string refused =
        "↩️ P1 生产部的延期申请已驳回（赵六）：客户今天必须有答复。";
    EXPECT_TRUE(has(d.reply(), refused + "仍须于 11:00 前回复")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.front(), "qianqi"));
    EXPECT_EQ(c.extensions.front().refusal, "客户今天必须有答复");
    EXPECT_FALSE(d.say(c, "同意延期 P1", "zhaoliu", at("10:15")));  // nothing pending any more
    EXPECT_TRUE(has(d.reply(), "P1 没有待批准的延期申请")) << d.reply();
    auto words = rules::extension_words(c, d.ctx(at("10:20")));
    ASSERT_EQ(words.size(), 1U);
    EXPECT_EQ(words.front(), "生产部申请延至 11-24 17:00（赵六驳回：客户今天必须有答复）：等供应商检测报告");
    d.advance(c, at("11:00"));
    EXPECT_EQ(d.last().new_fines.size(), 1U);  // the old deadline fined
    auto back = nlohmann::json(c).get<rules::complaint>();
    EXPECT_EQ(stored(back), stored(c));
    EXPECT_TRUE(std::holds_alternative<rules::command_error>(rules::parse_command("驳回延期 P1")));
}

TEST(Extension, ParsedWithItsTimeInOneOrTwoWords) {
    auto cmd = [](const std::string& text) { return std::get<rules::command>(rules::parse_command(text)); };
    EXPECT_EQ(cmd("延期 P1 明天 17:00 等供应商检测报告").args, std::vector<std::string>{"明天 17:00"});
    EXPECT_EQ(cmd("延期 P1 明天 17:00 等供应商检测报告").text, "等供应商检测报告");
    EXPECT_EQ(cmd("延期 P1 明天 等报告").args, std::vector<std::string>{"明天"});
    EXPECT_EQ(cmd("延期P1 12月5日 下午3点 模具返厂 需一周").text, "模具返厂 需一周");
    EXPECT_EQ(cmd("延期 Ｐ１ １２－０５ １７：００ 等待检测").args,
              std::vector<std::string>{"１２－０５ １７：００"});
    EXPECT_EQ(cmd("同意延期 P1 生产部").departments, std::vector<std::string>{"生产部"});
    EXPECT_EQ(cmd("督办").kind, rules::command_kind::supervise);
    EXPECT_EQ(cmd("已答复客户 P1 已告知").kind, rules::command_kind::answered);
    for (const auto* bad : {"延期 P1 等报告", "延期 P1 明天 17:00", "延期 P1", "已答复客户 P1", "督办 P1",
                            "同意延期 P1 生产部 采购部"}) {
        auto r = rules::parse_command(bad);
        EXPECT_TRUE(std::holds_alternative<rules::command_error>(r)) << bad;
    }
    auto e = std::get<rules::command_error>(rules::parse_command("延期 P1 下周 等报告"));
    EXPECT_TRUE(has(e.reply, "无法识别的时间“下周”")) << e.reply;
}

TEST(LaterTime, TheWaysPeopleWriteIt) {
    const core::local_date today{2026, 11, 23};
    auto t = [&](const std::string& s) {
        auto v = rules::parse_later_time(s, today);
        return v ? core::format_date(v->date) + " " + std::to_string(v->hour) + ":" +
                       std::to_string(v->minute)
                 : std::string("none");
    };
    EXPECT_EQ(t("明天 17:00"), "2026-11-24 17:0");
    EXPECT_EQ(t("明天17:00前"), "2026-11-24 17:0");
    EXPECT_EQ(t("后天"), "2026-11-25 18:0");
    EXPECT_EQ(t("17:30"), "2026-11-23 17:30");
    EXPECT_EQ(t("下午3点"), "2026-11-23 15:0");
    EXPECT_EQ(t("12-05"), "2026-12-05 18:0");
    EXPECT_EQ(t("12/5 9:30"), "2026-12-05 9:30");
    EXPECT_EQ(t("12月5日 9:30"), "2026-12-05 9:30");
    EXPECT_EQ(t("2026-12-05 09:30"), "2026-12-05 9:30");
    EXPECT_EQ(t("1月5日"), "2027-01-05 18:0");        // past this year: next year's
    EXPECT_EQ(t("2026年1月5日"), "2026-01-05 18:0");  // written with its year: as written
    for (const auto* bad : {"下周", "13-40", "明天 25:00", "2月30日", "", "等报告", "12-05-01"})
        EXPECT_EQ(t(bad), "none") << bad;
}

TEST(CustomerClock, StoredAndReadBack) {
    desk d(with_clock());
    auto c = waiting_p1(d);
    d.say(c, "已答复客户 P1 已告知客户", "zhangsan", at("10:00"));
    d.say(c, "延期 P1 明天 17:00 等报告", "qianqi", at("10:05"));
    d.say(c, "同意延期 P1", "zhaoliu", at("10:10"));
    d.say(c, "延期 P1 后天 12:00 还需复测", "qianqi", at("10:20"));
    auto j = nlohmann::json(c);
    auto back = j.get<rules::complaint>();
    EXPECT_EQ(stored(back), stored(c));
    ASSERT_EQ(back.extensions.size(), 2U);
    EXPECT_EQ(back.extensions[1].reason, "还需复测");
    EXPECT_TRUE(back.customer->answered_at);
    // A complaint without them stores neither key (older rows read as before).
    desk off;
    auto plain = off.post(product_post, "zhangsan", at("09:00"));
    auto pj = nlohmann::json(plain);
    EXPECT_FALSE(pj.contains("customer"));
    EXPECT_FALSE(pj.contains("extensions"));
}

}  // namespace
