// The effective configuration as plain data: the organization (fixed by SPEC), the roles, and the
// workflow rules that get frozen onto each complaint at registration. Loaded and validated by
// config/ (the loader); rules/ only reads it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.hpp"
#include "core/time.hpp"

namespace rules {

struct person {
    std::string id;
    std::string name;
    std::string department;
    std::map<std::string, std::string> accounts;  // platform -> account id on that platform
    std::vector<std::string> aliases{};           // other names people write for them (小叶, Ye Wen)
};

struct department {
    std::string name;
    std::string head;  // person id
};

// What a name typed in 投诉人 (or `投诉人 P1 <姓名>`) refers to (organization::match_person).
struct person_match {
    const person* found = nullptr;         // the one person meant
    std::vector<const person*> same_name;  // two or more people it fits equally: ambiguous
};

struct organization {
    std::vector<department> departments;
    std::vector<person> people;

    const person* find_person(std::string_view id) const;
    // Matches Traditional/Simplified and full-width variants of the name.
    const department* find_department(std::string_view name) const;
    const person* find_by_account(std::string_view platform, std::string_view account) const;
    bool is_member(std::string_view person_id, std::string_view department) const;
    // Head's person id, or empty when the department is unknown.
    std::string head_of(std::string_view department) const;
    std::string display_name(std::string_view person_id) const;  // name, or the id when unknown
    // The person a typed name means: Traditional/Simplified, full-width and spaces folded, a
    // department or title around it ignored (叶文（营销二部）, 葉文經理, 营销二部 叶文), tried
    // against names, `aliases` and ids. Two people fitting equally (same name) match nobody
    // unless a department written beside the name tells them apart (rules/names.cpp).
    person_match match_person(std::string_view text) const;
};

struct roles {
    std::string order_desk = "打单部";
    std::string hr = "人力资源部";
    std::vector<std::string> investigators{"生产部", "采购部", "物流部"};
    std::string appeal = "监察部";
    std::map<std::string, std::string> vice_presidents;  // department -> person id
    std::vector<std::string> general_manager;            // person ids (GM first, then assistants)
    std::string order_follower = "客服部";               // 客服部跟单员: may post on others' behalf
    std::string finance = "财务部";
};

// Who an escalation level @-mentions.
//   "head"            the head of the department that must act
//   "hr_head"         the head of HR
//   "order_desk_head" the head of 打单部
//   "vp"              the VP of the complainant's department
//   "general_manager" every person of roles.general_manager
//   "person:<id>"     one person
//   "department:<n>"  the head of department n
struct escalation_level {
    core::duration after{0};  // after the stage deadline
    std::string notify = "head";
    bool operator==(const escalation_level&) const = default;
};

struct stage_rule {
    core::duration due{0};                     // from the post (notify: from the last plan)
    std::vector<escalation_level> escalation;  // level 1 first; empty = no escalation
    // After the last level (or the miss, when the chain is empty) the stage is reminded every
    // this long until someone acts; unset = workflow_rules::repeat_every, 0 = never.
    std::optional<core::duration> repeat_every{};
    bool operator==(const stage_rule&) const = default;
};

// Everything that decides deadlines and fines. Frozen (serialized) onto each complaint when it
// is registered, so later config changes never rewrite open complaints.
struct workflow_rules {
    stage_rule accept{std::chrono::minutes(5), {{}}};
    stage_rule publish{std::chrono::minutes(30), {{}}};        // product complaints
    stage_rule route{std::chrono::minutes(30), {{}}};          // service complaints
    stage_rule respond{std::chrono::hours(2), {}};             // miss = fine each silent department
    stage_rule notify{std::chrono::minutes(10), {{}}};         // service complaints, after the last plan
    core::duration respond_warning{std::chrono::minutes(30)};  // before the respond deadline; 0 = off
    // A department routed late still gets at least this long to answer.
    core::duration respond_minimum{std::chrono::minutes(30)};
    int fine_amount = 50;  // yuan
    std::vector<std::string> compensation_keywords{"赔", "索赔", "退货", "换货", "退换", "补偿"};
    core::duration appeal_window{std::chrono::hours(24 * 7)};
    stage_rule review{std::chrono::hours(24), {{std::chrono::milliseconds(0), "general_manager"}}};
    // The compensation flow and return freight: how long each step may take before the bot
    // reminds whoever must act, and how many reminders it posts (one per period).
    core::duration sign_due{std::chrono::hours(15)};  // 17:30 sheet → 08:30 next morning
    core::duration vp_due{std::chrono::hours(24)};
    core::duration gm_due{std::chrono::hours(24)};
    core::duration execute_due{std::chrono::hours(24)};
    core::duration freight_due{std::chrono::hours(24)};  // each freight sign-off
    int reminders = 3;
    // A stage nobody acts on is reminded this often after its last escalation level (0 = never).
    core::duration repeat_every{std::chrono::hours(1)};
    // Count deadlines in working time (the business calendar) instead of clock time.
    bool business_time = false;
    bool operator==(const workflow_rules&) const = default;
};

// The workflow rules a complaint was registered under, shared and immutable: complaints under the
// same rules hold one copy between them (the bot keeps every open complaint in memory), not one
// each. Reads go through -> or *; a change makes a copy (copy on write).
class frozen_rules {
  public:
    frozen_rules();  // the defaults
    // The same rules as the last ones frozen give the same shared copy (registration freezes the
    // config's rules onto every complaint).
    frozen_rules(const workflow_rules& r);  // NOLINT(google-explicit-constructor): c.rules = cfg.workflow
    explicit frozen_rules(std::shared_ptr<const workflow_rules> shared);
    // A copy shares the rules, never a copy made for edit().
    frozen_rules(const frozen_rules& o) : p_(o.p_) {}
    frozen_rules& operator=(const frozen_rules& o) {
        p_ = o.p_;
        own_.reset();
        return *this;
    }
    frozen_rules(frozen_rules&&) noexcept = default;
    frozen_rules& operator=(frozen_rules&&) noexcept = default;
    ~frozen_rules() = default;

