// The order of text on PostgreSQL does not depend on the server's collation: a database created
// with a Chinese (ICU) collation, as a company's server may well be set up, lists the same rows in
// the same order as SQLite (which compares text byte by byte) — the deadlines due at one moment (two
// departments missing the same reply deadline are fined in that order), the scheduled jobs' keys.
// The test server itself runs in C.UTF-8, where the two agree anyway.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/sql_console.hpp"
#include "support/pg_server.hpp"
#include "support/test_support.hpp"

namespace {

using test_support::pg_server;

// A database whose default collation sorts Chinese by pinyin (采 before 生), not by code point.
std::string chinese_collated_database() {
    auto& pg = pg_server::shared();
    const auto probe = pg.create_database("collation_name");
    const auto name = probe.substr(probe.rfind('/') + 1) + "_zh";
    pg.admin(
        "CREATE DATABASE \"" + name +
        "\" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN' LOCALE 'C.UTF-8'");
    return pg.url_for(name);
}

core::instant at(std::int64_t ms) {
    return core::instant{core::duration{ms}};
}

// The same deadlines into `db`: due at one moment, keys that sort differently by pinyin, by case
// and by code point.
void add_deadlines(storage::database& db) {
    auto tx = db.begin();
    for (const std::string key :
         {"respond:生产部", "respond:采购部", "respond:物流部", "respond:Zeta", "respond:alpha"})
        db.add_deadline({"P1", key, at(1'795'000'000'000)});
    for (const std::string complaint : {"p2", "P2", "S1"})
        db.add_deadline({complaint, "accept", at(1'795'000'000'000)});
    for (const std::string job :
         {"job:周报@2026-11-27", "job:sheet@2026-11-23", "job:Sheet@2026-11-24", "job:罚款@2026-11-23"})
        db.add_deadline({"", job, at(1'795'000'100'000)});
    tx->commit();
}

std::vector<std::string> listed(storage::database& db) {
    std::vector<std::string> out;
    for (const auto& d : db.open_deadlines()) out.push_back(d.complaint + " " + d.key);
    return out;
}

}  // namespace

TEST(PgCollation, AChineseCollatedServerListsDeadlinesAndJobsInSqlitesOrder) {
    test_support::temp_dir dir;
    storage::database sqlite((dir / "order.db").string());
    add_deadlines(sqlite);
    storage::database pg(chinese_collated_database());
    add_deadlines(pg);
    // The server sorts Chinese by pinyin in this database (else the test proves nothing).
    EXPECT_EQ(storage::sql_console(pg).text("SELECT string_agg(x, ',' ORDER BY x) FROM "
                                            "(VALUES ('生产部'), ('采购部')) AS t(x)"),
              "采购部,生产部");
    EXPECT_EQ(listed(pg), listed(sqlite));
    EXPECT_EQ(pg.open_job_keys(), sqlite.open_job_keys());
}
