// A group of companies (config/companies.cpp): examples/group.yaml loads as two full tenants and
// the group centre; a single-company file loads, unchanged, as a group of one implicit company; every
// refusal names the company, says how to fix it, and loads nothing.
#include <gtest/gtest.h>

#include <algorithm>

#include "config/loader.hpp"
#include "support/test_support.hpp"

namespace {

std::string all_errors(const conf::group_load_result& r) {
    std::string s;
    for (const auto& e : r.errors) s += e.to_string() + "\n";
    return s;
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// Every variable the example names is set.
std::string any_value(const std::string&) {
    return "set";
}

// A small company written inline under `companies:` (indented for a list entry).
std::string inline_company(const std::string& id, const std::string& short_name,
                           const std::string& conversation, const std::string& webhook) {
    return "  - id: " + id + "\n    name: " + short_name + "辉煌有限公司\n    short_name: " + short_name +
           "\n"
           "    organization:\n"
           "      departments:\n"
           "        - { name: 打单部, head: lisi }\n"
           "        - { name: 人力资源部, head: wangwu }\n"
           "        - { name: 生产部, head: zhaoliu }\n"
           "      people:\n"
           "        - { id: lisi, name: 李四, department: 打单部, accounts: { dingtalk: \"" +
           id +
           "-1\" } }\n"
           "        - { id: wangwu, name: 王五, department: 人力资源部, accounts: { dingtalk: \"" +
           id +
           "-2\" } }\n"
           "        - { id: zhaoliu, name: 赵六, department: 生产部, accounts: { dingtalk: \"" +
           id +
           "-3\" } }\n"
           "    roles: { order_desk: 打单部, hr: 人力资源部, investigators: [生产部] }\n"
           "    chats:\n"
           "      - { id: group, platform: dingtalk, conversation: \"" +
           conversation + "\", webhook_env: " + webhook + " }\n";
}

const std::string platforms = "platforms:\n  dingtalk: { mode: http, app_secret_env: DINGTALK_APP_SECRET }\n";

std::string two_companies(const std::string& extra_top = "", const std::string& group = "") {
    return extra_top + platforms + "companies:\n" +
           inline_company("huadong", "华东", "cidA", "HUADONG_WEBHOOK") +
           inline_company("huanan", "华南", "cidB", "HUANAN_WEBHOOK") + group;
}

conf::group_load_result parse(const std::string& yaml, const std::filesystem::path& base = {}) {
    return conf::parse_group(yaml, "group.yaml", base, any_value);
}

// The refusal: nothing loaded, one error with `needle`, at a line.
void expect_refused(const conf::group_load_result& r, const std::string& needle,
                    const std::string& fix = {}) {
    EXPECT_FALSE(r.group) << "loaded despite: " << needle;
    bool found = false;
    for (const auto& e : r.errors)
        if (has(e.message, needle) && (fix.empty() || has(e.fix, fix))) {
            found = true;
            EXPECT_GT(e.line, 0) << e.to_string();
        }
    EXPECT_TRUE(found) << "no error with '" << needle << "' / '" << fix << "' in:\n" << all_errors(r);
}

}  // namespace

TEST(Companies, TheExampleGroupLoadsTwoCompaniesAndTheCentre) {
    auto r = conf::load_group(test_support::source_path("examples/group.yaml"), any_value);
    ASSERT_TRUE(r.group) << all_errors(r);
    EXPECT_TRUE(r.errors.empty());
    for (const auto& e : r.serve_errors) ADD_FAILURE() << e.to_string();
    for (const auto& e : r.warnings) ADD_FAILURE() << "warning: " << e.to_string();
    EXPECT_TRUE(r.has_serve_sections);
    const auto& g = *r.group;
    EXPECT_FALSE(g.single());
    ASSERT_EQ(g.companies.size(), 2U);

    const auto* hd = g.find("huadong");
    ASSERT_TRUE(hd);
    EXPECT_EQ(hd->name, "华东辉煌五金有限公司");
    EXPECT_EQ(hd->short_name, "华东");
    EXPECT_EQ(hd->label("P3"), "华东 P3");
    EXPECT_EQ(hd->cfg.company, "华东辉煌五金有限公司");  // printed on its sheets
    EXPECT_EQ(hd->cfg.org.people.size(), 19U);           // examples/company.yaml's
    EXPECT_EQ(hd->cfg.org.head_of("采购部"), "wujiu");
    EXPECT_EQ(hd->cfg.roles.general_manager, (std::vector<std::string>{"wangzong", "dingxiaoling"}));
    EXPECT_FALSE(hd->cfg.customer.enabled);
    EXPECT_EQ(hd->cfg.source_file,
              test_support::source_path("examples/company.yaml").lexically_normal().string());
    // The file's own database: the company keeps the data it had alone.
    EXPECT_EQ(hd->cfg.database,
              test_support::source_path("examples/data/complaint-bot.db").lexically_normal().string());
    ASSERT_EQ(hd->cfg.chats.size(), 1U);
    EXPECT_EQ(hd->cfg.chats[0].conversation, "cidHuaDong01==");
    EXPECT_EQ(hd->cfg.chats[0].webhook_env, "HUADONG_WEBHOOK_URL");
    EXPECT_EQ(hd->cfg.default_chat, "group");
    ASSERT_EQ(hd->cfg.platforms.size(), 1U);
    EXPECT_EQ(hd->cfg.platforms[0].name, "dingtalk");
    EXPECT_EQ(hd->cfg.server.port, 8080);

    const auto* hn = g.find("huanan");
    ASSERT_TRUE(hn);
    EXPECT_EQ(hn->label("P3"), "华南 P3");
    EXPECT_EQ(hn->cfg.org.head_of("品质部"), "luoping");
    EXPECT_EQ(hn->cfg.org.find_department("销售一部"), nullptr);  // the other company's
    EXPECT_EQ(hn->cfg.roles.order_desk, "跟单部");
    EXPECT_EQ(hn->cfg.workflow.fine_amount, 60);
    EXPECT_EQ(hd->cfg.workflow.fine_amount, 50);
    EXPECT_TRUE(hn->cfg.calendar.business);
    EXPECT_FALSE(hd->cfg.calendar.business);
    EXPECT_EQ(hn->cfg.followup.target, 90);
    EXPECT_EQ(hn->cfg.followup.after_days, 2);
    EXPECT_EQ(hn->cfg.source_file, r.group->source_file);
    // No database of its own: beside the group's default, named by its id.
    EXPECT_EQ(hn->cfg.database,
              test_support::source_path("examples/data/complaint-bot-huanan.db").lexically_normal().string());

    // Routing: a conversation belongs to one company; the centre's chat to the group.
    EXPECT_EQ(g.company_of_chat("dingtalk", "cidHuaNan01=="), hn);
    EXPECT_EQ(g.company_of_chat("dingtalk", "cidHuaDong01=="), hd);
    EXPECT_EQ(g.company_of_chat("dingtalk", "cidSomewhereElse"), nullptr);
    EXPECT_EQ(g.company_of_chat("wecom", "cidHuaNan01=="), nullptr);
    auto centre = g.route("dingtalk", "cidJiTuan01==");
    EXPECT_TRUE(centre.group_chat);
    EXPECT_EQ(centre.owner, nullptr);
    EXPECT_EQ(g.used_platforms(), (std::vector<std::string>{"dingtalk"}));

    const auto& gs = g.group;
    EXPECT_EQ(gs.name, "集团客户关系中心");
    ASSERT_EQ(gs.members.size(), 3U);
    EXPECT_EQ(gs.members[0].name, "周杰");
    EXPECT_EQ(gs.members[0].department, "集团客户关系中心");
    // huadong:wangzong is that company's person, with their accounts.
    EXPECT_EQ(gs.members[2].name, "王总");
    EXPECT_EQ(gs.member_by_account("dingtalk", "dt-1017"), &gs.members[2]);
    EXPECT_EQ(gs.find_member("wumin")->accounts.at("dingtalk"), "jt-9002");
    ASSERT_TRUE(gs.chat);
    EXPECT_EQ(gs.chat->id, "centre");
    EXPECT_EQ(gs.escalate_from_level, 2);
    EXPECT_FALSE(gs.notifies_group(1));
    EXPECT_TRUE(gs.notifies_group(2));
    EXPECT_TRUE(gs.notifies_group(3));
    EXPECT_EQ(gs.rollup.day, 1);
    EXPECT_EQ(gs.rollup.at, "09:30");
}

TEST(Companies, CheckConfigListsTheCompaniesTheirDataAndTheGroup) {
    auto r = conf::load_group(test_support::source_path("examples/group.yaml"));
    ASSERT_TRUE(r.group) << all_errors(r);
    auto text = conf::explain_group(*r.group);
    EXPECT_TRUE(has(text, "companies (2):")) << text;
    EXPECT_TRUE(has(text, "  huanan  华南  华南辉煌建材有限公司\n    config: inline\n")) << text;
    EXPECT_TRUE(has(text, "data/complaint-bot-huanan.db")) << text;
    EXPECT_TRUE(has(text, "    chat group on dingtalk (cidHuaDong01==), scheduled posts\n")) << text;
    EXPECT_TRUE(has(text, "    complaints: 华东 P1, 华东 S1 …")) << text;
    EXPECT_TRUE(has(text, "group centre: 集团客户关系中心\n")) << text;
    EXPECT_TRUE(has(text, "  member 王总 wangzong (dingtalk, wecom)\n")) << text;
    EXPECT_TRUE(has(text, "  escalations: level 2 and above also go to the group chat\n")) << text;
    EXPECT_TRUE(has(text, "  monthly roll-up (集团客诉月报): day 1 at 09:30 in centre\n")) << text;
    EXPECT_TRUE(has(text, "== 华南 (huanan) ==")) << text;
    EXPECT_TRUE(has(text, "  品质部（负责人 罗萍 luoping）")) << text;  // each company's own rules follow
}

TEST(Companies, ASingleCompanyFileIsAGroupOfOneImplicitCompany) {
    for (const char* file : {"examples/company.yaml", "config.example.yaml"}) {
        auto path = test_support::source_path(file);
        auto single = conf::load_config(path);
        auto r = conf::load_group(path);
        ASSERT_TRUE(r.group) << all_errors(r);
        ASSERT_TRUE(single.config);
        const auto& g = *r.group;
        EXPECT_TRUE(g.single()) << file;
        ASSERT_EQ(g.companies.size(), 1U);
        const auto& co = g.companies[0];
        EXPECT_EQ(co.id, "");
        EXPECT_EQ(co.short_name, "");
        EXPECT_EQ(co.label("P1"), "P1");  // nothing prefixed anywhere
        EXPECT_EQ(co.cfg.database, single.config->database);
        EXPECT_EQ(co.cfg.org.people.size(), single.config->org.people.size());
        EXPECT_EQ(co.cfg.chats.size(), single.config->chats.size());
        EXPECT_EQ(g.platforms.size(), single.config->platforms.size());
        EXPECT_TRUE(g.group.members.empty());
        EXPECT_FALSE(g.group.chat);
        EXPECT_EQ(r.serve_errors.size(), single.serve_errors.size());
        EXPECT_EQ(r.warnings.size(), single.warnings.size());
        EXPECT_EQ(conf::explain_group(g), conf::explain_config(*single.config));  // check-config unchanged
    }
    // Routing in a single company: the one chat that takes any conversation.
    auto r = conf::load_group(test_support::source_path("config.example.yaml"));
    ASSERT_TRUE(r.group);
    EXPECT_EQ(r.group->company_of_chat("dingtalk", "cidAnything"), &r.group->companies[0]);
}

TEST(Companies, TwoInlineCompaniesEachGetADatabaseBesideTheDefault) {
    auto r = parse(two_companies("database: /srv/bot/data.db\n"));
    ASSERT_TRUE(r.group) << all_errors(r);
    EXPECT_EQ(r.group->companies[0].cfg.database, "/srv/bot/data-huadong.db");
    EXPECT_EQ(r.group->companies[1].cfg.database, "/srv/bot/data-huanan.db");
    EXPECT_EQ(rules::company_database("postgresql://bot@db:5432/complaints?sslmode=require", "huanan"),
              "postgresql://bot@db:5432/complaints-huanan?sslmode=require");
    EXPECT_EQ(rules::company_database("data/bot", "huanan"), "data/bot-huanan");
    EXPECT_EQ(rules::company_database("data/bot.db", ""), "data/bot.db");
    // Person ids may repeat between companies: each has its own organization.
    EXPECT_EQ(r.group->companies[0].cfg.org.display_name("lisi"), "李四");
    EXPECT_EQ(r.group->companies[1].cfg.org.display_name("lisi"), "李四");
}

TEST(Companies, RefusesADuplicateCompanyId) {
    auto yaml = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK") +
                inline_company("HuaDong", "华南", "cidB", "B_WEBHOOK");
    expect_refused(parse(yaml), "companies[1] (华南): company id 'HuaDong' is already companies[0]'s",
                   "give each company its own id");
}

TEST(Companies, RefusesAnIdWithOtherCharacters) {
    auto yaml = platforms + "companies:\n" + inline_company("华东", "华东", "cidA", "A_WEBHOOK");
    expect_refused(parse(yaml),
                   "companies[0] (华东): company id '华东' may only have ASCII letters, digits and '-'",
                   "write e.g. huadong");
    auto spaced = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK");
    spaced.replace(spaced.find("id: huadong"), 11, "id: hua dong");
    expect_refused(parse(spaced), "company id 'hua dong' may only have");
}

TEST(Companies, RefusesAChatInTwoCompanies) {
    auto yaml = platforms + "companies:\n" + inline_company("huadong", "华东", "cidSAME", "A_WEBHOOK") +
                inline_company("huanan", "华南", "cidSAME", "B_WEBHOOK");
    expect_refused(
        parse(yaml),
        "companies[1] (华南): chat 'group' on dingtalk is conversation 'cidSAME', which is already "
        "companies[0] (华东)'s chat 'group'",
        "a group chat belongs to one company");
    // The group centre's chat is no company's either.
    auto centre = two_companies("",
                                "group:\n  chat: { id: centre, platform: dingtalk, conversation: cidA, "
                                "webhook_env: GROUP_WEBHOOK }\n");
    expect_refused(parse(centre),
                   "group.chat: chat 'centre' on dingtalk is conversation 'cidA', which is already "
                   "companies[0] (华东)'s chat 'group'");
    // A chat without a conversation would take the other company's messages.
    auto any = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK") +
               inline_company("huanan", "华南", "", "B_WEBHOOK");
    expect_refused(parse(any),
                   "companies[1] (华南): chat 'group' and companies[0] (华东)'s chat 'group' are both on "
                   "dingtalk and this one has no conversation");
    // Nor may two chats post through one robot.
    auto robot = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "SAME_WEBHOOK") +
                 inline_company("huanan", "华南", "cidB", "SAME_WEBHOOK");
    expect_refused(parse(robot),
                   "companies[1] (华南): chat 'group' posts through webhook_env SAME_WEBHOOK, as "
                   "companies[0] (华东)'s chat 'group' does");
}

