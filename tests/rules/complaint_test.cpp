// The complaint type (rules/complaint.cpp): its lookups, and its JSON — what the database stores —
// reads back to the same bytes after every kind of step, with the typed statuses as the strings.
#include "tests/rules/small_org.hpp"

namespace {

using namespace small_org;

void expect_round_trip(const rules::complaint& c) {
    auto j = nlohmann::json(c);
    auto back = j.get<rules::complaint>();
    EXPECT_EQ(nlohmann::json(back).dump(), j.dump());
}

TEST(Complaint, JsonReadsBackToTheSameBytesThroughTheWholeDay) {
    desk d;
    auto c = d.post(product_post, "zhangsan", at("09:00"));
    expect_round_trip(c);
    d.say(c, "受理 P1", "zhoumin", at("09:04"));
    d.say(c, "工艺 P1 批号B2611-07 调查: 生产部 采购部", "zhoumin", at("09:25"));
    d.say(c, "运费 P1 120 生产部", "heqi", at("09:30"));
    d.say(c, "回复 P1 模具磨损，同意退货", "qianqi", at("10:00"));
    expect_round_trip(c);
    d.advance(c, at("11:30"));  // 采购部 fined, reminders
    expect_round_trip(c);
    auto j = nlohmann::json(c);
    EXPECT_EQ(j.at("status"), "open");
    EXPECT_EQ(j.at("id"), "P1");
    EXPECT_TRUE(j.contains("rules"));  // the frozen rules stay where they are
}

TEST(Complaint, StatusesAndStagesAreTyped) {
    desk d;
    auto c = d.post(service_post, "linfang", at("08:00"));
    EXPECT_TRUE(c.is_open());
    EXPECT_EQ(c.status, "open");
    c.set_status(rules::complaint_status::invalid);
    EXPECT_EQ(c.status, "invalid");
    EXPECT_FALSE(c.is_open());
    ASSERT_TRUE(c.find_stage(rules::stage_id::route));
    EXPECT_TRUE(c.find_stage(rules::stage_id::route)->is(rules::stage_id::route));
    EXPECT_FALSE(c.find_stage(rules::stage_id::publish));  // a service complaint has no 工艺
    EXPECT_EQ(c.find_stage(rules::stage_id::notify), c.find_stage("notify"));
    EXPECT_EQ(c.pending_stage()->name, "accept");
    ASSERT_TRUE(c.field("投诉对象"));
    EXPECT_EQ(*c.field("投诉对象"), "物流部 司机小王");
    EXPECT_FALSE(c.field("客户名称"));
}

TEST(Complaint, AFineAppealIsFoundByItsFine) {
    rules::complaint c;
    c.fine_appeals.push_back({"F2", "wujiu", "当天停电", at("12:00"), {}, "", ""});
    ASSERT_TRUE(c.find_fine_appeal("F2"));
    EXPECT_EQ(c.find_fine_appeal("F2")->by, "wujiu");
    EXPECT_FALSE(c.find_fine_appeal("F1"));
}

}  // namespace
