// What only the whole group shows (a conversation or a robot in two places, two companies on one
// database), and what serve needs of a group: the platforms' secrets once, each company's chats and
// people, the group chat.
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "config/checks.hpp"
#include "config/group_reader.hpp"

namespace conf::detail {

namespace {

// Whether the platform posts through a group robot's webhook rather than to a conversation id.
bool posts_by_robot(const rules::platform_settings& p) {
    return p.name == "dingtalk" || (p.name == "wecom" && p.mode == "http") ||
           (p.name == "feishu" && p.env.count("webhook"));
}

}  // namespace

// What only the whole group shows: a conversation or a robot in two places, two companies on one
// database.
void group_loader::cross_checks() {
    struct placed_chat {
        reader R;
        YAML::Node at;
        std::string label;  // whose error it is
        std::string owner;  // "companies[0] (华东)'s chat 'group'", "the group chat 'centre'"
        const rules::chat_settings* chat;
    };
    std::vector<placed_chat> all;
    for (std::size_t i = 0; i < g.companies.size(); ++i) {
        const auto& src = sources[i];
        const YAML::Node& cs = src.chats;
        for (std::size_t k = 0; k < g.companies[i].cfg.chats.size(); ++k) {
            const auto& ch = g.companies[i].cfg.chats[k];
            all.push_back({src.chats_in_group_file ? group_reader() : reader(src.file, *src.text),
                           cs && cs.IsSequence() && k < cs.size() ? cs[k] : cs, src.label,
                           src.label + "'s chat '" + ch.id + "'", &ch});
        }
    }
    if (g.group.chat) {
        const YAML::Node& r = root;
        all.push_back({group_reader(), r["group"]["chat"], "group.chat",
                       "the group chat '" + g.group.chat->id + "'", &*g.group.chat});
    }
    for (std::size_t i = 0; i < all.size(); ++i) {
        auto& me = all[i];
        const auto& ch = *me.chat;
        for (std::size_t j = 0; j < i; ++j) {
            const auto& other = *all[j].chat;
            if (other.platform != ch.platform) continue;
            if (!ch.conversation.empty() && other.conversation == ch.conversation) {
                me.R.error(
                    me.at,
                    me.label + ": chat '" + ch.id + "' on " + ch.platform + " is conversation '" +
                        ch.conversation + "', which is already " + all[j].owner,
                    "a group chat belongs to one company: give each company (and the group centre) its "
                    "own chat, with its own conversation id");
                break;
            }
            if (ch.conversation.empty() || other.conversation.empty()) {
                me.R.error(
                    me.at,
                    me.label + ": chat '" + ch.id + "' and " + all[j].owner + " are both on " + ch.platform +
                        " and " + (ch.conversation.empty() ? "this one" : "that one") +
                        " has no conversation, so it would take the other's messages",
                    "give every chat on " + ch.platform +
                        " its conversation id (the log names it with the first message from the group)");
                break;
            }
        }
        // A platform that posts through a group robot: one robot per chat once there are several.
        const rules::platform_settings* p = nullptr;
        for (const auto& x : g.platforms)
            if (x.name == ch.platform) p = &x;
        if (!p || !posts_by_robot(*p)) continue;
        auto on_platform = std::count_if(
            all.begin(), all.end(), [&](const placed_chat& c) { return c.chat->platform == ch.platform; });
        if (on_platform < 2) continue;
        if (ch.webhook_env.empty()) {
            me.R.error(
                me.at,
                me.label + ": chat '" + ch.id + "' on " + ch.platform +
                    " has no webhook_env: the group's chats on " + ch.platform +
                    " would all post through the one robot of platforms." + ch.platform,
                "add the chat's own robot: webhook_env: <VARIABLE with its webhook URL> (群设置 → 智能群助手 "
                "→ 添加机器人), and webhook_secret_env for its 加签 secret");
            continue;
        }
        for (std::size_t j = 0; j < i; ++j)
            if (all[j].chat->webhook_env == ch.webhook_env) {
                me.R.error(
                    me.at,
                    me.label + ": chat '" + ch.id + "' posts through webhook_env " + ch.webhook_env +
                        ", as " + all[j].owner + " does",
                    "each chat has its own group robot: give this one the variable of its own webhook");
                break;
            }
    }
    for (auto& c : all) fail(c.R);
    std::map<std::string, std::size_t> databases;
    for (std::size_t i = 0; i < g.companies.size(); ++i) {
        auto [it, fresh] = databases.emplace(g.companies[i].cfg.database, i);
        if (fresh || g.companies[i].cfg.database == ":memory:") continue;
        auto G = group_reader();
        const YAML::Node& entry = sources[i].entry;
        G.error(entry["database"] ? entry["database"] : entry,
                sources[i].label + " stores its data in " + g.companies[i].cfg.database + ", as " +
                    sources[it->second].label + " does",
                "each company has its own database: remove `database:` from one of them (it then gets " +
                    rules::company_database(g.database, g.companies[i].id) + ") or name another file");
        fail(G);
    }
}

// What serve needs: the platforms' secrets once for the group, each company's chats and people,
// the group chat.
void group_loader::serve_checks(const env_lookup& env) {
    const YAML::Node& r = root;
    const YAML::Node none(YAML::NodeType::Undefined);
    auto G = group_reader();
    std::set<std::string> used;
    for (const auto& p : g.used_platforms()) used.insert(p);
    std::set<std::string> own_robots;
    for (const auto& p : used) {
        bool all_own = true;
        for (const auto& co : g.companies)
            for (const auto& ch : co.cfg.chats)
                if (ch.platform == p && ch.webhook_env.empty()) all_own = false;
        if (g.group.chat && g.group.chat->platform == p && g.group.chat->webhook_env.empty()) all_own = false;
        if (all_own) own_robots.insert(p);
    }
    serve_findings top;
    serve_platforms(G, r["platforms"], g.platforms, used, env, top, own_robots);
    auto take = [&](serve_findings& f, const std::string& label) {
        if (!label.empty()) {
            prefix_errors(f.errors, label);
            prefix_errors(f.warnings, label);
        }
        for (auto& e : f.errors) result.serve_errors.push_back(std::move(e));
        for (auto& e : f.warnings) result.warnings.push_back(std::move(e));
    };
    take(top, "");
    result.has_serve_sections = r["server"] || r["platforms"] || g.group.chat;
    for (std::size_t i = 0; i < g.companies.size(); ++i) {
        const auto& co = g.companies[i];
        const auto& src = sources[i];
        result.has_serve_sections = result.has_serve_sections || !co.cfg.chats.empty();
        reader file_reader(src.file, *src.text);
        const reader& chats_reader = src.chats_in_group_file ? G : file_reader;
        serve_findings f;
        serve_chats(chats_reader, src.chats,
                    src.default_in_group_file == src.chats_in_group_file ? src.default_chat : none, src.entry,
                    co.cfg, g.platforms, f);
        std::vector<std::string> configured;
        for (const auto& p : co.cfg.platforms) configured.push_back(p.name);
        const YAML::Node& sec = src.sections;
        auto org = sec["organization"];
        serve_people(file_reader, org && org.IsMap() ? org["people"] : none, co.cfg, configured, f);
        for (const auto& ch : co.cfg.chats)
            for (const auto* var : {&ch.webhook_env, &ch.webhook_secret_env})
                if (env && !var->empty() && env(*var).empty())
                    f.warnings.push_back(chats_reader.make(
                        src.chats, "environment variable " + *var + " (chat '" + ch.id + "') is not set here",
                        "export it with the chat's robot " +
                            std::string(var == &ch.webhook_env ? "webhook URL" : "加签 secret") +
                            " before starting serve"));
        take(f, src.label);
    }
    const YAML::Node& group_node = r["group"];
    if (const auto& ch = g.group.chat) {
        auto chat_node = group_node["chat"];
        for (const auto& p : g.platforms) {
            bool by_id =
                (p.name == "wecom" && p.mode == "websocket") || p.name == "feishu" || p.name == "slack";
            if (p.name == ch->platform && by_id && ch->conversation.empty() &&
                (p.name == "slack" || !p.env.count("webhook")))
                result.serve_errors.push_back(
                    G.make(chat_node,
                           "group.chat on " + p.name + " has no `conversation`: the bot cannot post there",
                           "add conversation: <the group centre's chat id> (the log names it with the first "
                           "message from the group)"));
        }
        auto members = group_node["members"];
        for (std::size_t i = 0; i < g.group.members.size(); ++i) {
            const auto& m = g.group.members[i];
            if (m.accounts.count(ch->platform)) continue;
            result.warnings.push_back(
                G.make(members && members.IsSequence() && i < members.size() ? members[i] : members,
                       "group member '" + m.id + "' (" + m.name + ") has no account on " + ch->platform +
                           ": the group chat will not @-mention them",
                       "add accounts: { " + ch->platform + ": <their account> } to that member"));
        }
    } else if (g.companies.size() > 1) {
        result.warnings.push_back(
            G.make(group_node ? group_node : r["companies"],
                   "the group has no chat: the monthly roll-up and the escalations for the "
                   "group centre are not posted",
                   "add chat: { id: centre, platform: <platform>, conversation: <id> } under "
                   "group:"));
    }
}

}  // namespace conf::detail
