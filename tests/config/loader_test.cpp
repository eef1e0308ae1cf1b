// The YAML configuration: the sample company and config.example.yaml load clean with the defaults;
// every validation error names the file, the line and a fix; several errors come together.
#include "config/loader.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {

const std::string org = R"(organization:
  departments:
    - { name: 打单部, head: lisi }
    - { name: 人力资源部, head: wangwu }
    - { name: 生产部, head: zhaoliu }
  people:
    - { id: lisi, name: 李四, department: 打单部, accounts: { dingtalk: "0123", wecom: "LiSi" } }
    - { id: wangwu, name: 王五, department: 人力资源部 }
    - { id: zhaoliu, name: 赵六, department: 生产部 }
roles:
  order_desk: 打单部
  hr: 人力资源部
)";

conf::config_load_result parse(const std::string& yaml) {
    return conf::parse_config(yaml, "c.yaml");
}

std::vector<std::string> errors(const conf::config_load_result& r) {
    std::vector<std::string> out;
    for (const auto& e : r.errors) out.push_back(e.to_string());
    return out;
}

}  // namespace

TEST(ConfigLoader, TheSampleCompanyLoadsWithDefaults) {
    auto r = conf::load_config(test_support::source_path("examples/company.yaml"));
    ASSERT_TRUE(r.config) << testing::PrintToString(errors(r));
    const auto& c = *r.config;
    EXPECT_EQ(c.timezone, "Asia/Shanghai");
    EXPECT_EQ(c.org.departments.size(), 11u);
    EXPECT_EQ(c.org.people.size(), 19u);
    EXPECT_EQ(c.roles.general_manager, (std::vector<std::string>{"wangzong", "dingxiaoling"}));
    EXPECT_EQ(c.roles.vice_presidents.at("销售一部"), "liuqiang");
    EXPECT_EQ(c.workflow.accept.due, core::duration{5min});
    EXPECT_EQ(c.workflow.respond.due, core::duration{2h});
    EXPECT_EQ(c.workflow.fine_amount, 50);
    EXPECT_EQ(c.schedules.daily_summary, "18:00");
    EXPECT_EQ(c.roles.finance, "");  // the company has no 财务部
    EXPECT_EQ(c.roles.order_follower, "客服部");
}

TEST(ConfigLoader, TheExampleConfigLoadsAndDocumentsTheDefaults) {
    auto r = conf::load_config(test_support::source_path("config.example.yaml"));
    ASSERT_TRUE(r.config) << testing::PrintToString(errors(r));
    const auto& c = *r.config;
    rules::workflow_rules defaults;
    EXPECT_EQ(c.workflow.accept.due, defaults.accept.due);
    EXPECT_EQ(c.workflow.notify.due, defaults.notify.due);
    EXPECT_EQ(c.workflow.respond_warning, defaults.respond_warning);
    EXPECT_EQ(c.workflow.compensation_keywords, defaults.compensation_keywords);
    ASSERT_EQ(c.platforms.size(), 2u);
    EXPECT_EQ(c.platforms[0].env.at("app_secret"), "DINGTALK_APP_SECRET");
    ASSERT_EQ(c.chats.size(), 1u);
    EXPECT_EQ(c.chats[0].platform, "dingtalk");
}

TEST(ConfigLoader, OverridesApply) {
    auto r = parse(org + R"(workflow:
  fine_amount: 100
  respond_warning: off
  stages:
    accept: { due: 10m, escalation: [ { after: 0m, notify: head }, { after: 1h30m, notify: person:wangwu } ] }
schedules: { daily_summary: "17:45", weekly_report: off }
)");
    ASSERT_TRUE(r.config) << testing::PrintToString(errors(r));
    EXPECT_EQ(r.config->workflow.fine_amount, 100);
    EXPECT_EQ(r.config->workflow.respond_warning, core::duration{0});
    EXPECT_EQ(r.config->workflow.accept.due, core::duration{10min});
    ASSERT_EQ(r.config->workflow.accept.escalation.size(), 2u);
    EXPECT_EQ(r.config->workflow.accept.escalation[1].after, core::duration{90min});
    EXPECT_EQ(r.config->workflow.accept.escalation[1].notify, "person:wangwu");
    EXPECT_EQ(r.config->schedules.daily_summary, "17:45");
    EXPECT_EQ(r.config->schedules.weekly_report, "");
}

struct bad_config {
    std::string name;
    std::string yaml;
    std::string error;  // the exact first error
};

void PrintTo(const bad_config& b, std::ostream* os) {
    *os << b.name;
}

class ConfigErrors : public testing::TestWithParam<bad_config> {};

