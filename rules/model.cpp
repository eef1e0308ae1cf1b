#include "rules/model.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace rules {

namespace {

template <typename E, std::size_t N>
std::string_view name_in(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
    for (const auto& [e, name] : table)
        if (e == value) return name;
    return {};
}

template <typename E, std::size_t N>
std::optional<E> value_in(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name) {
    for (const auto& [e, n] : table)
        if (n == name) return e;
    return std::nullopt;
}

constexpr std::array<std::pair<complaint_status, std::string_view>, 3> complaint_statuses{{
    {complaint_status::open, "open"},
    {complaint_status::closed, "closed"},
    {complaint_status::invalid, "invalid"},
}};

constexpr std::array<std::pair<fine_status, std::string_view>, 3> fine_statuses{{
    {fine_status::open, "open"},
    {fine_status::paid, "paid"},
    {fine_status::waived, "waived"},
}};

constexpr std::array<std::pair<stage_id, std::string_view>, 6> stages{{
    {stage_id::accept, "accept"},
    {stage_id::publish, "publish"},
    {stage_id::route, "route"},
    {stage_id::respond, "respond"},
    {stage_id::notify, "notify"},
    {stage_id::review, "review"},
}};

constexpr std::array<std::pair<freight_step, std::string_view>, 4> freight_steps{{
    {freight_step::head, "head"},
    {freight_step::desk, "desk"},
    {freight_step::pay, "pay"},
    {freight_step::write_off, "write_off"},
}};

constexpr std::array<std::pair<timed_step, std::string_view>, 11> timed_steps{{
    {timed_step::sign, "sign"},
    {timed_step::vp, "vp"},
    {timed_step::gm, "gm"},
    {timed_step::execute, "execute"},
    {timed_step::freight_head, "freight:head"},
    {timed_step::freight_desk, "freight:desk"},
    {timed_step::freight_pay, "freight:pay"},
    {timed_step::freight_write_off, "freight:write_off"},
    {timed_step::countersign, "countersign"},
    {timed_step::approve, "approve"},
    {timed_step::crisis, "crisis"},
}};

constexpr std::array<std::pair<satisfaction, std::string_view>, 3> satisfactions{{
    {satisfaction::satisfied, "satisfied"},
    {satisfaction::basically_satisfied, "basically_satisfied"},
    {satisfaction::unsatisfied, "unsatisfied"},
}};

constexpr std::array<std::pair<satisfaction, std::string_view>, 3> satisfaction_labels{{
    {satisfaction::satisfied, "满意"},
    {satisfaction::basically_satisfied, "基本满意"},
    {satisfaction::unsatisfied, "不满意"},
}};

constexpr std::string_view followup_prefix = "followup:";
constexpr std::string_view customer_prefix = "customer:";
constexpr std::string_view supervise_prefix = "supervise:";

// A positive decimal number, all of `s`.
std::optional<int> positive(std::string_view s) {
    int n = 0;
    if (s.empty() || s.front() == '+' || s.front() == '-') return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end != s.data() + s.size() || n < 1) return std::nullopt;
    return n;
}

// The action part of a stage's or a review's chain: "miss", "esc:<n>", "repeat:<n>", "warn".
bool parse_chain_action(std::string_view a, deadline_key& k) {
    auto take = [&](std::string_view prefix, deadline_action act) {
        if (a.substr(0, prefix.size()) != prefix) return false;
        auto n = positive(a.substr(prefix.size()));
        if (!n) return false;
        k.action = act;
        k.level = *n;
        return true;
    };
    if (a == "miss") {
        k.action = deadline_action::miss;
        return true;
    }
    if (a == "warn") {
        k.action = deadline_action::warn;
        return true;
    }
    return take("esc:", deadline_action::escalate) || take("repeat:", deadline_action::repeat);
}

std::string chain_action(deadline_action a, int level) {
    switch (a) {
        case deadline_action::ask:
            return "ask";
        case deadline_action::miss:
            return "miss";
        case deadline_action::warn:
            return "warn";
        case deadline_action::escalate:
            return "esc:" + std::to_string(level);
        case deadline_action::repeat:
            return "repeat:" + std::to_string(level);
        case deadline_action::remind:
            return "remind:" + std::to_string(level);
    }
    return {};
}

}  // namespace

std::string_view to_string(complaint_status s) {
    return name_in(complaint_statuses, s);
}
std::optional<complaint_status> parse_complaint_status(std::string_view s) {
    return value_in(complaint_statuses, s);
}
std::string_view to_string(fine_status s) {
    return name_in(fine_statuses, s);
}
std::optional<fine_status> parse_fine_status(std::string_view s) {
    return value_in(fine_statuses, s);
}
std::string_view to_string(stage_id s) {
    return name_in(stages, s);
}
std::optional<stage_id> parse_stage(std::string_view s) {
    return value_in(stages, s);
}
std::string_view to_string(freight_step s) {
    return name_in(freight_steps, s);
}
std::optional<freight_step> parse_freight_step(std::string_view s) {
    return value_in(freight_steps, s);
}
std::string_view to_string(timed_step s) {
    return name_in(timed_steps, s);
}
std::optional<timed_step> parse_timed_step(std::string_view s) {
    return value_in(timed_steps, s);
}

std::string_view to_string(satisfaction s) {
    return name_in(satisfactions, s);
}
std::optional<satisfaction> parse_satisfaction(std::string_view s) {
    return value_in(satisfactions, s);
}
std::string_view satisfaction_label(satisfaction s) {
    return name_in(satisfaction_labels, s);
}

