// `report complaints --limit N --after ID`: the complaints list a page at a time, in the order of
// the whole list, with the department filter, and the refusals of a page elsewhere or after a
// complaint that does not exist (nothing written).
#include <nlohmann/json.hpp>

#include <sstream>

#include "reports/report.hpp"
#include "support/harness.hpp"

namespace {

using harness::at;

std::vector<std::string> page(harness::bench& b, std::size_t limit, const std::string& after,
                              const std::string& department = {}) {
    app::report_options o;
    o.kind = "complaints";
    o.db_path = b.db_path();
    o.format = "json";
    o.limit = limit;
    o.after = after;
    o.department = department;
    std::ostringstream out;
    app::run_report(o, out);
    std::vector<std::string> ids;
    for (const auto& c : nlohmann::json::parse(out.str())) ids.push_back(c["id"]);
    return ids;
}

void three_complaints(harness::bench& b) {
    b.say(at("09:00"), "zhangsan", harness::product_post);
    b.say(at("09:01"), "linfang", harness::service_post);
    b.say(at("09:02"), "chenjing", harness::product_post_no_comp);
    b.say(at("09:03"), "zhoumin", "受理 P1");
    b.say(at("09:04"), "zhoumin", "工艺 P1 批号B2611-07 调查: 采购部");
}

TEST(ReportPages, EachPageFollowsTheLastOneInTheOrderOfTheWholeList) {
    harness::bench b;
    three_complaints(b);
    EXPECT_EQ(page(b, 0, ""), (std::vector<std::string>{"P1", "S1", "P2"}));
    EXPECT_EQ(page(b, 2, ""), (std::vector<std::string>{"P1", "S1"}));
    EXPECT_EQ(page(b, 2, "S1"), (std::vector<std::string>{"P2"}));
    EXPECT_EQ(page(b, 0, "P1"), (std::vector<std::string>{"S1", "P2"}));
    EXPECT_TRUE(page(b, 5, "P2").empty());
    EXPECT_EQ(page(b, 1, "", "采购部"), (std::vector<std::string>{"P1"}));
    EXPECT_TRUE(page(b, 1, "P1", "采购部").empty());
}

TEST(ReportPages, APageOfAnotherReportOrAfterNoSuchComplaintIsRefused) {
    harness::bench b;
    three_complaints(b);
    auto before = b.snapshot();
    app::report_options o;
    o.kind = "penalties";
    o.db_path = b.db_path();
    o.limit = 1;
    std::ostringstream out;
    try {
        app::run_report(o, out);
        ADD_FAILURE() << "paged the penalties";
    } catch (const app::report_error& e) {
        EXPECT_TRUE(harness::contains(e.what(), "page the complaints report only")) << e.what();
    }
    try {
        page(b, 1, "P99");
        ADD_FAILURE() << "a page after P99";
    } catch (const app::report_error& e) {
        EXPECT_TRUE(harness::contains(e.what(), "no complaint P99")) << e.what();
        EXPECT_TRUE(harness::contains(e.what(), "the last complaint of the previous page")) << e.what();
    }
    EXPECT_TRUE(out.str().empty());
    EXPECT_EQ(b.snapshot(), before);
}

}  // namespace
