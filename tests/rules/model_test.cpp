// The typed vocabulary of the rules (rules/model.hpp): every deadline key the rules write parses
// back to what wrote it and prints byte for byte as before (the keys are stored in databases), and
// anything the rules never write is refused rather than half-read.
#include <gtest/gtest.h>

#include "rules/model.hpp"

namespace {

using rules::deadline_action;
using rules::deadline_key;
using rules::stage_id;
using rules::timed_step;

TEST(DeadlineKey, EveryStoredFormRoundTripsByteForByte) {
    for (const char* key : {"accept:miss",
                            "accept:esc:1",
                            "accept:esc:2",
                            "accept:repeat:3",
                            "publish:miss",
                            "route:esc:1",
                            "respond:miss",
                            "respond:warn",
                            "respond:esc:2",
                            "respond:repeat:1",
                            "notify:miss",
                            "review:esc:1",
                            "respond:miss:采购部",
                            "respond:miss:物流部",
                            "F1:review:miss",
                            "F12:review:esc:2",
                            "F3:review:repeat:1",
                            "sign:remind:1",
                            "vp:remind:2",
                            "gm:remind:3",
                            "execute:remind:1",
                            "freight:head:remind:1",
                            "freight:desk:remind:2",
                            "freight:pay:remind:3",
                            "freight:write_off:remind:1"}) {
        auto k = deadline_key::parse(key);
        ASSERT_TRUE(k) << key;
        EXPECT_EQ(k->to_string(), key);
    }
}

TEST(DeadlineKey, ParsesIntoStageActionAndLevel) {
    auto esc = deadline_key::parse("accept:esc:2");
    ASSERT_TRUE(esc);
    EXPECT_EQ(esc->subject, deadline_key::subject_kind::stage);
    EXPECT_EQ(esc->stage, stage_id::accept);
    EXPECT_EQ(esc->action, deadline_action::escalate);
    EXPECT_EQ(esc->level, 2);
    EXPECT_EQ(*esc, deadline_key::stage_key(stage_id::accept, deadline_action::escalate, 2));

    auto dept = deadline_key::parse("respond:miss:采购部");
    ASSERT_TRUE(dept);
    EXPECT_EQ(dept->action, deadline_action::miss);
    EXPECT_EQ(dept->department, "采购部");
    EXPECT_EQ(*dept, deadline_key::department_miss("采购部"));

    auto review = deadline_key::parse("F7:review:repeat:4");
    ASSERT_TRUE(review);
    EXPECT_EQ(review->subject, deadline_key::subject_kind::fine_review);
    EXPECT_EQ(review->fine, "F7");
    EXPECT_EQ(*review, deadline_key::review_key("F7", deadline_action::repeat, 4));

    auto remind = deadline_key::parse("freight:pay:remind:2");
    ASSERT_TRUE(remind);
    EXPECT_EQ(remind->subject, deadline_key::subject_kind::step);
    EXPECT_EQ(remind->step, timed_step::freight_pay);
    EXPECT_EQ(remind->level, 2);
    EXPECT_EQ(rules::freight_step_of(remind->step), rules::freight_step::pay);
    EXPECT_FALSE(rules::freight_step_of(timed_step::vp));
}

TEST(DeadlineKey, RefusesWhatTheRulesNeverWrite) {
    for (const char* key : {"", "accept", "accept:", "acept:miss", "accept:esc:", "accept:esc:0",
                            "accept:esc:-1", "accept:esc:2x", "accept:repeat:+1", "accept:warn",
                            "respond:miss:", "F:review:miss", "Fx:review:miss", "F1:review:warn", "F1:miss",
                            "sign:remind:0", "boss:remind:1", "freight:remind:1", "job:sheet@2026-11-23"}) {
        EXPECT_FALSE(deadline_key::parse(key)) << key;
    }
}

TEST(Model, StatusAndStageNamesAreTheStoredStrings) {
    EXPECT_EQ(rules::to_string(rules::complaint_status::invalid), "invalid");
    EXPECT_EQ(rules::parse_complaint_status("closed"), rules::complaint_status::closed);
    EXPECT_FALSE(rules::parse_complaint_status("已关闭"));
    EXPECT_EQ(rules::to_string(rules::fine_status::waived), "waived");
    EXPECT_EQ(rules::parse_fine_status("paid"), rules::fine_status::paid);
    for (auto s : {stage_id::accept, stage_id::publish, stage_id::route, stage_id::respond, stage_id::notify,
                   stage_id::review})
        EXPECT_EQ(rules::parse_stage(rules::to_string(s)), s);
    EXPECT_EQ(rules::to_string(timed_step::freight_write_off), "freight:write_off");
    EXPECT_EQ(rules::to_string(rules::timed_step_of(rules::freight_step::desk)), "freight:desk");
}

}  // namespace
