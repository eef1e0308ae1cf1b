// Schema v3 → v4 on the committed fixture (tests/fixtures/storage/v3.db, written by the v3 code;
// its README says what each complaint is): converted in place, every complaint loads as the v3
// code loaded it, the audit chain still verifies, the queried columns hold the right values,
// opening again changes nothing, and a failed migration leaves the file at v3.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/test_support.hpp"

namespace {

using json = nlohmann::json;

std::string copy_of_v3(const test_support::temp_dir& dir) {
    auto path = (dir / "v3.db").string();
    std::filesystem::copy_file(test_support::source_path("tests/fixtures/storage/v3.db"), path);
    return path;
}

json v3_complaints() {
    std::ifstream in(test_support::source_path("tests/fixtures/storage/v3-complaints.json"));
    return json::parse(in);
}

// Every row of the complaint tables, as text: what "changes nothing" compares.
std::string complaint_tables(storage::sql_console& sql, bool v4) {
    std::string s;
    auto dump = [&](const std::string& q) {
        for (const auto& row : sql.rows(q)) {
            for (const auto& v : row) s += v + "|";
            s += "\n";
        }
        s += "--\n";
    };
    dump("SELECT * FROM complaints ORDER BY id");
    if (v4) {
        dump("SELECT * FROM rule_sets ORDER BY id");
        dump("SELECT * FROM complaint_pending ORDER BY complaint_id, department");
    }
    dump("SELECT * FROM fines ORDER BY seq");
    dump("SELECT id, hash FROM events ORDER BY id");
    return s;
}

}  // namespace

TEST(MigrationV4, TheV3FixtureIsConvertedInPlaceAndEveryComplaintLoadsAsTheV3CodeLoadedIt) {
    test_support::temp_dir dir;
    auto path = copy_of_v3(dir);
    {
        storage::sql_console before(path);
        ASSERT_EQ(before.scalar("PRAGMA user_version"), 3);
    }
    storage::database db(path);
    storage::sql_console sql(db);
    EXPECT_EQ(sql.scalar("PRAGMA user_version"), storage::database::schema_version);  // v4, then v5

    auto golden = v3_complaints();
    ASSERT_EQ(golden.size(), 5u);  // P1 P2 P3 S1 S2
    for (const auto& [id, v3] : golden.items()) {
        auto c = db.load_complaint(id);
        ASSERT_TRUE(c) << id;
        EXPECT_EQ(json(*c), v3) << id << " differs from what v3 loaded";
    }
    EXPECT_EQ(db.all_complaints().size(), 5u);

    // The rules are stored once, not in each complaint.
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM rule_sets"), 1);
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM complaints WHERE json_extract(state, '$.rules') IS NOT NULL"),
              0);
    EXPECT_EQ(sql.scalar("SELECT COUNT(*) FROM complaints WHERE rule_set IS NULL"), 0);

    // The fine the appeal overturned, and the audit chain, as the v3 code left them.
    auto fines = db.fines();
    ASSERT_EQ(fines.size(), 1u);
    EXPECT_EQ(fines[0].id, "F1");
    EXPECT_EQ(fines[0].status, "waived");
    auto audit = db.verify_audit();
    EXPECT_TRUE(audit.ok) << (audit.problems.empty() ? "" : audit.problems[0]);
    EXPECT_EQ(audit.events, 44);

    // The columns: each complaint's pending stage, steps and who must act.
    auto row = [&](const std::string& id) {
        return sql
            .rows(
                "SELECT status, kind, COALESCE(pending_stage, '-'), COALESCE(sheet_date, '-'), "
                "COALESCE(forward_step, '-'), COALESCE(freight_step, '-') FROM complaints WHERE id = ?",
                {id})
            .at(0);
    };
    EXPECT_EQ(row("P1"),
              (std::vector<std::string>{"closed", "product", "-", "2026-11-23", "executed", "written_off"}));
    EXPECT_EQ(row("P2"), (std::vector<std::string>{"open", "product", "publish", "-", "-", "-"}));  // paused
    EXPECT_EQ(row("P3"), (std::vector<std::string>{"open", "product", "respond", "-", "sheet_pending", "-"}));
    EXPECT_EQ(row("S1"), (std::vector<std::string>{"open", "service", "accept", "-", "-", "-"}));
    EXPECT_EQ(row("S2"), (std::vector<std::string>{"invalid", "service", "route", "-", "-", "-"}));
    // P3: 生产部 answered, 物流部 has not.
    EXPECT_EQ(sql.rows("SELECT complaint_id, department FROM complaint_pending"),
              (std::vector<std::vector<std::string>>{{"P3", "物流部"}}));
    auto p3 = db.load_complaint("P3");
    EXPECT_EQ(sql.scalar("SELECT pending_due FROM complaints WHERE id = 'P3'"),
              core::to_ms(*p3->find_stage("respond")->due));
    // updated_at is the time of the complaint's last event, not its posting.
    EXPECT_EQ(sql.scalar("SELECT updated_at FROM complaints WHERE id = 'P3'"),
              sql.scalar("SELECT MAX(at) FROM events WHERE complaint_id = 'P3'"));

    // What reads the columns finds what the JSON said.
    EXPECT_EQ(db.open_freight_complaints().size(), 0u);  // P1's freight is written off
    auto sheet = db.complaints_for_sheet();
    ASSERT_EQ(sheet.size(), 1u);
    EXPECT_EQ(sheet[0].id, "P3");
    auto by_stage = db.open_complaints_by_stage();
    EXPECT_EQ(by_stage, (std::map<std::string, std::int64_t>{{"accept", 1}, {"publish", 1}, {"respond", 1}}));
    auto logistics = db.open_complaints_awaiting("物流部", {});
    ASSERT_EQ(logistics.size(), 1u);
    EXPECT_EQ(logistics[0].id, "P3");
    EXPECT_TRUE(db.open_complaints_awaiting("生产部", {}).empty());  // it answered
}

