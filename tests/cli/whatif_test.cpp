// `complaint-bot whatif`: a database's recorded messages replayed in memory under a proposed
// config. The same config gives the same figures (determinism), a longer respond deadline gives
// fewer respond fines, the database is never written, and every bad input is refused (exit 2,
// one line) with the database unchanged.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/whatif.hpp"
#include "config/loader.hpp"
#include "pipeline/inbound_post.hpp"
#include "storage/database.hpp"
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

rules::config load(const std::string& repo_path) {
    auto r = conf::load_config(test_support::source_path(repo_path));
    if (!r.config) throw std::runtime_error(repo_path + " did not load");
    return *r.config;
}

// Records `script` with `config` into `db` through the real binary, as HR would.
void record(const std::string& config, const std::string& script, const std::string& db) {
    std::string out;
    ASSERT_EQ(run_command(bot() + " replay --config " + in_repo(config) + " --script " + in_repo(script) +
                              " --db " + db + " --format jsonl",
                          out),
              0)
        << out;
}

app::whatif_result whatif(const rules::config& cfg, const std::string& db) {
    app::whatif_options o;
    o.db_path = db;
    std::ostringstream progress;
    auto r = app::compute_whatif(cfg, o, progress);
    EXPECT_TRUE(progress.str().empty()) << "no progress without a terminal";
    return r;
}

int stage_fines(const app::period_figures& f, const std::string& stage) {
    int n = 0;
    for (const auto& [k, v] : f.rows)
        if (k.first == stage) n += v.fines;
    return n;
}

// Everything a run could have changed about the database file and its directory.
struct file_state {
    std::string bytes;
    std::filesystem::file_time_type mtime;
    std::vector<std::string> names;
    bool operator==(const file_state&) const = default;
};
file_state state_of(const std::filesystem::path& db) {
    file_state s{test_support::read_file(db), std::filesystem::last_write_time(db), {}};
    for (const auto& e : std::filesystem::directory_iterator(db.parent_path()))
        s.names.push_back(e.path().filename().string());
    std::sort(s.names.begin(), s.names.end());
    return s;
}

}  // namespace

TEST(WhatIf, ReplayingUnderTheConfigThatProducedTheDatabaseGivesIdenticalFigures) {
    struct run {
        const char* config;
        const char* script;
    };
    for (auto r : {run{"config.example.yaml", "examples/management-week.jsonl"},
                   run{"examples/company.yaml", "examples/day.jsonl"},
                   run{"examples/company.yaml", "examples/corrections-day.jsonl"},
                   run{"config.example.yaml", "examples/compensation-day.jsonl"}}) {
        SCOPED_TRACE(r.script);
        test_support::temp_dir dir;
        auto db = (dir / "week.db").string();
        record(r.config, r.script, db);
        auto result = whatif(load(r.config), db);
        EXPECT_GT(result.now.complaints, 0);
        EXPECT_FALSE(result.now.rows.empty());
        EXPECT_EQ(result.now, result.proposed);
        EXPECT_TRUE(result.changes.empty());
    }
}

TEST(WhatIf, ALongerRespondDeadlineGivesFewerRespondFines) {
    test_support::temp_dir dir;
    auto db = (dir / "week.db").string();
    // 采购部 answers P1 at 11:40, 2 h 40 min after the post: late under 2 hours, on time under 3.
    record("config.example.yaml", "examples/management-week.jsonl", db);
    auto cfg = load("config.example.yaml");
    cfg.workflow.respond.due = std::chrono::hours(3);
    auto r = whatif(cfg, db);
    EXPECT_GT(stage_fines(r.now, "respond"), 0);
    EXPECT_LT(stage_fines(r.proposed, "respond"), stage_fines(r.now, "respond"));
    ASSERT_FALSE(r.changes.empty());
    EXPECT_EQ(r.changes.front().key, "respond.due");
    EXPECT_EQ(r.changes.front().now, "2小时");
    EXPECT_EQ(r.changes.front().proposed, "3小时");
}

TEST(WhatIf, LeavesTheDatabaseFileUntouched) {
    test_support::temp_dir dir;
    auto db = dir / "week.db";
    record("config.example.yaml", "examples/management-week.jsonl", db.string());
    auto before = state_of(db);
    std::string out;
    ASSERT_EQ(run_command(bot() + " whatif --db " + db.string() + " --config " +
                              in_repo("examples/whatif-proposed.yaml") + " --format json",
                          out),
              0)
        << out;
    EXPECT_EQ(state_of(db), before);
}

