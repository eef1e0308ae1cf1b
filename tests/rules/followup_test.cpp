// 回访, 整改 and 分类 (rules/followup.cpp), in memory: the clock a closing starts on the calendar's
// work days, the request, the reminder halfway and the escalation at the end, the result recorded
// (不满意 reopens it for review as 申诉 does), and every refusal leaving the complaint as it was.
#include "rules/followup.hpp"

#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

std::string no_compensation(std::string text) {
    text.replace(text.find("退货并补发合格品"), std::string("退货并补发合格品").size(), "下次加固包装");
    return text;
}

// P1 posted Monday 2026-11-23 09:00, answered by 生产部 at `closed` that day: it closes.
rules::complaint closed_p1(desk& d, const std::string& closed = "10:00",
                           const std::string& day = "2026-11-23") {
    auto c = d.post(no_compensation(product_post), "zhangsan", at("09:00", day));
    d.say(c, "受理 P1", "zhoumin", at("09:04", day));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25", day));
    d.say(c, "回复 P1 模具磨损，已更换模具", "qianqi", at(closed, day));
    return c;
}

std::vector<std::string> keys_of(const rules::complaint& c) {
    std::vector<std::string> out;
    for (const auto& dl : rules::pending_deadlines(c)) out.push_back(dl.key);
    return out;
}

bool has_key(const rules::complaint& c, const std::string& key) {
    auto keys = keys_of(c);
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

rules::config with_followup(const std::string& by) {
    auto cfg = company();
    cfg.followup.by = by;
    return cfg;
}

TEST(Followup, ClosingStartsTheClockOnWorkDays) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(c.status_is(rules::complaint_status::closed));
    ASSERT_TRUE(c.followup);
    EXPECT_EQ(c.followup->ask_at, at("10:00", "2026-11-24"));     // one work day after
    EXPECT_EQ(c.followup->remind_at, at("10:00", "2026-11-26"));  // halfway (2 of 3 work days)
    EXPECT_EQ(c.followup->due, at("10:00", "2026-11-27"));        // three work days after the request
    EXPECT_EQ(keys_of(c), (std::vector<std::string>{"followup:ask", "followup:remind:1", "followup:esc:1"}));
}

