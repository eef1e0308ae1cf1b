// Commands on a fine through the engine on a real SQLite file: HR undoing 已缴 and 免罚 (撤销 F1),
// and the fined head's appeal of the fine (申诉 F1) with its review (复核 F1 维持|撤销), which is
// reminded and escalated like a stage. After each, the fine's status and the audit chain agree
// (storage::verify_audit). Every refusal changes nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/sql_console.hpp"
#include "support/harness.hpp"
#include "support/test_support.hpp"

using namespace harness;
using namespace std::chrono_literals;

namespace {

void expect_audit_ok(bench& b) {
    auto r = b.db().verify_audit();
    EXPECT_TRUE(r.ok) << (r.problems.empty() ? std::string{} : r.problems.front());
}

// F1 (吴九, 采购部, 50 元) at 11:00; 采购部 answers at 11:30, so nothing else runs on P1's clock.
void fined_and_answered(bench& b) {
    day_with_fine(b);
    b.say(at("11:30"), "wujiu", "回复 P1 原材料合格");
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// 撤销 F1 <原因>

TEST(UndoFine, HrUndoesPaidAndWaivedAndTheAuditLogFollows) {
    bench b;
    fined_and_answered(b);  // F1: 吴九 (采购部), 50 元
    b.say(at("12:00"), "sunli", "已缴 F1");
    auto r = b.say(at("12:05"), "sunli", "撤销 F1 误点，吴九尚未缴款");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].text,
              "↩️ F1（吴九，50 "
              "元）已撤销已缴（误点，吴九尚未缴款），恢复为未缴。\n@孙丽");
    auto f = b.db().load_fine("F1");
    EXPECT_EQ(f->status, "open");
    EXPECT_EQ(f->status_by, "sunli");
    EXPECT_EQ(f->status_reason, "撤销已缴：误点，吴九尚未缴款");
    expect_audit_ok(b);

    b.say(at("12:10"), "wangwu", "免罚 F1 客户撤诉");
    r = b.say(at("12:15"), "wangwu", "撤销 F1 客户并未撤诉");
    EXPECT_EQ(r[0].text,
              "↩️ F1（吴九，50 "
              "元）已撤销免罚（客户并未撤诉），恢复为未缴。\n@王五");
    EXPECT_EQ(b.db().load_fine("F1")->status, "open");
    expect_audit_ok(b);
    r = b.say(at("12:20"), "wangwu", "罚款汇总");
    EXPECT_TRUE(contains(r[0].text, "吴九（采购部）：1 次，共 50 元（F1 P1 未缴）")) << r[0].text;

    // Refusals: an open fine, someone outside HR, an unknown fine.
    auto before = b.snapshot();
    r = b.say(at("12:25"), "sunli", "撤销 F1 再撤一次");
    EXPECT_EQ(r[0].text, "❌ F1 尚未缴纳或免罚，无需撤销。\n@孙丽");
    b.say(at("12:26"), "sunli", "已缴 F1");
    before = b.snapshot();
    r = b.say(at("12:27"), "wujiu", "撤销 F1 我没缴");
    EXPECT_EQ(r[0].text, "❌ 只有人力资源部可以撤销缴款或免罚，吴九不在人力资源部。\n@吴九");
    r = b.say(at("12:28"), "sunli", "撤销 F9 点错");
    EXPECT_EQ(r[0].text, "❌ 没有找到罚款 F9，请用“罚款汇总 本月”查看罚款编号。\n@孙丽");
    EXPECT_EQ(b.snapshot(), before);
    auto q = b.say(at("12:30"), "wangwu", "查询 P1");
    EXPECT_TRUE(contains(q[0].text, "F1 撤销已缴：误点，吴九尚未缴款（孙丽）")) << q[0].text;
    EXPECT_TRUE(contains(q[0].text, "F1 撤销免罚：客户并未撤诉（王五）")) << q[0].text;
}

TEST(UndoFine, AuditVerifyCatchesAStatusChangedWithoutAnEvent) {
    bench b;
    fined_and_answered(b);
    b.say(at("12:00"), "sunli", "免罚 F1 客户撤诉");
    expect_audit_ok(b);
    // Someone edits the ledger directly: the chain no longer agrees with it.
    storage::sql_console(b.db()).exec("UPDATE fines SET status = 'open' WHERE seq = 1");
    auto r = b.db().verify_audit();
    EXPECT_FALSE(r.ok);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(
        r.problems[0],
        "fine F1 is open in the ledger but waived by the audit log: its status was changed without an event");
}

// ---------------------------------------------------------------------------------------------
// 申诉 F1 / 复核 F1

