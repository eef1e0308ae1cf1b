// check-config says everything serve would say: the text checks before YAML (size, encoding,
// tabs, full-width colons), duplicate keys at any depth, what serve needs (secret variable names
// per platform mode, chats, default_chat) and the warnings (people without an account, unset
// variables). Each refusal names line:column and a fix, and yields no config.
#include "config/checks.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "support/test_support.hpp"

namespace {

const std::string org = R"(timezone: Asia/Shanghai
organization:
  departments:
    - { name: 打单部, head: lisi }
    - { name: 人力资源部, head: wangwu }
    - { name: 生产部, head: zhaoliu }
  people:
    - { id: lisi, name: 李四, department: 打单部, accounts: { dingtalk: "dt-01", wecom: "LiSi" } }
    - { id: wangwu, name: 王五, department: 人力资源部, accounts: { dingtalk: "dt-02" } }
    - { id: zhaoliu, name: 赵六, department: 生产部, accounts: { dingtalk: "dt-03" } }
roles:
  order_desk: 打单部
  hr: 人力资源部
)";

const std::string dingtalk_http = R"(platforms:
  dingtalk: { app_secret_env: DT_SECRET, webhook_env: DT_WEBHOOK, webhook_secret_env: DT_WEBHOOK_SECRET }
chats:
  - { id: group, platform: dingtalk }
)";

conf::config_load_result parse(const std::string& yaml, const conf::env_lookup& env = {}) {
    return conf::parse_config(yaml, "c.yaml", {}, env);
}

std::string all(const std::vector<conf::config_error>& errors) {
    std::string out;
    for (const auto& e : errors) out += e.to_string() + "\n";
    return out;
}

bool has(const std::vector<conf::config_error>& errors, const std::string& text) {
    return all(errors).find(text) != std::string::npos;
}

}  // namespace

TEST(ConfigText, ASecondRolesSectionIsRefusedNamingBothLines) {
    auto r = parse(org + dingtalk_http + "roles:\n  hr: 生产部\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors, "c.yaml:18:1: duplicate key 'roles' at the top level (first at line 11)"))
        << all(r.errors);
    EXPECT_TRUE(has(r.errors, "merge them into one `roles:`")) << all(r.errors);
}

TEST(ConfigText, ADuplicateKeyInsideAPersonIsRefused) {
    auto yaml = org;
    yaml.replace(yaml.find("name: 王五,"), 0, "name: 王伍, ");
    auto r = parse(yaml);
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(
        has(r.errors, "c.yaml:9:31: duplicate key 'name' in organization.people[2] (first at line 9)"))
        << all(r.errors);
}

TEST(ConfigText, DuplicateKeysInNestedBlockMappingsAreRefused) {
    auto r =
        parse(org + "workflow:\n  stages:\n    accept:\n      due: 5m\n      due: 10m\n    accept: {}\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(
        has(r.errors, "c.yaml:18:7: duplicate key 'due' in workflow.stages.accept (first at line 17)"))
        << all(r.errors);
    EXPECT_TRUE(has(r.errors, "c.yaml:19:5: duplicate key 'accept' in workflow.stages (first at line 16)"))
        << all(r.errors);
}

TEST(ConfigText, TheSameKeyInDifferentMappingsIsNoDuplicate) {
    auto r = parse(org + dingtalk_http);
    EXPECT_TRUE(r.config) << all(r.errors);
    EXPECT_TRUE(r.serve_errors.empty()) << all(r.serve_errors);
}

TEST(ConfigText, AGbkFileFromNotepadIsNamedAsSuchWithTheFix) {
    // "打单部" and "李四" as Windows Notepad saves them on a Chinese system (GBK / ANSI).
    std::string gbk =
        "organization:\n  departments:\n    - { name: \xB4\xF2\xB5\xA5\xB2\xBF, head: lisi }\n"
        "  people:\n    - { id: lisi, name: \xC0\xEE\xCB\xC4, department: \xB4\xF2\xB5\xA5\xB2\xBF }\n";
    auto r = parse(gbk);
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u) << all(r.errors);
    EXPECT_EQ(r.errors[0].to_string(),
              "c.yaml:3:15: the file is saved as GBK/ANSI (e.g. by Windows Notepad), not UTF-8 — open it in "
              "Notepad, choose 文件 → 另存为 (File → Save As), set 编码 (Encoding) to UTF-8, save, and run "
              "check-config again");
}