TEST(Followup, AClosingOnFridaySkipsTheWeekendAndHolidays) {
    auto cfg = company();
    cfg.calendar.holidays = {{2026, 11, 30}};  // Monday off
    rules::config copy = cfg;
    core::calendar k(cfg.calendar, shanghai());
    desk d(cfg);
    auto c = d.post(no_compensation(product_post), "zhangsan", at("09:00", "2026-11-27"));
    d.say(c, "受理 P1", "zhoumin", at("09:04", "2026-11-27"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25", "2026-11-27"));
    rules::outcome out;
    int seq = 1;
    rules::context ctx{copy, shanghai(), at("16:00", "2026-11-27"), &seq, &k, nullptr};
    auto parsed = rules::parse_command("回复 P1 模具磨损，已更换模具");
    ASSERT_TRUE(rules::apply_command(c, std::get<rules::command>(parsed), "qianqi", "group", ctx, out));
    ASSERT_TRUE(c.followup);
    EXPECT_EQ(c.followup->ask_at, at("16:00", "2026-12-01"));  // Sat, Sun, the Monday holiday skipped
    EXPECT_EQ(c.followup->due, at("16:00", "2026-12-04"));
}

TEST(Followup, AClosingAfterHoursAsksAtTheNextOpening) {
    const core::calendar_settings s;  // 08:30–12:00, 13:30–17:30, Monday to Friday
    EXPECT_EQ(rules::add_work_days(at("20:15"), 1, s, shanghai()), at("08:30", "2026-11-25"));
    EXPECT_EQ(rules::add_work_days(at("12:40"), 1, s, shanghai()), at("13:30", "2026-11-24"));
    EXPECT_EQ(rules::add_work_days(at("10:00"), 0, s, shanghai()), at("10:00"));
}

TEST(Followup, TheRequestTheReminderAndTheEscalationArePostedOnceEach) {
    desk d;
    auto c = closed_p1(d);
    d.advance(c, at("10:00", "2026-11-24"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    const auto& ask = d.last().posts.front();
    EXPECT_TRUE(
        has(ask.text,
            "📞 P1 已于 11-23 10:00 办结，请张三回访客户华东五金有限公司，于 11-27 10:00 前记录回访结果"))
        << ask.text;
    EXPECT_TRUE(has(ask.text, "（回访 P1 满意|基本满意|不满意 [备注]）")) << ask.text;
    EXPECT_TRUE(mentions(ask, "zhangsan"));
    d.advance(c, at("10:00", "2026-11-26"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    EXPECT_TRUE(has(d.reply(), "🔔 P1 尚未记录回访，请张三于 11-27 10:00 前回访客户并记录")) << d.reply();
    d.advance(c, at("10:00", "2026-11-27"));
    ASSERT_EQ(d.last().posts.size(), 1U);
    const auto& esc = d.last().posts.front();
    EXPECT_TRUE(has(esc.text, "⏫ P1 回访已超时（截止 10:00），张三仍未记录回访结果，请销售一部负责人督促"))
        << esc.text;
    EXPECT_TRUE(mentions(esc, "chenjing"));
    EXPECT_TRUE(d.last().new_fines.empty());  // no fine: the rule book fines only the respond stage
    d.advance(c, at("10:00", "2026-12-31"));
    EXPECT_TRUE(d.last().posts.empty());
    EXPECT_TRUE(keys_of(c).empty());
}

TEST(Followup, RecordingItStoresWhoWhenAndTheRemark) {
    desk d;
    auto c = closed_p1(d);
    d.advance(c, at("10:00", "2026-11-24"));
    ASSERT_TRUE(d.say(c, "回访 P1 满意 客户认可更换后的批次", "zhangsan", at("15:00", "2026-11-24")));
    ASSERT_TRUE(c.followup->result);
    EXPECT_EQ(*c.followup->result, rules::satisfaction::satisfied);
    EXPECT_EQ(c.followup->recorded_by, "zhangsan");
    EXPECT_EQ(c.followup->recorded_at, at("15:00", "2026-11-24"));
    EXPECT_EQ(c.followup->remark, "客户认可更换后的批次");
    EXPECT_TRUE(has(d.reply(), "✅ P1 回访已记录：满意（客户认可更换后的批次），张三，按时。")) << d.reply();
    EXPECT_TRUE(keys_of(c).empty());
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
}

TEST(Followup, TraditionalAndFullWidthAreReadLikeTheRest) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(d.say(c, "回訪 Ｐ１ 基本滿意，客戶希望下次提前通知", "chenjing", at("11:00", "2026-11-25")));
    EXPECT_EQ(*c.followup->result, rules::satisfaction::basically_satisfied);
    EXPECT_EQ(c.followup->remark, "客戶希望下次提前通知");
    EXPECT_EQ(c.followup->recorded_by, "chenjing");  // the complainant's department head may record it
}

TEST(Followup, UnsatisfiedReopensTheComplaintForReviewAsAnAppealDoes) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(d.say(c, "回访 P1 不满意 客户说新批次仍有滑牙", "zhangsan", at("10:30", "2026-11-25")));
    EXPECT_TRUE(c.is_open());
    const auto* review = c.find_stage(rules::stage_id::review);
    ASSERT_TRUE(review);
    EXPECT_EQ(c.appeal.by, "zhangsan");
    EXPECT_EQ(c.appeal.reason, "回访不满意：客户说新批次仍有滑牙");
    EXPECT_EQ(c.appeal.prior_status, "closed");
    ASSERT_EQ(d.last().posts.size(), 2U);
    EXPECT_TRUE(has(d.last().posts[0].text, "✅ P1 回访已记录：不满意")) << d.last().posts[0].text;
    EXPECT_TRUE(has(d.last().posts[0].text, "客户不满意，转监察部复核")) << d.last().posts[0].text;
    EXPECT_TRUE(has(d.last().posts[1].text, "📣 P1 已收到张三的申诉：回访不满意：客户说新批次仍有滑牙"))
        << d.last().posts[1].text;
    EXPECT_TRUE(mentions(d.last().posts[1], "zhengshi"));
    EXPECT_TRUE(has_key(c, "review:miss"));
    EXPECT_FALSE(has_key(c, "followup:esc:1"));
    // The review closes it again; the 回访 is done, so it does not start over.
    ASSERT_TRUE(d.say(c, "复核 P1 重新抽检，补发合格品", "zhengshi", at("15:00", "2026-11-25")));
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
    EXPECT_TRUE(keys_of(c).empty());
    EXPECT_EQ(*c.followup->result, rules::satisfaction::unsatisfied);
}

TEST(Followup, AnAppealBeforeTheVisitStartsTheClockAgainAfterTheReview) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(d.say(c, "申诉 P1 客户不认可", "zhangsan", at("15:00")));
    EXPECT_FALSE(has_key(c, "followup:ask"));  // open again: no 回访 meanwhile
    ASSERT_TRUE(d.say(c, "复核 P1 维持原处理", "zhengshi", at("09:00", "2026-11-24")));
    ASSERT_TRUE(c.followup);
    EXPECT_EQ(c.followup->closed_at, at("09:00", "2026-11-24"));
    EXPECT_EQ(c.followup->ask_at, at("09:00", "2026-11-25"));
    EXPECT_TRUE(has_key(c, "followup:ask"));
}

TEST(Followup, UnsatisfiedAfterAReviewAlreadyDoneTellsTheAppealDepartment) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(d.say(c, "申诉 P1 客户不认可", "zhangsan", at("15:00")));
    ASSERT_TRUE(d.say(c, "复核 P1 维持原处理", "zhengshi", at("09:00", "2026-11-24")));
    ASSERT_TRUE(d.say(c, "回访 P1 不满意 仍不认可", "zhangsan", at("10:00", "2026-11-25")));
    EXPECT_TRUE(c.status_is(rules::complaint_status::closed));
    EXPECT_TRUE(has(d.reply(), "P1 已于 11-23 15:00 申诉复核过，请监察部知悉。")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.back(), "zhengshi"));
}

TEST(Followup, SomeoneElseIsRefusedNamingWhoMayAndNothingChanges) {
    desk d;
    auto c = closed_p1(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "回访 P1 满意", "sunba", at("11:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "❌ 只有投诉人张三或销售一部负责人陈静可以记录 P1 的回访，孙八不能记录。"))
        << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.back(), "sunba"));
    EXPECT_EQ(stored(c), before);
}

TEST(Followup, AComplaintNotClosedIsRefusedAndNothingChanges) {
    desk d;
    auto c = d.post(no_compensation(product_post), "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "回访 P1 满意", "zhangsan", at("09:10")));
    EXPECT_TRUE(has(d.reply(), "❌ P1 尚未办结，办结后再回访。")) << d.reply();
    EXPECT_EQ(stored(c), before);
    d.say(c, "无效 P1 客户使用不当", "wangwu", at("09:20"));
    before = stored(c);
    EXPECT_FALSE(d.say(c, "回访 P1 满意", "zhangsan", at("09:30")));
    EXPECT_TRUE(has(d.reply(), "P1 已判为无效投诉，无需回访。")) << d.reply();
    EXPECT_EQ(stored(c), before);
    EXPECT_FALSE(c.followup);  // an invalid ruling starts no 回访
}

TEST(Followup, AClosedComplaintWithoutOneIsRefused) {
    auto cfg = company();
    cfg.followup.enabled = false;
    desk d(cfg);
    auto c = closed_p1(d);
    EXPECT_FALSE(c.followup);
    EXPECT_TRUE(keys_of(c).empty());
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "回访 P1 满意", "zhangsan", at("11:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "❌ P1 没有待办的回访。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Followup, ARepeatedRecordIsRefusedAndNothingChanges) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(d.say(c, "回访 P1 满意", "zhangsan", at("11:00", "2026-11-24")));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "回访 P1 不满意", "zhangsan", at("11:30", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "❌ P1 已于 11-24 11:00 由张三记录回访（满意），不能重复记录。")) << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Followup, ABadValueIsRefusedByTheParserWithTheUsage) {
    for (const std::string text : {"回访 P1 很好", "回访 P1", "回訪 P1 還行"}) {
        auto parsed = rules::parse_command(text);
        const auto* err = std::get_if<rules::command_error>(&parsed);
        ASSERT_TRUE(err) << text;
        EXPECT_TRUE(has(err->reply, "只能写 满意、基本满意 或 不满意")) << err->reply;
        EXPECT_TRUE(has(err->reply, "格式：回访 P1 满意|基本满意|不满意 [备注]")) << err->reply;
    }
    auto ok = rules::parse_command("回访p1：不满意。包装仍破损");
    const auto* cmd = std::get_if<rules::command>(&ok);
    ASSERT_TRUE(cmd);
    EXPECT_EQ(cmd->target, "P1");
    EXPECT_EQ(cmd->args, std::vector<std::string>{"unsatisfied"});
    EXPECT_EQ(cmd->text, "包装仍破损");
}

TEST(Followup, ADepartmentConfiguredDoesTheVisit) {
    desk d(with_followup("客服部"));
    auto c = closed_p1(d);
    d.advance(c, at("10:00", "2026-11-24"));
    EXPECT_TRUE(has(d.reply(), "请客服部回访客户")) << d.reply();
    EXPECT_TRUE(mentions(d.last().posts.back(), "heqi"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "回访 P1 满意", "zhangsan", at("11:00", "2026-11-24")));
    EXPECT_TRUE(has(d.reply(), "只有客服部可以记录 P1 的回访")) << d.reply();
    EXPECT_EQ(stored(c), before);
    d.advance(c, at("10:00", "2026-11-27"));
    EXPECT_TRUE(has(d.reply(), "请客服部负责人督促")) << d.reply();
    ASSERT_TRUE(d.say(c, "回访 P1 满意", "heqi", at("11:00", "2026-11-27")));
    EXPECT_TRUE(has(d.reply(), "超时1小时")) << d.reply();
}

TEST(Followup, TheCompensationFlowStartsItWhenExecuted) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部", "zhoumin", at("09:25"));
    d.say(c, "回复 P1 同意退货", "qianqi", at("10:00"));
    EXPECT_FALSE(c.followup);  // still open in the compensation flow
    c.sheet_date = core::local_date{2026, 11, 23};
    c.sheet_at = at("17:30");
    d.say(c, "签字 P1", "zhaoliu", at("17:40"));
    c.forwarded_at = at("09:00", "2026-11-24");
    d.say(c, "副总意见 P1 同意退货", "liuzong", at("10:00", "2026-11-24"));
    d.say(c, "总经理审批 P1 同意", "huangzong", at("11:00", "2026-11-24"));
    ASSERT_TRUE(d.say(c, "执行 P1", "zhoumin", at("14:00", "2026-11-24")));
    ASSERT_TRUE(c.followup);
    EXPECT_EQ(c.followup->ask_at, at("14:00", "2026-11-25"));
}

