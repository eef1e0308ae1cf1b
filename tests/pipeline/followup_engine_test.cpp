// 回访 and 分类 through the engine on a real SQLite file and virtual time: the complaint closes, the
// request is posted one work day later, reminded halfway, escalated at the end; a restart in
// between keeps the clock; 回访 不满意 reopens it for 监察部's review; refusals change nothing.
#include <gtest/gtest.h>

#include <sstream>

#include "reports/report.hpp"
#include "reports/report_json.hpp"
#include "support/harness.hpp"

using namespace harness;

namespace {

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::string all_text(const std::vector<post>& posts) {
    std::string s;
    for (const auto& p : posts) s += p.text + "\n";
    return s;
}

// P1 posted Monday 2026-11-23, answered by 生产部 at 10:40: it closes (no compensation asked).
void closed_p1(bench& b) {
    b.say(at("09:00"), "zhangsan", product_post_no_comp);
    b.say(at("09:03"), "zhoumin", "受理 P1");
    b.say(at("09:20"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    auto r = b.say(at("10:40"), "qianqi", "回复 P1 包装箱抗压不足，已改用五层瓦楞箱");
    ASSERT_FALSE(r.empty());
    ASSERT_TRUE(has(r.back().text, "P1 已关闭")) << r.back().text;
}

// The 回访's own posts (not the weekly and monthly reports, which count them).
std::vector<post> followup_posts(const std::vector<post>& posts) {
    std::vector<post> out;
    for (const auto& p : posts)
        if (has(p.text, "回访") && !has(p.text, "📈") && !has(p.text, "📊 投诉月报")) out.push_back(p);
    return out;
}

// The example company with 回访 on (examples/company.yaml keeps the example days as they were).
rules::config with_followup() {
    auto cfg = company();
    cfg.followup.enabled = true;
    return cfg;
}

}  // namespace

TEST(FollowupEngine, RequestReminderAndEscalationOnWorkDaysSurvivingARestart) {
    bench b(with_followup());
    closed_p1(b);
    auto c = b.complaint("P1");
    ASSERT_TRUE(c && c->followup);
    EXPECT_EQ(c->followup->ask_at, at("10:40", "2026-11-24"));

    // Nothing before one work day has passed.
    EXPECT_TRUE(followup_posts(b.advance(at("10:39", "2026-11-24"))).empty());
    auto ask = followup_posts(b.advance(at("10:40", "2026-11-24")));
    ASSERT_EQ(ask.size(), 1U);
    EXPECT_EQ(ask[0].at, at("10:40", "2026-11-24"));
    EXPECT_TRUE(
        has(ask[0].text,
            "📞 P1 已于 11-23 10:40 办结，请张三回访客户华东五金有限公司，于 11-27 10:40 前记录回访结果"))
        << ask[0].text;
    EXPECT_EQ(ask[0].mentions, std::vector<std::string>{"zhangsan"});

    b.restart();  // the clock is in the complaint's state and the deadlines table
    auto remind = followup_posts(b.advance(at("10:40", "2026-11-26")));
    ASSERT_EQ(remind.size(), 1U);
    EXPECT_EQ(remind[0].at, at("10:40", "2026-11-26"));
    EXPECT_TRUE(has(remind[0].text, "🔔 P1 尚未记录回访")) << remind[0].text;

    b.restart();
    auto esc = followup_posts(b.advance(at("12:00", "2026-11-27")));
    ASSERT_EQ(esc.size(), 1U);
    EXPECT_EQ(esc[0].at, at("10:40", "2026-11-27"));
    EXPECT_TRUE(has(esc[0].text, "⏫ P1 回访已超时")) << esc[0].text;
    EXPECT_TRUE(has(esc[0].text, "请销售一部负责人督促")) << esc[0].text;
    EXPECT_EQ(esc[0].mentions, (std::vector<std::string>{"chenjing", "zhangsan"}));
    EXPECT_TRUE(b.db().fines().empty());
    EXPECT_TRUE(followup_posts(b.advance(at("12:00", "2026-12-10"))).empty());  // each once

    // Late, but still recorded; Traditional and full-width.
    auto r = b.say(at("14:00", "2026-12-10"), "zhangsan", "回訪 Ｐ１ 滿意，客戶認可新包裝");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "✅ P1 回访已记录：满意（客戶認可新包裝）")) << r[0].text;
    c = b.complaint("P1");
    ASSERT_TRUE(c->followup->result);
    EXPECT_EQ(*c->followup->result, rules::satisfaction::satisfied);
    EXPECT_EQ(c->followup->recorded_at, at("14:00", "2026-12-10"));