TEST(Companies, RefusesAConfigFileThatIsNotThere) {
    test_support::temp_dir dir;
    auto yaml = platforms +
                "companies:\n  - { id: huadong, name: 华东辉煌五金有限公司, short_name: 华东, config: "
                "huadong.yaml }\n" +
                inline_company("huanan", "华南", "cidB", "B_WEBHOOK");
    auto r = parse(yaml, dir.path());
    expect_refused(
        r,
        "companies[0] (华东): config: cannot read 'huadong.yaml' (" + (dir / "huadong.yaml").string() + ")",
        "it is relative to the folder of group.yaml");
    EXPECT_EQ(r.errors.size(), 1U) << all_errors(r);
    // There, it loads; the errors inside it name the file and the company.
    test_support::write_file(dir / "huadong.yaml",
                             "organization:\n  departments: [ { name: 打单部, head: lisi } ]\n"
                             "  people: [ { id: lisi, name: 李四, department: 打单部 } ]\n"
                             "roles: { order_desk: 打单部, hr: 人事部 }\n");
    auto bad = parse(yaml, dir.path());
    EXPECT_FALSE(bad.group);
    ASSERT_FALSE(bad.errors.empty());
    EXPECT_EQ(bad.errors[0].file, (dir / "huadong.yaml").string());
    EXPECT_TRUE(has(bad.errors[0].message, "companies[0] (华东): ")) << all_errors(bad);
    EXPECT_TRUE(has(all_errors(bad), "人事部")) << all_errors(bad);
}