TEST(ConfigText, BytesThatAreNeitherUtf8NorGbkAreRefusedNamingTheByte) {
    auto r = parse("timezone: Asia/Shanghai\ndatabase: 数据\x80.db\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors, "c.yaml:2:13: the file is not valid UTF-8 (byte 0x80 here)")) << all(r.errors);
}

TEST(ConfigText, AUtf16FileIsNamedAsUnicode) {
    std::string utf16("\xFF\xFEt\0i\0", 6);
    auto r = parse(utf16);
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors, "saved as UTF-16 (\"Unicode\" in Windows Notepad)")) << all(r.errors);
}

TEST(ConfigText, ATabInTheIndentationIsRefusedAtItsLineAndColumn) {
    auto yaml = org;
    yaml.replace(yaml.find("  hr: 人力资源部"), 2, " \t");
    auto r = parse(yaml);
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u) << all(r.errors);
    EXPECT_EQ(
        r.errors[0].to_string(),
        "c.yaml:13:2: a tab is used for indentation — YAML indents with spaces only: replace the tab with "
        "spaces, aligned with the lines above");
}

TEST(ConfigText, TabsInsideValuesCommentsAndBlockScalarsAreFine) {
    auto r = parse(org + "# a comment\twith a tab\nworkflow:\n  compensation_keywords: [\"赔\t偿\", 退货]\n" +
                   "schedules:\n  sheet: |-\n    17:30\n");
    // The block scalar's value is checked by the loader, not refused as a tab or a duplicate.
    EXPECT_FALSE(has(r.errors, "tab")) << all(r.errors);
}

TEST(ConfigText, AFullWidthColonAfterAKeyIsRefusedWithTheCorrectedLine) {
    auto yaml = org;
    yaml.replace(yaml.find("timezone: "), 10, "timezone： ");
    auto r = parse(yaml);
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u) << all(r.errors);
    EXPECT_EQ(
        r.errors[0].to_string(),
        "c.yaml:1:9: full-width colon '：' after `timezone` — YAML needs the ASCII colon ':' and a space: "
        "write `timezone: Asia/Shanghai` (switch the input method to English punctuation)");
}

TEST(ConfigText, AFullWidthColonInAFlowMappingOrAfterAChineseKeyIsRefused) {
    auto r1 = parse(org + "chats:\n  - { id： group, platform: dingtalk }\n");
    EXPECT_TRUE(has(r1.errors, "c.yaml:15:9: full-width colon '：' after `id`")) << all(r1.errors);
    EXPECT_TRUE(has(r1.errors, "write `- { id: group, platform: dingtalk }`")) << all(r1.errors);
    auto r2 = parse(org + "  vice_presidents:\n    生产部：zhaoliu\n");
    EXPECT_TRUE(has(r2.errors, "c.yaml:15:8: full-width colon '：' after `生产部`")) << all(r2.errors);
    EXPECT_TRUE(has(r2.errors, "write `生产部: zhaoliu`")) << all(r2.errors);
}

TEST(ConfigText, AFullWidthColonInsideAValueIsFine) {
    auto r = parse(org +
                   "workflow:\n  compensation_keywords: [赔, 退货, \"备注：补偿\"]\n"
                   "  # 说明：这里是注释\n" +
                   dingtalk_http);
    EXPECT_TRUE(r.config) << all(r.errors);
}

TEST(ConfigText, AFullWidthSpaceInTheIndentationIsRefused) {
    auto r = parse(org + "workflow:\n\xE3\x80\x80 fine_amount: 50\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors, "c.yaml:15:1: a full-width space (全角空格) is used for indentation"))
        << all(r.errors);
}

TEST(ConfigText, AFileOverOneMegabyteIsRefusedBeforeItIsRead) {
    test_support::temp_dir dir;
    std::string big = org + "# " + std::string(1024 * 1024, 'x') + "\n";
    test_support::write_file(dir / "big.yaml", big);
    auto r = conf::load_config(dir / "big.yaml");
    EXPECT_FALSE(r.config);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].to_string().find("big.yaml: the config file is " + std::to_string(big.size()) +
                                           " bytes, over the 1 MB limit"),
              std::string::npos)
        << r.errors[0].to_string();
    EXPECT_FALSE(parse(big).config);
}

