// Internal to config/: the YAML reader that collects every error with its position, the names the
// organization defines (to check references), small value parsers, and one function per section.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/checks.hpp"
#include "config/loader.hpp"
#include "core/calendar.hpp"
#include "core/time.hpp"

namespace conf::detail {

std::string join(const std::vector<std::string>& v, const char* sep = ", ");
// Levenshtein distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// Walks the YAML tree, filling the config and collecting every error with its position.
class reader {
  public:
    reader(std::string file, std::string_view text) : file_(std::move(file)) {
        std::size_t start = 0;
        while (start <= text.size()) {
            auto nl = text.find('\n', start);
            lines_.push_back(
                text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
            if (nl == std::string_view::npos) break;
            start = nl + 1;
        }
    }

    // yaml-cpp counts columns in bytes; people count characters (a Chinese character is 3 bytes).
    int char_column(int line, int byte_column) const {
        if (line < 0 || static_cast<std::size_t>(line) >= lines_.size() || byte_column < 0)
            return byte_column + 1;
        auto l = lines_[static_cast<std::size_t>(line)];
        int chars = 0;
        for (std::size_t i = 0; i < l.size() && i < static_cast<std::size_t>(byte_column); ++i)
            if ((static_cast<unsigned char>(l[i]) & 0xC0) != 0x80) ++chars;
        return chars + 1;
    }

    // An error placed at `node` (any defined node, a null one too), for the caller to file as an
    // error or a warning (serve's checks).
    config_error make(const YAML::Node& node, std::string message, std::string fix) const {
        config_error e{file_, 0, 0, std::move(message), std::move(fix)};
        if (node.IsDefined()) {
            auto m = node.Mark();
            if (m.line >= 0) {
                e.line = m.line + 1;
                e.column = char_column(m.line, m.column);
            }
        }
        return e;
    }

    void error(const YAML::Node& at, std::string message, std::string fix) {
        config_error e;
        e.file = file_;
        if (at.IsDefined() && !at.IsNull()) {
            auto m = at.Mark();
            if (m.line >= 0) {
                e.line = m.line + 1;
                e.column = char_column(m.line, m.column);
            }
        }
        e.message = std::move(message);
        e.fix = std::move(fix);
        errors_.push_back(std::move(e));
    }
    void error_at(const YAML::Mark& m, std::string message, std::string fix) {
        config_error e{file_, m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? char_column(m.line, m.column) : 0,
                       std::move(message), std::move(fix)};
        errors_.push_back(std::move(e));
    }

    // Checks that `node` is a map with only `allowed` keys; returns false when it is not a map.
    bool keys(const YAML::Node& node, const std::string& where, const std::vector<std::string>& allowed) {
        if (!node.IsMap()) {
            error(node, where + " must be a mapping (key: value)",
                  "write it as `key: value` lines or { key: value }");
            return false;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            auto key = it->first.as<std::string>("");
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            std::string best;
            std::size_t best_d = 99;
            for (const auto& a : allowed)
                if (auto d = edit_distance(key, a); d < best_d) best_d = d, best = a;
            error(it->first, "unknown key '" + key + "' in " + where,
                  best_d <= 2 ? "did you mean '" + best + "'?" : "allowed keys: " + join(allowed));
        }
        return true;
    }

    std::optional<std::string> str(const YAML::Node& node, const std::string& what) {
        if (!node.IsScalar()) {
            error(node, what + " must be a text value", "write a single value, e.g. `" + what + ": 打单部`");
            return std::nullopt;
        }
        return node.Scalar();
    }

    std::optional<int> positive_int(const YAML::Node& node, const std::string& what) {
        try {
            if (node.IsScalar()) {
                auto v = node.as<int>();
                if (v > 0) return v;
            }
        } catch (const YAML::Exception&) {
        }
        error(
            node,
            what + " must be a positive whole number, not '" + (node.IsScalar() ? node.Scalar() : "…") + "'",
            "e.g. `" + what + ": 50`");
        return std::nullopt;
    }

    std::optional<core::duration> duration(const YAML::Node& node, const std::string& what, bool allow_zero) {
        if (node.IsScalar()) {
            auto text = node.Scalar();
            if (allow_zero && (text == "0" || text == "0m" || text == "0s" || text == "off"))
                return core::duration{0};
            if (auto d = core::parse_duration(text)) return d;
        }
        error(node, "bad duration '" + (node.IsScalar() ? node.Scalar() : std::string("…")) + "' for " + what,
              std::string("write durations like 5m, 30m, 2h, 1h30m") + (allow_zero ? " (or 0 / off)" : ""));
        return std::nullopt;
    }

    std::vector<config_error> errors_;

  private:
    std::string file_;
    std::vector<std::string_view> lines_;
};

// The departments and people the organization lists; sections check their references here.
struct names {
    std::set<std::string> departments;
    std::set<std::string> people;
    void check_dept(reader& L, const YAML::Node& n, const std::string& name, const std::string& what) const;
    void check_person(reader& L, const YAML::Node& n, const std::string& id, const std::string& what) const;
};

// "08:30-12:00" → minutes after midnight.
std::optional<core::calendar_settings::span> parse_span(const std::string& s);

// One per section of the file, in the order parse_config calls them.
void read_basics(reader& L, const YAML::Node& root, rules::config& cfg,
                 const std::filesystem::path& base_dir);
names read_organization(reader& L, const YAML::Node& root, rules::config& cfg);
void read_roles(reader& L, const YAML::Node& root, rules::config& cfg, const names& known);
void read_workflow(reader& L, const YAML::Node& root, rules::config& cfg, const names& known);
void read_schedules(reader& L, const YAML::Node& root, rules::config& cfg);
void read_calendar(reader& L, const YAML::Node& root, rules::config& cfg);
void read_followup(reader& L, const YAML::Node& root, rules::config& cfg, const names& known);
void read_customer(reader& L, const YAML::Node& root, rules::config& cfg);
void read_compensation(reader& L, const YAML::Node& root, rules::config& cfg);
void read_crisis(reader& L, const YAML::Node& root, rules::config& cfg);
void read_serve_sections(reader& L, const YAML::Node& root, rules::config& cfg);
// Everything of a company but server:, platforms: and chats: — the calls above in their order
// (parse_config, and each company of a group).
void read_sections(reader& L, const YAML::Node& root, rules::config& cfg,
                   const std::filesystem::path& base_dir);
// server: and platforms: of `root` (read_serve_sections without the chats); the platforms' names.
std::set<std::string> read_server_platforms(reader& L, const YAML::Node& root, rules::config& cfg);
// chats: (the node itself), each chat's platform one of `platforms`.
void read_chats(reader& L, const YAML::Node& chats, rules::config& cfg,
                const std::set<std::string>& platforms);
// The top-level keys of a single-company file.
const std::vector<std::string>& config_keys();

// The parts of check_for_serve (config/serve_checks.cpp), for a single file and for each company
// of a group: the platforms' secret variables (those `used` by a chat), the chats (a conversation
// where the platform posts by id, at least one chat, unique ids, default_chat), and the people
// without an account on any of the `configured` platforms. `fallback` is where "no chat" points;
// `own_robots`: platforms whose every chat posts through its own robot (no platform webhook needed).
void serve_platforms(const reader& R, const YAML::Node& platforms_node,
                     const std::vector<rules::platform_settings>& platforms,
                     const std::set<std::string>& used, const env_lookup& env, serve_findings& out,
                     const std::set<std::string>& own_robots = {});
void serve_chats(const reader& R, const YAML::Node& chats_node, const YAML::Node& default_node,
                 const YAML::Node& fallback, const rules::config& cfg,
                 const std::vector<rules::platform_settings>& platforms, serve_findings& out);
void serve_people(const reader& R, const YAML::Node& people_node, const rules::config& cfg,
                  const std::vector<std::string>& configured, serve_findings& out);

}  // namespace conf::detail
