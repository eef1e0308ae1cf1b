// server:, platforms: and chats: — what `serve` needs (replay and report ignore them).
#include "config/reader.hpp"

#include <algorithm>
#include <optional>

namespace conf::detail {

namespace {

// Each platform's keys and modes (the first mode is the default).
struct platform_shape {
    std::vector<std::string> keys;
    std::vector<std::string> modes;
    std::string modes_help;
};

platform_shape shape_of(const std::string& name) {
    if (name == "dingtalk")
        return {
            {"app_secret_env", "webhook_env", "webhook_secret_env", "per_minute", "mode", "client_id_env",
             "client_secret_env", "gateway", "events_token_env", "events_aes_key_env", "events_receive_id"},
            {"http", "stream"},
            "use http (callbacks) or stream (WebSocket, no public URL needed)"};
    if (name == "wecom")
        return {
            {"token_env", "aes_key_env", "receive_id", "webhook_env", "per_minute", "mode", "bot_id_env",
             "secret_env", "gateway", "bot_name"},
            {"http", "websocket"},
            "use http (callbacks to /hooks/wecom) or websocket (the AI bot's long connection, no public URL "
            "needed)"};
    if (name == "feishu")
        return {
            {"mode", "app_id_env", "app_secret_env", "encrypt_key_env", "verification_token_env", "domain",
             "webhook_env", "webhook_secret_env", "per_minute"},
            {"websocket", "http"},
            "use websocket (the long connection, no public URL needed) or http (events to /hooks/feishu)"};
    return {{"mode", "bot_token_env", "app_token_env", "signing_secret_env", "api", "per_minute"},
            {"socket", "http"},
            "use socket (Socket Mode, no public URL needed) or http (the Events API on /hooks/slack)"};
}

bool is_env_name(const std::string& v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    });
}

// A base URL for tests and private deployments: http(s)://host[:port], no trailing slash.
std::optional<std::string> base_url(reader& L, const YAML::Node& n, const std::string& what) {
    auto v = L.str(n, what);
    if (!v) return std::nullopt;
    if ((v->rfind("https://", 0) != 0 && v->rfind("http://", 0) != 0 && v->rfind("wss://", 0) != 0 &&
         v->rfind("ws://", 0) != 0) ||
        v->find_first_of(" \t?#") != std::string::npos) {
        L.error(n, what + " '" + *v + "' is not a URL",
                "write it like https://open.feishu.cn, or leave it out");
        return std::nullopt;
    }
    return v->back() == '/' ? v->substr(0, v->size() - 1) : *v;
}

void read_platform(reader& L, const std::string& name, const YAML::Node& node, rules::config& cfg) {
    auto shape = shape_of(name);
    if (!L.keys(node, "platforms." + name, shape.keys)) return;
    rules::platform_settings ps;
    ps.name = name;
    ps.mode = shape.modes.front();
    // What each platform allows a bot: Slack about one post a second
    // per channel, Feishu's custom bot 100 a minute; DingTalk's and WeCom's robots 20 a minute.
    ps.per_minute = name == "slack" ? 60 : name == "feishu" ? 100 : 20;
    for (auto kv = node.begin(); kv != node.end(); ++kv) {
        auto key = kv->first.as<std::string>("");
        if (key == "per_minute") {
            if (auto v = L.positive_int(kv->second, "per_minute")) ps.per_minute = *v;
        } else if (key == "receive_id" || key == "events_receive_id" || key == "bot_name") {
            if (auto v = L.str(kv->second, key)) (key == "bot_name" ? ps.bot_name : ps.receive_id) = *v;
        } else if (key == "gateway" || key == "api") {
            if (auto v = base_url(L, kv->second, key)) ps.gateway = *v;
        } else if (key == "domain") {
            // Feishu (open.feishu.cn) or Lark (open.larksuite.com); a URL for a private deployment.
            auto v = L.str(kv->second, key);
            if (v && *v == "feishu")
                ps.gateway = "https://open.feishu.cn";
            else if (v && *v == "larksuite")
                ps.gateway = "https://open.larksuite.com";
            else if (v && v->find("://") == std::string::npos)
                L.error(kv->second, "unknown domain '" + *v + "' for platforms.feishu",
                        "use feishu (飞书, open.feishu.cn) or larksuite (Lark, open.larksuite.com)");
            else if (auto url = base_url(L, kv->second, key))
                ps.gateway = *url;
        } else if (key == "mode") {
            if (auto v = L.str(kv->second, key)) {
                if (std::find(shape.modes.begin(), shape.modes.end(), *v) == shape.modes.end())
                    L.error(kv->second, "unknown mode '" + *v + "' for platforms." + name, shape.modes_help);
                else
                    ps.mode = *v;
            }
        } else if (auto v = L.str(kv->second, key)) {
            // The value names an environment variable; the secret itself never is in the file.
            if (!is_env_name(*v))
                L.error(kv->second, key + " must name an environment variable (like DINGTALK_APP_SECRET)",
                        "put the secret in the environment, never in the file");
            else
                ps.env[key.substr(0, key.size() - 4)] = *v;
        }
    }
    if (name == "feishu" && ps.gateway.empty()) ps.gateway = "https://open.feishu.cn";
    if (name == "slack" && ps.gateway.empty()) ps.gateway = "https://slack.com/api";
    if (name == "dingtalk" && ps.env.count("events_token") != ps.env.count("events_aes_key"))
        L.error(
            node, "platforms.dingtalk needs both events_token_env and events_aes_key_env, or neither",
            "copy both from 开发者后台 → 事件订阅 (加密 aes_key and 签名 token), or remove the one given");
    if (name == "dingtalk" && ps.env.count("events_token") && ps.receive_id.empty())
        L.error(
            node, "platforms.dingtalk has event subscription secrets but no events_receive_id",
            "add `events_receive_id: <the app's AppKey>` (or the CorpId for a company-wide subscription)");
    cfg.platforms.push_back(ps);
}

}  // namespace