TEST(ServeChecks, DingtalkHttpModeWithoutItsAppSecretVariableIsRefusedForServe) {
    auto r = parse(org +
                   "platforms:\n  dingtalk: { webhook_env: DT_WEBHOOK, webhook_secret_env: DT_WS }\n"
                   "chats:\n  - { id: group, platform: dingtalk }\n");
    ASSERT_TRUE(r.config) << all(r.errors);  // fine for replay
    ASSERT_EQ(r.serve_errors.size(), 1u) << all(r.serve_errors);
    EXPECT_EQ(
        r.serve_errors[0].to_string(),
        "c.yaml:15:13: platforms.dingtalk (mode http) has no `app_secret_env` — add `app_secret_env: "
        "DINGTALK_APP_SECRET` under platforms.dingtalk and export that variable with the app's AppSecret "
        "(开发者后台 → 应用开发 → 凭证与基础信息), which checks DingTalk's callbacks");
}

TEST(ServeChecks, DingtalkStreamModeNeedsTheClientIdAndSecretVariables) {
    auto r = parse(org +
                   "platforms:\n  dingtalk:\n    mode: stream\n    app_secret_env: DT_SECRET\n"
                   "    webhook_env: DT_WEBHOOK\n    webhook_secret_env: DT_WS\n"
                   "chats:\n  - { id: group, platform: dingtalk }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    EXPECT_TRUE(has(r.serve_errors, "c.yaml:16:5: platforms.dingtalk (mode stream) has no `client_id_env`"))
        << all(r.serve_errors);
    // The ClientSecret is the AppSecret: the fix names the variable the file already has.
    EXPECT_TRUE(has(r.serve_errors, "has no `client_secret_env` — add `client_secret_env: DT_SECRET`"))
        << all(r.serve_errors);
}

TEST(ServeChecks, WecomNeedsTheTokenTheAesKeyAndTheWebhookVariables) {
    auto r = parse(
        org + "platforms:\n  wecom: { token_env: WC_TOKEN }\nchats:\n  - { id: group, platform: wecom }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    EXPECT_EQ(r.serve_errors.size(), 2u) << all(r.serve_errors);
    EXPECT_TRUE(has(r.serve_errors,
                    "platforms.wecom (mode http) has no `aes_key_env` — add `aes_key_env: WECOM_AES_KEY`"));
    EXPECT_TRUE(
        has(r.serve_errors,
            "platforms.wecom (mode http) has no `webhook_env` — add `webhook_env: WECOM_WEBHOOK_URL`"));
}

TEST(ServeChecks, ADefaultChatNamingNoChatIsRefused) {
    auto r = parse(org + "default_chat: grop\n" + dingtalk_http);
    ASSERT_TRUE(r.config) << all(r.errors);
    ASSERT_EQ(r.serve_errors.size(), 1u) << all(r.serve_errors);
    EXPECT_EQ(
        r.serve_errors[0].to_string(),
        "c.yaml:14:15: default_chat 'grop' names no chat — write one of the chat ids under chats: group");
    // Without default_chat the posts go to "group": a file with other chat ids needs one.
    auto r2 = parse(org +
                    "platforms:\n  dingtalk: { app_secret_env: A, webhook_env: W }\n"
                    "chats:\n  - { id: 质量群, platform: dingtalk }\n");
    EXPECT_TRUE(has(r2.serve_errors, "c.yaml:17:3: no chat has the id 'group'")) << all(r2.serve_errors);
    EXPECT_TRUE(has(r2.serve_errors, "add `default_chat: <id>` naming one of: 质量群"))
        << all(r2.serve_errors);
}

TEST(ServeChecks, TwoChatsWithTheSameIdAreRefused) {
    auto r = parse(org + dingtalk_http + "  - { id: group, platform: dingtalk, conversation: cid2 }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    ASSERT_EQ(r.serve_errors.size(), 1u) << all(r.serve_errors);
    EXPECT_EQ(r.serve_errors[0].to_string(),
              "c.yaml:18:11: chat id 'group' is used twice (first at line 17) — give each chat its own id");
}

TEST(ServeChecks, AChatOnAPlatformThatIsNotConfiguredIsRefused) {
    auto r = parse(org + dingtalk_http + "  - { id: hr, platform: wecom }\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors, "c.yaml:18:25: chat 'hr' uses platform 'wecom' which is not configured"))
        << all(r.errors);
}

TEST(ServeChecks, PeopleWithoutAnAccountOnAnyConfiguredPlatformAreWarned) {
    auto yaml = org;
    yaml.replace(yaml.find(", accounts: { dingtalk: \"dt-03\" }"), 33, "");
    auto r = parse(yaml +
                   "platforms:\n  dingtalk: { app_secret_env: A, webhook_env: W, webhook_secret_env: S }\n"
                   "  wecom: { token_env: T, aes_key_env: K, webhook_env: W2 }\n"
                   "chats:\n  - { id: group, platform: dingtalk }\n  - { id: hr, platform: wecom }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    EXPECT_TRUE(r.serve_errors.empty()) << all(r.serve_errors);
    // 赵六 has none; 王五 has DingTalk only, which is enough to be recognised there.
    ASSERT_EQ(r.warnings.size(), 1u) << all(r.warnings);
    EXPECT_EQ(
        r.warnings[0].to_string(),
        "c.yaml:10:7: person 'zhaoliu' (赵六) has no account on dingtalk, wecom: the bot will not recognise "
        "their posts nor @-mention them — add accounts: { dingtalk: <their DingTalk userid> } to that "
        "person");
}

TEST(ServeChecks, UnsetSecretVariablesAreWarnedOnlyWhenAnEnvironmentIsGiven) {
    EXPECT_TRUE(parse(org + dingtalk_http).warnings.empty());
    auto env = [](const std::string& name) { return name == "DT_SECRET" ? std::string("x") : std::string{}; };
    auto r = parse(org + dingtalk_http, env);
    ASSERT_TRUE(r.config);
    EXPECT_TRUE(r.serve_errors.empty());
    EXPECT_TRUE(has(r.warnings,
                    "c.yaml:15:55: environment variable DT_WEBHOOK (platforms.dingtalk.webhook_env) "
                    "is not set here — serve refuses to start until it is exported"))
        << all(r.warnings);
    EXPECT_TRUE(has(r.warnings,
                    "DT_WEBHOOK_SECRET (platforms.dingtalk.webhook_secret_env) is not set here — if "
                    "the robot uses 加签"))
        << all(r.warnings);
    EXPECT_FALSE(has(r.warnings, "DT_SECRET "));
}

TEST(ServeChecks, APlatformNoChatUsesIsWarnedAndAConfigWithoutChatsIsRefusedForServe) {
    auto r = parse(org + "platforms:\n  dingtalk: { app_secret_env: A, webhook_env: W }\n");
    ASSERT_TRUE(r.config);
    EXPECT_TRUE(r.has_serve_sections);
    EXPECT_TRUE(has(r.warnings, "platforms.dingtalk is configured but no chat uses it")) << all(r.warnings);
    EXPECT_TRUE(has(r.serve_errors, "no chat is configured: serve has nowhere to post"))
        << all(r.serve_errors);
    auto replay_only = parse(org);
    EXPECT_FALSE(replay_only.has_serve_sections);
    EXPECT_FALSE(replay_only.serve_errors.empty());
}

TEST(ServeChecks, MissingSecretNamesTheFirstUnsetVariableNeverItsValue) {
    rules::platform_settings p;
    p.name = "dingtalk";
    p.env = {{"app_secret", "DT_SECRET"}, {"webhook", "DT_WEBHOOK"}};
    auto env = [](const std::string& name) {
        return name == "DT_SECRET" ? std::string("SECx") : std::string{};
    };
    EXPECT_EQ(conf::missing_secret(p, env),
              "environment variable DT_WEBHOOK (platforms.dingtalk.webhook_env) is empty or unset: export it "
              "before starting serve");
    p.mode = "stream";
    EXPECT_NE(conf::missing_secret(p, env).find("platforms.dingtalk.client_id_env is not set"),
              std::string::npos);
}

TEST(CheckConfig, RefusesWhatServeRefusesAndServeRefusesTheSameWithoutTouchingTheDatabase) {
    test_support::temp_dir dir;
    auto yaml = org + "database: " + (dir / "bot.db").string() + "\ndefault_chat: grop\n" + dingtalk_http;
    test_support::write_file(dir / "c.yaml", yaml);
    std::string out;
    auto check = std::string(BOT_BINARY) + " check-config " + (dir / "c.yaml").string();
    EXPECT_EQ(test_support::run_command(check + " 2>&1", out), 2);
    EXPECT_NE(out.find("c.yaml:15:15: default_chat 'grop' names no chat"), std::string::npos) << out;
    EXPECT_NE(out.find("serve would refuse this config (1 problem)"), std::string::npos) << out;
    EXPECT_EQ(test_support::run_command("DT_SECRET=a DT_WEBHOOK=b " + std::string(BOT_BINARY) +
                                            " serve --config " + (dir / "c.yaml").string() + " 2>&1",
                                        out),
              2);
    EXPECT_NE(out.find("default_chat 'grop' names no chat"), std::string::npos) << out;
    EXPECT_FALSE(std::filesystem::exists(dir / "bot.db"));
}

TEST(CheckConfig, WarningsGoToStandardErrorWithExitZero) {
    test_support::temp_dir dir;
    auto yaml = org;
    yaml.replace(yaml.find(", accounts: { dingtalk: \"dt-03\" }"), 33, "");
    test_support::write_file(dir / "c.yaml", yaml + dingtalk_http);
    std::string out;
    auto check = std::string(BOT_BINARY) + " check-config " + (dir / "c.yaml").string();
    EXPECT_EQ(test_support::run_command(check + " 2>/dev/null", out), 0);
    EXPECT_EQ(out.find("has no account"), std::string::npos) << out;
    EXPECT_NE(out.find("产品质量投诉 (P):"), std::string::npos) << out;
    EXPECT_EQ(test_support::run_command(check + " 2>&1 >/dev/null", out), 0);
    EXPECT_NE(out.find("c.yaml:10:7: warning: person 'zhaoliu' (赵六) has no account on dingtalk"),
              std::string::npos)
        << out;
}

// The four platforms' sections, each mode's secrets, and what check-config says each path can do.
TEST(ServeChecks, FeishuInWebsocketModeNeedsTheAppIdAndSecretAndSaysWhatItsPathsDo) {
    auto r = parse(org +
                   "platforms:\n  feishu: { mode: websocket, app_id_env: FS_APP_ID }\n"
                   "chats:\n  - { id: group, platform: feishu, conversation: oc_abc }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    ASSERT_EQ(r.serve_errors.size(), 1u) << all(r.serve_errors);
    EXPECT_TRUE(has(r.serve_errors,
                    "platforms.feishu (mode websocket) has no `app_secret_env` — add "
                    "`app_secret_env: FEISHU_APP_SECRET`"))
        << all(r.serve_errors);
    const auto& p = r.config->platforms.at(0);
    EXPECT_EQ(p.gateway, "https://open.feishu.cn");
    EXPECT_EQ(p.per_minute, 100);
    auto paths = conf::platform_paths(p);
    ASSERT_FALSE(paths.empty());
    EXPECT_EQ(paths.front(), "receives: the event long connection (no public URL)");
    auto text = conf::explain_config(*r.config);
    EXPECT_NE(text.find("feishu (mode websocket) buttons: interactive cards"), std::string::npos) << text;
}

TEST(ServeChecks, FeishuHttpModeAlsoNeedsTheVerificationTokenAndLarkIsADomain) {
    auto r =
        parse(org +
              "platforms:\n  feishu: { mode: http, domain: larksuite, app_id_env: FS_ID, app_secret_env: "
              "FS_SECRET }\nchats:\n  - { id: group, platform: feishu, conversation: oc_1 }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    EXPECT_EQ(r.config->platforms.at(0).gateway, "https://open.larksuite.com");
    ASSERT_EQ(r.serve_errors.size(), 1u) << all(r.serve_errors);
    EXPECT_TRUE(has(r.serve_errors, "has no `verification_token_env`")) << all(r.serve_errors);
}

TEST(ServeChecks, AnUnknownFeishuDomainOrSlackModeIsRefusedWithTheChoices) {
    auto r = parse(org + "platforms:\n  feishu: { domain: dingtalk }\n  slack: { mode: rtm }\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors,
                    "unknown domain 'dingtalk' for platforms.feishu — use feishu (飞书, "
                    "open.feishu.cn) or larksuite"))
        << all(r.errors);
    EXPECT_TRUE(has(r.errors, "unknown mode 'rtm' for platforms.slack — use socket (Socket Mode"))
        << all(r.errors);
}

TEST(ServeChecks, SlackSocketModeNeedsTheBotAndAppTokensHttpModeTheSigningSecret) {
    auto socket = parse(org +
                        "platforms:\n  slack: { bot_token_env: SL_BOT }\nchats:\n"
                        "  - { id: group, platform: slack, conversation: C0123 }\n");
    ASSERT_TRUE(socket.config) << all(socket.errors);
    EXPECT_EQ(socket.config->platforms.at(0).mode, "socket");
    EXPECT_EQ(socket.config->platforms.at(0).per_minute, 60);
    ASSERT_EQ(socket.serve_errors.size(), 1u) << all(socket.serve_errors);
    EXPECT_TRUE(has(socket.serve_errors, "has no `app_token_env` — add `app_token_env: SLACK_APP_TOKEN`"));
    auto http = parse(org +
                      "platforms:\n  slack: { mode: http, bot_token_env: SL_BOT }\nchats:\n"
                      "  - { id: group, platform: slack, conversation: C01 }\n");
    ASSERT_TRUE(http.config) << all(http.errors);
    ASSERT_EQ(http.serve_errors.size(), 1u) << all(http.serve_errors);
    EXPECT_TRUE(has(http.serve_errors, "has no `signing_secret_env`")) << all(http.serve_errors);
}

TEST(ServeChecks, WecomWebsocketModeNeedsTheBotIdAndSecretButNoCallbackKeys) {
    auto r = parse(org +
                   "platforms:\n  wecom: { mode: websocket, bot_id_env: WC_BOT, secret_env: WC_SECRET }\n"
                   "chats:\n  - { id: group, platform: wecom, conversation: wrkSFfCgAA }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    EXPECT_TRUE(r.serve_errors.empty()) << all(r.serve_errors);
    EXPECT_FALSE(has(r.warnings, "webhook_env")) << all(r.warnings);  // no group robot needed
    auto paths = conf::platform_paths(r.config->platforms.at(0));
    EXPECT_EQ(paths.front(),
              "receives: the AI bot's long connection (no public URL; one connection per bot)");
    auto unbound =
        parse(org +
              "platforms:\n  wecom: { mode: websocket, bot_id_env: WC_BOT, secret_env: WC_SECRET }\n"
              "chats:\n  - { id: group, platform: wecom }\n");
    ASSERT_TRUE(unbound.config) << all(unbound.errors);
    EXPECT_TRUE(
        has(unbound.serve_errors, "chat 'group' on wecom has no `conversation`: the bot cannot post there"))
        << all(unbound.serve_errors);
}

TEST(ServeChecks, ADingtalkSetupWithoutARobotSaysItsTimedPostsCannotGoOut) {
    rules::platform_settings p;
    p.name = "dingtalk";
    p.mode = "stream";
    auto paths = conf::platform_paths(p);
    bool warned = false;
    for (const auto& l : paths) warned = warned || l.rfind("timed posts: NONE", 0) == 0;
    EXPECT_TRUE(warned);
}

TEST(ServeChecks, DingtalkEventSecretsComeInPairsWithTheirReceiveId) {
    auto r =
        parse(org + "platforms:\n  dingtalk: { app_secret_env: A, webhook_env: W, events_token_env: ET }\n");
    EXPECT_FALSE(r.config);
    EXPECT_TRUE(has(r.errors, "needs both events_token_env and events_aes_key_env, or neither"))
        << all(r.errors);
    auto ok = parse(org +
                    "platforms:\n  dingtalk: { app_secret_env: A, webhook_env: W, events_token_env: ET, "
                    "events_aes_key_env: EK, events_receive_id: dingabc123 }\n"
                    "chats:\n  - { id: group, platform: dingtalk }\n");
    ASSERT_TRUE(ok.config) << all(ok.errors);
    EXPECT_EQ(ok.config->platforms.at(0).receive_id, "dingabc123");
}

TEST(ServeChecks, SlackAndFeishuChatsNeedTheirConversationIdUnlessARobotCarriesThePosts) {
    auto r = parse(org +
                   "platforms:\n  slack: { mode: http, bot_token_env: SB, signing_secret_env: SS }\n"
                   "  feishu: { app_id_env: FI, app_secret_env: FS }\n"
                   "chats:\n  - { id: group, platform: slack }\n  - { id: fs, platform: feishu }\n");
    ASSERT_TRUE(r.config) << all(r.errors);
    EXPECT_TRUE(has(r.serve_errors,
                    "chat 'group' on slack has no `conversation`: the bot cannot post there — add "
                    "conversation: <the channel id (C…"))
        << all(r.serve_errors);
    EXPECT_TRUE(has(r.serve_errors, "chat 'fs' on feishu has no `conversation`")) << all(r.serve_errors);
    auto robot = parse(org +
                       "platforms:\n  feishu: { app_id_env: FI, app_secret_env: FS, webhook_env: FW }\n"
                       "chats:\n  - { id: group, platform: feishu }\n");
    ASSERT_TRUE(robot.config) << all(robot.errors);
    EXPECT_TRUE(robot.serve_errors.empty()) << all(robot.serve_errors);
}
