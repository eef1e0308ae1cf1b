// The complaint's lookups and its JSON form (byte-compatible with the rows stored since v3).
#include "rules/complaint.hpp"

#include <nlohmann/json.hpp>

#include "rules/workflow_support.hpp"

namespace rules {

using json = nlohmann::json;

// -------------------------------------------------------------------------------------------------
// complaint

stage_state* complaint::find_stage(std::string_view name) {
    for (auto& s : stages)
        if (s.name == name) return &s;
    return nullptr;
}

const stage_state* complaint::find_stage(std::string_view name) const {
    for (const auto& s : stages)
        if (s.name == name) return &s;
    return nullptr;
}

const stage_state* complaint::pending_stage() const {
    for (const auto& s : stages)
        if (!s.done_at) return &s;
    return nullptr;
}

const std::string* complaint::field(std::string_view key) const {
    for (const auto& [k, v] : fields)
        if (k == key) return &v;
    return nullptr;
}

const std::string* complaint::customer_field() const {
    return field(kind == complaint_kind::product ? "客户名称" : "投诉对象");
}

fine_appeal* complaint::find_fine_appeal(std::string_view fine_id) {
    for (auto& a : fine_appeals)
        if (a.fine == fine_id) return &a;
    return nullptr;
}

const fine_appeal* complaint::find_fine_appeal(std::string_view fine_id) const {
    for (const auto& a : fine_appeals)
        if (a.fine == fine_id) return &a;
    return nullptr;
}

// -------------------------------------------------------------------------------------------------
// JSON (frozen rules and complaint state)

namespace {

json stage_rule_json(const stage_rule& r) {
    json levels = json::array();
    for (const auto& l : r.escalation)
        levels.push_back({{"after_ms", l.after.count()}, {"notify", l.notify}});
    json j = {{"due_ms", r.due.count()}, {"escalation", levels}};
    if (r.repeat_every) j["repeat_every_ms"] = r.repeat_every->count();
    return j;
}

stage_rule stage_rule_from(const json& j) {
    stage_rule r;
    r.due = core::duration{j.at("due_ms").get<std::int64_t>()};
    for (const auto& l : j.at("escalation"))
        r.escalation.push_back(
            {core::duration{l.at("after_ms").get<std::int64_t>()}, l.at("notify").get<std::string>()});
    if (auto it = j.find("repeat_every_ms"); it != j.end())
        r.repeat_every = core::duration{it->get<std::int64_t>()};
    return r;
}

json opt_ms(const std::optional<core::instant>& t);
std::optional<core::instant> opt_instant(const json& j, const char* key);

json stage_json(const stage_state& s) {
    return {{"name", s.name},
            {"due", opt_ms(s.due)},
            {"armed_at", opt_ms(s.armed_at)},
            {"done_at", opt_ms(s.done_at)},
            {"done_by", s.done_by},
            {"missed", s.missed},
            {"escalations_fired", s.escalations_fired},
            {"warned", s.warned},
            {"repeats_fired", s.repeats_fired}};
}

stage_state stage_from(const json& s) {
    stage_state st;
    st.name = s.at("name").get<std::string>();
    st.due = opt_instant(s, "due");
    st.armed_at = opt_instant(s, "armed_at");
    st.done_at = opt_instant(s, "done_at");
    st.done_by = s.at("done_by").get<std::string>();
    st.missed = s.at("missed").get<bool>();
    st.escalations_fired = s.at("escalations_fired").get<int>();
    st.warned = s.at("warned").get<bool>();
    st.repeats_fired = s.value("repeats_fired", 0);  // added with repeat_every
    return st;
}

json step_json(const complaint::step& st) {
    return {{"text", st.text}, {"by", st.by}, {"at", st.at ? json(core::to_ms(*st.at)) : json(nullptr)}};
}

complaint::step step_from(const json& j, const char* key) {
    complaint::step st;
    auto it = j.find(key);
    if (it == j.end() || !it->is_object()) return st;
    st.text = it->value("text", std::string{});
    st.by = it->value("by", std::string{});
    if (auto a = it->find("at"); a != it->end() && !a->is_null())
        st.at = core::from_ms(a->get<std::int64_t>());
    return st;
}

json opt_ms(const std::optional<core::instant>& t) {
    return t ? json(core::to_ms(*t)) : json(nullptr);
}

std::optional<core::instant> opt_instant(const json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return std::nullopt;
    return core::from_ms(it->get<std::int64_t>());
}

// The 回访, 整改 and 问题类别 (added after schema v4: absent in older rows, and left out when empty
// so a complaint without them stores what it stored before).
void followup_to(json& j, const complaint& c) {
    if (!c.category.empty()) {
        j["category"] = c.category;
        if (!c.category_by.empty()) j["category_by"] = c.category_by;
        if (c.category_at) j["category_at"] = core::to_ms(*c.category_at);
    }
    if (!c.corrective_actions.empty()) {
        json list = json::array();
        for (const auto& a : c.corrective_actions)
            list.push_back({{"department", a.department},
                            {"by", a.by},
                            {"measure", a.measure},
                            {"until", a.until},
                            {"at", core::to_ms(a.at)}});
        j["corrective_actions"] = std::move(list);
    }
    if (c.followup) {
        const auto& f = *c.followup;
        j["followup"] = {{"closed_at", core::to_ms(f.closed_at)},
                         {"ask_at", core::to_ms(f.ask_at)},
                         {"remind_at", core::to_ms(f.remind_at)},
                         {"due", core::to_ms(f.due)},
                         {"by", f.by},
                         {"asked", f.asked},
                         {"reminded", f.reminded},
                         {"escalated", f.escalated},
                         {"result", f.result ? json(std::string(to_string(*f.result))) : json(nullptr)},
                         {"recorded_by", f.recorded_by},
                         {"recorded_at", opt_ms(f.recorded_at)},
                         {"remark", f.remark}};
    }
}

void followup_from(const json& j, complaint& c) {
    c.category = j.value("category", std::string{});
    c.category_by = j.value("category_by", std::string{});
    c.category_at = opt_instant(j, "category_at");
    c.corrective_actions.clear();
    if (auto it = j.find("corrective_actions"); it != j.end() && it->is_array())
        for (const auto& a : *it)
            c.corrective_actions.push_back({a.at("department").get<std::string>(),
                                            a.at("by").get<std::string>(), a.at("measure").get<std::string>(),
                                            a.value("until", std::string{}),
                                            core::from_ms(a.at("at").get<std::int64_t>())});
    c.followup.reset();
    if (auto it = j.find("followup"); it != j.end() && it->is_object()) {
        followup_record f;
        f.closed_at = core::from_ms(it->at("closed_at").get<std::int64_t>());
        f.ask_at = core::from_ms(it->at("ask_at").get<std::int64_t>());
        f.remind_at = core::from_ms(it->at("remind_at").get<std::int64_t>());
        f.due = core::from_ms(it->at("due").get<std::int64_t>());
        f.by = it->value("by", std::string{});
        f.asked = it->value("asked", false);
        f.reminded = it->value("reminded", false);
        f.escalated = it->value("escalated", false);
        if (auto r = it->find("result"); r != it->end() && r->is_string())
            f.result = parse_satisfaction(r->get<std::string>());
        f.recorded_by = it->value("recorded_by", std::string{});
        f.recorded_at = opt_instant(*it, "recorded_at");
        f.remark = it->value("remark", std::string{});
        c.followup = std::move(f);
    }
}

}  // namespace

void to_json(json& j, const workflow_rules& r) {
    j = {{"accept", stage_rule_json(r.accept)},
         {"publish", stage_rule_json(r.publish)},
         {"route", stage_rule_json(r.route)},
         {"respond", stage_rule_json(r.respond)},
         {"notify", stage_rule_json(r.notify)},
         {"review", stage_rule_json(r.review)},
         {"respond_warning_ms", r.respond_warning.count()},
         {"respond_minimum_ms", r.respond_minimum.count()},
         {"fine_amount", r.fine_amount},
         {"compensation_keywords", r.compensation_keywords},
         {"appeal_window_ms", r.appeal_window.count()},
         {"sign_due_ms", r.sign_due.count()},
         {"vp_due_ms", r.vp_due.count()},
         {"gm_due_ms", r.gm_due.count()},
         {"execute_due_ms", r.execute_due.count()},
         {"freight_due_ms", r.freight_due.count()},
         {"reminders", r.reminders},
         {"repeat_every_ms", r.repeat_every.count()},
         {"business_time", r.business_time}};
}

void from_json(const json& j, workflow_rules& r) {
    r.accept = stage_rule_from(j.at("accept"));
    r.publish = stage_rule_from(j.at("publish"));
    r.route = stage_rule_from(j.at("route"));
    r.respond = stage_rule_from(j.at("respond"));
    r.notify = stage_rule_from(j.at("notify"));
    r.review = stage_rule_from(j.at("review"));
    r.respond_warning = core::duration{j.at("respond_warning_ms").get<std::int64_t>()};
    r.respond_minimum = core::duration{j.at("respond_minimum_ms").get<std::int64_t>()};
    r.fine_amount = j.at("fine_amount").get<int>();
    r.compensation_keywords = j.at("compensation_keywords").get<std::vector<std::string>>();
    r.appeal_window = core::duration{j.at("appeal_window_ms").get<std::int64_t>()};
    // Added after the first complaints were stored: older rows keep the defaults.
    workflow_rules defaults;
    auto ms = [&](const char* key, core::duration fallback) {
        return core::duration{j.value(key, static_cast<std::int64_t>(fallback.count()))};
    };
    r.sign_due = ms("sign_due_ms", defaults.sign_due);
    r.vp_due = ms("vp_due_ms", defaults.vp_due);
    r.gm_due = ms("gm_due_ms", defaults.gm_due);
    r.execute_due = ms("execute_due_ms", defaults.execute_due);
    r.freight_due = ms("freight_due_ms", defaults.freight_due);
    r.reminders = j.value("reminders", defaults.reminders);
    r.repeat_every = ms("repeat_every_ms", defaults.repeat_every);
    r.business_time = j.value("business_time", false);
}

json state_json(const complaint& c) {
    json j;
    json stages = json::array();
    for (const auto& s : c.stages) stages.push_back(stage_json(s));
    json depts = json::array();
    for (const auto& d : c.departments) {
        json dj = {{"department", d.department},
                   {"replied_at", opt_ms(d.replied_at)},
                   {"by", d.by},
                   {"text", d.text},
                   {"fined", d.fined}};
        if (d.due) dj["due"] = core::to_ms(*d.due);
        if (d.amended_at) dj["amended_at"] = core::to_ms(*d.amended_at);
        depts.push_back(std::move(dj));
    }
    json fields = json::array();
    for (const auto& [k, v] : c.fields) fields.push_back(json::array({k, v}));
    j = {{"id", c.id},
         {"kind", kind_name(c.kind)},
         {"seq", c.seq},
         {"status", c.status},
         {"chat", c.chat},
         {"poster", c.poster},
         {"complainant", c.complainant},
         {"complainant_department", c.complainant_department},
         {"posted_at", core::to_ms(c.posted_at)},
         {"fields", fields},
         {"stages", stages},
         {"departments", depts},
         {"process_flow", c.process_flow},
         {"compensation", c.compensation},
         {"sheet_date", c.sheet_date ? json(core::format_date(*c.sheet_date)) : json(nullptr)},
         {"sheet_signed", c.sheet_signed},
         {"sheet_at", opt_ms(c.sheet_at)},
         {"forwarded_at", opt_ms(c.forwarded_at)},
         {"vp_opinion", step_json(c.vp_opinion)},
         {"gm_approval", step_json(c.gm_approval)},
         {"executed", step_json(c.executed)},
         {"paused_since", opt_ms(c.paused_since)},
         {"pause_reason", c.pause_reason},
         {"paused_total_ms", c.paused_total.count()},
         {"closed_at", opt_ms(c.closed_at)},
         {"reminded", c.reminded}};
    if (c.appeal.at)
        j["appeal"] = {{"by", c.appeal.by},
                       {"reason", c.appeal.reason},
                       {"at", core::to_ms(*c.appeal.at)},
                       {"prior_status", c.appeal.prior_status},
                       {"conclusion", c.appeal.conclusion},
                       {"overturned", c.appeal.overturned}};
    if (!c.attachments.empty()) {
        json list = json::array();
        for (const auto& a : c.attachments) list.push_back({{"kind", a.kind}, {"code", a.code}});
        j["attachments"] = list;
    }
    if (!c.fine_appeals.empty()) {
        json appeals = json::array();
        for (const auto& a : c.fine_appeals)
            appeals.push_back({{"fine", a.fine},
                               {"by", a.by},
                               {"reason", a.reason},
                               {"at", core::to_ms(a.at)},
                               {"review", stage_json(a.review)},
                               {"decision", a.decision},
                               {"conclusion", a.conclusion}});
        j["fine_appeals"] = std::move(appeals);
    }
    if (c.freight)
        j["freight"] = {{"amount", c.freight->amount},
                        {"department", c.freight->department},
                        {"opened", step_json(c.freight->opened)},
                        {"head_signed", step_json(c.freight->head_signed)},
                        {"desk_signed", step_json(c.freight->desk_signed)},
                        {"paid", step_json(c.freight->paid)},
                        {"written_off", step_json(c.freight->written_off)}};
    followup_to(j, c);
    detail::customer_to(j, c);
    detail::amount_to(j, c);
    detail::approval_to(j, c);
    detail::severity_to(j, c);
    detail::case_to(j, c);
    return j;
}

void to_json(json& j, const complaint& c) {
    j = state_json(c);
    j["rules"] = *c.rules;
}

void from_json(const json& j, complaint& c) {
    c.id = j.at("id").get<std::string>();
    c.kind = j.at("kind").get<std::string>() == "service" ? complaint_kind::service : complaint_kind::product;
    c.seq = j.at("seq").get<int>();
    c.status = j.at("status").get<std::string>();
    c.chat = j.at("chat").get<std::string>();
    c.poster = j.at("poster").get<std::string>();
    c.complainant = j.at("complainant").get<std::string>();
    c.complainant_department = j.at("complainant_department").get<std::string>();
    c.posted_at = core::from_ms(j.at("posted_at").get<std::int64_t>());
    c.fields.clear();
    for (const auto& f : j.at("fields"))
        c.fields.emplace_back(f.at(0).get<std::string>(), f.at(1).get<std::string>());
    // Schema v4 stores the rules once per rule set, not in each complaint: storage attaches them.
    if (auto it = j.find("rules"); it != j.end()) c.rules = it->get<workflow_rules>();
    c.stages.clear();
    for (const auto& s : j.at("stages")) c.stages.push_back(stage_from(s));
    c.departments.clear();
    for (const auto& d : j.at("departments")) {
        department_reply r;
        r.department = d.at("department").get<std::string>();
        r.replied_at = opt_instant(d, "replied_at");
        r.by = d.at("by").get<std::string>();
        r.text = d.at("text").get<std::string>();
        r.fined = d.at("fined").get<bool>();
        r.due = opt_instant(d, "due");  // added with 调查 and amended replies
        r.amended_at = opt_instant(d, "amended_at");
        c.departments.push_back(std::move(r));
    }
    c.process_flow = j.at("process_flow").get<std::string>();
    c.compensation = j.at("compensation").get<bool>();
    c.sheet_date.reset();
    if (const auto& sd = j.at("sheet_date"); !sd.is_null()) {
        auto s = sd.get<std::string>();
        c.sheet_date =
            core::local_date{std::stoi(s.substr(0, 4)), static_cast<unsigned>(std::stoi(s.substr(5, 2))),
                             static_cast<unsigned>(std::stoi(s.substr(8, 2)))};
    }
    c.sheet_signed = j.at("sheet_signed").get<std::vector<std::string>>();
    // Added after schema v1's first complaints: absent in older rows.
    c.forwarded_at = opt_instant(j, "forwarded_at");
    c.vp_opinion = step_from(j, "vp_opinion");
    c.gm_approval = step_from(j, "gm_approval");
    c.executed = step_from(j, "executed");
    c.paused_since = opt_instant(j, "paused_since");
    c.pause_reason = j.at("pause_reason").get<std::string>();
    c.paused_total = core::duration{j.at("paused_total_ms").get<std::int64_t>()};
    c.closed_at = opt_instant(j, "closed_at");
    c.sheet_at = opt_instant(j, "sheet_at");
    c.reminded.clear();
    if (auto it = j.find("reminded"); it != j.end() && it->is_object())
        c.reminded = it->get<std::map<std::string, int>>();
    c.appeal = {};
    if (auto it = j.find("appeal"); it != j.end() && it->is_object()) {
        c.appeal.by = it->at("by").get<std::string>();
        c.appeal.reason = it->at("reason").get<std::string>();
        c.appeal.at = core::from_ms(it->at("at").get<std::int64_t>());
        c.appeal.prior_status = it->at("prior_status").get<std::string>();
        c.appeal.conclusion = it->at("conclusion").get<std::string>();
        c.appeal.overturned = it->at("overturned").get<std::vector<std::string>>();
    }
    c.attachments.clear();
    if (auto it = j.find("attachments"); it != j.end() && it->is_array())
        for (const auto& a : *it)
            c.attachments.push_back({a.at("kind").get<std::string>(), a.at("code").get<std::string>()});
    c.fine_appeals.clear();
    if (auto it = j.find("fine_appeals"); it != j.end() && it->is_array())
        for (const auto& x : *it) {
            fine_appeal a;
            a.fine = x.at("fine").get<std::string>();
            a.by = x.at("by").get<std::string>();
            a.reason = x.at("reason").get<std::string>();
            a.at = core::from_ms(x.at("at").get<std::int64_t>());
            a.review = stage_from(x.at("review"));
            a.decision = x.at("decision").get<std::string>();
            a.conclusion = x.at("conclusion").get<std::string>();
            c.fine_appeals.push_back(std::move(a));
        }
    c.freight.reset();
    if (auto it = j.find("freight"); it != j.end() && it->is_object()) {
        complaint::freight_record f;
        f.amount = it->at("amount").get<std::string>();
        f.department = it->at("department").get<std::string>();
        f.opened = step_from(*it, "opened");
        f.head_signed = step_from(*it, "head_signed");
        f.desk_signed = step_from(*it, "desk_signed");
        f.paid = step_from(*it, "paid");
        f.written_off = step_from(*it, "written_off");
        c.freight = std::move(f);
    }
    followup_from(j, c);
    detail::customer_from(j, c);
    detail::amount_from(j, c);
    detail::approval_from(j, c);
    detail::severity_from(j, c);
    detail::case_from(j, c);
}

bool may_still_change(const complaint& c, core::instant now) {
    if (c.is_open()) return true;
    if (c.freight && !c.freight->written_off.at) return true;
    if (c.followup && !c.followup->result && c.status_is(complaint_status::closed))
        return true;  // 回访 pending
    // 已答复客户 still to be reminded or escalated (a later confirmation reads it from the database).
    if (c.customer && !c.customer->answered_at && !c.customer->escalated &&
        !c.status_is(complaint_status::invalid))
        return true;
    if (countersign_pending(c)) {  // 补签 while its reminders run
        auto it = c.reminded.find(std::string(to_string(timed_step::countersign)));
        if (it == c.reminded.end() || it->second < c.rules->reminders) return true;
    }
    if (c.crisis() && !c.severity->closing_posted && !c.status_is(complaint_status::invalid))
        return true;  // 一级投诉's closing report
    // The appeal windows run from the last reply, the respond deadline, the ruling or a fine (issued
    // at a deadline): the latest of these bounds them all.
    auto last = c.posted_at;
    auto later = [&](const std::optional<core::instant>& t) {
        if (t && *t > last) last = *t;
    };
    later(c.closed_at);
    for (const auto& d : c.departments) later(d.replied_at), later(d.due);
    for (const auto& s : c.stages) later(s.due), later(s.done_at);
    return now <= last + c.rules->appeal_window + c.rules->respond.due;
}

}  // namespace rules