    // `report complaints --format json` carries it.
    auto j = app::complaint_json(*c, b.engine().tz());
    EXPECT_EQ(j.at("followup").at("result"), "satisfied");
    EXPECT_EQ(j.at("followup").at("result_label"), "满意");
    EXPECT_EQ(j.at("followup").at("recorded_by"), "zhangsan");
    EXPECT_EQ(j.at("followup").at("due"), "2026-11-27T10:40:00+08:00");
    EXPECT_TRUE(j.at("category").is_null());
}

TEST(FollowupEngine, UnsatisfiedReopensForTheAppealDepartmentsReview) {
    bench b(with_followup());
    closed_p1(b);
    b.advance(at("10:40", "2026-11-24"));
    auto r = b.say(at("15:00", "2026-11-24"), "zhangsan", "回访 P1 不满意 客户反映新箱子仍有压痕");
    ASSERT_EQ(r.size(), 2U);
    EXPECT_TRUE(has(r[1].text, "📣 P1 已收到张三的申诉：回访不满意：客户反映新箱子仍有压痕")) << r[1].text;
    EXPECT_TRUE(has(r[1].text, "请监察部于")) << r[1].text;
    auto c = b.complaint("P1");
    EXPECT_TRUE(c->is_open());
    ASSERT_TRUE(c->find_stage(rules::stage_id::review));
    // The review deadline runs as an appeal's; the 回访's own are gone.
    bool review = false, followup = false;
    for (const auto& d : b.db().open_deadlines()) {
        if (d.complaint != "P1") continue;
        review = review || d.key == "review:miss";
        followup = followup || d.key.rfind("followup:", 0) == 0;
    }
    EXPECT_TRUE(review);
    EXPECT_FALSE(followup);
    b.restart();
    r = b.say(at("09:00", "2026-11-25"), "jiangtao", "复核 P1 抽检十箱，要求物流改用托盘");
    EXPECT_TRUE(has(all_text(r), "P1 已关闭")) << all_text(r);
    EXPECT_TRUE(followup_posts(b.advance(at("12:00", "2026-12-10"))).empty());  // not asked again
}

TEST(FollowupEngine, RefusalsAnswerAndChangeNothing) {
    bench b(with_followup());
    closed_p1(b);
    auto before = b.snapshot();
    struct refusal {
        std::string from, text, reply;
    };
    for (const auto& x : std::vector<refusal>{
             {"sunli", "回访 P1 满意",
              "❌ 只有投诉人张三或销售一部负责人陈静可以记录 P1 的回访，孙丽不能记录。"},
             {"zhangsan", "回访 P9 满意", "❌ 没有找到投诉 P9"},
             {"zhangsan", "回访 P1 还行", "❌ 回访结果“还行”无效，只能写 满意、基本满意 或 不满意"},
             {"zhangsan", "分类 P1 外观", "❌ 只有打单部或人力资源部可以为 P1 分类"},
             {"zhoumin", "分类 P1 顏色", "❌ 问题类别“顏色”不在列表中，可选：外观、尺寸"},
             {"wujiu", "整改 P1 加强来料检验", "❌ 只有 P1 的责任部门（生产部）可以登记整改"},
         }) {
        auto r = b.say(at("11:00"), x.from, x.text);
        ASSERT_EQ(r.size(), 1U) << x.text;
        EXPECT_TRUE(has(r[0].text, x.reply)) << r[0].text;
        EXPECT_EQ(b.snapshot(), before) << x.text;
    }
    // Not closed yet: P2 is still open.
    b.say(at("11:10"), "zhangsan", product_post_no_comp);
    before = b.snapshot();
    auto r = b.say(at("11:12"), "zhangsan", "回访 P2 满意");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "❌ P2 尚未办结，办结后再回访。")) << r[0].text;
    EXPECT_EQ(b.snapshot(), before);
    // Recorded once; a second time is refused.
    b.say(at("11:20"), "zhangsan", "回访 P1 基本满意");
    before = b.snapshot();
    r = b.say(at("11:30"), "chenjing", "回访 P1 满意");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(r[0].text, "不能重复记录")) << r[0].text;
    EXPECT_EQ(b.snapshot(), before);
}