TEST(FineAppeal, OnlyTheFinedHeadOnceAndTheReviewCanOverturnIt) {
    bench b;
    fined_and_answered(b);
    auto before = b.snapshot();
    auto r = b.say(at("13:00"), "zhangsan", "申诉 F1 采购部有理由");
    EXPECT_EQ(r[0].text, "❌ 只有被罚的采购部负责人吴九可以申诉 F1。\n@张三");
    r = b.say(at("13:01"), "jiangtao", "复核 F1 撤销 无申诉也撤");
    EXPECT_EQ(r[0].text, "❌ F1 没有申诉，无需复核。\n@江涛");
    r = b.say(at("13:02"), "wujiu", "申诉 F7 不合理");
    EXPECT_EQ(r[0].text, "❌ 没有找到罚款 F7，请用“罚款汇总 本月”查看罚款编号。\n@吴九");
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("14:05"), "wujiu", "申诉 F1 当天供应商检测报告未到，已提前电话报备打单部");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].text,
              "📣 已收到吴九对 F1（P1 采购部，50 元）的申诉：当天供应商检测报告未到，已提前电话报备打单部\n"
              "请监察部于 11-24 14:05 前复核（复核 F1 维持 <结论> 或 复核 F1 撤销 "
              "<结论>）。复核前暂不缴款。\n@吴九 @江涛");
    expect_audit_ok(b);

    before = b.snapshot();
    r = b.say(at("14:06"), "wujiu", "申诉 F1 再补充一句");
    EXPECT_EQ(r[0].text, "❌ F1 已于 11-23 14:05 申诉过，正在复核，不能重复申诉。\n@吴九");
    r = b.say(at("14:07"), "sunli", "已缴 F1");
    EXPECT_EQ(r[0].text, "❌ F1 正在申诉复核（监察部），复核后再登记缴款。\n@孙丽");
    r = b.say(at("14:08"), "sunli", "复核 F1 撤销 我来复核");
    EXPECT_EQ(r[0].text, "❌ 只有监察部可以复核 F1，孙丽不在监察部。\n@孙丽");
    r = b.say(at("14:09"), "jiangtao", "复核 F1 同意");
    EXPECT_TRUE(contains(r[0].text, "❌ 请写明维持还是撤销罚款")) << r[0].text;
    EXPECT_EQ(b.snapshot(), before);

    r = b.say(at("15:00"), "jiangtao", "复核 F1 撤销，报备属实，超时非采购部责任");
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].text,
              "⚖️ F1 申诉复核（江涛，按时）：撤销处罚，F1 "
              "作废。报备属实，超时非采购部责任\n@江涛 "
              "@吴九 "
              "@王五");
    auto f = b.db().load_fine("F1");
    EXPECT_EQ(f->status, "waived");
    EXPECT_EQ(f->status_reason, "经申诉复核撤销：报备属实，超时非采购部责任");
    EXPECT_EQ(f->status_by, "jiangtao");
    expect_audit_ok(b);

    before = b.snapshot();
    r = b.say(at("15:01"), "jiangtao", "复核 F1 维持 改主意了");
    EXPECT_EQ(r[0].text, "❌ F1 的申诉已于 11-23 15:00 由江涛处理（撤销），无需重复。\n@江涛");
    r = b.say(at("15:02"), "wujiu", "申诉 F1 再申诉");
    EXPECT_EQ(r[0].text, "❌ F1 已于 11-23 14:05 申诉过（撤销），不能重复申诉。\n@吴九");
    EXPECT_EQ(b.snapshot(), before);
    // Nothing about F1's review is left to fire.
    for (const auto& p : b.advance(at("18:00", "2026-11-24")))
        EXPECT_FALSE(contains(p.text, "F1 罚款申诉")) << p.text;
    // HR may still undo the waiver, audited.
    r = b.say(at("09:00", "2026-11-25"), "wangwu", "撤销 F1 复核依据的报备记录不存在");
    EXPECT_TRUE(contains(r[0].text, "已撤销免罚")) << r[0].text;
    expect_audit_ok(b);
}

TEST(FineAppeal, AnUpheldFineStaysOpenAndAnUnansweredReviewIsEscalatedThenRepeated) {
    bench b;
    fined_and_answered(b);
    b.say(at("14:00"), "wujiu", "申诉 F1 不合理");
    b.restart();
    auto fired = b.advance(at("14:00", "2026-11-24"));
    auto late = matching(fired, "F1 罚款申诉复核已超时");
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].at, at("14:00", "2026-11-24"));
    EXPECT_EQ(
        late[0].text,
        "⏰ F1 罚款申诉复核已超时（应于 14:00 前完成），请监察部立即处理（复核 F1 维持 <结论> 或 复核 F1 撤销 "
        "<结论>）。\n@江涛 @王总 @丁小玲");
    b.restart();
    fired = b.advance(at("16:30", "2026-11-24"));
    auto again = matching(fired, "F1 罚款申诉复核已超时");
    ASSERT_EQ(again.size(), 2u);  // 15:00 and 16:00, each once across the restart
    EXPECT_EQ(again[0].at, at("15:00", "2026-11-24"));
    EXPECT_EQ(again[1].at, at("16:00", "2026-11-24"));
    EXPECT_TRUE(contains(again[0].text, "🔔 再次提醒：F1 罚款申诉复核已超时1小时")) << again[0].text;
    EXPECT_EQ(again[0].mentions, (std::vector<std::string>{"wangzong", "dingxiaoling"}));

    auto r = b.say(at("16:40", "2026-11-24"), "jiangtao", "复核 F1 维持，未见报备记录");
    EXPECT_EQ(r[0].text,
              "⚖️ F1 "
              "申诉复核（江涛，超时2小时40分钟）：维持处罚。未见报备记录\n请采购部负责人吴九按规定缴纳 50 "
              "元。\n@江涛 @吴九");
    EXPECT_EQ(b.db().load_fine("F1")->status, "open");
    EXPECT_TRUE(matching(b.advance(at("20:00", "2026-11-24")), "F1").empty());
    r = b.say(at("09:00", "2026-11-25"), "sunli", "已缴 F1");
    EXPECT_TRUE(contains(r[0].text, "已登记缴纳")) << r[0].text;
    expect_audit_ok(b);
}