timed_step timed_step_of(freight_step s) {
    switch (s) {
        case freight_step::head:
            return timed_step::freight_head;
        case freight_step::desk:
            return timed_step::freight_desk;
        case freight_step::pay:
            return timed_step::freight_pay;
        case freight_step::write_off:
            break;
    }
    return timed_step::freight_write_off;
}

std::optional<freight_step> freight_step_of(timed_step s) {
    switch (s) {
        case timed_step::freight_head:
            return freight_step::head;
        case timed_step::freight_desk:
            return freight_step::desk;
        case timed_step::freight_pay:
            return freight_step::pay;
        case timed_step::freight_write_off:
            return freight_step::write_off;
        default:
            return std::nullopt;
    }
}

deadline_key deadline_key::stage_key(stage_id s, deadline_action a, int level) {
    deadline_key k;
    k.stage = s;
    k.action = a;
    k.level = level;
    return k;
}

deadline_key deadline_key::department_miss(std::string department) {
    auto k = stage_key(stage_id::respond, deadline_action::miss);
    k.department = std::move(department);
    return k;
}

deadline_key deadline_key::review_key(std::string fine_id, deadline_action a, int level) {
    auto k = stage_key(stage_id::review, a, level);
    k.subject = subject_kind::fine_review;
    k.fine = std::move(fine_id);
    return k;
}

deadline_key deadline_key::reminder(timed_step s, int n) {
    deadline_key k;
    k.subject = subject_kind::step;
    k.step = s;
    k.action = deadline_action::remind;
    k.level = n;
    return k;
}

deadline_key deadline_key::followup_key(deadline_action a) {
    deadline_key k;
    k.subject = subject_kind::followup;
    k.action = a;
    k.level = a == deadline_action::ask ? 0 : 1;
    return k;
}

deadline_key deadline_key::customer_key(deadline_action a) {
    deadline_key k;
    k.subject = subject_kind::customer;
    k.action = a;
    k.level = 1;
    return k;
}

deadline_key deadline_key::supervise_key(int level) {
    deadline_key k;
    k.subject = subject_kind::supervise;
    k.action = deadline_action::escalate;
    k.level = level;
    return k;
}

std::string deadline_key::to_string() const {
    switch (subject) {
        case subject_kind::customer:
            return std::string(customer_prefix) + chain_action(action, level);
        case subject_kind::supervise:
            return std::string(supervise_prefix) + chain_action(deadline_action::escalate, level);
        case subject_kind::followup:
            return std::string(followup_prefix) + chain_action(action, level);
        case subject_kind::step:
            return std::string(rules::to_string(step)) + ":" + chain_action(deadline_action::remind, level);
        case subject_kind::fine_review:
            return fine + ":review:" + chain_action(action, level);
        case subject_kind::stage:
            break;
    }
    auto s = std::string(rules::to_string(stage)) + ":" + chain_action(action, level);
    if (!department.empty()) s += ":" + department;
    return s;
}

std::optional<deadline_key> deadline_key::parse(std::string_view key) {
    deadline_key k;
    // The 回访: "followup:ask", "followup:remind:1", "followup:esc:1".
    if (key.substr(0, followup_prefix.size()) == followup_prefix) {
        auto action = key.substr(followup_prefix.size());
        if (action == "ask") return followup_key(deadline_action::ask);
        if (action == "remind:1") return followup_key(deadline_action::remind);
        if (action == "esc:1") return followup_key(deadline_action::escalate);
        return std::nullopt;
    }
    // The customer's clock: "customer:remind:1", "customer:esc:1", "supervise:esc:1|2".
    if (key.substr(0, customer_prefix.size()) == customer_prefix) {
        auto action = key.substr(customer_prefix.size());
        if (action == "remind:1") return customer_key(deadline_action::remind);
        if (action == "esc:1") return customer_key(deadline_action::escalate);
        return std::nullopt;
    }
    if (key.substr(0, supervise_prefix.size()) == supervise_prefix) {
        auto action = key.substr(supervise_prefix.size());
        if (action == "esc:1") return supervise_key(1);
        if (action == "esc:2") return supervise_key(2);
        return std::nullopt;
    }
    // A timed step's reminder: "<step>:remind:<n>" (the step may hold a colon: "freight:pay").
    if (auto pos = key.rfind(":remind:"); pos != std::string_view::npos) {
        auto step = parse_timed_step(key.substr(0, pos));
        auto n = positive(key.substr(pos + 8));
        if (!step || !n) return std::nullopt;
        return reminder(*step, *n);
    }
    // A fine's review: "F<n>:review:<action>".
    if (key.size() > 1 && key[0] == 'F' && key[1] >= '0' && key[1] <= '9') {
        constexpr std::string_view marker = ":review:";
        auto pos = key.find(marker);
        if (pos == std::string_view::npos || !positive(key.substr(1, pos - 1))) return std::nullopt;
        k = review_key(std::string(key.substr(0, pos)), deadline_action::miss);
        if (!parse_chain_action(key.substr(pos + marker.size()), k) || k.action == deadline_action::warn)
            return std::nullopt;
        return k;
    }
    auto colon = key.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto stage = parse_stage(key.substr(0, colon));
    if (!stage) return std::nullopt;
    k.stage = *stage;
    auto action = key.substr(colon + 1);
    if (*stage == stage_id::respond && action.substr(0, 5) == "miss:") {
        if (action.size() == 5) return std::nullopt;
        return department_miss(std::string(action.substr(5)));
    }
    if (!parse_chain_action(action, k)) return std::nullopt;
    if (k.action == deadline_action::warn && *stage != stage_id::respond) return std::nullopt;
    return k;
}

}  // namespace rules
