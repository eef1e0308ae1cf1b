// The example day (examples/day.jsonl) replayed through the real binary, checked against
// every outcome listed in examples/README.md; the same day split in two runs over one --db; and
// the command line's refusals (exit 2, one line).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using json = nlohmann::json;
using test_support::run_command;

namespace {

std::string bot() {
    return BOT_BINARY;
}
std::string in_repo(const std::string& p) {
    return test_support::source_path(p).string();
}

std::vector<json> posts_of(const std::string& jsonl) {
    std::vector<json> out;
    std::size_t pos = 0;
    while (pos < jsonl.size()) {
        auto nl = jsonl.find('\n', pos);
        auto line = jsonl.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        if (!line.empty()) out.push_back(json::parse(line));
        if (nl == std::string::npos) break;
        pos = nl + 1;
    }
    return out;
}

bool has(const json& p, const std::string& text) {
    return p.at("text").get<std::string>().find(text) != std::string::npos;
}

// The posts at `hm`, without the hourly reminders of a stage still undone (checked on their own).
std::vector<json> at_time(const std::vector<json>& posts, const std::string& hm) {
    std::vector<json> out;
    for (const auto& p : posts)
        if (p.at("at").get<std::string>().substr(11, 5) == hm && !has(p, "🔔 再次提醒")) out.push_back(p);
    return out;
}

std::vector<std::string> mentions(const json& p) {
    return p.at("mentions").get<std::vector<std::string>>();
}

}  // namespace

