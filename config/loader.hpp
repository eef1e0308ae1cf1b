// Loads and validates the YAML configuration (yaml-cpp) into rules::config. Strict: unknown keys
// are errors (with a "did you mean" hint), every reference is checked (departments, heads,
// people, roles, escalation targets), durations must read like 5m / 30m / 2h. All errors found are
// reported at once, each with file, line and a fix.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/config.hpp"
#include "rules/group.hpp"

namespace conf {

struct config_error {
    std::string file;
    int line = 0;  // 1-based; 0 when unknown
    int column = 0;
    std::string message;
    std::string fix;
    // "company.yaml:12:5: <message> — <fix>"
    std::string to_string() const;
};

struct config_load_result {
    std::optional<rules::config> config;  // set only when there are no errors
    std::vector<config_error> errors;
    // What `serve` needs beyond that (replay and report do not): it refuses to start on any of
    // serve_errors; warnings name what will not work as expected. Filled only when config is set.
    std::vector<config_error> serve_errors;
    std::vector<config_error> warnings;
    bool has_serve_sections = false;  // the file has server:, platforms: or chats:
};

// Reads the environment for the secret-variable warnings; none when empty.
using env_lookup = std::function<std::string(const std::string& name)>;

// Refuses a file over 1 MB, not UTF-8, indented with tabs, with a full-width '：' after a key or a
// duplicate key, before and beside the field-by-field checks (config/checks.hpp).
config_load_result load_config(const std::filesystem::path& file, const env_lookup& env = {});
config_load_result parse_config(std::string_view yaml_text, std::string source_name,
                                const std::filesystem::path& base_dir = {}, const env_lookup& env = {});

// The effective rules, for `complaint-bot check-config`.
std::string explain_config(const rules::config& cfg);

// A group of companies (config/companies.cpp): a file with `companies:` (each entry `id`, `name`,
// `short_name` and either `config: <file>` or the company's sections inline), `group:` (the
// centre's members, chat, escalate_from_level, rollup) and the shared `database`, `timezone`,
// `server` and `platforms`. A file without `companies:` loads as it always did, as a group of one
// implicit company. Errors of a company name it ("companies[1] (华南): …"); nothing is loaded when
// there is any.
struct group_load_result {
    std::optional<rules::group_config> group;  // set only when there are no errors
    std::vector<config_error> errors;
    std::vector<config_error> serve_errors;  // as config_load_result's, for every company and the group
    std::vector<config_error> warnings;
    bool has_serve_sections = false;
};
group_load_result load_group(const std::filesystem::path& file, const env_lookup& env = {});
group_load_result parse_group(std::string_view yaml_text, std::string source_name,
                              const std::filesystem::path& base_dir = {}, const env_lookup& env = {});

// check-config's account of a group: the shared settings, the group centre, then each company
// (where its data is stored, its chats) with explain_config's account of its rules. A group of one
// implicit company reads exactly as explain_config.
std::string explain_group(const rules::group_config& g);

}  // namespace conf
