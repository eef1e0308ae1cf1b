// Internal to config/: the pieces of the group loader (config/companies.cpp) — where each company's
// sections were found, the loader's state (its checks across the companies are in
// config/group_checks.cpp), and the `group:` section (config/group_section.cpp).
#pragma once

#include <list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/reader.hpp"
#include "rules/group.hpp"

namespace conf::detail {

// Where one company's sections are: its `config:` file or its entry in the group file.
struct company_source {
    std::string label;                  // "companies[1] (华南)"
    std::string file;                   // the file its sections are in
    const std::string* text = nullptr;  // that file's text
    YAML::Node sections;                // the file's root, or the entry
    YAML::Node entry;                   // the entry in the group file
    // chats: and default_chat: — in `sections`, or in the entry beside `config:`.
    YAML::Node chats;
    bool chats_in_group_file = true;
    YAML::Node default_chat;
    bool default_in_group_file = true;
};

// The loader's state across the companies: the texts the readers point into stay here.
struct group_loader {
    std::string source;
    const std::string* text;
    std::filesystem::path base_dir;
    group_load_result result;
    rules::group_config g;
    std::list<std::string> texts;
    std::vector<company_source> sources;
    std::set<std::string> platform_names;
    YAML::Node root;  // the group file's

    reader group_reader() const { return reader(source, *text); }

    void fail(reader& R) {
        for (auto& e : R.errors_) result.errors.push_back(std::move(e));
        R.errors_.clear();
    }

    // The top-level keys: the shared ones; a company's section here is refused.
    void top_keys(reader& G, const YAML::Node& top);
    void read_company(std::size_t i, const YAML::Node& entry, const std::string& timezone,
                      std::map<std::string, std::size_t>& ids);
    void cross_checks();
    void serve_checks(const env_lookup& env);
};

// "companies[1] (华南): <message>" for each.
void prefix_errors(std::vector<config_error>& errors, const std::string& label);

// group: (name, members, chat, escalate_from_level, rollup) into `out`; a member written as
// "<company id>:<person id>" or a bare person id is that person of that company.
void read_group_section(reader& G, const YAML::Node& node, const std::vector<rules::company>& companies,
                        const std::set<std::string>& platforms, rules::group_settings& out);

}  // namespace conf::detail