TEST_P(ConfigErrors, NameTheFileLineAndFix) {
    auto r = parse(GetParam().yaml);
    EXPECT_FALSE(r.config);
    ASSERT_FALSE(r.errors.empty());
    EXPECT_EQ(r.errors.front().to_string(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigErrors,
    testing::Values(
        bad_config{"UnknownTopKey", org + "timezon: Asia/Shanghai\n",
                   "c.yaml:13:1: unknown key 'timezon' in the config — did you mean 'timezone'?"},
        bad_config{"UnknownDepartmentInRoles",
                   R"(organization:
  departments: [ { name: 打单部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 } ]
roles: { order_desk: 打单部, hr: 人事部 }
)",
                   "c.yaml:4:31: roles.hr names unknown department '人事部' — use one of: 打单部"},
        bad_config{
            "HeadIsNotAPerson",
            R"(organization:
  departments: [ { name: 打单部, head: nobody } ]
  people: [ { id: lisi, name: 李四, department: 打单部 } ]
roles: { order_desk: 打单部, hr: 打单部 }
)",
            "c.yaml:2:37: department head 'nobody' is not a listed person — add them to organization.people"},
        bad_config{"PersonInUnknownDepartment",
                   R"(organization:
  departments: [ { name: 打单部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 }, { id: x, name: 某, department: 研发部 } ]
roles: { order_desk: 打单部, hr: 打单部 }
)",
                   "c.yaml:3:84: person 'x' is in unknown department '研发部' — use one of: 打单部"},
        bad_config{"DuplicatePerson",
                   R"(organization:
  departments: [ { name: 打单部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 }, { id: lisi, name: 李思, department: 打单部 } ]
roles: { order_desk: 打单部, hr: 打单部 }
)",
                   "c.yaml:3:60: duplicate person id 'lisi' — give each person a unique id"},
        bad_config{"DuplicateDepartment",
                   R"(organization:
  departments: [ { name: 打单部, head: lisi }, { name: 打单部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 } ]
roles: { order_desk: 打单部, hr: 打单部 }
)",
                   "c.yaml:2:53: duplicate department '打单部' — list each department once"},
        bad_config{"MissingRoles",
                   R"(organization:
  departments: [ { name: 打单部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 } ]
)",
                   "c.yaml:1:1: missing `roles:` — add roles: { order_desk: 打单部, hr: 人力资源部 }"},
        bad_config{"MissingHrRole",
                   R"(organization:
  departments: [ { name: 打单部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 } ]
roles: { order_desk: 打单部 }
)",
                   "c.yaml:4:8: missing roles.hr — name the department, e.g. hr: 人力资源部"},
        bad_config{"BadDuration", org + "workflow: { stages: { accept: { due: 5 minutes } } }\n",
                   "c.yaml:13:38: bad duration '5 minutes' for workflow.stages.accept.due — write durations "
                   "like 5m, "
                   "30m, 2h, 1h30m"},
        bad_config{"NegativeDuration", org + "workflow: { stages: { respond: { due: -2h } } }\n",
                   "c.yaml:13:39: bad duration '-2h' for workflow.stages.respond.due — write durations like "
                   "5m, 30m, "
                   "2h, 1h30m"},
        bad_config{"TypoInStage", org + "workflow: { stages: { acept: { due: 5m } } }\n",
                   "c.yaml:13:23: unknown key 'acept' in workflow.stages — did you mean 'accept'?"},
        bad_config{
            "UnknownEscalationTarget",
            org + "workflow: { stages: { accept: { escalation: [ { after: 0m, notify: boss } ] } } }\n",
            "c.yaml:13:68: unknown escalation target 'boss' — use head, hr_head, order_desk_head, vp, "
            "general_manager, person:<id> or department:<name>"},
        bad_config{"BadTimeZone", org + "timezone: Asia/Shangai\n",
                   "c.yaml:13:11: unknown time zone 'Asia/Shangai' — use an IANA name such as Asia/Shanghai"},
        bad_config{"BadSchedule", org + "schedules: { daily_summary: \"25:00\" }\n",
                   "c.yaml:13:29: bad time '25:00' for schedules.daily_summary — write a local time like "
                   "\"18:00\", or "
                   "off"},
        bad_config{
            "SecretInFile", org + "platforms: { dingtalk: { app_secret_env: \"abc123secret\" } }\n",
            "c.yaml:13:42: app_secret_env must name an environment variable (like DINGTALK_APP_SECRET) — put "
            "the secret in the environment, never in the file"},
        bad_config{"YamlSyntax", "organization: [\n  - a\n roles: x\n",
                   "c.yaml:2:3: YAML syntax error: illegal block entry — fix the indentation or quoting at "
                   "this place"},
        bad_config{"UnknownCalendarMode", org + "calendar: { mode: office }\n",
                   "c.yaml:13:19: unknown calendar mode 'office' — use wall (deadlines in clock time, the "
                   "default) or business (working time only)"},
        bad_config{
            "BadWorkHours",
            org + "calendar: { mode: business, work_hours: [\"08:30-12:00\", \"14:00-13:00\"] }\n",
            "c.yaml:13:57: bad work hours '14:00-13:00' — write a local time range like \"08:30-12:00\""},
        bad_config{"OverlappingWorkHours",
                   org + "calendar: { mode: business, work_hours: [\"08:30-12:00\", \"11:00-13:00\"] }\n",
                   "c.yaml:13:57: work hours '11:00-13:00' overlap another range — make the ranges disjoint"},
        bad_config{"BadHoliday", org + "calendar: { mode: business, holidays: [2026-02-30] }\n",
                   "c.yaml:13:40: bad date '2026-02-30' in calendar.holidays — write dates as 2026-10-01"},
        bad_config{"UnknownWeekday", org + "calendar: { work_days: [周一, 周八] }\n",
                   "c.yaml:13:29: unknown weekday '周八' — write 周一 … 周日 or mon … sun"},
        bad_config{"HolidayAndMakeUpDay",
                   org + "calendar: { mode: business, holidays: [2026-10-10], make_up_days: [2026-10-10] }\n",
                   "c.yaml:13:67: the date 2026-10-10 is both a holiday and a make-up work day — keep it in "
                   "one of the two lists"},
        bad_config{
            "BadReminder", org + "workflow: { reminders: { vp_opinion: tomorrow } }\n",
            "c.yaml:13:38: bad duration 'tomorrow' for workflow.reminders.vp_opinion — write durations "
            "like 5m, 30m, 2h, 1h30m (or 0 / off)"},
        bad_config{"NotAMap", "- just\n- a list\n",
                   "c.yaml:1:1: the config must be a mapping with `organization:` and `roles:` — start from "
                   "config.example.yaml"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(ConfigLoader, BusinessCalendarAndRemindersLoad) {
    auto r = parse(org + R"(calendar:
  mode: business
  work_days: [周一, 周二, 周三, 周四, 周五]
  work_hours: ["08:30-12:00", "13:30-17:30"]
  holidays: [2026-10-01, 2026-10-02]
  make_up_days: [2026-10-10]
workflow:
  reminders: { sign: 2h, vp_opinion: 1d, gm_approval: 4h, execute: off, freight: 8h, repeat: 2 }
)");
    ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].to_string());
    const auto& c = *r.config;
    EXPECT_TRUE(c.calendar.business);
    EXPECT_TRUE(c.workflow.business_time);
    EXPECT_EQ(c.calendar.work_days, (std::vector<unsigned>{1, 2, 3, 4, 5}));
    ASSERT_EQ(c.calendar.hours.size(), 2u);
    EXPECT_EQ(c.calendar.hours[1].start, 13u * 60 + 30);
    EXPECT_EQ(c.calendar.holidays.size(), 2u);
    EXPECT_EQ(c.calendar.make_up_days, (std::vector<core::local_date>{{2026, 10, 10}}));
    EXPECT_EQ(c.workflow.sign_due, 2h);
    EXPECT_EQ(c.workflow.vp_due, 24h);
    EXPECT_EQ(c.workflow.execute_due, 0h);
    EXPECT_EQ(c.workflow.reminders, 2);
    auto text = conf::explain_config(c);
    EXPECT_NE(text.find("calendar: business time"), std::string::npos) << text;
    EXPECT_NE(text.find(" 08:30-12:00 13:30-17:30; 2 holidays, 1 make-up work days"), std::string::npos)
        << text;
    // Without a calendar section the wall clock stays the default.
    auto plain = parse(org);
    ASSERT_TRUE(plain.config);
    EXPECT_FALSE(plain.config->calendar.business);
    EXPECT_FALSE(plain.config->workflow.business_time);
}