TEST(Companies, RefusesACompanySectionAtTheTopOfAGroupFile) {
    auto yaml = two_companies("organization:\n  departments: [ { name: 打单部, head: lisi } ]\n");
    expect_refused(parse(yaml), "`organization:` is a company's section, but this file lists companies",
                   "move `organization:` into the company it belongs to");
    expect_refused(parse(two_companies("default_chat: group\n")), "`default_chat:` is a company's section");
    // The other way round: what the group shares is not a company's.
    auto inside = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK") +
                  "    server: { port: 9090 }\n";
    expect_refused(parse(inside), "companies[0] (华东): `server:` is shared by the whole group",
                   "move it to the top of the group file");
    // `config:` and the sections inline.
    test_support::temp_dir dir;
    test_support::write_file(dir / "hd.yaml", "organization: {}\n");
    auto both = platforms +
                "companies:\n  - id: huadong\n    name: 华东\n    short_name: 华东\n    config: hd.yaml\n" +
                "    roles: { order_desk: 打单部 }\n";
    expect_refused(parse(both, dir.path()), "companies[0] (华东) has `config:` and `roles:`",
                   "move `roles:` into hd.yaml");
    // group: without companies:
    auto lone = conf::parse_group("group: { name: 集团 }\n" + std::string(R"(organization:
  departments: [ { name: 打单部, head: lisi }, { name: 人力资源部, head: lisi } ]
  people: [ { id: lisi, name: 李四, department: 打单部 } ]
)"),
                                  "c.yaml");
    expect_refused(lone,
                   "`group:` is the group centre of several companies, and this file has no `companies:`");
}