TEST(Followup, CorrectiveActionsAreRecordedAndNamedInTheRequest) {
    desk d;
    auto c = closed_p1(d);
    ASSERT_TRUE(d.say(c, "整改 P1 更换模具并对库存全检 12月5日前", "qianqi", at("14:00")));
    ASSERT_EQ(c.corrective_actions.size(), 1U);
    EXPECT_EQ(c.corrective_actions[0].department, "生产部");
    EXPECT_EQ(c.corrective_actions[0].measure, "更换模具并对库存全检");
    EXPECT_EQ(c.corrective_actions[0].until, "12月5日前");
    EXPECT_TRUE(has(d.reply(),
                    "🛠 P1 已登记生产部的整改措施：更换模具并对库存全检（期限 "
                    "12月5日前）。回访时将一并核实。"))
        << d.reply();
    d.advance(c, at("10:00", "2026-11-24"));
    EXPECT_TRUE(has(d.reply(), "请一并核实整改措施：\n· 生产部：更换模具并对库存全检（期限 12月5日前）"))
        << d.reply();
}

TEST(Followup, CorrectiveFromOutsideTheResponsibleDepartmentsIsRefused) {
    desk d;
    auto c = closed_p1(d);
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "整改 P1 加强包装", "sunba", at("14:00")));
    EXPECT_TRUE(has(d.reply(), "❌ 只有 P1 的责任部门（生产部）可以登记整改，孙八不在这些部门。"))
        << d.reply();
    EXPECT_EQ(stored(c), before);
    auto fresh = d.post(no_compensation(product_post), "zhangsan", at("15:00"), 2);
    before = stored(fresh);
    EXPECT_FALSE(d.say(fresh, "整改 P2 加强包装", "qianqi", at("15:10")));
    EXPECT_TRUE(has(d.reply(), "P2 尚未指定责任部门")) << d.reply();
    EXPECT_EQ(stored(fresh), before);
}

