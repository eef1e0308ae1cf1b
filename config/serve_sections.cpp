// server:, platforms: and chats: — what `serve` needs (replay and report ignore them).
#include "config/reader.hpp"

#include <algorithm>

namespace conf::detail {

void read_serve_sections(reader& L, const YAML::Node& root, rules::config& cfg) {
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
        if (L.keys(pl, "platforms", {"dingtalk", "wecom"})) {
            for (auto it = pl.begin(); it != pl.end(); ++it) {
                auto name = it->first.as<std::string>("");
                auto node = it->second;
                std::vector<std::string> allowed =
                    name == "dingtalk"
                        ? std::vector<std::string>{"app_secret_env",    "webhook_env", "webhook_secret_env",
                                                   "per_minute",        "mode",        "client_id_env",
                                                   "client_secret_env", "gateway"}
                        : std::vector<std::string>{"token_env", "aes_key_env", "receive_id", "webhook_env",
                                                   "per_minute"};
                if (!L.keys(node, "platforms." + name, allowed)) continue;
                rules::platform_settings ps;
                ps.name = name;
                for (auto kv = node.begin(); kv != node.end(); ++kv) {
                    auto key = kv->first.as<std::string>("");
                    if (key == "per_minute") {
                        if (auto v = L.positive_int(kv->second, "per_minute")) ps.per_minute = *v;
                    } else if (key == "receive_id") {
                        if (auto v = L.str(kv->second, key)) ps.receive_id = *v;
                    } else if (key == "gateway") {
                        if (auto v = L.str(kv->second, key)) ps.gateway = *v;
                    } else if (key == "mode") {
                        if (auto v = L.str(kv->second, key)) {
                            if (*v != "http" && *v != "stream")
                                L.error(kv->second, "unknown mode '" + *v + "' for platforms." + name,
                                        "use http (callbacks) or stream (WebSocket, no public URL needed)");
                            else
                                ps.mode = *v;
                        }
                    } else if (auto v = L.str(kv->second, key)) {
                        // The value names an environment variable; the secret itself never is in the file.
                        bool looks_like_name = !v->empty() && std::all_of(v->begin(), v->end(), [](char c) {
                            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                        });
                        if (!looks_like_name)
                            L.error(kv->second,
                                    key + " must name an environment variable (like DINGTALK_APP_SECRET)",
                                    "put the secret in the environment, never in the file");
                        else
                            ps.env[key.substr(0, key.size() - 4)] = *v;
                    }
                }
                platform_names.insert(name);
                cfg.platforms.push_back(ps);
            }
        }
    }
    if (auto ch = root["chats"]; ch) {
        if (!ch.IsSequence()) {
            L.error(ch, "chats must be a list",
                    "e.g. chats: [ { id: group, platform: dingtalk, conversation: cid123 } ]");
        } else {
            for (const auto& c : ch) {
                if (!L.keys(c, "a chat", {"id", "platform", "conversation"})) continue;
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
                                "add it under platforms: (dingtalk or wecom)");
                }
                if (auto n = c["conversation"]; n)
                    if (auto v = L.str(n, "conversation")) cs.conversation = *v;
                cfg.chats.push_back(cs);
            }
        }
    }
}

}  // namespace conf::detail
