#include "pipeline/org_snapshot.hpp"

#include <nlohmann/json.hpp>

namespace app {

using json = nlohmann::json;

std::string org_snapshot(const rules::config& cfg) {
    json departments = json::array(), people = json::array();
    for (const auto& d : cfg.org.departments) departments.push_back({{"name", d.name}, {"head", d.head}});
    for (const auto& p : cfg.org.people)
        people.push_back({{"id", p.id}, {"name", p.name}, {"department", p.department}});
    const auto& r = cfg.roles;
    json roles = {{"order_desk", r.order_desk},           {"hr", r.hr},
                  {"investigators", r.investigators},     {"appeal", r.appeal},
                  {"vice_presidents", r.vice_presidents}, {"general_manager", r.general_manager},
                  {"order_follower", r.order_follower},   {"finance", r.finance}};
    return json{{"version", 1},
                {"company", cfg.company},
                {"departments", departments},
                {"people", people},
                {"roles", roles},
                // What the monthly and quarterly reports read besides the names (added later: optional).
                {"categories", cfg.categories},
                {"satisfaction_target", cfg.followup.target},
                {"resolve_within_ms", cfg.customer.resolve_within.count()}}
        .dump();
}

bool apply_org_snapshot(const std::string& snapshot, rules::config& cfg) {
    auto j = json::parse(snapshot, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("version", 0) != 1) return false;
    try {
        rules::organization org;
        for (const auto& d : j.at("departments")) org.departments.push_back({d.at("name"), d.at("head")});
        for (const auto& p : j.at("people"))
            org.people.push_back({p.at("id"), p.at("name"), p.at("department"), {}});
        const auto& r = j.at("roles");
        rules::roles roles;
        roles.order_desk = r.at("order_desk");
        roles.hr = r.at("hr");
        roles.investigators = r.at("investigators").get<std::vector<std::string>>();
        roles.appeal = r.at("appeal");
        roles.vice_presidents = r.at("vice_presidents").get<std::map<std::string, std::string>>();
        roles.general_manager = r.at("general_manager").get<std::vector<std::string>>();
        roles.order_follower = r.at("order_follower");
        roles.finance = r.at("finance");
        cfg.company = j.value("company", std::string{});
        cfg.org = std::move(org);
        cfg.roles = std::move(roles);
        if (auto it = j.find("categories"); it != j.end() && it->is_array())
            cfg.categories = it->get<std::vector<std::string>>();
        cfg.followup.target = j.value("satisfaction_target", cfg.followup.target);
        cfg.customer.resolve_within =
            core::duration{j.value("resolve_within_ms", cfg.customer.resolve_within.count())};
        return true;
    } catch (const json::exception&) {
        return false;
    }
}

}  // namespace app