TEST(Categories, TheOrderDeskOrHrFilesAComplaintFoldingTraditional) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    ASSERT_TRUE(d.say(c, "分類 P1 外觀", "zhoumin", at("09:10")));
    EXPECT_EQ(c.category, "外观");
    EXPECT_EQ(c.category_by, "zhoumin");
    EXPECT_TRUE(has(d.reply(), "🏷 P1 问题类别：外观。")) << d.reply();
    ASSERT_TRUE(d.say(c, "分类 P1 错发漏发", "wangwu", at("09:20")));
    EXPECT_TRUE(has(d.reply(), "🏷 P1 问题类别：错发漏发（原为外观）。")) << d.reply();
}

TEST(Categories, RefusalsNameWhoMayOrTheListAndChangeNothing) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    auto before = stored(c);
    EXPECT_FALSE(d.say(c, "分类 P1 外观", "zhangsan", at("09:10")));
    EXPECT_TRUE(has(d.reply(), "❌ 只有打单部或人力资源部可以为 P1 分类，张三不在这两个部门。")) << d.reply();
    EXPECT_EQ(stored(c), before);
    EXPECT_FALSE(d.say(c, "分类 P1 颜色", "zhoumin", at("09:10")));
    EXPECT_TRUE(has(
        d.reply(),
        "❌ 问题类别“颜色”不在列表中，可选：外观、尺寸、性能、包装、物流、错发漏发、交期、服务态度、其他。"))
        << d.reply();
    EXPECT_EQ(stored(c), before);
}

