// What `serve` needs of a config beyond the loader's validation; check-config reports the same,
// and serve refuses to start on the same errors (see cli.cpp).
#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "config/checks.hpp"
#include "config/reader.hpp"

namespace conf {

using detail::join;

namespace {

std::string env_key_example(const std::string& platform, const std::string& role) {
    std::string name;
    for (char c : platform + "_" + role)
        name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    return role == "webhook" ? name + "_URL" : name;
}

// What a person's account is called on each platform, for the fix.
std::string account_word(const std::string& platform) {
    if (platform == "dingtalk") return "DingTalk userid";
    if (platform == "wecom") return "WeCom userid";
    if (platform == "feishu") return "Feishu open_id (ou_…, shown in the bot's reply to them)";
    return "Slack member id (U…, in their profile → ⋮ → Copy member ID)";
}

}  // namespace

std::vector<secret_need> secrets_needed(const rules::platform_settings& p) {
    const std::string robot =
        "the group robot's webhook URL (群设置 → 智能群助手 → 添加机器人 → 自定义), for the bot's posts";
    if (p.name == "dingtalk") {
        std::vector<secret_need> out;
        if (p.mode == "stream") {
            out.push_back({"client_id", true, "the app's ClientID (开发者后台 → 应用开发 → 凭证与基础信息)"});
            out.push_back(
                {"client_secret", true, "the app's ClientSecret (开发者后台 → 应用开发 → 凭证与基础信息)"});
        } else {
            out.push_back({"app_secret", true,
                           "the app's AppSecret (开发者后台 → 应用开发 → 凭证与基础信息), which checks "
                           "DingTalk's callbacks"});
        }
        if (p.env.count("events_token") || p.env.count("events_aes_key")) {
            out.push_back(
                {"events_token", true, "the event subscription's 签名 token (开发者后台 → 事件订阅)"});
            out.push_back({"events_aes_key", true, "the event subscription's 加密 aes_key (43 characters)"});
        }
        out.push_back({"webhook", true, robot});
        out.push_back(
            {"webhook_secret", false, "the robot's 加签 secret (SEC…), shown beside its webhook URL"});
        return out;
    }
    if (p.name == "wecom") {
        if (p.mode == "websocket")
            return {
                {"bot_id", true, "the AI bot's BotID (管理后台 → 应用管理 → 智能机器人 → API 模式 → 长连接)"},
                {"secret", true, "the AI bot's Secret for the long connection (same page as the BotID)"},
                {"webhook", false,
                 "a group robot's webhook URL (群 → 添加群机器人); not needed: the long connection posts"}};
        return {{"token", true, "the Token of the bot's API mode (管理后台 → 应用管理 → 智能机器人)"},
                {"aes_key", true, "the EncodingAESKey (43 characters) of the bot's API mode"},
                {"webhook", true, "the group robot's webhook URL (群 → 添加群机器人), for the bot's posts"}};
    }
    if (p.name == "feishu") {
        std::vector<secret_need> out{
            {"app_id", true, "the app's App ID (开发者后台 → 凭证与基础信息)"},
            {"app_secret", true, "the app's App Secret (开发者后台 → 凭证与基础信息)"}};
        if (p.mode == "http") {
            out.push_back(
                {"verification_token", true, "the Verification Token (开发者后台 → 事件与回调 → 加密策略)"});
            out.push_back({"encrypt_key", false,
                           "the Encrypt Key (开发者后台 → 事件与回调 → 加密策略), which signs and encrypts "
                           "the events"});
        }
        out.push_back({"webhook", false,
                       "a custom bot's webhook URL (群设置 → 群机器人 → 自定义机器人), only if the app "
                       "cannot post in the group"});
        out.push_back(
            {"webhook_secret", false, "the custom bot's 签名校验 secret, shown beside its webhook"});
        return out;
    }
    if (p.name == "slack") {
        std::vector<secret_need> out{
            {"bot_token", true,
             "the Bot User OAuth Token (xoxb-…, api.slack.com/apps → OAuth & Permissions)"}};
        if (p.mode == "socket")
            out.push_back({"app_token", true,
                           "an app-level token with connections:write (xapp-…, Basic Information → App-Level "
                           "Tokens)"});
        else
            out.push_back(
                {"signing_secret", true, "the Signing Secret (Basic Information → App Credentials)"});
        return out;
    }
    return {};
}

std::string missing_secret(const rules::platform_settings& p, const env_lookup& env, bool posts) {
    for (const auto& need : secrets_needed(p)) {
        if (!need.required || (!posts && need.role == "webhook")) continue;
        auto it = p.env.find(need.role);
        if (it == p.env.end())
            return "platforms." + p.name + "." + need.role +
                   "_env is not set: name the environment variable that holds " + need.what +
                   " (see config.example.yaml)";
        if (env(it->second).empty())
            return "environment variable " + it->second + " (platforms." + p.name + "." + need.role +
                   "_env) is empty or unset: export it before starting serve";
    }
    return {};
}

namespace detail {

namespace {

YAML::Node defined_or_none(const YAML::Node& n) {
    return n && n.IsDefined() ? n : YAML::Node(YAML::NodeType::Undefined);
}

}  // namespace

void serve_platforms(const reader& R, const YAML::Node& platforms_node,
                     const std::vector<rules::platform_settings>& platforms,
                     const std::set<std::string>& used, const env_lookup& env, serve_findings& out,
                     const std::set<std::string>& own_robots) {
    const YAML::Node none(YAML::NodeType::Undefined);
    auto node = [&](const YAML::Node& n) { return defined_or_none(n); };
    auto pnodes = node(platforms_node);
    for (const auto& p : platforms) {
        auto pnode = pnodes && pnodes.IsMap() ? node(pnodes[p.name]) : none;
        if (!used.count(p.name)) {
            out.warnings.push_back(R.make(
                pnode, "platforms." + p.name + " is configured but no chat uses it: serve will not start it",
                "add - { id: <chat id>, platform: " + p.name + " } under chats:, or remove platforms." +
                    p.name));
            continue;
        }
        for (const auto& need : secrets_needed(p)) {
            // Every chat of the platform posts through its own robot (chats' webhook_env).
            if (own_robots.count(p.name) && (need.role == "webhook" || need.role == "webhook_secret"))
                continue;
            auto it = p.env.find(need.role);
            const std::string key = need.role + "_env";
            const std::string mode = " (mode " + p.mode + ")";
            if (it == p.env.end()) {
                // An optional secret left out is only worth a word where its absence weakens the
                // setup: a robot webhook without its 加签 secret, Feishu events without the Encrypt Key.
                if (!need.required && !(need.role == "webhook_secret" && p.env.count("webhook")) &&
                    need.role != "encrypt_key")
                    continue;
                // Stream mode authenticates with the ClientSecret, which is the same as the AppSecret.
                auto app = p.env.find("app_secret");
                auto name = need.role == "client_secret" && app != p.env.end()
                                ? app->second
                                : env_key_example(p.name, need.role);
                auto e = R.make(pnode, "platforms." + p.name + mode + " has no `" + key + "`",
                                "add `" + key + ": " + name + "` under platforms." + p.name +
                                    " and export that variable with " + need.what);
                (need.required ? out.errors : out.warnings).push_back(std::move(e));
                continue;
            }
            if (env && env(it->second).empty()) {
                auto vnode = pnode ? node(pnode[key]) : none;
                out.warnings.push_back(R.make(
                    vnode,
                    "environment variable " + it->second + " (platforms." + p.name + "." + key +
                        ") is not set here",
                    need.required ? "serve refuses to start until it is exported with " + need.what
                    : need.role == "webhook_secret" ? "if the robot uses 加签, export it with " + need.what
                                                    : "if you use it, export it with " + need.what));
            }
        }
    }
}

void serve_chats(const reader& R, const YAML::Node& chats_node, const YAML::Node& default_node,
                 const YAML::Node& fallback, const rules::config& cfg,
                 const std::vector<rules::platform_settings>& platforms, serve_findings& out) {
    const YAML::Node none(YAML::NodeType::Undefined);
    auto node = [&](const YAML::Node& n) { return defined_or_none(n); };
    auto chats = node(chats_node);
    // Platforms that post by the conversation's own id (WeCom's long connection, Feishu, Slack): a
    // chat without one has nowhere to go, unless a group robot webhook carries the posts.
    for (const auto& p : platforms) {
        bool by_id = (p.name == "wecom" && p.mode == "websocket") || p.name == "feishu" || p.name == "slack";
        if (!by_id || (p.name != "slack" && p.env.count("webhook"))) continue;
        const std::string what = p.name == "slack" ? "the channel id (C…, under the channel's name → About)"
                                 : p.name == "feishu" ? "the group's chat_id (oc_…)"
                                                      : "the group's chatid";
        for (std::size_t i = 0; i < cfg.chats.size(); ++i) {
            const auto& c = cfg.chats[i];
            if (c.platform != p.name || !c.conversation.empty()) continue;
            auto cnode = chats && chats.IsSequence() && i < chats.size() ? node(chats[i]) : none;
            out.errors.push_back(R.make(
                cnode,
                "chat '" + c.id + "' on " + p.name + " has no `conversation`: the bot cannot post there",
                "add conversation: <" + what + "> (the log names it with the first message from the group)"));
        }
    }

    // Chats: at least one, unique ids, default_chat names one of them.
    if (cfg.chats.empty()) {
        out.errors.push_back(
            R.make(chats ? chats : fallback, "no chat is configured: serve has nowhere to post",
                   "add chats: [ { id: group, platform: dingtalk } ] (see config.example.yaml)"));
    }
    std::map<std::string, int> first_line;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < cfg.chats.size(); ++i) {
        auto cnode = chats && chats.IsSequence() && i < chats.size() ? node(chats[i]) : none;
        auto idnode = cnode ? node(cnode["id"]) : none;
        const auto& id = cfg.chats[i].id;
        int line = idnode ? idnode.Mark().line + 1 : 0;
        auto [it, fresh] = first_line.emplace(id, line);
        if (!fresh) {
            out.errors.push_back(R.make(
                idnode,
                "chat id '" + id + "' is used twice (first at line " + std::to_string(it->second) + ")",
                "give each chat its own id"));
            continue;
        }
        ids.push_back(id);
    }
    if (!cfg.chats.empty() && !first_line.count(cfg.default_chat)) {
        auto dnode = node(default_node);
        if (dnode)
            out.errors.push_back(R.make(dnode, "default_chat '" + cfg.default_chat + "' names no chat",
                                        "write one of the chat ids under chats: " + join(ids)));
        else
            out.errors.push_back(R.make(chats,
                                        "no chat has the id '" + cfg.default_chat +
                                            "' (where the scheduled posts go when default_chat is not set)",
                                        "add `default_chat: <id>` naming one of: " + join(ids)));
    }
}

void serve_people(const reader& R, const YAML::Node& people_node, const rules::config& cfg,
                  const std::vector<std::string>& configured, serve_findings& out) {
    const YAML::Node none(YAML::NodeType::Undefined);
    auto people = defined_or_none(people_node);
    for (std::size_t i = 0; i < cfg.org.people.size(); ++i) {
        const auto& person = cfg.org.people[i];
        std::vector<std::string> missing;
        for (const auto& name : configured)
            if (!person.accounts.count(name)) missing.push_back(name);
        if (missing.empty() || configured.empty()) continue;
        if (missing.size() < configured.size()) continue;  // reachable on another platform
        auto pnode = people && people.IsSequence() && i < people.size() ? defined_or_none(people[i]) : none;
        out.warnings.push_back(R.make(pnode,
                                      "person '" + person.id + "' (" + person.name + ") has no account on " +
                                          join(missing) +
                                          ": the bot will not recognise their posts nor @-mention them",
                                      "add accounts: { " + missing.front() + ": <their " +
                                          account_word(missing.front()) + "> } to that person"));
    }
}

}  // namespace detail