TEST(ConfigLoader, ReportsEveryErrorAtOnce) {
    auto r = parse(R"(organization:
  departments: [ { name: 打单部, head: ghost } ]
  people: [ { id: lisi, name: 李四, department: 研发部 } ]
roles: { order_desk: 打单部, hr: 人事部 }
workflow: { fine_amount: -5 }
)");
    EXPECT_FALSE(r.config);
    EXPECT_EQ(r.errors.size(), 4u) << testing::PrintToString(errors(r));
}

TEST(ConfigLoader, UnreadableFileNamesThePath) {
    auto r = conf::load_config("/nonexistent/company.yaml");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].to_string(),
              "/nonexistent/company.yaml: cannot read the config file — check the path (see "
              "config.example.yaml for a "
              "complete example)");
}

TEST(ConfigLoader, ExplainShowsTheEffectiveRules) {
    auto r = conf::load_config(test_support::source_path("examples/company.yaml"));
    ASSERT_TRUE(r.config);
    auto text = conf::explain_config(*r.config);
    EXPECT_NE(text.find("打单部（负责人 李四 lisi）"), std::string::npos) << text;
    EXPECT_NE(text.find("accept  by 打单部 within 5m of the post; missed: @ head of 打单部 at the deadline"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("notify  by 人力资源部 within 10m after the last plan"), std::string::npos) << text;
    EXPECT_NE(text.find("fine each silent head 50 yuan"), std::string::npos) << text;
}

TEST(ConfigLoader, CheckConfigCommandPrintsRulesOrErrorsWithExitTwo) {
    std::string out;
    EXPECT_EQ(test_support::run_command(std::string(BOT_BINARY) + " check-config " +
                                            test_support::source_path("examples/company.yaml").string(),
                                        out),
              0);
    EXPECT_NE(out.find("产品质量投诉 (P):"), std::string::npos);
    test_support::temp_dir dir;
    test_support::write_file(dir / "bad.yaml", org + "timezon: x\nworkflow: { fine_amount: zero }\n");
    EXPECT_EQ(test_support::run_command(
                  std::string(BOT_BINARY) + " check-config " + (dir / "bad.yaml").string() + " 2>&1", out),
              2);
    EXPECT_NE(out.find("bad.yaml:13:1: unknown key 'timezon'"), std::string::npos) << out;
    EXPECT_NE(out.find("fine_amount must be a positive whole number"), std::string::npos) << out;
}

TEST(ConfigLoader, AliasesAndRepeatEvery) {
    auto r = parse(R"(organization:
  departments:
    - { name: 打单部, head: lisi }
    - { name: 人力资源部, head: wangwu }
  people:
    - { id: lisi, name: 李四, department: 打单部, aliases: [小李, Li Si] }
    - { id: wangwu, name: 王五, department: 人力资源部 }
roles:
  order_desk: 打单部
  hr: 人力资源部
workflow:
  repeat_every: 2h
  stages:
    accept: { due: 5m, repeat_every: 30m }
    publish: { due: 30m, repeat_every: off }
)");
    ASSERT_TRUE(r.config) << testing::PrintToString(errors(r));
    EXPECT_EQ(r.config->org.people[0].aliases, (std::vector<std::string>{"小李", "Li Si"}));
    EXPECT_TRUE(r.config->org.people[1].aliases.empty());
    EXPECT_EQ(r.config->workflow.repeat_every, core::duration{2h});
    EXPECT_EQ(r.config->workflow.accept.repeat_every, core::duration{30min});
    EXPECT_EQ(r.config->workflow.publish.repeat_every, core::duration{0});
    EXPECT_FALSE(r.config->workflow.route.repeat_every);  // the workflow's
    ASSERT_TRUE(r.config->org.match_person("小李").found);
    EXPECT_EQ(r.config->org.match_person("小李").found->id, "lisi");
    EXPECT_TRUE(rules::workflow_rules{}.repeat_every == core::duration{1h});  // the default

    auto bad = parse(org + "workflow: { repeat_every: often }\n");
    ASSERT_FALSE(bad.config);
    EXPECT_TRUE(
        errors(bad).front().find("bad duration 'often' for workflow.repeat_every — write durations like 5m, "
                                 "30m, 2h, 1h30m (or 0 / off)") != std::string::npos)
        << errors(bad).front();
    auto bad_alias = parse(R"(organization:
  departments: [ { name: 打单部, head: lisi }, { name: 人力资源部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部, aliases: 小李 } ]
roles: { order_desk: 打单部, hr: 人力资源部 }
)");
    ASSERT_FALSE(bad_alias.config);
    EXPECT_TRUE(errors(bad_alias).front().find("aliases of 'lisi' must be a list") != std::string::npos)
        << errors(bad_alias).front();
}

// yaml-cpp 0.7 reports an endless run of empty documents after a stray "," (found by fuzz_config):
// the loader reads the first document only and answers at once.
TEST(ConfigLoader, AStrayCommaIsAnErrorNotAnEndlessLoop) {
    auto r = parse(",");
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].message.find("must be a mapping"), std::string::npos) << r.errors[0].to_string();

    // A valid company with a second "document" of garbage after it: the company loads as before.
    auto two = parse(org + "---\n,\n");
    EXPECT_TRUE(two.config) << (two.errors.empty() ? "" : two.errors[0].to_string());
}