TEST(Companies, RefusesAnUnknownGroupMember) {
    auto yaml = two_companies("", "group:\n  members:\n    - { id: zhoujie, name: 周杰 }\n    - nobody\n");
    expect_refused(parse(yaml),
                   "group.members: unknown group member 'nobody': no company has a person with that id",
                   "{ id: nobody, name: 姓名");
    auto wrong_company = two_companies("", "group:\n  members: [ beijing:lisi ]\n");
    expect_refused(parse(wrong_company), "group.members: 'beijing:lisi' names company 'beijing'",
                   "huadong, huanan");
    auto not_there = two_companies("", "group:\n  members: [ huanan:nobody ]\n");
    expect_refused(parse(not_there), "group.members: 'huanan:nobody' is not a person of 华南");
    // lisi is a person of both companies: which one?
    auto ambiguous = two_companies("", "group:\n  members: [ lisi ]\n");
    expect_refused(parse(ambiguous),
                   "group.members: 'lisi' is a person of several companies (huadong:lisi, huanan:lisi)",
                   "e.g. huadong:lisi");
    auto fine = parse(two_companies("", "group:\n  members: [ huanan:lisi ]\n"));
    ASSERT_TRUE(fine.group) << all_errors(fine);
    EXPECT_EQ(fine.group->group.members[0].accounts.at("dingtalk"), "huanan-1");
}

