// workflow: (stages, escalation chains, reminders, fines, the appeal window) and schedules: (the
// daily summary, the 17:30 sheet, the 09:00 forward, the weekly report).
#include "config/reader.hpp"

#include <algorithm>

namespace conf::detail {

void read_workflow(reader& L, const YAML::Node& root, rules::config& cfg, const names& known) {
    if (auto wf = root["workflow"]; wf) {
        if (L.keys(wf, "workflow",
                   {"fine_amount", "respond_warning", "respond_minimum", "appeal_window",
                    "compensation_keywords", "stages", "reminders", "repeat_every",
                    "require_manager_approval", "approval_remind"})) {
            auto& w = cfg.workflow;
            if (auto n = wf["require_manager_approval"]; n) {
                if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false"))
                    L.error(n, "workflow.require_manager_approval must be true or false",
                            "`true` makes a salesperson's post wait for their head's 批准 P1 before the "
                            "clocks start");
                else
                    cfg.require_manager_approval = n.Scalar() == "true";
            }
            if (auto n = wf["approval_remind"]; n)
                if (auto v = L.duration(n, "workflow.approval_remind", true)) cfg.approval_remind = *v;
            if (auto rm = wf["reminders"]; rm) {
                const std::vector<std::string> steps = {"sign",    "vp_opinion", "gm_approval",
                                                        "execute", "freight",    "repeat"};
                if (L.keys(rm, "workflow.reminders", steps)) {
                    auto set = [&](const char* key, core::duration& slot) {
                        if (auto n = rm[key]; n)
                            if (auto v = L.duration(n, std::string("workflow.reminders.") + key, true))
                                slot = *v;
                    };
                    set("sign", w.sign_due);
                    set("vp_opinion", w.vp_due);
                    set("gm_approval", w.gm_due);
                    set("execute", w.execute_due);
                    set("freight", w.freight_due);
                    if (auto n = rm["repeat"]; n)
                        if (auto v = L.positive_int(n, "workflow.reminders.repeat")) w.reminders = *v;
                }
            }
            if (auto n = wf["fine_amount"]; n)
                if (auto v = L.positive_int(n, "fine_amount")) w.fine_amount = *v;
            if (auto n = wf["respond_warning"]; n)
                if (auto v = L.duration(n, "workflow.respond_warning", true)) w.respond_warning = *v;
            if (auto n = wf["respond_minimum"]; n)
                if (auto v = L.duration(n, "workflow.respond_minimum", true)) w.respond_minimum = *v;
            if (auto n = wf["repeat_every"]; n)
                if (auto v = L.duration(n, "workflow.repeat_every", true)) w.repeat_every = *v;
            if (auto n = wf["appeal_window"]; n)
                if (auto v = L.duration(n, "workflow.appeal_window", false)) w.appeal_window = *v;
            if (auto n = wf["compensation_keywords"]; n) {
                if (!n.IsSequence()) {
                    L.error(n, "workflow.compensation_keywords must be a list",
                            "e.g. [赔, 索赔, 退货, 换货, 退换, 补偿]");
                } else {
                    w.compensation_keywords.clear();
                    for (const auto& k : n)
                        if (auto v = L.str(k, "compensation keyword")) w.compensation_keywords.push_back(*v);
                }
            }
            if (auto st = wf["stages"]; st) {
                const std::vector<std::string> names = {"accept",  "publish", "route",
                                                        "respond", "notify",  "review"};
                if (L.keys(st, "workflow.stages", names)) {
                    for (const auto& name : names) {
                        auto sn = st[name];
                        if (!sn) continue;
                        if (!L.keys(sn, "workflow.stages." + name, {"due", "escalation", "repeat_every"}))
                            continue;
                        rules::stage_rule* rule = name == "accept"    ? &w.accept
                                                  : name == "publish" ? &w.publish
                                                  : name == "route"   ? &w.route
                                                  : name == "respond" ? &w.respond
                                                  : name == "notify"  ? &w.notify
                                                                      : &w.review;
                        if (auto d = sn["due"]; d)
                            if (auto v = L.duration(d, "workflow.stages." + name + ".due", false))
                                rule->due = *v;
                        if (auto d = sn["repeat_every"]; d)
                            if (auto v = L.duration(d, "workflow.stages." + name + ".repeat_every", true))
                                rule->repeat_every = *v;
                        if (auto esc = sn["escalation"]; esc) {
                            if (!esc.IsSequence()) {
                                L.error(esc, "escalation must be a list of levels",
                                        "e.g. [ { after: 0m, notify: head }, { after: 30m, notify: vp } ]");
                                continue;
                            }
                            rule->escalation.clear();
                            core::duration last{-1};
                            for (const auto& lv : esc) {
                                if (!L.keys(lv, "an escalation level", {"after", "notify"})) continue;
                                rules::escalation_level level;
                                if (auto a = lv["after"]; a) {
                                    if (auto v = L.duration(a, "escalation `after`", true)) level.after = *v;
                                }
                                if (level.after <= last)
                                    L.error(lv, "escalation levels must be in increasing `after` order",
                                            "sort the levels by `after`");
                                last = level.after;
                                if (auto nt = lv["notify"]; nt) {
                                    if (auto v = L.str(nt, "notify")) {
                                        level.notify = *v;
                                        static const std::vector<std::string> fixed = {
                                            "head", "hr_head", "order_desk_head", "vp", "general_manager"};
                                        if (v->rfind("person:", 0) == 0)
                                            known.check_person(L, nt, v->substr(7), "escalation target");
                                        else if (v->rfind("department:", 0) == 0)
                                            known.check_dept(L, nt, v->substr(11), "escalation target");
                                        else if (std::find(fixed.begin(), fixed.end(), *v) == fixed.end())
                                            L.error(
                                                nt, "unknown escalation target '" + *v + "'",
                                                "use head, hr_head, order_desk_head, vp, general_manager, "
                                                "person:<id> or department:<name>");
                                    }
                                }
                                rule->escalation.push_back(level);
                            }
                        }
                    }
                }
            }
        }
    }
}

void read_schedules(reader& L, const YAML::Node& root, rules::config& cfg) {
    if (auto sc = root["schedules"]; sc) {
        if (L.keys(sc, "schedules",
                   {"daily_summary", "sheet", "forward", "weekly_report", "monthly_report"})) {
            auto set = [&](const char* key, std::string& slot, bool weekly) {
                auto n = sc[key];
                if (!n) return;
                auto v = L.str(n, key);
                if (!v) return;
                auto at = core::parse_schedule_time(*v);
                if (*v == "off" || (at && (at->weekday != 0) == weekly)) {
                    slot = *v == "off" ? "" : *v;
                } else {
                    L.error(n, std::string("bad time '") + *v + "' for schedules." + key,
                            weekly ? "write a weekday and a time, e.g. \"周五 17:00\", or off"
                                   : "write a local time like \"18:00\", or off");
                }
            };
            set("daily_summary", cfg.schedules.daily_summary, false);
            set("sheet", cfg.schedules.sheet, false);
            set("forward", cfg.schedules.forward, false);
            set("weekly_report", cfg.schedules.weekly_report, true);
            set("monthly_report", cfg.schedules.monthly_report, false);
        }
    }
}

}  // namespace conf::detail
