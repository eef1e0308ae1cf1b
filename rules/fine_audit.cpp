#include "rules/fine_audit.hpp"

namespace rules {

std::string fine_issued_detail(const fine& f) {
    return f.id + " " + f.department + " 负责人 " + f.person_name + " 罚款 " + std::to_string(f.amount) +
           " 元";
}

std::optional<fine_status> fine_status_set_by(std::string_view event_type) {
    if (event_type == fine_paid_event) return fine_status::paid;
    if (event_type == fine_waived_event) return fine_status::waived;
    if (event_type == fine_reopened_event) return fine_status::open;  // 撤销 F1: undone 已缴 / 免罚
    return std::nullopt;
}

std::string_view fine_id_of_detail(std::string_view detail) {
    return detail.substr(0, detail.find(' '));
}

std::vector<std::string> fine_audit_problems(const fine& f, const std::string* issued, fine_status logged) {
    std::vector<std::string> problems;
    if (!issued)
        problems.push_back("fine " + f.id + " has no event in the audit log that issued it");
    else if (*issued != fine_issued_detail(f))
        problems.push_back("fine " + f.id + " (" + f.department + ", " + std::to_string(f.amount) +
                           " 元) differs from the audit log: \"" + *issued + "\"");
    // Its status must be the one its last 已缴 / 免罚 / 撤销 event in the chain says.
    if (!f.status_is(logged))
        problems.push_back("fine " + f.id + " is " + f.status + " in the ledger but " +
                           std::string(to_string(logged)) +
                           " by the audit log: its status was changed without an event");
    return problems;
}

}  // namespace rules
