// companies: — a group of companies in one deployment (rules/group.hpp). Each company is read by the
// single-company loader's own sections (detail::read_sections, read_chats), from its `config:` file
// or from its entry in the group file; what the group shares (timezone, database, server,
// platforms) is read once at the top. Then what only the group can see: a chat in two companies,
// two companies on one database, and the group: section (config/group_section.cpp).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <list>
#include <map>
#include <sstream>

#include "config/checks.hpp"
#include "config/group_reader.hpp"

namespace conf {

using detail::join;

namespace {

const std::vector<std::string> group_keys = {
    "companies", "group", "timezone", "database", "database_password_env", "server", "platforms"};
const std::vector<std::string> shared_keys = {"server", "platforms"};
const std::vector<std::string> beside_config = {"chats", "default_chat", "database"};

bool valid_id(const std::string& id) {
    return !id.empty() && id.front() != '-' && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::optional<std::string> read_file(const std::filesystem::path& file, std::string& why) {
    std::error_code ec;
    if (auto size = std::filesystem::file_size(file, ec); !ec && size > max_config_bytes) {
        why = oversized_config(size, file.string()).message;
        return std::nullopt;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool is_url(const std::string& s) {
    return s.find("://") != std::string::npos;
}

// An unknown key, with "did you mean" among `allowed`.
void unknown_key(detail::reader& R, const YAML::Node& key_node, const std::string& key,
                 const std::string& where, const std::vector<std::string>& allowed) {
    std::string best;
    std::size_t best_d = 99;
    for (const auto& a : allowed)
        if (auto d = detail::edit_distance(key, a); d < best_d) best_d = d, best = a;
    R.error(key_node, "unknown key '" + key + "' in " + where,
            best_d <= 2 ? "did you mean '" + best + "'?" : "allowed keys: " + join(allowed));
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// A company's own keys: every top-level key of a single-company file but the shared ones.
std::vector<std::string> company_keys() {
    std::vector<std::string> out;
    for (const auto& k : detail::config_keys())
        if (!contains(shared_keys, k)) out.push_back(k);
    return out;
}

}  // namespace

void detail::group_loader::top_keys(detail::reader& G, const YAML::Node& top) {
    for (auto it = top.begin(); it != top.end(); ++it) {
        auto key = it->first.as<std::string>("");
        if (std::find(group_keys.begin(), group_keys.end(), key) != group_keys.end()) continue;
        const auto& company_keys = detail::config_keys();
        if (std::find(company_keys.begin(), company_keys.end(), key) != company_keys.end()) {
            G.error(
                it->first,
                "`" + key + ":` is a company's section, but this file lists companies: under `companies:`",
                "move `" + key +
                    ":` into the company it belongs to (inline under its entry in "
                    "companies:, or into the file its `config:` names); only " +
                    join(group_keys) + " stay at the top of a group file");
            continue;
        }
        std::string best;
        std::size_t best_d = 99;
        for (const auto& a : group_keys)
            if (auto d = detail::edit_distance(key, a); d < best_d) best_d = d, best = a;
        G.error(it->first, "unknown key '" + key + "' in the group file",
                best_d <= 2 ? "did you mean '" + best + "'?" : "allowed keys: " + join(group_keys));
    }
}

void detail::group_loader::read_company(std::size_t i, const YAML::Node& entry, const std::string& timezone,
                                        std::map<std::string, std::size_t>& ids) {
    auto G = group_reader();  // the entry's own checks: each message names the company
    std::string label = "companies[" + std::to_string(i) + "]";
    if (!entry.IsMap()) {
        G.error(
            entry, label + " must be a mapping with id, name, short_name and the company's sections",
            "write - { id: huadong, name: 华东辉煌五金有限公司, short_name: 华东, config: huadong.yaml }");
        return fail(G);
    }
    auto scalar = [&](const char* key) -> std::string {
        auto n = entry[key];
        return n && n.IsScalar() ? n.Scalar() : std::string{};
    };
    if (!scalar("short_name").empty())
        label += " (" + scalar("short_name") + ")";
    else if (!scalar("name").empty())
        label += " (" + scalar("name") + ")";
    rules::company co;
    std::vector<std::string> missing;
    for (const char* key : {"id", "name", "short_name"})
        if (!entry[key]) missing.push_back(key);
    if (!missing.empty())
        G.error(entry, label + " has no " + join(missing),
                "every company needs id (letters, digits, '-': huadong), name (全称) and short_name (简称, "
                "shown before its complaint ids, e.g. 华东 P3)");
    if (auto n = entry["id"]; n)
        if (auto v = G.str(n, "id")) {
            co.id = *v;
            if (!valid_id(*v))
                G.error(n, label + ": company id '" + *v + "' may only have ASCII letters, digits and '-'",
                        "it names the company's files and URLs: write e.g. huadong or south-2");
            else if (auto [it, fresh] = ids.emplace(lower(*v), i); !fresh)
                G.error(n,
                        label + ": company id '" + *v + "' is already companies[" +
                            std::to_string(it->second) + "]'s",
                        "give each company its own id");
        }
    if (auto n = entry["name"]; n)
        if (auto v = G.str(n, "name")) co.name = *v;
    if (auto n = entry["short_name"]; n)
        if (auto v = G.str(n, "short_name")) co.short_name = *v;
    for (std::size_t j = 0; j < g.companies.size(); ++j)
        if (!co.short_name.empty() && g.companies[j].short_name == co.short_name)
            G.error(
                entry["short_name"],
                label + ": short_name '" + co.short_name + "' is also companies[" + std::to_string(j) + "]'s",
                "the short name tells the companies' complaints apart (华东 P3, 华南 P3): give each its own");

    const bool has_config = static_cast<bool>(entry["config"]);
    std::vector<std::string> allowed = {"id", "name", "short_name", "config"};
    auto own = has_config ? beside_config : company_keys();
    allowed.insert(allowed.end(), own.begin(), own.end());
    for (auto it = entry.begin(); it != entry.end(); ++it) {
        auto key = it->first.as<std::string>("");
        if (contains(allowed, key)) continue;
        if (contains(shared_keys, key))
            G.error(it->first, label + ": `" + key + ":` is shared by the whole group",
                    "move it to the top of the group file (one " + key + ": for every company)");
        else if (has_config && contains(detail::config_keys(), key))
            G.error(it->first, label + " has `config:` and `" + key + ":`: its sections are in that file",
                    "move `" + key + ":` into " + scalar("config") +
                        ", or drop `config:` and write all of the company here (beside `config:` only " +
                        join(beside_config) + " may be given)");
        else
            unknown_key(G, it->first, key, label, allowed);
    }

    // (YAML::Node's assignment rebinds what a node refers to: each node below is set once, at its
    // construction.)
    std::string file = source;
    const std::string* file_text = text;
    std::filesystem::path base = base_dir;
    detail::reader S = group_reader();  // the company's sections: prefixed with the label
    detail::reader C = group_reader();  // chats, default_chat, database beside `config:`: prefixed too
    YAML::Node loaded;                  // a `config:` file's root
    const YAML::Node& froot = loaded;
    if (has_config) {
        auto cn = entry["config"];
        auto v = G.str(cn, "config");
        if (!v) return fail(G);
        std::filesystem::path path(*v);
        if (path.is_relative() && !base_dir.empty()) path = base_dir / path;
        path = path.lexically_normal();
        std::string why;
        auto read = read_file(path, why);
        if (!read) {
            G.error(cn,
                    label + ": config: cannot read '" + *v + "' (" + path.string() + ")" +
                        (why.empty() ? "" : ": " + why),
                    "check the path: it is relative to the folder of " + source);
            return fail(G);
        }
        texts.push_back(std::move(*read));
        file_text = &texts.back();
        file = path.string();
        base = path.parent_path();
        S = detail::reader(file, *file_text);
        S.errors_ = check_config_text(*file_text, file);
        if (S.errors_.empty()) {
            try {
                loaded = YAML::Load(*file_text);
            } catch (const YAML::ParserException& e) {
                S.error_at(e.mark, "YAML syntax error: " + e.msg,
                           "fix the indentation or quoting at this place");
            }
        }
        if (S.errors_.empty()) S.errors_ = duplicate_key_errors(*file_text, file);
        if (S.errors_.empty() && !froot.IsMap())
            S.error(froot, "the company's config must be a mapping with `organization:` and `roles:`",
                    "start from config.example.yaml");
        else if (S.errors_.empty() && froot["companies"])
            S.error(froot["companies"], "this file is itself a group (it has companies:)",
                    "name a single company's file in config:, or move its companies into " + source);
        if (!S.errors_.empty()) {
            detail::prefix_errors(S.errors_, label);
            fail(S);
            return fail(G);
        }
        S.keys(froot, "the config", detail::config_keys());  // as parse_config checks them
        for (auto it = froot.begin(); it != froot.end(); ++it) {
            auto key = it->first.as<std::string>("");
            if (contains(shared_keys, key))
                result.warnings.push_back(
                    S.make(it->first, label + ": `" + key + ":` in " + file + " is not used in a group",
                           "the group file's " + key +
                               ": serves every company; keep it there only to run this file "
                               "alone"));
        }
        for (const char* key : {"chats", "default_chat"})
            if (entry[key] && froot[key])
                G.error(entry[key], label + ": `" + std::string(key) + ":` is both here and in " + file,
                        "keep one of them");
    }
    const bool chats_here = !has_config || !froot["chats"];
    const bool default_here = !has_config || !froot["default_chat"];
    const detail::company_source src{
        label,        file,
        file_text,    has_config ? froot : entry,
        entry,        chats_here ? entry["chats"] : froot["chats"],
        chats_here,   default_here ? entry["default_chat"] : froot["default_chat"],
        default_here,
    };
    const YAML::Node& sec = src.sections;

    co.cfg.source_file = src.file;
    co.cfg.timezone = timezone;
    detail::read_sections(S, sec, co.cfg, base);
    if (!sec["company"]) co.cfg.company = co.name;
    if (src.chats) detail::read_chats(src.chats_in_group_file ? C : S, src.chats, co.cfg, platform_names);
    if (has_config && entry["default_chat"])
        if (auto v = C.str(entry["default_chat"], "default_chat")) co.cfg.default_chat = *v;
    if (has_config && entry["database"]) {
        if (auto v = C.str(entry["database"], "database")) {
            std::filesystem::path p(*v);
            co.cfg.database = is_url(*v) || !p.is_relative() || base_dir.empty()
                                  ? *v
                                  : (base_dir / p).lexically_normal().string();
        }
    } else if (!sec["database"]) {
        co.cfg.database = rules::company_database(g.database, co.id);
    }
    co.cfg.server = g.server;
    for (const auto& p : g.platforms)
        if (std::any_of(co.cfg.chats.begin(), co.cfg.chats.end(),
                        [&](const rules::chat_settings& c) { return c.platform == p.name; }))
            co.cfg.platforms.push_back(p);

    fail(G);
    for (auto* R : {&S, &C}) {
        detail::prefix_errors(R->errors_, label);
        fail(*R);
    }
    g.companies.push_back(std::move(co));
    sources.push_back(std::move(src));
}

namespace {

// A single company's file as a group of one implicit company.
group_load_result as_group(config_load_result single) {
    group_load_result out;
    out.errors = std::move(single.errors);
    out.serve_errors = std::move(single.serve_errors);
    out.warnings = std::move(single.warnings);
    out.has_serve_sections = single.has_serve_sections;
    if (!single.config) return out;
    rules::group_config g;
    g.source_file = single.config->source_file;
    g.server = single.config->server;
    g.platforms = single.config->platforms;
    g.database = single.config->database;
    g.timezone = single.config->timezone;
    rules::company co;
    co.name = single.config->company;
    co.cfg = std::move(*single.config);
    g.companies.push_back(std::move(co));
    out.group = std::move(g);
    return out;
}

}  // namespace

group_load_result parse_group(std::string_view yaml_text, std::string source_name,
                              const std::filesystem::path& base_dir, const env_lookup& env) {
    group_load_result early;
    early.errors = check_config_text(yaml_text, source_name);
    if (!early.errors.empty()) return early;
    const std::string text(yaml_text);
    YAML::Node loaded;
    try {
        loaded = YAML::Load(text);
    } catch (const YAML::ParserException&) {
        return as_group(parse_config(yaml_text, source_name, base_dir, env));  // which names the syntax error
    }
    const YAML::Node& r = loaded;
    if (!r.IsMap() || !r["companies"]) {
        auto single = as_group(parse_config(yaml_text, source_name, base_dir, env));
        if (r.IsMap() && r["group"]) {
            std::erase_if(single.errors, [](const config_error& e) {
                return e.message.rfind("unknown key 'group'", 0) == 0;
            });
            detail::reader G(source_name, text);
            for (auto it = r.begin(); it != r.end(); ++it)
                if (it->first.as<std::string>("") == "group")
                    G.error(
                        it->first,
                        "`group:` is the group centre of several companies, and this file has no "
                        "`companies:`",
                        "list the companies under companies: (this file can be one of them: - { id: …, name: "
                        "…, short_name: …, config: " +
                            std::filesystem::path(source_name).filename().string() + " }), or remove group:");
            single.errors.insert(single.errors.begin(), G.errors_.begin(), G.errors_.end());
            single.group.reset();
        }
        return single;
    }

    detail::group_loader L;
    L.source = source_name;
    L.text = &text;
    L.base_dir = base_dir;
    L.root = loaded;
    auto G = L.group_reader();
    G.errors_ = duplicate_key_errors(text, source_name);
    L.top_keys(G, r);
    rules::config shared;  // what the companies share: timezone, database, server, platforms
    detail::read_basics(G, r, shared, base_dir);
    if (auto db = r["database"]; db && db.IsScalar() && is_url(db.Scalar())) shared.database = db.Scalar();
    L.platform_names = detail::read_server_platforms(G, r, shared);
    L.g.source_file = source_name;
    L.g.server = shared.server;
    L.g.platforms = shared.platforms;
    L.g.database = shared.database;
    L.g.timezone = shared.timezone;
    auto companies = r["companies"];
    if (!companies.IsSequence() || companies.size() == 0) {
        G.error(companies, "companies must be a non-empty list",
                "e.g. companies: [ { id: huadong, name: 华东辉煌五金有限公司, short_name: 华东, config: "
                "huadong.yaml } ]");
        L.fail(G);
        return std::move(L.result);
    }
    L.fail(G);
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < companies.size(); ++i) L.read_company(i, companies[i], shared.timezone, ids);
    for (auto& co : L.g.companies)  // one PostgreSQL server (and password) for the group's databases
        if (co.cfg.database_password_env.empty()) co.cfg.database_password_env = shared.database_password_env;
    auto S = L.group_reader();
    detail::read_group_section(S, r["group"], L.g.companies, L.platform_names, L.g.group);
    L.fail(S);
    if (L.g.group.chat && L.g.group.escalate_from_level)  // the escalations the group hears of
        for (auto& co : L.g.companies) {
            rules::group_escalation ge{
                L.g.group.chat->id, "【" + co.title() + "】", *L.g.group.escalate_from_level, {}, {}};
            for (const auto& m : L.g.group.members) {
                ge.members.push_back(m.id);
                ge.member_names.push_back(m.name);
            }
            co.cfg.group = std::move(ge);
        }
    L.cross_checks();
    if (!L.result.errors.empty()) return std::move(L.result);
    L.serve_checks(env);
    L.result.group = std::move(L.g);
    return std::move(L.result);
}

group_load_result load_group(const std::filesystem::path& file, const env_lookup& env) {
    std::string why;
    auto text = read_file(file, why);
    if (!text) {
        group_load_result r;
        if (!why.empty())
            r.errors.push_back(oversized_config(std::filesystem::file_size(file), file.string()));
        else
            r.errors.push_back({file.string(), 0, 0, "cannot read the config file",
                                "check the path (see config.example.yaml for a complete example)"});
        return r;
    }
    return parse_group(*text, file.string(), file.parent_path(), env);
}

}  // namespace conf
