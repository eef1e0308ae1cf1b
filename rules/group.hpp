// A group of companies in one deployment (004 篇1, 000: a group 客户关系中心 supervising every
// subsidiary's complaint handling): each company is a full tenant — its own organization, roles,
// workflow, calendar, chats, 回访 settings, complaint numbering and database — and the group centre
// has its members, its own chat, the escalation levels it hears of and its monthly roll-up. Loaded
// by config::load_group (config/loader.hpp); a config without `companies:` is a group of one
// implicit company (id "", no short name, nothing prefixed anywhere). Plain data: rules/ only reads it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/config.hpp"

namespace rules {

struct company {
    std::string id;          // ASCII letters, digits and '-': file names and URLs; "" = the implicit one
    std::string name;        // 全称, printed on its sheets and statements
    std::string short_name;  // 简称 ("华东"), shown before complaint ids where they could be ambiguous
    config cfg;              // the company's own configuration, its database included

    // "华东 P3" for a company of a group, "P3" for the implicit company.
    std::string label(std::string_view complaint_id) const;
    // The short name, else the name, else "本公司": what names the company in the group's reports.
    std::string title() const;
};

struct rollup_schedule {
    int day = 1;  // day of the month (1–28) the roll-up of the month before is posted
    std::string at = "09:30";
};

struct group_settings {
    std::string name = "集团客户关系中心";
    // The centre's staff: @-mentioned on the roll-up and the escalations it hears of, dashboard
    // accounts over every company. `department` is the group's name.
    std::vector<person> members;
    std::optional<chat_settings> chat;  // the centre's own chat
    // Escalation levels at or above this one (1 = the first level of a chain) also notify the
    // group chat; unset: none do.
    std::optional<int> escalate_from_level;
    rollup_schedule rollup;

    const person* find_member(std::string_view id) const;
    const person* member_by_account(std::string_view platform, std::string_view account) const;
    // Whether escalation level `level` (1-based) of a company's chain also goes to the group chat.
    bool notifies_group(int level) const {
        return chat && escalate_from_level && level >= *escalate_from_level;
    }
};

// Where an inbound message of (platform, conversation) belongs.
struct chat_route {
    const company* owner = nullptr;       // null: the group chat, or nobody's
    const chat_settings* chat = nullptr;  // the company's chat (or the group chat)
    bool group_chat = false;              // the group centre's chat
};

struct group_config {
    std::string source_file;
    std::vector<company> companies;  // at least one
    group_settings group;
    // Shared by every company (each company's cfg has copies: server, and the platforms its chats use).
    server_settings server;
    std::vector<platform_settings> platforms;
    std::string database;                    // the default location each company's database is derived from
    std::string timezone = "Asia/Shanghai";  // the group's (the roll-up's schedule); a company may differ

    // A config without `companies:`: one implicit company.
    bool single() const { return companies.size() == 1 && companies.front().id.empty(); }
    const company* find(std::string_view id) const;
    // The company whose chat is `conversation` on `platform`: the chat naming that conversation, else
    // the one chat of the platform without a conversation (which takes any); null when none. The
    // loader made sure a conversation belongs to one company at most.
    const company* company_of_chat(std::string_view platform, std::string_view conversation) const;
    chat_route route(std::string_view platform, std::string_view conversation) const;
    // Every company's chats and the group chat: the platforms the deployment starts.
    std::vector<std::string> used_platforms() const;
};

// The database of company `id` when it sets none: beside the group's default, "-<id>" before the
// extension ("data/bot.db" → "data/bot-huadong.db"); for a URL, after the database name
// ("postgresql://u@h/bot" → "postgresql://u@h/bot-huadong"). "" leaves it as it is.
std::string company_database(const std::string& group_default, const std::string& id);

}  // namespace rules
