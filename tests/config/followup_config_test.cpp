// The followup: and categories: sections: the defaults, what they override, and the errors that
// say what to fix (bad work-day counts, an unknown department in followup.by, a bad list).
#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "support/test_support.hpp"

namespace {

const std::string org = R"(organization:
  departments:
    - { name: 打单部, head: lisi }
    - { name: 人力资源部, head: wangwu }
    - { name: 客服部, head: heping }
  people:
    - { id: lisi, name: 李四, department: 打单部 }
    - { id: wangwu, name: 王五, department: 人力资源部 }
    - { id: heping, name: 何平, department: 客服部 }
roles:
  order_desk: 打单部
  hr: 人力资源部
)";

conf::config_load_result parse(const std::string& yaml) {
    return conf::parse_config(yaml, "c.yaml");
}

std::string first_error(const conf::config_load_result& r) {
    return r.errors.empty() ? std::string{} : r.errors.front().to_string();
}

}  // namespace

TEST(FollowupConfig, DefaultsWithoutTheSections) {
    auto r = parse(org);
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_TRUE(r.config->followup.enabled);
    EXPECT_EQ(r.config->followup.after_days, 1);
    EXPECT_EQ(r.config->followup.within_days, 3);
    EXPECT_EQ(r.config->followup.by, "");
    EXPECT_EQ(r.config->categories, rules::default_categories());
}

TEST(FollowupConfig, OverridesApply) {
    auto r =
        parse(org + "followup: { after: 2d, within: 5 work days, by: 客服部 }\ncategories: [外观, 异响]\n");
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_EQ(r.config->followup.after_days, 2);
    EXPECT_EQ(r.config->followup.within_days, 5);
    EXPECT_EQ(r.config->followup.by, "客服部");
    EXPECT_EQ(r.config->categories, (std::vector<std::string>{"外观", "异响"}));
    r = parse(org + "followup: { enabled: false, by: complainant }\n");
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_FALSE(r.config->followup.enabled);
    EXPECT_EQ(r.config->followup.by, "");
}

TEST(FollowupConfig, ErrorsSayWhatToFix) {
    EXPECT_EQ(first_error(parse(org + "followup: { within: 2h }\n")),
              "c.yaml:13:21: bad duration '2h' for followup.within — write whole work days of the calendar, "
              "e.g. `within: 3d`; hours are not accepted here");
    EXPECT_EQ(first_error(parse(org + "followup: { within: 0d }\n")).substr(0, 47),
              "c.yaml:13:21: bad duration '0d' for followup.wi");
    EXPECT_EQ(first_error(parse(org + "followup: { after: soon }\n")),
              "c.yaml:13:20: bad duration 'soon' for followup.after — write whole work days of the calendar, "
              "e.g. `after: 1d` (0d: at the closing); hours are not accepted here");
    EXPECT_EQ(first_error(parse(org + "followup: { by: 品管部 }\n")),
              "c.yaml:13:17: followup.by names unknown department '品管部' — write `by: complainant` (the "
              "default) or one of the departments: 人力资源部, 客服部, 打单部");
    EXPECT_EQ(first_error(parse(org + "followup: { enabled: yes }\n")).substr(0, 52),
              "c.yaml:13:22: followup.enabled must be true or false");
    EXPECT_EQ(first_error(parse(org + "followup: { afterr: 1d }\n")),
              "c.yaml:13:13: unknown key 'afterr' in followup — did you mean 'after'?");
    EXPECT_EQ(first_error(parse(org + "categories: [外观, 外觀]\n")),
              "c.yaml:13:18: category '外觀' is listed twice — list each category once");
    EXPECT_EQ(first_error(parse(org + "categories: 外观\n")).substr(0, 48),
              "c.yaml:13:13: categories must be a non-empty lis");
}

TEST(FollowupConfig, TheExamplesDocumentIt) {
    auto r = conf::load_config(test_support::source_path("config.example.yaml"));
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_EQ(r.config->followup, rules::followup_settings{});
    EXPECT_EQ(r.config->categories, rules::default_categories());
}

TEST(CustomerConfig, DefaultsOverridesAndOff) {
    auto r = parse(org);
    ASSERT_TRUE(r.config) << first_error(r);
    const auto& d = r.config->customer;
    EXPECT_TRUE(d.enabled);
    EXPECT_EQ(d.answer_within, std::chrono::hours(24));
    EXPECT_EQ(d.remind_before, std::chrono::hours(2));
    EXPECT_EQ(d.resolve_within, std::chrono::hours(24 * 7));
    EXPECT_EQ(d.gm_after, std::chrono::hours(24));
    r = parse(org + "customer: { answer_within: 12h, remind_before: 0, resolve_within: 5d, gm_after: 2d }\n");
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_EQ(r.config->customer.answer_within, std::chrono::hours(12));
    EXPECT_EQ(r.config->customer.remind_before, core::duration{0});
    EXPECT_EQ(r.config->customer.resolve_within, std::chrono::hours(24 * 5));
    EXPECT_EQ(r.config->customer.gm_after, std::chrono::hours(48));
    r = parse(org + "customer: { enabled: false }\n");
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_FALSE(r.config->customer.enabled);
}

TEST(CustomerConfig, ErrorsSayWhatToFix) {
    EXPECT_EQ(
        first_error(parse(org + "customer: { answer_within: soon }\n")),
        "c.yaml:13:28: bad duration 'soon' for customer.answer_within — write durations like 5m, 30m, 2h, "
        "1h30m");
    EXPECT_EQ(
        first_error(parse(org + "customer: { remind_before: 24h }\n")),
        "c.yaml:13:28: customer.remind_before (1d) is not shorter than customer.answer_within (1d) — "
        "remind a few hours before the end, e.g. `remind_before: 2h` with `answer_within: 24h`, or 0 for "
        "no reminder");
    EXPECT_EQ(first_error(parse(org + "customer: { enabled: yes }\n")),
              "c.yaml:13:22: customer.enabled must be true or false — e.g. `enabled: false` to turn the "
              "customer's clock (已答复客户, 督办) off");
    auto unknown = first_error(parse(org + "customer: { answer_in: 24h }\n"));
    EXPECT_NE(unknown.find("answer_in"), std::string::npos) << unknown;
    EXPECT_NE(first_error(parse(org + "customer: { gm_after: 0 }\n")), "");
}

TEST(CompensationConfig, TheSelfApprovalLimit) {
    auto r = parse(org);
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_EQ(r.config->compensation.self_approve_below, 0);  // off: always the VP and the general manager
    r = parse(org + "compensation: { self_approve_below: 500 }\n");
    ASSERT_TRUE(r.config) << first_error(r);
    EXPECT_EQ(r.config->compensation.self_approve_below, 500);
    EXPECT_EQ(
        first_error(parse(org + "compensation: { self_approve_below: 五百 }\n")),
        "c.yaml:13:37: compensation.self_approve_below must be a whole number of yuan, not '五百' — e.g. "
        "`self_approve_below: 500` (0: every compensation goes to the VP and the general manager)");
    EXPECT_NE(first_error(parse(org + "compensation: { self_approve_below: -1 }\n")), "");
    EXPECT_NE(first_error(parse(org + "compensation: { limit: 500 }\n")), "");
}
