// The config checks beyond the loader's field-by-field validation, so that `check-config` says
// everything `serve` would say:
//   - before YAML is parsed: the file's size (1 MB at most), its encoding (UTF-8; a GBK/ANSI or
//     UTF-16 file is named as such), tabs used for indentation, a full-width '：' after a key;
//   - duplicate keys at any depth (yaml-cpp silently keeps one of them);
//   - what `serve` needs: each platform's secret variable names for its mode, at least one chat,
//     unique chat ids, `default_chat` naming a chat; warnings for a platform no chat uses, a
//     secret variable that is not set here, and people without an account on a configured platform.
// Every finding is a config_error with line:column and a fix a non-programmer can follow.
#pragma once

#include <yaml-cpp/node/node.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/loader.hpp"
#include "rules/config.hpp"

namespace conf {

inline constexpr std::size_t max_config_bytes = 1024 * 1024;

// The refusal of a file over max_config_bytes (checked before reading it).
config_error oversized_config(std::uintmax_t bytes, const std::string& file);

// Size, encoding, tabs and full-width colons. Non-empty: do not parse the text.
std::vector<config_error> check_config_text(std::string_view text, const std::string& file);

// Every key that appears twice in the same mapping, at the second occurrence, naming the first.
// A text yaml-cpp cannot parse yields nothing here (the loader reports the syntax error).
std::vector<config_error> duplicate_key_errors(std::string_view text, const std::string& file);

// One credential a platform needs in its mode: the role ("app_secret" → key app_secret_env).
struct secret_need {
    std::string role;
    bool required = true;
    std::string what;  // what it is and where to find it, for the fix
};
std::vector<secret_need> secrets_needed(const rules::platform_settings& p);

struct serve_findings {
    std::vector<config_error> errors;    // serve refuses to start
    std::vector<config_error> warnings;  // serve starts, but something will not work as expected
    bool has_serve_sections = false;     // the file has server:, platforms: or chats:
};

// What serve needs of a config that loaded without errors. With `env`, also warns about secret
// variables that are not set in that environment (check-config on an admin's machine).
serve_findings check_for_serve(const YAML::Node& root, const rules::config& cfg, std::string_view text,
                               const std::string& file, const env_lookup& env = {});

// serve's own refusal for a missing secret value: the first required variable of `p` that is unset
// or empty in `env`, as one line naming it (never its value); empty when all are there.
std::string missing_secret(const rules::platform_settings& p, const env_lookup& env, bool posts = true);

// What a configured platform's paths can do ("receives: …", "timed posts: …", "buttons: …"), one
// line each, for check-config.
std::vector<std::string> platform_paths(const rules::platform_settings& p);

}  // namespace conf