std::set<std::string> read_server_platforms(reader& L, const YAML::Node& root, rules::config& cfg) {
    if (auto sv = root["server"]; sv) {
        if (L.keys(sv, "server", {"listen", "port", "body_limit", "ca_file", "dashboard", "public_url"})) {
            if (auto n = sv["listen"]; n)
                if (auto v = L.str(n, "listen")) cfg.server.listen = *v;
            if (auto n = sv["port"]; n)
                if (auto v = L.positive_int(n, "port")) {
                    if (*v > 65535)
                        L.error(n, "port " + std::to_string(*v) + " is out of range", "use 1–65535");
                    else
                        cfg.server.port = *v;
                }
            if (auto n = sv["body_limit"]; n)
                if (auto v = L.positive_int(n, "body_limit")) cfg.server.body_limit = *v;
            if (auto n = sv["ca_file"]; n)
                if (auto v = L.str(n, "ca_file")) cfg.server.ca_file = *v;
            if (auto n = sv["dashboard"]; n) {
                auto v = n.IsScalar() ? n.Scalar() : std::string("…");
                if (v == "true" || v == "false")
                    cfg.server.dashboard = v == "true";
                else
                    L.error(n, "server.dashboard must be true or false, not '" + v + "'",
                            "write `dashboard: true` (HR's dashboard on the server's port) or `dashboard: "
                            "false`");
            }
            if (auto n = sv["public_url"]; n)
                if (auto v = L.str(n, "public_url")) {
                    auto scheme_end = v->find("://");
                    auto scheme = scheme_end == std::string::npos ? std::string{} : v->substr(0, scheme_end);
                    auto rest = scheme_end == std::string::npos ? std::string{} : v->substr(scheme_end + 3);
                    if ((scheme != "https" && scheme != "http") || rest.empty() || rest.front() == '/' ||
                        v->find_first_of(" \t?#") != std::string::npos)
                        L.error(n, "server.public_url '" + *v + "' is not a URL like https://bot.example.com",
                                "write the address people open in the browser (the TLS reverse proxy's), "
                                "starting with https://");
                    else
                        cfg.server.public_url = v->back() == '/' ? v->substr(0, v->size() - 1) : *v;
                }
        }
    }
    std::set<std::string> platform_names;
    if (auto pl = root["platforms"]; pl) {
        if (L.keys(pl, "platforms", {"dingtalk", "wecom", "feishu", "slack"})) {
            for (auto it = pl.begin(); it != pl.end(); ++it) {
                auto name = it->first.as<std::string>("");
                read_platform(L, name, it->second, cfg);
                platform_names.insert(name);
            }
        }
    }
    return platform_names;
}

void read_serve_sections(reader& L, const YAML::Node& root, rules::config& cfg) {
    auto platform_names = read_server_platforms(L, root, cfg);
    if (auto ch = root["chats"]; ch) read_chats(L, ch, cfg, platform_names);
}

void read_chats(reader& L, const YAML::Node& ch, rules::config& cfg,
                const std::set<std::string>& platform_names) {
    if (!ch.IsSequence()) {
        L.error(ch, "chats must be a list",
                "e.g. chats: [ { id: group, platform: dingtalk, conversation: cid123 } ]");
        return;
    }
    for (const auto& c : ch) {
        if (!L.keys(c, "a chat", {"id", "platform", "conversation", "webhook_env", "webhook_secret_env"}))
            continue;
        rules::chat_settings cs;
        if (!c["id"] || !c["platform"]) {
            L.error(c, "a chat needs `id` and `platform`", "e.g. { id: group, platform: dingtalk }");
            continue;
        }
        if (auto v = L.str(c["id"], "id")) cs.id = *v;
        if (auto v = L.str(c["platform"], "platform")) {
            cs.platform = *v;
            if (!platform_names.count(*v))
                L.error(c["platform"],
                        "chat '" + cs.id + "' uses platform '" + *v + "' which is not configured",
                        "add it under platforms: (dingtalk, wecom, feishu or slack)");
        }
        if (auto n = c["conversation"]; n)
            if (auto v = L.str(n, "conversation")) cs.conversation = *v;
        for (auto [key, slot] : {std::pair{"webhook_env", &cs.webhook_env},
                                 std::pair{"webhook_secret_env", &cs.webhook_secret_env}})
            if (auto n = c[key]; n)
                if (auto v = L.str(n, key)) {
                    if (!is_env_name(*v))
                        L.error(n,
                                std::string(key) +
                                    " must name an environment variable (like HUADONG_WEBHOOK_URL)",
                                "put the robot's webhook URL in the environment, never in the file");
                    else
                        *slot = *v;
                }
        cfg.chats.push_back(cs);
    }
}

}  // namespace conf::detail