TEST(ExampleDay, ReplayProducesEveryOutcomeOfTheReadme) {
    test_support::temp_dir dir;
    auto db = (dir / "day.db").string();
    std::string out;
    ASSERT_EQ(run_command(bot() + " replay --config " + in_repo("examples/company.yaml") + " --script " +
                              in_repo("examples/day.jsonl") + " --db " + db + " --format jsonl",
                          out),
              0)
        << out;
    auto posts = posts_of(out);

    // m1 delivered twice: one complaint, P1.
    auto nine = at_time(posts, "09:00");
    ASSERT_EQ(nine.size(), 1u);
    EXPECT_TRUE(has(nine[0], "已登记产品质量投诉 P1"));
    for (const auto& p : posts) EXPECT_FALSE(has(p, "P2")) << p.dump();

    // 09:03 zhangsan refused; 09:04 zhoumin accepts on time.
    auto refused = at_time(posts, "09:03");
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].at("text"), "❌ 只有打单部可以受理 P1，张三不在打单部。\n@张三");
    auto accepted = at_time(posts, "09:04");
    ASSERT_EQ(accepted.size(), 1u);
    EXPECT_TRUE(has(accepted[0], "P1 已由周敏受理（按时）"));

    // 09:25 published on time; 生产部 and 采购部 must answer by 11:00.
    auto published = at_time(posts, "09:25");
    ASSERT_EQ(published.size(), 1u);
    EXPECT_TRUE(has(published[0], "工艺流程已公布（按时）"));
    EXPECT_TRUE(has(published[0], "请生产部、采购部于 11:00 前回复"));

    // 10:30 warning to both; 10:40 生产部 answers.
    auto warning = at_time(posts, "10:30");
    ASSERT_EQ(warning.size(), 1u);
    EXPECT_TRUE(has(warning[0], "生产部、采购部尚未回复"));
    EXPECT_EQ(mentions(warning[0]), (std::vector<std::string>{"zhaoliu", "wujiu"}));
    auto reply = at_time(posts, "10:40");
    ASSERT_EQ(reply.size(), 1u);
    EXPECT_TRUE(has(reply[0], "已收到生产部的回复（钱七，按时）"));

    // 11:00 F1 to wujiu, posted in the group.
    auto fine = at_time(posts, "11:00");
    ASSERT_EQ(fine.size(), 1u);
    EXPECT_TRUE(has(fine[0], "F1：采购部负责人@吴九 50 元"));
    EXPECT_EQ(mentions(fine[0]), std::vector<std::string>{"wujiu"});
    EXPECT_EQ(fine[0].at("chat"), "group");

    // S1: escalations @wangwu at 14:00 and 14:25; late accept and route.
    auto e1 = at_time(posts, "14:00");
    ASSERT_EQ(e1.size(), 1u);
    EXPECT_TRUE(has(e1[0], "S1 受理已超时"));
    EXPECT_EQ(mentions(e1[0]), std::vector<std::string>{"wangwu"});
    auto e2 = at_time(posts, "14:25");
    ASSERT_EQ(e2.size(), 1u);
    EXPECT_TRUE(has(e2[0], "S1 分流已超时"));
    EXPECT_EQ(mentions(e2[0]), std::vector<std::string>{"wangwu"});
    EXPECT_TRUE(has(at_time(posts, "14:30").at(0), "S1 已由孙丽受理（超时30分钟）"));
    EXPECT_TRUE(has(at_time(posts, "14:31").at(0), "S1 已分流至物流部（超时6分钟）"));

    // 15:10 plan on time; 15:20 notify escalation; 15:40 notified late, S1 closed.
    EXPECT_TRUE(has(at_time(posts, "15:10").at(0), "已收到物流部的处理方案（郑十，按时）"));
    auto e3 = at_time(posts, "15:20");
    ASSERT_EQ(e3.size(), 1u);
    EXPECT_TRUE(has(e3[0], "S1 通知投诉人已超时"));
    EXPECT_EQ(mentions(e3[0]), std::vector<std::string>{"wangwu"});
    auto closed = at_time(posts, "15:40");
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_TRUE(has(closed[0], "S1 已通知投诉人林芳（超时20分钟）"));
    EXPECT_TRUE(has(closed[0], "S1 处理完毕，已关闭"));

    // 17:00 罚款汇总 今天: F1 only, 50 yuan.
    auto summary = at_time(posts, "17:00");
    ASSERT_EQ(summary.size(), 1u);
    EXPECT_TRUE(has(summary[0], "吴九（采购部）：1 次，共 50 元（F1 P1 未缴）"));
    EXPECT_TRUE(has(summary[0], "合计：1 次，共 50 元，未缴 50 元"));

    // 17:30 the sheet lists P1; the heads named at publish are asked to sign.
    auto sheet = at_time(posts, "17:30");
    ASSERT_EQ(sheet.size(), 1u);
    EXPECT_TRUE(has(sheet[0], "质量投诉处理流程表（2026-11-23）"));
    EXPECT_TRUE(has(sheet[0], "P1 产品质量投诉"));
    EXPECT_FALSE(has(sheet[0], "S1"));
    auto signers = mentions(sheet[0]);
    EXPECT_NE(std::find(signers.begin(), signers.end(), "zhaoliu"), signers.end());
    EXPECT_NE(std::find(signers.begin(), signers.end(), "wujiu"), signers.end());

    // 18:00 the daily penalty summary.
    auto daily = at_time(posts, "18:00");
    ASSERT_EQ(daily.size(), 1u);
    EXPECT_TRUE(has(daily[0], "今日罚款汇总"));
    EXPECT_TRUE(has(daily[0], "F1"));

    // 采购部 never answers: reminded every hour after its fine (workflow.repeat_every), to its head.
    std::vector<std::string> reminders;
    for (const auto& p : posts)
        if (has(p, "🔔 再次提醒：P1 回复已超时")) {
            reminders.push_back(p.at("at").get<std::string>().substr(11, 5));
            EXPECT_EQ(mentions(p), std::vector<std::string>{"wujiu"});
            EXPECT_TRUE(has(p, "采购部仍未处理")) << p.dump();
        }
    EXPECT_EQ(reminders,
              (std::vector<std::string>{"12:00", "13:00", "14:00", "15:00", "16:00", "17:00", "18:00"}));

    // Nothing else was posted.
    EXPECT_EQ(posts.size(), 18u + 7u) << out;

    // report penalties --format json: exactly F1.
    std::string report;
    ASSERT_EQ(run_command(bot() + " report penalties --db " + db + " --format json", report), 0) << report;
    auto fines = json::parse(report);
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(
        fines[0],
        json::parse(R"({"id":"F1","complaint":"P1","stage":"respond","department":"采购部","person":"wujiu",)"
                    R"("amount":50,"deadline":"2026-11-23T11:00:00+08:00","status":"open"})"));
}