TEST(WhatIf, ExampleWalkthroughOfTheReadmeShowsTheProposalInChinese) {
    test_support::temp_dir dir;
    auto db = (dir / "week.db").string();
    record("config.example.yaml", "examples/management-week.jsonl", db);
    std::string out, err;
    ASSERT_EQ(run_command(bot() + " whatif --db " + db + " --config " +
                              in_repo("examples/whatif-proposed.yaml") + " 2>" + (dir / "err.txt").string(),
                          out),
              0)
        << out;
    EXPECT_TRUE(test_support::read_file(dir / "err.txt").empty()) << "stderr is no terminal: no progress";
    EXPECT_NE(out.find("期间：2026-11-23 至 2026-11-25"), std::string::npos) << out;
    EXPECT_NE(out.find("回复时限 2小时 → 3小时"), std::string::npos) << out;
    EXPECT_NE(out.find("计时方式 自然时间 → 工作时间"), std::string::npos) << out;
    EXPECT_NE(out.find("（只读，未改动）"), std::string::npos) << out;
    EXPECT_NE(out.find("打单部 · 受理："), std::string::npos) << out;
    EXPECT_NE(out.find("采购部 · 回复：罚款 1 笔 50 元 → 0 笔 0 元（-1 笔，-50 元）"), std::string::npos)
        << out;
    EXPECT_NE(out.find("合计：罚款 1 笔 50 元 → 0 笔 0 元"), std::string::npos) << out;
    EXPECT_NE(out.find("合计：罚款 "), std::string::npos) << out;

    // One day of the period only.
    ASSERT_EQ(run_command(bot() + " whatif --db " + db + " --config " +
                              in_repo("examples/whatif-proposed.yaml") + " --from 2026-11-24 --to 2026-11-24",
                          out),
              0);
    EXPECT_NE(out.find("期间：2026-11-24 至 2026-11-24"), std::string::npos) << out;
}

TEST(WhatIf, CsvJsonAndXlsxCarryTheStableColumns) {
    test_support::temp_dir dir;
    auto db = (dir / "day.db").string();
    record("examples/company.yaml", "examples/day.jsonl", db);
    auto base = bot() + " whatif --db " + db + " --config " + in_repo("examples/whatif-proposed.yaml");
    std::string out;
    ASSERT_EQ(run_command(base + " --format csv", out), 0) << out;
    EXPECT_EQ(
        out.rfind("\xEF\xBB\xBFstage,stage_label,department,now_fines,now_fine_yuan,proposed_fines,", 0), 0u)
        << out;
    EXPECT_NE(out.find("respond,回复,采购部,"), std::string::npos) << out;

    ASSERT_EQ(run_command(base + " --format json", out), 0) << out;
    auto j = json::parse(out);
    EXPECT_EQ(j.at("from"), "2026-11-23");
    EXPECT_GT(j.at("messages_replayed").get<int>(), 0);
    ASSERT_FALSE(j.at("rows").empty());
    for (const char* key : {"stage", "department", "now_fines", "proposed_fine_yuan", "diff_fines",
                            "now_escalations", "now_on_time_rate", "diff_on_time_rate"})
        EXPECT_TRUE(j.at("rows").front().contains(key)) << key;
    EXPECT_EQ(j.at("total").at("stage"), "total");

    auto xlsx = dir / "whatif.xlsx";
    ASSERT_EQ(run_command(base + " --format xlsx --out " + xlsx.string(), out), 0) << out;
    EXPECT_EQ(test_support::read_file(xlsx).substr(0, 2), "PK");
}

struct bad_whatif {
    std::string name;
    std::string args;    // {db} a recorded database, {dir} the temp dir, {proposed} the example proposal
    std::string reason;  // expected in the single stderr line
};

void PrintTo(const bad_whatif& b, std::ostream* os) {
    *os << b.name;
}

class WhatIfRefuses : public ::testing::TestWithParam<bad_whatif> {};