    const workflow_rules& operator*() const { return *p_; }
    const workflow_rules* operator->() const { return p_.get(); }
    operator const workflow_rules&() const { return *p_; }  // NOLINT: pass where rules are read
    // The shared copy itself (storage caches its SHA-256 by it).
    const std::shared_ptr<const workflow_rules>& shared() const { return p_; }
    // A copy to change, replacing this complaint's rules (tests; never the shared copy).
    workflow_rules& edit();
    bool operator==(const frozen_rules& o) const { return p_ == o.p_ || *p_ == *o.p_; }

  private:
    std::shared_ptr<const workflow_rules> p_;
    std::shared_ptr<workflow_rules> own_;  // after edit(): the copy p_ points at
};

// 回访 (the visit to the customer after a complaint closed, rules/followup.cpp): the bot asks for
// it `after_days` work days after the closing; it is to be recorded within `within_days` work days
// of the request, is reminded once halfway and escalated to the head at the end. Work days are the
// calendar's (work_days, holidays, 调休), in either calendar mode.
struct followup_settings {
    bool enabled = true;
    int after_days = 1;
    int within_days = 3;
    std::string by;   // "" = the complainant; else the department whose head and members visit (客服部)
    int target = 85;  // 满意率 the company aims at (003: 85 %), in the monthly report
    bool operator==(const followup_settings&) const = default;
};

// The customer's clock (rules/customer.cpp, 客诉篇: tell the customer within 24 h; a complaint
// without a solution after a week goes to the next higher leader). Fixed onto each complaint when
// it is registered, on the wall clock (the customer's time, not the work hours).
struct customer_settings {
    bool enabled = true;
    // 已答复客户 P1 by the complainant within this of the post; reminded `remind_before` it,
    // escalated to the complainant's head at it (0 = no reminder).
    core::duration answer_within{std::chrono::hours(24)};
    core::duration remind_before{std::chrono::hours(2)};
    // Still open this long after the post: the complainant's VP supervises (督办), and
    // `gm_after` later the general manager; each level once.
    core::duration resolve_within{std::chrono::hours(24 * 7)};
    core::duration gm_after{std::chrono::hours(24)};
    bool operator==(const customer_settings&) const = default;
};

// Severity and crisis (客户危机事件处理: 一级投诉 — ten or more complainants together, protests,
// media exposure — is handled at once): the words that make the receipt propose 一级 ("…" stands
// for a few characters: 投诉到…局), and what 一级 does — every pending stage due within `stage`
// (respond within `respond`) of the level being set, a miss @-mentions the general manager, a
// status post every `status_every` until it closes.
struct crisis_settings {
    std::vector<std::string> keywords{"群诉", "集体投诉",  "媒体",  "曝光",
                                      "记者", "投诉到…局", "12315", "上访"};
    core::duration status_every{std::chrono::hours(1)};
    core::duration stage{std::chrono::minutes(15)};
    core::duration respond{std::chrono::hours(1)};
    bool operator==(const crisis_settings&) const = default;
};

// Approval by amount (001: within a set amount customer service settles by itself, a leader
// countersigns later): 赔偿 P1 <金额> below `self_approve_below` yuan lets 打单部 execute once the
// heads signed, without the VP and the general manager; the general manager countersigns afterwards
// (补签 P1). 0: every compensation goes the VP → general manager way.
struct compensation_settings {
    int self_approve_below = 0;
    bool operator==(const compensation_settings&) const = default;
};

// 问题类别: the categories a complaint may be filed under (the form's optional field, 分类 P1 <类别>).
inline std::vector<std::string> default_categories() {
    return {"外观", "尺寸", "性能", "包装", "物流", "错发漏发", "交期", "服务态度", "其他"};
}

struct schedules {
    std::string daily_summary = "18:00";  // "" = off
    std::string sheet = "17:30";          // compensation flow sheet, end of work day
    std::string forward = "09:00";        // sheet forwarded to the VP next morning
    std::string weekly_report = "周五 17:00";
    std::string monthly_report = "09:00";  // on the first work day of each month: the month before
};

// A chat platform's settings. Secrets are never in the file: `env` maps each credential to the
// name of the environment variable that holds it (app_secret, webhook, webhook_secret, token, aes_key).
struct platform_settings {
    std::string name;  // dingtalk, wecom, feishu, slack
    std::map<std::string, std::string> env;
    // WeCom: "" for the AI bot, the CorpID for an app. DingTalk: events_receive_id, the AppKey (or
    // CorpId) that the encrypted event subscription's messages end with.
    std::string receive_id;
    // DingTalk: http (callbacks to /hooks/dingtalk) or stream (WebSocket). WeCom: http or websocket
    // (the AI bot's long connection). Feishu: websocket or http. Slack: socket (Socket Mode) or http.
    std::string mode = "http";
    // Where the platform is: DingTalk's Stream gateway (empty = https://api.dingtalk.com), WeCom's
    // long connection (empty = wss://openws.work.weixin.qq.com), Feishu's API host from `domain`
    // (https://open.feishu.cn or https://open.larksuite.com), Slack's Web API (https://slack.com/api).
    // Tests point them at loopback fakes.
    std::string gateway;
    std::string bot_name;  // WeCom: the bot's display name, stripped from the front of a message
    int per_minute = 20;   // outbound rate limit per robot
};

// A group the bot lives in: our id for it, its platform and the platform's conversation id.
struct chat_settings {
    std::string id;
    std::string platform;
    std::string conversation;  // empty: any conversation of that platform
    // The chat's own group robot, where the platform posts through one (DingTalk, WeCom over HTTP):
    // the environment variables of its webhook URL and 加签 secret; empty = the platform's. In a group
    // of companies every chat on such a platform has its own (config/companies.cpp checks it).
    std::string webhook_env{};
    std::string webhook_secret_env{};
};

struct server_settings {
    std::string listen = "127.0.0.1";
    int port = 8080;
    int body_limit = 256 * 1024;  // bytes
    std::string ca_file;          // extra trust anchors for outbound TLS (tests); empty = system store
    bool dashboard = true;        // HR's dashboard (/, /login, /logout, /api/*) beside the hooks
    // The URL people open (the TLS reverse proxy's), e.g. https://bot.example.com; https makes the
    // session cookie Secure. Empty: not known (cookies without Secure).
    std::string public_url;
};

// A company of a group whose 客户关系中心 hears of its escalations (rules/group.hpp,
// group.escalate_from_level): an escalation at level `from_level` or above is also posted to the
// group chat, its text prefixed with the company's short name ("【华东】"), @-mentioning the centre's
// members. Set by the group loader for each company; unset for a single company.
struct group_escalation {
    std::string chat;    // the group chat's id
    std::string prefix;  // "【华东】"
    int from_level = 1;
    std::vector<std::string> members;       // the centre's members (person ids)
    std::vector<std::string> member_names;  // their names, for the @ line
};

struct config {
    std::string source_file;
    std::string company;  // printed on the sheet and the statement; empty = not printed
    std::string timezone = "Asia/Shanghai";
    std::string database = "data/complaint-bot.db";  // a SQLite file, or a postgresql:// URL
    std::string database_password_env;               // PostgreSQL's password, from this variable
    std::string default_chat = "group";              // chat that scheduled posts go to
    organization org;
    rules::roles roles;
    workflow_rules workflow;
    rules::schedules schedules;
    followup_settings followup;
    customer_settings customer;
    compensation_settings compensation;
    crisis_settings crisis;
    // workflow.require_manager_approval: a post waits for the complainant's head's 批准 P1, reminded
    // every approval_remind; off by default.
    bool require_manager_approval = false;
    core::duration approval_remind{std::chrono::minutes(5)};
    std::vector<std::string> categories = default_categories();
    core::calendar_settings calendar;  // business = false: wall clock
    server_settings server;
    std::vector<platform_settings> platforms;
    std::vector<chat_settings> chats;
    std::optional<group_escalation> group;  // a company of a group: the escalations it hears of
};

}  // namespace rules
