#include <sstream>

#include "config/checks.hpp"
#include "config/loader.hpp"
#include "core/time.hpp"

namespace conf {

std::string explain_config(const rules::config& cfg) {
    std::ostringstream o;
    auto person = [&](const std::string& id) {
        const auto* p = cfg.org.find_person(id);
        return p ? p->name + " " + id : id;
    };
    auto head = [&](const std::string& dept) {
        for (const auto& d : cfg.org.departments)
            if (d.name == dept) return dept + "（负责人 " + person(d.head) + "）";
        return dept;
    };
    auto chain = [&](const rules::stage_rule& r, const std::string& acting) {
        if (r.escalation.empty()) return std::string("no escalation");
        std::string s;
        for (const auto& l : r.escalation) {
            std::string who = l.notify == "head"              ? "@ head of " + acting
                              : l.notify == "hr_head"         ? "@ head of " + head(cfg.roles.hr)
                              : l.notify == "order_desk_head" ? "@ head of " + head(cfg.roles.order_desk)
                              : l.notify == "vp"              ? "@ VP of the complainant's department"
                              : l.notify == "general_manager" ? "@ general manager"
                                                              : "@ " + l.notify;
            s +=
                (s.empty() ? "" : "; ") + who +
                (l.after.count() == 0 ? " at the deadline" : " " + core::format_duration(l.after) + " later");
        }
        return s;
    };
    const auto& w = cfg.workflow;
    o << "config: " << cfg.source_file << "\n"
      << "company: " << (cfg.company.empty() ? "(not set)" : cfg.company) << "\n"
      << "time zone: " << cfg.timezone << "\n"
      << "database: " << cfg.database
      << (cfg.database.rfind("postgres", 0) == 0
              ? (cfg.database_password_env.empty()
                     ? std::string(" (PostgreSQL; password from PGPASSWORD or ~/.pgpass)")
                     : " (PostgreSQL; password from $" + cfg.database_password_env + ")")
              : std::string(" (SQLite file)"))
      << "\n"
      << "departments (" << cfg.org.departments.size() << "):\n";
    for (const auto& d : cfg.org.departments) o << "  " << head(d.name) << "\n";
    o << "people: " << cfg.org.people.size() << "\n"
      << "roles: order desk " << cfg.roles.order_desk << ", HR " << cfg.roles.hr << ", investigators ";
    for (std::size_t i = 0; i < cfg.roles.investigators.size(); ++i)
        o << (i ? "、" : "") << cfg.roles.investigators[i];
    o << ", appeal " << cfg.roles.appeal << "\n";
    for (const auto& [dept, vp] : cfg.roles.vice_presidents)
        o << "  VP of " << dept << ": " << person(vp) << "\n";
    for (const auto& gm : cfg.roles.general_manager)
        o << "  general manager / assistant: " << person(gm) << "\n";
    o << "\n产品质量投诉 (P):\n"
      << "  accept  by " << cfg.roles.order_desk << " within " << core::format_duration(w.accept.due)
      << " of the post; missed: " << chain(w.accept, cfg.roles.order_desk) << "\n"
      << "  publish by " << cfg.roles.order_desk << " within " << core::format_duration(w.publish.due)
      << " of the post; missed: " << chain(w.publish, cfg.roles.order_desk) << "\n"
      << "  respond by each department named (default ";
    for (std::size_t i = 0; i < cfg.roles.investigators.size(); ++i)
        o << (i ? "、" : "") << cfg.roles.investigators[i];
    o << ") within " << core::format_duration(w.respond.due) << " of the post; missed: fine each silent head "
      << w.fine_amount << " yuan";
    if (!w.respond.escalation.empty()) o << ", then " << chain(w.respond, "the silent department");
    o << "\n\n服务质量投诉 (S):\n"
      << "  accept  by " << cfg.roles.hr << " within " << core::format_duration(w.accept.due)
      << " of the post; missed: " << chain(w.accept, cfg.roles.hr) << "\n"
      << "  route   by " << cfg.roles.hr << " within " << core::format_duration(w.route.due)
      << " of the post; missed: " << chain(w.route, cfg.roles.hr) << "\n"
      << "  respond by each routed department within " << core::format_duration(w.respond.due)
      << " of the post; missed: fine each silent head " << w.fine_amount << " yuan\n"
      << "  notify  by " << cfg.roles.hr << " within " << core::format_duration(w.notify.due)
      << " after the last plan; missed: " << chain(w.notify, cfg.roles.hr) << "\n\n"
      << "respond warning: "
      << (w.respond_warning.count() ? core::format_duration(w.respond_warning) + " before the deadline"
                                    : "off")
      << "\n"
      << "a department routed late still gets: " << core::format_duration(w.respond_minimum) << "\n"
      << "compensation keywords: ";
    for (std::size_t i = 0; i < w.compensation_keywords.size(); ++i)
        o << (i ? " " : "") << w.compensation_keywords[i];
    o << "\nschedules: sheet " << (cfg.schedules.sheet.empty() ? "off" : cfg.schedules.sheet)
      << ", daily summary " << (cfg.schedules.daily_summary.empty() ? "off" : cfg.schedules.daily_summary)
      << ", weekly report " << (cfg.schedules.weekly_report.empty() ? "off" : cfg.schedules.weekly_report)
      << ", monthly report "
      << (cfg.schedules.monthly_report.empty() ? "off" : "first work day " + cfg.schedules.monthly_report)
      << "\n";
    if (cfg.calendar.business) {
        o << "calendar: business time (deadlines count working time only); work days";
        for (auto d : cfg.calendar.work_days) o << " " << d;
        o << "; hours";
        for (const auto& h : cfg.calendar.hours) {
            char buf[32];
            std::snprintf(buf, sizeof buf, " %02u:%02u-%02u:%02u", h.start / 60 % 100, h.start % 60,
                          h.end / 60 % 100, h.end % 60);
            o << buf;
        }
        o << "; " << cfg.calendar.holidays.size() << " holidays, " << cfg.calendar.make_up_days.size()
          << " make-up work days\n";
    } else {
        o << "calendar: wall clock (every minute counts)\n";
    }
    o << "reminders: sign " << core::format_duration(w.sign_due) << ", VP " << core::format_duration(w.vp_due)
      << ", general manager " << core::format_duration(w.gm_due) << ", execute "
      << core::format_duration(w.execute_due) << ", freight steps " << core::format_duration(w.freight_due)
      << ", up to " << w.reminders << " each\n";
    o << "a stage nobody acts on after its last escalation level: reminded "
      << (w.repeat_every.count() ? "every " + core::format_duration(w.repeat_every) : std::string("never"))
      << " until done\n";
    const auto& f = cfg.followup;
    if (f.enabled)
        o << "回访: asked " << f.after_days << " work day(s) after a complaint closes, by "
          << (f.by.empty() ? std::string("the complainant") : f.by) << ", to be recorded within "
          << f.within_days
          << " work day(s); reminded halfway, escalated to the head at the end; 不满意 reopens it for "
          << cfg.roles.appeal << "\n";
    else
        o << "回访: off\n";
    const auto& cu = cfg.customer;
    if (cu.enabled)
        o << "customer: 已答复客户 within " << core::format_duration(cu.answer_within) << " of the post"
          << (cu.remind_before.count() ? " (reminded " + core::format_duration(cu.remind_before) + " before)"
                                       : "")
          << ", then the complainant's head; still open after " << core::format_duration(cu.resolve_within)
          << ": 督办 by the VP, " << core::format_duration(cu.gm_after) << " later the general manager\n";
    else
        o << "customer: off (no 已答复客户 clock, no 督办)\n";
    if (cfg.require_manager_approval)
        o << "manager approval: a post waits for the complainant's head's 批准 before the clocks start"
          << (cfg.approval_remind.count() ? ", reminded every " + core::format_duration(cfg.approval_remind)
                                          : "")
          << "\n";
    o << "crisis (一级): proposed on";
    for (const auto& k : cfg.crisis.keywords) o << " " << k;
    o << "; pending stages due within " << core::format_duration(cfg.crisis.stage) << " (respond "
      << core::format_duration(cfg.crisis.respond) << "), misses @ the general manager, status "
      << (cfg.crisis.status_every.count() ? "every " + core::format_duration(cfg.crisis.status_every)
                                          : std::string("off"))
      << "\n";
    if (cfg.compensation.self_approve_below > 0)
        o << "compensation: 赔偿 below " << cfg.compensation.self_approve_below << " yuan is executed by "
          << cfg.roles.order_desk
          << " once the heads signed, the general manager countersigns later (补签)\n";
    else
        o << "compensation: every compensation goes to the VP and the general manager before it is "
             "executed\n";
    o << "categories:";
    for (const auto& c : cfg.categories) o << " " << c;
    o << "\n";
    for (const auto& p : cfg.platforms) {
        o << "platform " << p.name << ": " << p.per_minute << " posts/min; secrets from";
        for (const auto& [k, v] : p.env) o << " " << k << "=$" << v;
        o << "\n";
        for (const auto& l : platform_paths(p))
            o << "  " << p.name << " (mode " << p.mode << ") " << l << "\n";
    }
    for (const auto& c : cfg.chats)
        o << "chat " << c.id << " on " << c.platform
          << (c.conversation.empty() ? "" : " (" + c.conversation + ")") << "\n";
    return o.str();
}

}  // namespace conf