TEST_P(WhatIfRefuses, WithExitTwoOneLineAndTheDatabaseUnchanged) {
    const auto& c = GetParam();
    test_support::temp_dir dir;
    auto db = dir / "day.db";
    record("examples/company.yaml", "examples/day.jsonl", db.string());
    test_support::write_file(dir / "notes.txt", "这不是数据库，是会议记录。\n");
    test_support::write_file(dir / "bad.yaml",
                             "organization:\n  departments:\n    - { name: 销售一部, head: nobody }\n");
    auto before = state_of(db);
    auto args = c.args;
    for (std::string key : {"{db}", "{dir}", "{proposed}"}) {
        std::string value = key == "{db}"    ? db.string()
                            : key == "{dir}" ? dir.path().string()
                                             : in_repo("examples/whatif-proposed.yaml");
        for (auto pos = args.find(key); pos != std::string::npos; pos = args.find(key))
            args.replace(pos, key.size(), value);
    }
    std::string out;
    EXPECT_EQ(run_command(bot() + " whatif " + args + " 2>&1 >/dev/null", out), 2) << out;
    EXPECT_NE(out.find(c.reason), std::string::npos) << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
    EXPECT_EQ(state_of(db), before);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WhatIfRefuses,
    ::testing::Values(
        bad_whatif{"MissingDb", "--db {dir}/nope.db --config {proposed}", "does not exist"},
        bad_whatif{"NotADatabase", "--db {dir}/notes.txt --config {proposed}", "cannot read database"},
        bad_whatif{"ConfigMissing", "--db {db} --config {dir}/nope.yaml", "bad config"},
        bad_whatif{"ConfigRefused", "--db {db} --config {dir}/bad.yaml", "bad config"},
        bad_whatif{"BadFrom", "--db {db} --config {proposed} --from 2026-13-01", "bad --from '2026-13-01'"},
        bad_whatif{"BadTo", "--db {db} --config {proposed} --to 11/30", "bad --to '11/30'"},
        bad_whatif{"FromAfterTo", "--db {db} --config {proposed} --from 2026-11-30 --to 2026-11-01",
                   "--from 2026-11-30 is after --to 2026-11-01"},
        bad_whatif{"NoMessagesInPeriod", "--db {db} --config {proposed} --from 2025-01-01 --to 2025-01-31",
                   "no recorded messages from 2025-01-01 to 2025-01-31"},
        bad_whatif{"XlsxWithoutOut", "--db {db} --config {proposed} --format xlsx", "add --out"},
        bad_whatif{"OutIsTheDatabase", "--db {db} --config {proposed} --out {db}", "is the database"}));

TEST(WhatIf, ADatabaseWithoutRecordedMessagesIsRefused) {
    test_support::temp_dir dir;
    auto db = dir / "empty.db";
    std::string out;
    { storage::database created(db.string()); }  // the current schema, nothing recorded
    auto before = state_of(db);
    EXPECT_EQ(run_command(bot() + " whatif --db " + db.string() + " --config " +
                              in_repo("examples/company.yaml") + " 2>&1 >/dev/null",
                          out),
              2);
    EXPECT_NE(out.find("has no recorded messages"), std::string::npos) << out;
    EXPECT_EQ(state_of(db), before);
}

TEST(WhatIf, ARecordedPostWithPhotosReplaysWithTheSameTextAndAttachments) {
    core::inbound_message posted{"dingtalk",
                                 "group",
                                 "msg-7",
                                 "zhangsan",
                                 "产品质量投诉\n投诉人：張三\n客户名称：华东五金有限公司\n客户要求：退货",
                                 *core::parse_iso8601("2026-11-23T09:00:00+08:00")};
    posted.attachments = {{"picture", "dl-码-1"}, {"file", "dl-2 [x]"}};
    core::inbound_message photo{"wecom", "group", "msg-8", "lisi", "", posted.received_at};
    photo.unreadable = "picture";
    for (const auto& m : {posted, photo}) {
        storage::inbound_row row{m.platform, m.msg_id, m.received_at,
                                 m.sender,   m.chat,   app::inbound_record_text(m)};
        auto back = app::from_record(row);
        EXPECT_EQ(back.text, m.text);
        EXPECT_EQ(back.attachments, m.attachments);
        EXPECT_EQ(back.unreadable, m.unreadable);
        EXPECT_EQ(back.platform, m.platform);
        EXPECT_EQ(back.msg_id, m.msg_id);
        EXPECT_EQ(back.received_at, m.received_at);
    }
    // A text that only looks like a marker stays text.
    storage::inbound_row plain{"dingtalk", "msg-9", posted.received_at,
                               "zhangsan", "group", "[紧急] 请尽快处理"};
    EXPECT_EQ(app::from_record(plain).text, "[紧急] 请尽快处理");
    EXPECT_TRUE(app::from_record(plain).attachments.empty());
}