TEST(FineAppeal, HrWaivingDuringTheAppealEndsTheReview) {
    bench b;
    fined_and_answered(b);
    b.say(at("14:00"), "wujiu", "申诉 F1 不合理");
    auto r = b.say(at("14:30"), "wangwu", "免罚 F1 客户撤诉");
    EXPECT_EQ(r[0].text, "✅ F1（吴九，50 元）已免罚：客户撤诉\nF1 的申诉无需再复核。\n@王五");
    EXPECT_TRUE(matching(b.advance(at("18:00", "2026-11-24")), "F1 罚款申诉").empty());
    auto before = b.snapshot();
    r = b.say(at("18:05", "2026-11-24"), "jiangtao", "复核 F1 维持 维持");
    EXPECT_EQ(r[0].text, "❌ F1 的申诉已于 11-23 14:30 由王五处理（免罚），无需重复。\n@江涛");
    EXPECT_EQ(b.snapshot(), before);
    expect_audit_ok(b);
}

TEST(FineAppeal, AfterTheWindowOrOnAPaidFineIsRefused) {
    bench b;
    fined_and_answered(b);
    b.advance(at("11:01", "2026-11-30"));
    auto before = b.snapshot();
    auto r = b.say(at("11:01", "2026-11-30"), "wujiu", "申诉 F1 才看到");
    EXPECT_EQ(r[0].text, "❌ F1 已超过申诉期限（罚款 11-23 11:00 起 7天），不能申诉。\n@吴九");
    EXPECT_EQ(b.snapshot(), before);

    bench c;
    fined_and_answered(c);
    c.say(at("12:00"), "sunli", "已缴 F1");
    before = c.snapshot();
    r = c.say(at("12:10"), "wujiu", "申诉 F1 不合理");
    EXPECT_EQ(r[0].text,
              "❌ F1 已登记缴纳，不能再申诉；如登记有误，请人力资源部撤销（撤销 F1 <原因>）。\n@吴九");
    EXPECT_EQ(c.snapshot(), before);
}

// ---------------------------------------------------------------------------------------------
// The corrections day through the real binary: every correction of examples/corrections-day.jsonl
// leaves `audit verify` passing and the ledger as the chat says.

TEST(CorrectionsDay, ReplayedThroughTheBinaryPassesAuditVerify) {
    test_support::temp_dir dir;
    auto db = (dir / "c.db").string();
    const std::string bot = BOT_BINARY;
    std::string out;
    ASSERT_EQ(test_support::run_command(
                  bot + " replay --config " + test_support::source_path("config.example.yaml").string() +
                      " --script " + test_support::source_path("examples/corrections-day.jsonl").string() +
                      " --db " + db + " --format jsonl",
                  out),
              0)
        << out;
    EXPECT_TRUE(contains(out, "P2 投诉人已由何平（客服部）更正为张三（销售一部）")) << out;
    EXPECT_TRUE(contains(out, "P1 物流部回复已超时（截止 11:15）")) << out;
    ASSERT_EQ(test_support::run_command(bot + " audit verify --db " + db, out), 0) << out;
    ASSERT_EQ(test_support::run_command(bot + " report penalties --db " + db + " --format json", out), 0)
        << out;
    auto fines = nlohmann::json::parse(out);
    ASSERT_EQ(fines.size(), 2u) << out;
    EXPECT_EQ(fines[0]["id"], "F1");
    EXPECT_EQ(fines[0]["status"], "waived");
    EXPECT_EQ(fines[1]["id"], "F2");
    EXPECT_EQ(fines[1]["department"], "物流部");
    EXPECT_EQ(fines[1]["status"], "open");
    storage::database check(db);
    auto p2 = check.load_complaint("P2");
    ASSERT_TRUE(p2);
    EXPECT_EQ(p2->complainant, "zhangsan");
}