TEST(Categories, TheFormsOptionalFieldFilesItAtRegistration) {
    desk d;
    auto text = product_post + "\n問題類別：包裝";
    auto c = d.post(text, "zhangsan", at("09:00"));
    EXPECT_EQ(c.category, "包装");
    EXPECT_TRUE(c.category_by.empty());
    EXPECT_FALSE(has(d.reply(), "不在列表中")) << d.reply();
    // Without the field: fine, and nothing in the receipt.
    auto plain = d.post(product_post, "zhangsan", at("09:01"), 2);
    EXPECT_TRUE(plain.category.empty());
    // A category not in the list is kept as typed and the receipt says how to correct it.
    auto odd = d.post(product_post + "\n问题类别：颜色偏差", "zhangsan", at("09:02"), 3);
    EXPECT_TRUE(odd.category.empty());
    EXPECT_TRUE(has(d.reply(), "所填问题类别“颜色偏差”不在列表中，暂未分类")) << d.reply();
    EXPECT_TRUE(has(d.reply(), "分类 P3 <问题类别>")) << d.reply();
}

TEST(Categories, QueryShowsTheCategoryTheActionsAndTheFollowup) {
    desk d;
    auto c = closed_p1(d);
    d.say(c, "分类 P1 性能", "zhoumin", at("10:10"));
    d.say(c, "整改 P1 更换模具", "qianqi", at("10:20"));
    auto ctx = d.ctx(at("11:00"));
    auto text = rules::describe(c, {}, ctx);
    EXPECT_TRUE(has(text, "问题类别：性能")) << text;
    EXPECT_TRUE(has(text, "整改：生产部 更换模具")) << text;
    EXPECT_TRUE(has(text, "回访：待回访（11-24 10:00 起，张三）")) << text;
}

