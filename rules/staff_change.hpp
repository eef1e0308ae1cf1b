// A person leaving the company or changing department (DingTalk's user_leave_org /
// user_modify_org events, adapters/dingtalk_events.hpp): when they head a department or have open
// complaints, HR is warned in the default chat so the work is handed over before it goes silent.
// Pure: the caller looks the open complaints up and posts what comes back.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "rules/config.hpp"

namespace rules {

enum class staff_change_kind { left, changed };

struct staff_change {
    staff_change_kind kind = staff_change_kind::left;
    std::string platform;               // whose accounts these are: "dingtalk"
    std::vector<std::string> accounts;  // the platform's user ids (person.accounts values)
};

// One open complaint as far as the warning needs it.
struct open_work {
    std::string complaint;                 // its code, "P3"
    std::vector<std::string> departments;  // departments that still owe a step on it
    std::vector<std::string> people;       // person ids responsible for it (complainant, handler…)
};

// The warning to post in cfg.default_chat, @-mentioning HR's head (HR's other members when the
// head is the one concerned); nullopt when nobody concerned is known to the organization, heads a
// department or has open work. Simplified Chinese, one line per person.
std::optional<core::outbound_post> staff_change_warning(const config& cfg, const staff_change& change,
                                                        const std::vector<open_work>& open);

}  // namespace rules
