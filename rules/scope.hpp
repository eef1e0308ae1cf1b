// Who sees what on HR's dashboard (issue 11): a pure function of the organization and the roles.
//   - 人力资源部 (its members and head) and roles.general_manager (the general manager and the
//     assistants): everything;
//   - a VP (roles.vice_presidents: department → person id): the departments under them — the
//     complaints those departments answer for or whose complainant works there (their
//     salespeople's), and those departments' fines;
//   - a department head: the same for their own department(s);
//   - anyone else: the complaints they made (as complainant) and the fines issued to them (none:
//     fines go to heads).
// Everyone also sees the complaints they made and the fines issued to them.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "rules/complaint.hpp"
#include "rules/config.hpp"

namespace rules {

struct scope {
    enum class kind { everything, vice_president, head, own };
    kind what = kind::own;
    std::string person;                 // the person id whose scope this is
    std::set<std::string> departments;  // the departments whose complaints and fines are seen

    bool sees(const complaint& c) const;
    bool sees(const fine& f) const;
};

// The scope of `person_id` in this organization; `own` (their complaints only) for a person the
// organization does not list.
scope scope_of(const organization& org, const roles& r, std::string_view person_id);

// Whether `c` concerns `department`: it is one of the departments that must answer (responsible or
// investigating), or the complainant works there.
bool concerns(const complaint& c, std::string_view department);

// "人力资源部（全部）", "销售一部 副总", "生产部 负责人", "本人": how the dashboard names a scope.
std::string describe(const scope& s);

}  // namespace rules