TEST(ExampleDay, SplitReplayOverOneDatabaseEqualsOneRun) {
    test_support::temp_dir dir;
    auto script = test_support::read_file(test_support::source_path("examples/day.jsonl"));
    // First part: up to and including the 10:40 reply; the second part starts with S1 at 13:55,
    // so the 11:00 fine falls in the gap and must fire as the second run's clock passes it.
    auto cut = script.find("{\"at\": \"2026-11-23T13:55");
    ASSERT_NE(cut, std::string::npos);
    test_support::write_file(dir / "a.jsonl", script.substr(0, cut));
    test_support::write_file(dir / "b.jsonl", script.substr(cut));
    auto cfg = in_repo("examples/company.yaml");

    std::string one, a, b, ra, rb;
    ASSERT_EQ(run_command(bot() + " replay --config " + cfg + " --script " + in_repo("examples/day.jsonl") +
                              " --db " + (dir / "one.db").string() + " --format jsonl",
                          one),
              0);
    ASSERT_EQ(run_command(bot() + " replay --config " + cfg + " --script " + (dir / "a.jsonl").string() +
                              " --db " + (dir / "two.db").string() + " --format jsonl",
                          a),
              0);
    ASSERT_EQ(run_command(bot() + " replay --config " + cfg + " --script " + (dir / "b.jsonl").string() +
                              " --db " + (dir / "two.db").string() + " --format jsonl",
                          b),
              0);
    EXPECT_EQ(a + b, one);
    ASSERT_EQ(run_command(bot() + " report penalties --format json --db " + (dir / "one.db").string(), ra),
              0);
    ASSERT_EQ(run_command(bot() + " report penalties --format json --db " + (dir / "two.db").string(), rb),
              0);
    EXPECT_EQ(ra, rb);

    // Replaying an earlier script onto the continued database is refused and changes nothing.
    std::string again;
    EXPECT_EQ(run_command(bot() + " replay --config " + cfg + " --script " + (dir / "a.jsonl").string() +
                              " --db " + (dir / "two.db").string(),
                          again, true),
              2);
    EXPECT_NE(again.find("before the database's clock"), std::string::npos) << again;
    std::string rc;
    ASSERT_EQ(run_command(bot() + " report penalties --format json --db " + (dir / "two.db").string(), rc),
              0);
    EXPECT_EQ(rc, rb);
}

TEST(ExampleDay, TextFormatShowsTheConversationAndEndsWithThePenaltySummary) {
    std::string out;
    ASSERT_EQ(
        run_command(bot() + " replay --config " + test_support::source_path("config.example.yaml").string() +
                        " --script " + test_support::source_path("examples/demo-day.jsonl").string(),
                    out),
        0)
        << out;
    EXPECT_NE(out.find("张三 (zhangsan):"), std::string::npos);
    EXPECT_NE(out.find("🤖 机器人"), std::string::npos);
    EXPECT_NE(out.find("（重复投递的消息 m1，已忽略）"), std::string::npos);
    auto tail = out.substr(out.rfind("罚款汇总（全部）"));
    EXPECT_NE(tail.find("F1  P1  回复  采购部  吴九 (wujiu)  50 元  截止 2026-11-23 11:00  未缴"),
              std::string::npos)
        << tail;
    EXPECT_NE(tail.find("合计：1 笔，50 元"), std::string::npos);
}

struct bad_usage {
    std::string name;
    std::string script;  // written to s.jsonl when not empty
    std::string args;
    std::string reason;  // expected in the single stderr line
};

void PrintTo(const bad_usage& b, std::ostream* os) {
    *os << b.name;
}