serve_findings check_for_serve(const YAML::Node& root, const rules::config& cfg, std::string_view text,
                               const std::string& file, const env_lookup& env) {
    serve_findings out;
    detail::reader R(file, text);
    out.has_serve_sections = root["server"] || root["platforms"] || root["chats"];
    // A PostgreSQL database's password, when the config names its variable.
    const auto password_node = detail::defined_or_none(root["database_password_env"]);
    if (!cfg.database_password_env.empty() && env && env(cfg.database_password_env).empty())
        out.errors.push_back(R.make(password_node,
                                    "environment variable " + cfg.database_password_env +
                                        " (database_password_env) is empty or unset",
                                    "export it with the PostgreSQL password before starting serve"));
    if (!cfg.database_password_env.empty() && cfg.database.rfind("postgres", 0) != 0)
        out.warnings.push_back(R.make(password_node,
                                      "database_password_env is set but the database is a SQLite file",
                                      "remove it, or set `database:` to a postgresql:// URL"));
    std::set<std::string> used;
    for (const auto& c : cfg.chats) used.insert(c.platform);
    detail::serve_platforms(R, root["platforms"], cfg.platforms, used, env, out);
    detail::serve_chats(R, root["chats"], root["default_chat"], root, cfg, cfg.platforms, out);
    std::vector<std::string> configured;
    for (const auto& p : cfg.platforms)
        if (used.count(p.name)) configured.push_back(p.name);
    auto org = root["organization"];
    detail::serve_people(R, org && org.IsMap() ? org["people"] : YAML::Node(YAML::NodeType::Undefined), cfg,
                         configured, out);
    return out;
}

}  // namespace conf
