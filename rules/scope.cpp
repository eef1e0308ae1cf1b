#include "rules/scope.hpp"

#include <algorithm>

namespace rules {

bool concerns(const complaint& c, std::string_view department) {
    if (c.complainant_department == department) return true;
    return std::any_of(c.departments.begin(), c.departments.end(),
                       [&](const department_reply& d) { return d.department == department; });
}

bool scope::sees(const complaint& c) const {
    if (what == kind::everything) return true;
    if (!person.empty() && c.complainant == person) return true;
    return std::any_of(departments.begin(), departments.end(),
                       [&](const std::string& d) { return concerns(c, d); });
}

bool scope::sees(const fine& f) const {
    if (what == kind::everything) return true;
    if (!person.empty() && f.person == person) return true;
    return departments.count(f.department) > 0;
}

scope scope_of(const organization& org, const roles& r, std::string_view person_id) {
    scope s;
    s.person = std::string(person_id);
    const auto* p = org.find_person(person_id);
    if (!p) return s;
    bool gm = std::find(r.general_manager.begin(), r.general_manager.end(), p->id) != r.general_manager.end();
    if (gm || org.is_member(p->id, r.hr)) {
        s.what = scope::kind::everything;
        return s;
    }
    for (const auto& [department, vp] : r.vice_presidents)
        if (vp == p->id) s.departments.insert(department);
    if (!s.departments.empty()) s.what = scope::kind::vice_president;
    bool heads = false;
    for (const auto& d : org.departments)
        if (d.head == p->id) {
            s.departments.insert(d.name);
            heads = true;
        }
    if (heads && s.what == scope::kind::own) s.what = scope::kind::head;
    return s;
}

std::string describe(const scope& s) {
    std::string names;
    for (const auto& d : s.departments) names += (names.empty() ? "" : "、") + d;
    switch (s.what) {
        case scope::kind::everything:
            return "全部投诉与罚款";
        case scope::kind::vice_president:
            return names + "（分管副总）";
        case scope::kind::head:
            return names + "（部门负责人）";
        case scope::kind::own:
            break;
    }
    return "本人提出的投诉";
}

}  // namespace rules