class CommandLine : public ::testing::TestWithParam<bad_usage> {};

TEST_P(CommandLine, RefusesWithExitTwoAndOneLine) {
    const auto& c = GetParam();
    test_support::temp_dir dir;
    if (!c.script.empty()) test_support::write_file(dir / "s.jsonl", c.script);
    auto args = c.args;
    for (std::string key : {"{script}", "{config}", "{dir}"}) {
        std::string value = key == "{script}"   ? (dir / "s.jsonl").string()
                            : key == "{config}" ? in_repo("examples/company.yaml")
                                                : dir.path().string();
        for (auto pos = args.find(key); pos != std::string::npos; pos = args.find(key))
            args.replace(pos, key.size(), value);
    }
    std::string out;
    EXPECT_EQ(run_command(bot() + " " + args + " 2>&1 >/dev/null", out), 2) << out;
    EXPECT_NE(out.find(c.reason), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.db")) << "a refused replay must not create its database";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CommandLine,
    ::testing::Values(
        bad_usage{"NoCommand", "", "", "A subcommand is required"},
        bad_usage{"UnknownCommand", "", "frobnicate", "frobnicate"},
        bad_usage{"MissingScript", "", "replay --config {config}", "--script is required"},
        bad_usage{"ScriptNotFound", "", "replay --config {config} --script {dir}/nope.jsonl --db {dir}/x.db",
                  "cannot read script"},
        bad_usage{"ConfigNotFound", "{\"at\":\"2026-11-23T09:00:00+08:00\",\"end\":true}\n",
                  "replay --config {dir}/nope.yaml --script {script} --db {dir}/x.db", "bad config"},
        bad_usage{"BadJson", "{\"at\": \"2026-11-23T09:00:00+08:00\", \"from\": \"zhangsan\"\n",
                  "replay --config {config} --script {script} --db {dir}/x.db",
                  "s.jsonl:1: not a JSON object"},
        bad_usage{"BadTime", "{\"at\": \"2026-11-23 09:00\", \"from\": \"zhangsan\", \"text\": \"待办\"}\n",
                  "replay --config {config} --script {script} --db {dir}/x.db", "s.jsonl:1: bad \"at\" time"},
        bad_usage{"Backwards",
                  "{\"at\": \"2026-11-23T09:00:00+08:00\", \"from\": \"zhangsan\", \"text\": \"待办\"}\n"
                  "{\"at\": \"2026-11-23T08:00:00+08:00\", \"from\": \"zhangsan\", \"text\": \"待办\"}\n",
                  "replay --config {config} --script {script} --db {dir}/x.db",
                  "s.jsonl:2: time goes backwards"},
        bad_usage{"UnknownKey",
                  "{\"at\": \"2026-11-23T09:00:00+08:00\", \"form\": \"zhangsan\", \"text\": \"待办\"}\n",
                  "replay --config {config} --script {script} --db {dir}/x.db", "unknown key \"form\""},
        bad_usage{"LineAfterEnd",
                  "{\"at\": \"2026-11-23T09:00:00+08:00\", \"end\": true}\n"
                  "{\"at\": \"2026-11-23T10:00:00+08:00\", \"from\": \"zhangsan\", \"text\": \"待办\"}\n",
                  "replay --config {config} --script {script} --db {dir}/x.db", "s.jsonl:2: line after the"},
        bad_usage{"BadFormat", "", "replay --config {config} --script {script} --format xml", "--format"},
        bad_usage{"ReportMissingDb", "", "report penalties --db {dir}/x.db", "does not exist"},
        bad_usage{"ReportBadKind", "", "report fines --db {dir}/x.db", "kind"},
        bad_usage{"ReportBadDate", "", "report penalties --db {dir}/x.db --from 2026-13-01", "bad --from"},
        bad_usage{"XlsxNeedsOut", "", "report penalties --db {config} --format xlsx",
                  "--format xlsx needs --out"}),
    [](const auto& param_info) { return param_info.param.name; });