TEST(FollowupEngine, CategoryAndCorrectiveActionShowInQueryAndTheRequest) {
    bench b(with_followup());
    b.say(at("09:00"), "zhangsan", product_post_no_comp + "\n问题类别：包装");
    b.say(at("09:03"), "zhoumin", "受理 P1");
    b.say(at("09:20"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    b.say(at("10:40"), "qianqi", "回复 P1 包装箱抗压不足");
    auto r = b.say(at("11:00"), "qianqi", "整改 P1 改用五层瓦楞箱 期限：12月1日");
    ASSERT_EQ(r.size(), 1U);
    EXPECT_TRUE(has(
        r[0].text, "🛠 P1 已登记生产部的整改措施：改用五层瓦楞箱（期限 12月1日）"))
        << r[0].text;
    r = b.say(at("11:05"), "sunli", "分類 P1 物流");
    EXPECT_TRUE(has(r.at(0).text, "🏷 P1 问题类别：物流（原为包装）")) << r.at(0).text;
    r = b.say(at("11:10"), "chenjing", "查询 P1");
    EXPECT_TRUE(has(r.at(0).text, "问题类别：物流")) << r.at(0).text;
    EXPECT_TRUE(has(r.at(0).text, "整改：生产部 改用五层瓦楞箱（期限 12月1日）")) << r.at(0).text;
    // The complaints report: text (and CSV) in 其他信息, JSON in its own fields.
    std::ostringstream text, json_out;
    app::run_report({"complaints", b.db_path(), {}, {}, "text", {}, {}, 0, {}}, text);
    EXPECT_TRUE(has(text.str(), "问题类别：物流；回访：待回访（截止 2026-11-27 10:40）")) << text.str();
    app::run_report({"complaints", b.db_path(), {}, {}, "json", {}, {}, 0, {}}, json_out);
    auto j = nlohmann::json::parse(json_out.str());
    EXPECT_EQ(j.at(0).at("category"), "物流");
    EXPECT_EQ(j.at(0).at("corrective_actions").at(0).at("until"), "12月1日");
    EXPECT_TRUE(j.at(0).at("followup").at("result").is_null());
    auto ask = followup_posts(b.advance(at("10:40", "2026-11-24")));
    ASSERT_EQ(ask.size(), 1U);
    EXPECT_TRUE(has(ask[0].text, "请一并核实整改措施：\n· 生产部：改用五层瓦楞箱（期限 12月1日）"))
        << ask[0].text;
}

TEST(FollowupEngine, TheWeeklyReportCarriesSatisfactionAndCategories) {
    bench b(with_followup());
    b.say(at("09:00"), "zhangsan", product_post_no_comp + "\n问题类别：包装");
    b.say(at("09:03"), "zhoumin", "受理 P1");
    b.say(at("09:20"), "zhoumin", "工艺 P1 批号B2611-07 调查: 生产部");
    b.say(at("10:40"), "qianqi", "回复 P1 包装箱抗压不足");
    b.say(at("10:00", "2026-11-25"), "zhangsan", "回访 P1 满意");
    auto posts = b.advance(at("17:00", "2026-11-27"));  // Friday 17:00: the weekly report
    std::string weekly;
    for (const auto& p : posts)
        if (has(p.text, "📈 投诉周报")) weekly = p.text;
    ASSERT_FALSE(weekly.empty()) << all_text(posts);
    EXPECT_TRUE(has(weekly, "回访：1 件（满意 1），满意率 100%")) << weekly;
    EXPECT_TRUE(has(weekly, "各部门回访满意率：生产部 100%（1 件）")) << weekly;
    EXPECT_TRUE(has(weekly, "按问题类别：包装 1 件")) << weekly;
}
