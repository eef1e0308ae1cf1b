#include "rules/config.hpp"
#include "rules/text.hpp"

namespace rules {

const person* organization::find_person(std::string_view id) const {
    for (const auto& p : people)
        if (p.id == id) return &p;
    return nullptr;
}

const department* organization::find_department(std::string_view name) const {
    auto wanted = fold(trim(name));
    for (const auto& d : departments)
        if (d.name == name || fold(d.name) == wanted) return &d;
    return nullptr;
}

const person* organization::find_by_account(std::string_view platform, std::string_view account) const {
    for (const auto& p : people) {
        auto it = p.accounts.find(std::string(platform));
        if (it != p.accounts.end() && it->second == account) return &p;
    }
    return nullptr;
}

bool organization::is_member(std::string_view person_id, std::string_view dept) const {
    const auto* p = find_person(person_id);
    const auto* d = find_department(dept);
    if (!p || !d) return false;
    return p->department == d->name || d->head == p->id;
}

std::string organization::head_of(std::string_view dept) const {
    const auto* d = find_department(dept);
    return d ? d->head : std::string{};
}

std::string organization::display_name(std::string_view person_id) const {
    const auto* p = find_person(person_id);
    return p ? p->name : std::string(person_id);
}

// ---------------------------------------------------------------------------------------------
// frozen_rules

frozen_rules::frozen_rules() {
    static const auto defaults = std::make_shared<const workflow_rules>();
    p_ = defaults;
}

frozen_rules::frozen_rules(const workflow_rules& r) {
    // The loop thread registers complaint after complaint under the config's rules: one copy.
    thread_local std::shared_ptr<const workflow_rules> last;
    if (!last || !(*last == r)) last = std::make_shared<const workflow_rules>(r);
    p_ = last;
}

frozen_rules::frozen_rules(std::shared_ptr<const workflow_rules> shared) : p_(std::move(shared)) {
    if (!p_) p_ = frozen_rules().p_;
}

workflow_rules& frozen_rules::edit() {
    if (!own_ || p_.use_count() > 2) {  // shared with another complaint (or never copied): copy
        own_ = std::make_shared<workflow_rules>(*p_);
        p_ = own_;
    }
    return *own_;
}

}  // namespace rules