TEST(MigrationV4, OpeningAMigratedDatabaseAgainChangesNothing) {
    test_support::temp_dir dir;
    auto path = copy_of_v3(dir);
    std::string first;
    {
        storage::database db(path);
        storage::sql_console sql(db);
        first = complaint_tables(sql, true);
    }
    storage::database again(path);
    storage::sql_console sql(again);
    EXPECT_EQ(sql.scalar("PRAGMA user_version"), storage::database::schema_version);
    EXPECT_EQ(complaint_tables(sql, true), first);
}

TEST(MigrationV4, AComplaintThatCannotBeReadStopsTheMigrationAndLeavesTheFileAtVersion3) {
    test_support::temp_dir dir;
    auto path = copy_of_v3(dir);
    std::string before;
    {
        storage::sql_console sql(path);
        sql.exec("UPDATE complaints SET state = '{\"id\": \"P3\"}' WHERE id = 'P3'");  // damaged
        before = complaint_tables(sql, false);
    }
    try {
        storage::database db(path);
        FAIL() << "a damaged complaint was migrated";
    } catch (const storage::error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("complaint P3"), std::string::npos) << what;
        EXPECT_NE(what.find("unchanged (still v3)"), std::string::npos) << what;
    }
    storage::sql_console sql(path);
    EXPECT_EQ(sql.scalar("PRAGMA user_version"), 3);
    EXPECT_EQ(
        sql.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('rule_sets', 'complaint_pending')"), 0);
    EXPECT_EQ(complaint_tables(sql, false), before);
}

TEST(MigrationV4, ADatabaseNewerThanTheProgramIsRefusedWithTheFix) {
    test_support::temp_dir dir;
    auto path = copy_of_v3(dir);
    const auto newer = std::to_string(storage::database::schema_version + 1);
    storage::sql_console(path).exec("PRAGMA user_version = " + newer);
    try {
        storage::database db(path);
        FAIL() << "a v" << newer << " database was opened";
    } catch (const storage::error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("schema version " + newer + " is newer than this program (" +
                            std::to_string(storage::database::schema_version) + ")"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("upgrade complaint-bot"), std::string::npos) << what;
    }
    EXPECT_EQ(storage::sql_console(path).scalar("PRAGMA user_version"),
              storage::database::schema_version + 1);
}
