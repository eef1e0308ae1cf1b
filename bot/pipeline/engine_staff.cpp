// engine::staff_changed: who left or moved, what they still owe, and HR's warning.
#include "pipeline/engine.hpp"
#include "rules/workflow.hpp"

namespace app {

bool engine::staff_changed(const rules::staff_change& change, const std::string& event_id) {
    auto tx = db_.begin();
    if (!event_id.empty()) {
        const std::string key = "event:" + event_id;
        std::string who;
        for (const auto& a : change.accounts) who += (who.empty() ? "" : ",") + a;
        if (!db_.record_inbound_once(
                {change.platform, key, clock_.now(), "", "",
                 std::string(change.kind == rules::staff_change_kind::left ? "离职 " : "变动 ") + who})) {
            tx->commit();
            return false;
        }
    }
    // The open complaints as the warning needs them: who owns each (the complainant, whoever
    // accepted it) and which departments still owe a step. Every open complaint is in memory once
    // loading is done; while loading, the database holds the rest.
    std::vector<rules::open_work> open;
    auto add = [&](const rules::complaint& c) {
        if (!c.is_open()) return;
        rules::open_work w{c.id, rules::pending_departments(c, cfg_), {c.complainant}};
        if (auto owner = rules::owner_of(c); !owner.empty() && owner != c.complainant)
            w.people.push_back(owner);
        open.push_back(std::move(w));
    };
    live_.for_each_held(add);
    if (live_.loading())
        for (const auto& id : db_.first_open_ids(100'000))
            if (!live_.held(id))
                if (auto c = db_.load_complaint(id)) add(*c);
    auto post = rules::staff_change_warning(cfg_, change, open);
    if (post) db_.enqueue(*post, clock_.now());
    tx->commit();
    return post.has_value();
}

}  // namespace app
