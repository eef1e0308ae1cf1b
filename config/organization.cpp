// organization: (departments, people with their accounts and aliases) and roles: (who does what).
#include "config/reader.hpp"

#include <map>

namespace conf::detail {

names read_organization(reader& L, const YAML::Node& root, rules::config& cfg) {
    std::set<std::string> dept_names, person_ids;
    std::vector<std::pair<YAML::Node, std::string>> heads;  // checked once people are known
    auto org = root["organization"];
    if (!org) {
        L.error(root, "missing `organization:`", "add organization: { departments: [...], people: [...] }");
    } else if (L.keys(org, "organization", {"departments", "people"})) {
        auto depts = org["departments"];
        if (!depts || !depts.IsSequence() || depts.size() == 0) {
            L.error(depts ? depts : org, "organization.departments must be a non-empty list",
                    "add - { name: 打单部, head: lisi }");
        } else {
            for (const auto& d : depts) {
                if (!L.keys(d, "a department", {"name", "head"})) continue;
                rules::department dep;
                if (!d["name"] || !d["head"]) {
                    L.error(d, "a department needs `name` and `head`",
                            "write - { name: 打单部, head: lisi }");
                    continue;
                }
                auto name = L.str(d["name"], "name");
                auto head = L.str(d["head"], "head");
                if (!name || !head) continue;
                if (!dept_names.insert(*name).second) {
                    L.error(d["name"], "duplicate department '" + *name + "'", "list each department once");
                    continue;
                }
                dep.name = *name;
                dep.head = *head;
                heads.emplace_back(d["head"], *head);
                cfg.org.departments.push_back(dep);
            }
        }
        auto people = org["people"];
        if (!people || !people.IsSequence() || people.size() == 0) {
            L.error(people ? people : org, "organization.people must be a non-empty list",
                    "add - { id: lisi, name: 李四, department: 打单部 }");
        } else {
            std::map<std::string, std::set<std::string>> accounts_seen;
            for (const auto& p : people) {
                if (!L.keys(p, "a person", {"id", "name", "department", "accounts", "aliases"})) continue;
                if (!p["id"] || !p["name"] || !p["department"]) {
                    L.error(p, "a person needs `id`, `name` and `department`",
                            "write - { id: lisi, name: 李四, department: 打单部 }");
                    continue;
                }
                rules::person per;
                auto id = L.str(p["id"], "id");
                auto name = L.str(p["name"], "name");
                auto dept = L.str(p["department"], "department");
                if (!id || !name || !dept) continue;
                per.id = *id;
                per.name = *name;
                per.department = *dept;
                if (!person_ids.insert(per.id).second) {
                    L.error(p["id"], "duplicate person id '" + per.id + "'", "give each person a unique id");
                    continue;
                }
                if (!dept_names.count(per.department))
                    L.error(p["department"],
                            "person '" + per.id + "' is in unknown department '" + per.department + "'",
                            "use one of: " + join({dept_names.begin(), dept_names.end()}));
                if (auto acc = p["accounts"]; acc) {
                    if (L.keys(acc, "accounts of '" + per.id + "'",
                               {"dingtalk", "wecom", "feishu", "slack"})) {
                        for (auto it = acc.begin(); it != acc.end(); ++it) {
                            auto platform = it->first.as<std::string>("");
                            auto v = L.str(it->second, platform);
                            if (!v) continue;
                            if (!accounts_seen[platform].insert(*v).second)
                                L.error(it->second,
                                        "account '" + *v + "' on " + platform + " is given to two people",
                                        "each platform account belongs to one person");
                            per.accounts[platform] = *v;
                        }
                    }
                }
                if (auto al = p["aliases"]; al) {
                    if (!al.IsSequence())
                        L.error(al, "aliases of '" + per.id + "' must be a list",
                                "e.g. aliases: [小叶, Ye Wen]");
                    else
                        for (const auto& a : al)
                            if (auto v = L.str(a, "alias")) per.aliases.push_back(*v);
                }
                cfg.org.people.push_back(per);
            }
        }
    }
    for (const auto& [node, head] : heads)
        if (!person_ids.count(head))
            L.error(node, "department head '" + head + "' is not a listed person",
                    "add them to organization.people");

    return {dept_names, person_ids};
}

void read_roles(reader& L, const YAML::Node& root, rules::config& cfg, const names& known) {
    auto roles = root["roles"];
    if (!roles) {
        L.error(root, "missing `roles:`", "add roles: { order_desk: 打单部, hr: 人力资源部 }");
    } else if (L.keys(roles, "roles",
                      {"order_desk", "hr", "investigators", "appeal", "vice_presidents", "general_manager",
                       "order_follower", "finance"})) {
        for (const char* k : {"order_desk", "hr"}) {
            if (!roles[k]) {
                L.error(roles, std::string("missing roles.") + k,
                        std::string("name the department, e.g. ") + k + ": " +
                            (std::string(k) == "hr" ? "人力资源部" : "打单部"));
                continue;
            }
            if (auto v = L.str(roles[k], k)) {
                known.check_dept(L, roles[k], *v, std::string("roles.") + k);
                (std::string(k) == "hr" ? cfg.roles.hr : cfg.roles.order_desk) = *v;
            }
        }
        if (auto inv = roles["investigators"]; inv) {
            if (!inv.IsSequence() || inv.size() == 0) {
                L.error(inv, "roles.investigators must be a non-empty list",
                        "e.g. investigators: [生产部, 采购部, 物流部]");
            } else {
                cfg.roles.investigators.clear();
                for (const auto& d : inv)
                    if (auto v = L.str(d, "investigators")) {
                        known.check_dept(L, d, *v, "roles.investigators");
                        cfg.roles.investigators.push_back(*v);
                    }
            }
        } else {
            std::vector<std::string> kept;
            for (const auto& d : cfg.roles.investigators)
                if (known.departments.count(d)) kept.push_back(d);
            cfg.roles.investigators = kept;
        }
        if (auto a = roles["appeal"]; a) {
            if (auto v = L.str(a, "appeal")) {
                known.check_dept(L, a, *v, "roles.appeal");
                cfg.roles.appeal = *v;
            }
        }
        for (const char* k : {"order_follower", "finance"}) {
            auto& slot = std::string(k) == "finance" ? cfg.roles.finance : cfg.roles.order_follower;
            if (auto n = roles[k]; n) {
                if (auto v = L.str(n, k)) {
                    known.check_dept(L, n, *v, std::string("roles.") + k);
                    slot = *v;
                }
            } else if (!known.departments.count(slot)) {
                slot.clear();  // the default department does not exist in this company
            }
        }
        if (auto vp = roles["vice_presidents"]; vp) {
            if (!vp.IsMap()) {
                L.error(vp, "roles.vice_presidents must map departments to people",
                        "e.g. { 销售一部: zhaoliu }");
            } else {
                for (auto it = vp.begin(); it != vp.end(); ++it) {
                    auto dept = it->first.as<std::string>("");
                    known.check_dept(L, it->first, dept, "roles.vice_presidents");
                    if (auto v = L.str(it->second, "vice president")) {
                        known.check_person(L, it->second, *v, "vice president");
                        cfg.roles.vice_presidents[dept] = *v;
                    }
                }
            }
        }
        if (auto gm = roles["general_manager"]; gm) {
            std::vector<YAML::Node> items;
            if (gm.IsSequence())
                for (const auto& x : gm) items.push_back(x);
            else
                items.push_back(gm);
            for (const auto& x : items)
                if (auto v = L.str(x, "general_manager")) {
                    known.check_person(L, x, *v, "general manager");
                    cfg.roles.general_manager.push_back(*v);
                }
        }
    }
}

}  // namespace conf::detail