TEST(Followup, TheStateRoundTripsAndAnOldStateLoadsWithoutIt) {
    desk d;
    auto c = closed_p1(d);
    d.say(c, "分类 P1 性能", "zhoumin", at("10:10"));
    d.say(c, "整改 P1 更换模具 期限：12月1日", "qianqi", at("10:20"));
    d.say(c, "回访 P1 基本满意 希望提速", "zhangsan", at("10:30", "2026-11-24"));
    auto j = nlohmann::json(c);
    auto back = j.get<rules::complaint>();
    EXPECT_EQ(nlohmann::json(back).dump(), j.dump());
    EXPECT_EQ(back.corrective_actions.at(0).until, "12月1日");
    // A row stored before 回访 existed: none of the keys.
    for (const char* key : {"followup", "category", "category_by", "category_at", "corrective_actions"})
        j.erase(key);
    auto old = j.get<rules::complaint>();
    EXPECT_FALSE(old.followup);
    EXPECT_TRUE(old.category.empty());
    EXPECT_TRUE(old.corrective_actions.empty());
    EXPECT_TRUE(rules::pending_deadlines(old).empty());  // an old closed complaint is not asked about
}

TEST(Followup, TheDeadlineKeysAreTyped) {
    using k = rules::deadline_key;
    for (auto a :
         {rules::deadline_action::ask, rules::deadline_action::remind, rules::deadline_action::escalate}) {
        auto key = k::followup_key(a);
        auto back = k::parse(key.to_string());
        ASSERT_TRUE(back) << key.to_string();
        EXPECT_EQ(*back, key);
    }
    EXPECT_EQ(k::followup_key(rules::deadline_action::ask).to_string(), "followup:ask");
    EXPECT_FALSE(k::parse("followup:remind:2"));
    EXPECT_FALSE(k::parse("followup:miss"));
}

TEST(Followup, TheWeeklyReportCountsSatisfactionAndCategories) {
    desk d;
    auto a = closed_p1(d);
    d.say(a, "分类 P1 外观", "zhoumin", at("10:10"));
    d.say(a, "回访 P1 满意", "zhangsan", at("10:00", "2026-11-25"));
    auto b = d.post(no_compensation(product_post), "zhangsan", at("09:30"), 2);
    d.say(b, "受理 P2", "zhoumin", at("09:34"));
    d.say(b, "工艺 P2 批号B2611-08 调查: 生产部 采购部", "zhoumin", at("09:40"));
    d.say(b, "回复 P2 模具磨损", "qianqi", at("10:00"));
    d.say(b, "回复 P2 来料合格", "wujiu", at("10:05"));
    d.say(b, "回访 P2 不满意 仍有滑牙", "zhangsan", at("11:00", "2026-11-26"));
    auto ctx = d.ctx(at("17:00", "2026-11-27"));
    rules::period p{{2026, 11, 21}, {2026, 11, 27}, "本周"};
    auto text = rules::weekly_report({a, b}, {}, p, ctx);
    EXPECT_TRUE(has(text, "回访：2 件（满意 1、不满意 1），满意率 50%")) << text;
    EXPECT_TRUE(has(text, "各部门回访满意率：生产部 50%（2 件），采购部 0%（1 件）")) << text;
    EXPECT_TRUE(has(text, "本月回访满意率（2026-11）：生产部 50%（2 件），采购部 0%（1 件）")) << text;
    EXPECT_TRUE(has(text, "按问题类别：外观 1 件，未分类 1 件")) << text;
}

}  // namespace
