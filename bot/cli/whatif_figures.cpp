#include "cli/whatif_figures.hpp"

#include <algorithm>
#include <set>

#include "reports/report_json.hpp"
#include "rules/workflow.hpp"

namespace app {

namespace {

// Who must act on a stage with one acting department (as the rules' reminders @-mention them).
std::string acting(const rules::complaint& c, const rules::config& cfg, const std::string& stage) {
    if (stage == "accept")
        return c.kind == rules::complaint_kind::product ? cfg.roles.order_desk : cfg.roles.hr;
    if (stage == "publish") return cfg.roles.order_desk;
    if (stage == "review") return cfg.roles.appeal;
    return cfg.roles.hr;  // route, notify
}

std::string department_of(const rules::config& cfg, const std::string& person, const std::string& fallback) {
    if (const auto* p = cfg.org.find_person(person); p && !p->department.empty()) return p->department;
    return fallback;
}

class counter {
  public:
    explicit counter(period_figures& f) : f_(f) {}

    // A timed stage: met when done by its due time, missed when past it (marked or done late).
    void stage(const std::string& key, const std::string& department, const rules::stage_state& s) {
        if (!s.due) return;
        auto& r = row(key, department);
        r.escalations += s.escalations_fired + s.repeats_fired;
        bool met = s.done_at && *s.done_at <= *s.due;
        bool missed = s.missed || (s.done_at && *s.done_at > *s.due);
        if (met || missed) r.decided++;
        if (met) r.on_time++;
    }
    // A reminded step (签字, 副总意见, …): met when done before its first reminder was due.
    void step(const std::string& key, const std::string& department, bool done, int reminders) {
        auto& r = row(key, department);
        r.escalations += reminders;
        if (reminders > 0 || done) r.decided++;
        if (done && reminders == 0) r.on_time++;
    }
    stage_figures& row(const std::string& key, const std::string& department) {
        return f_.rows[{key, department}];
    }

  private:
    period_figures& f_;
};

void count_complaint(const rules::complaint& c, const std::vector<rules::event>& events,
                     const rules::config& cfg, counter& n) {
    for (const auto& s : c.stages) {
        if (s.name != "respond") {
            n.stage(s.name, acting(c, cfg, s.name), s);
            continue;
        }
        if (!s.due) continue;
        // Each department answers on its own clock; the stage's escalations go to the late ones.
        for (const auto& d : c.departments) {
            auto due = rules::reply_due(c, d);
            if (!due) continue;
            auto& r = n.row("respond", d.department);
            bool met = d.replied_at && *d.replied_at <= *due;
            bool missed = d.fined || (d.replied_at && *d.replied_at > *due) || (!d.replied_at && s.missed);
            if (met || missed) r.decided++;
            if (met) r.on_time++;
            if (missed) r.escalations += s.escalations_fired + s.repeats_fired;
        }
    }
    for (const auto& a : c.fine_appeals) n.stage("review", cfg.roles.appeal, a.review);

    // Reminders per step, and when the first one of each was posted.
    std::map<std::string, int> reminders;
    std::map<std::string, core::instant> first_reminder;
    for (const auto& e : events) {
        if (e.type != "reminded") continue;
        if (reminders[e.stage]++ == 0) first_reminder[e.stage] = e.at;
    }
    auto count_of = [&](const std::string& step) {
        auto it = reminders.find(step);
        return it == reminders.end() ? 0 : it->second;
    };
    if (c.sheet_at) {
        auto first = first_reminder.find("sign");
        for (const auto& d : c.departments) {
            std::optional<core::instant> signed_at;
            for (const auto& e : events) {
                if (e.type != "signed") continue;
                auto names = signed_departments(e.detail);
                if (std::find(names.begin(), names.end(), d.department) == names.end()) continue;
                signed_at = e.at;
                break;
            }
            bool late = first != first_reminder.end() && (!signed_at || *signed_at >= first->second);
            int posted = 0;  // reminders posted while this department had not signed
            for (const auto& e : events)
                if (e.type == "reminded" && e.stage == "sign" && (!signed_at || e.at <= *signed_at)) ++posted;
            auto& r = n.row("sign", d.department);
            r.escalations += posted;
            if (signed_at || late) r.decided++;
            if (signed_at && !late) r.on_time++;
        }
    }
    if (c.forwarded_at) {
        std::string vp_department = cfg.roles.general_manager.empty()
                                        ? std::string("总经理")
                                        : department_of(cfg, cfg.roles.general_manager.front(), "总经理");
        if (auto it = cfg.roles.vice_presidents.find(c.complainant_department);
            it != cfg.roles.vice_presidents.end())
            vp_department = department_of(cfg, it->second, vp_department);
        n.step("vp", vp_department, c.vp_opinion.at.has_value(), count_of("vp"));
    }
    if (c.vp_opinion.at) {
        auto gm = cfg.roles.general_manager.empty()
                      ? std::string("总经理")
                      : department_of(cfg, cfg.roles.general_manager.front(), "总经理");
        n.step("gm", gm, c.gm_approval.at.has_value(), count_of("gm"));
    }
    if (c.gm_approval.at)
        n.step("execute", cfg.roles.order_desk, c.executed.at.has_value(), count_of("execute"));
    if (c.freight) {
        const auto& f = *c.freight;
        if (f.opened.at)
            n.step("freight:head", f.department, f.head_signed.at.has_value(), count_of("freight:head"));
        if (f.head_signed.at)
            n.step("freight:desk", cfg.roles.order_desk, f.desk_signed.at.has_value(),
                   count_of("freight:desk"));
        if (f.desk_signed.at)
            n.step("freight:pay", cfg.roles.finance, f.paid.at.has_value(), count_of("freight:pay"));
        if (f.paid.at)
            n.step("freight:write_off", cfg.roles.hr, f.written_off.at.has_value(),
                   count_of("freight:write_off"));
    }
}

}  // namespace

period_figures compute_figures(storage::database& db, const rules::config& cfg, core::instant from,
                               core::instant to) {
    period_figures f;
    counter n(f);
    std::set<std::string> ids;
    for (const auto& c : db.complaints_posted_between(from, to)) {
        ++f.complaints;
        ids.insert(c.id);
        count_complaint(c, db.events_of(c.id), cfg, n);
    }
    for (const auto& fine : db.fines()) {
        if (!ids.count(fine.complaint)) continue;
        auto& r = n.row(fine.stage, fine.department);
        r.fines++;
        r.fine_amount += fine.amount;
    }
    return f;
}

const std::vector<std::string>& stage_order() {
    static const std::vector<std::string> order{
        "accept", "publish", "route",   "respond",      "notify",       "review",      "sign",
        "vp",     "gm",      "execute", "freight:head", "freight:desk", "freight:pay", "freight:write_off"};
    return order;
}

std::string stage_title(const std::string& key) {
    if (key == "sign") return "流程表签字";
    if (key == "vp") return "副总意见";
    if (key == "gm") return "总经理审批";
    if (key == "execute") return "执行";
    if (key == "freight:head") return "运费·责任部门签字";
    if (key == "freight:desk") return "运费·审核签字";
    if (key == "freight:pay") return "运费·付款";
    if (key == "freight:write_off") return "运费·核销";
    return rules::stage_label(key);
}

}  // namespace app
