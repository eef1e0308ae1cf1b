#include "config/loader.hpp"

#include <fstream>
#include <sstream>

#include "config/checks.hpp"
#include "config/reader.hpp"

namespace conf {

namespace {

const std::vector<std::string> top_keys = {"timezone",     "database",     "database_password_env",
                                           "organization", "roles",        "workflow",
                                           "schedules",    "calendar",     "server",
                                           "platforms",    "chats",        "default_chat",
                                           "company",      "followup",     "categories",
                                           "customer",     "compensation", "crisis"};

}  // namespace

namespace {
// A PostgreSQL URL, kept as written (a file path is made relative to the config's directory).
bool storage_url(const std::string& v) {
    return v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0;
}
}  // namespace

namespace detail {

void read_basics(reader& L, const YAML::Node& root, rules::config& cfg,
                 const std::filesystem::path& base_dir) {
    if (auto n = root["timezone"]; n) {
        if (auto v = L.str(n, "timezone")) {
            try {
                core::zone z(*v);
                cfg.timezone = *v;
            } catch (const std::exception&) {
                L.error(n, "unknown time zone '" + *v + "'", "use an IANA name such as Asia/Shanghai");
            }
        }
    }
    if (auto n = root["database"]; n) {
        if (auto v = L.str(n, "database"); v && storage_url(*v)) {
            cfg.database = *v;
            if ((v->find('@') != std::string::npos && v->find(':', v->find("://") + 3) < v->find('@')) ||
                v->find("password=") != std::string::npos)
                L.error(n, "the database URL holds a password",
                        "remove it from the URL and put it in an environment variable named by "
                        "`database_password_env:`");
        } else if (v) {
            std::filesystem::path p(*v);
            cfg.database =
                (p.is_relative() && !base_dir.empty() ? base_dir / p : p).lexically_normal().string();
        }
    } else if (!base_dir.empty()) {
        cfg.database = (base_dir / cfg.database).lexically_normal().string();
    }
    if (auto n = root["database_password_env"]; n)
        if (auto v = L.str(n, "database_password_env")) cfg.database_password_env = *v;
    if (auto n = root["default_chat"]; n)
        if (auto v = L.str(n, "default_chat")) cfg.default_chat = *v;
    if (auto n = root["company"]; n)
        if (auto v = L.str(n, "company")) cfg.company = *v;
}

void read_sections(reader& L, const YAML::Node& root, rules::config& cfg,
                   const std::filesystem::path& base_dir) {
    read_basics(L, root, cfg, base_dir);
    auto known = read_organization(L, root, cfg);
    read_roles(L, root, cfg, known);
    read_workflow(L, root, cfg, known);
    read_schedules(L, root, cfg);
    read_calendar(L, root, cfg);
    read_followup(L, root, cfg, known);
    read_customer(L, root, cfg);
    read_compensation(L, root, cfg);
    read_crisis(L, root, cfg);
}

const std::vector<std::string>& config_keys() {
    return top_keys;
}

}  // namespace detail

std::string config_error::to_string() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    s += ": " + message;
    if (!fix.empty()) s += " — " + fix;
    return s;
}

config_load_result load_config(const std::filesystem::path& file, const env_lookup& env) {
    std::error_code ec;
    if (auto size = std::filesystem::file_size(file, ec); !ec && size > max_config_bytes) {
        config_load_result r;  // refused before reading it
        r.errors.push_back(oversized_config(size, file.string()));
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        config_load_result r;
        r.errors.push_back({file.string(), 0, 0, "cannot read the config file",
                            "check the path (see config.example.yaml for a complete example)"});
        return r;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_config(ss.str(), file.string(), file.parent_path(), env);
}

config_load_result parse_config(std::string_view yaml_text, std::string source_name,
                                const std::filesystem::path& base_dir, const env_lookup& env) {
    config_load_result result;
    result.errors = check_config_text(yaml_text, source_name);
    if (!result.errors.empty()) return result;  // the YAML parser would only add confusion
    detail::reader L(source_name, yaml_text);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::ParserException& e) {
        L.error_at(e.mark, "YAML syntax error: " + e.msg, "fix the indentation or quoting at this place");
        result.errors = L.errors_;
        return result;
    }
    L.errors_ = duplicate_key_errors(yaml_text, source_name);
    rules::config cfg;
    cfg.source_file = source_name;
    if (!root.IsMap()) {
        L.error(root, "the config must be a mapping with `organization:` and `roles:`",
                "start from config.example.yaml");
        result.errors = L.errors_;
        return result;
    }
    L.keys(root, "the config", top_keys);

    detail::read_sections(L, root, cfg, base_dir);
    detail::read_serve_sections(L, root, cfg);

    result.errors = L.errors_;
    if (!result.errors.empty()) return result;
    auto serve = check_for_serve(root, cfg, yaml_text, source_name, env);
    result.serve_errors = std::move(serve.errors);
    result.warnings = std::move(serve.warnings);
    result.has_serve_sections = serve.has_serve_sections;
    result.config = std::move(cfg);
    return result;
}

}  // namespace conf