TEST(Companies, RefusesTheGroupSettingsThatCannotWork) {
    expect_refused(parse(two_companies("", "group:\n  escalate_from_level: 2\n")),
                   "group.escalate_from_level is set but the group has no chat to notify");
    expect_refused(parse(two_companies("", "group:\n  rollup: { day: 31 }\n")),
                   "group.rollup.day 31 is not in every month", "1 to 28");
    expect_refused(parse(two_companies("", "group:\n  rollup: { at: 9点半 }\n")),
                   "bad time '9点半' for group.rollup.at");
    expect_refused(
        parse(two_companies("", "group:\n  chat: { id: centre, platform: wecom, conversation: x }\n")),
        "group.chat uses platform 'wecom' which is not configured");
    // Two chats on DingTalk: each needs its own robot.
    auto yaml = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK") +
                inline_company("huanan", "华南", "cidB", "B_WEBHOOK");
    auto pos = yaml.rfind(", webhook_env: B_WEBHOOK");
    yaml.erase(pos, std::string(", webhook_env: B_WEBHOOK").size());
    expect_refused(parse(yaml), "companies[1] (华南): chat 'group' on dingtalk has no webhook_env",
                   "webhook_env: <VARIABLE with its webhook URL>");
    // A company without its id, name or short name; two with one short name.
    auto nameless = platforms + "companies:\n  - { id: huadong, organization: {} }\n";
    expect_refused(parse(nameless), "companies[0] has no name, short_name");
    auto same_short = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK") +
                      inline_company("huadong2", "华东", "cidB", "B_WEBHOOK");
    expect_refused(parse(same_short), "companies[1] (华东): short_name '华东' is also companies[0]'s");
    // Two companies on one database.
    auto one_db = platforms + "companies:\n" + inline_company("huadong", "华东", "cidA", "A_WEBHOOK") +
                  "    database: shared.db\n" + inline_company("huanan", "华南", "cidB", "B_WEBHOOK") +
                  "    database: shared.db\n";
    expect_refused(parse(one_db, "/srv"),
                   "companies[1] (华南) stores its data in /srv/shared.db, as companies[0] (华东) does");
}

TEST(Companies, ACompanysErrorsNameItAndItsLine) {
    auto yaml = two_companies();
    auto at = yaml.find("investigators: [生产部] }", yaml.find("huanan"));
    yaml.replace(at, std::string("investigators: [生产部]").size(), "investigators: [品管部]");
    const int line =
        1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + static_cast<long>(at), '\n'));
    auto r = parse(yaml);
    EXPECT_FALSE(r.group);
    ASSERT_EQ(r.errors.size(), 1U) << all_errors(r);
    EXPECT_EQ(r.errors[0].file, "group.yaml");
    EXPECT_EQ(r.errors[0].line, line);
    EXPECT_TRUE(has(r.errors[0].to_string(), "group.yaml:" + std::to_string(line) + ":"))
        << r.errors[0].to_string();
    EXPECT_TRUE(has(r.errors[0].message, "companies[1] (华南): ")) << r.errors[0].message;
    EXPECT_TRUE(has(r.errors[0].message, "品管部")) << r.errors[0].message;
}
