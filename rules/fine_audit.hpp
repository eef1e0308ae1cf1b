// What the audit chain says about a fine, written by the rules and read back by
// storage::verify_audit: one place, so rewording it cannot make `audit verify` call every fine
// tampered.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/complaint.hpp"

namespace rules {

// The event types of a fine's life (hashed into the chain: never reword).
inline constexpr std::string_view fine_issued_event = "fined";
inline constexpr std::string_view fine_paid_event = "fine_paid";
inline constexpr std::string_view fine_waived_event = "fine_waived";
inline constexpr std::string_view fine_reopened_event = "fine_reopened";

// The detail of the "fined" event that issues `f`: "F1 采购部 负责人 王五 罚款 50 元".
std::string fine_issued_detail(const fine& f);

// The status a fine's event sets (fine_paid → paid, fine_waived → waived, fine_reopened → open);
// nullopt for any other event.
std::optional<fine_status> fine_status_set_by(std::string_view event_type);

// The fine an event of a fine is about: its detail begins with the fine's id ("F1 …").
std::string_view fine_id_of_detail(std::string_view detail);

// What is wrong with a fine against the chain (empty when it matches): `issued` is the detail of
// its "fined" event (null when there is none), `logged` the status its last status event set.
std::vector<std::string> fine_audit_problems(const fine& f, const std::string* issued, fine_status logged);

}  // namespace rules
