#include "reports/report_json.hpp"

#include <algorithm>
#include <string_view>

#include "rules/forms.hpp"

namespace app {

namespace {

using json = nlohmann::json;

json time_or_null(const std::optional<core::instant>& t, const core::zone& tz) {
    return t ? json(tz.iso(*t)) : json(nullptr);
}

json step_json(const rules::complaint::step& s, const core::zone& tz) {
    if (!s.at) return nullptr;
    return {{"text", s.text}, {"by", s.by}, {"at", tz.iso(*s.at)}};
}

}  // namespace

std::vector<std::string> signed_departments(const std::string& detail) {
    std::vector<std::string> out;
    auto end = detail.find("负责人");
    if (end == std::string::npos) return out;
    std::string_view names(detail.data(), end);
    const std::string_view sep = "、";
    while (!names.empty()) {
        auto p = names.find(sep);
        out.emplace_back(names.substr(0, p));
        if (p == std::string_view::npos) break;
        names.remove_prefix(p + sep.size());
    }
    return out;
}

json complaint_json(const rules::complaint& c, const core::zone& tz) {
    const auto* pending = c.is_open() ? c.pending_stage() : nullptr;
    json fields = json::object();
    for (const auto& [k, v] : c.fields) fields[k] = v;
    const auto* respond = c.find_stage("respond");
    json replies = json::array();
    for (const auto& d : c.departments) {
        if (!d.replied_at) continue;
        std::int64_t late = 0;
        if (respond && respond->due && *d.replied_at > *respond->due)
            late = std::chrono::duration_cast<std::chrono::minutes>(*d.replied_at - *respond->due).count();
        replies.push_back({{"department", d.department},
                           {"by", d.by},
                           {"at", tz.iso(*d.replied_at)},
                           {"text", d.text},
                           {"late_minutes", late}});
    }
    json followup = nullptr;
    if (c.followup) {
        const auto& f = *c.followup;
        followup = {{"by", f.by.empty() ? c.complainant : f.by},
                    {"requested_at", tz.iso(f.ask_at)},
                    {"due", tz.iso(f.due)},
                    {"result", f.result ? json(std::string(rules::to_string(*f.result))) : json(nullptr)},
                    {"result_label",
                     f.result ? json(std::string(rules::satisfaction_label(*f.result))) : json(nullptr)},
                    {"recorded_by", f.result ? json(f.recorded_by) : json(nullptr)},
                    {"recorded_at", time_or_null(f.recorded_at, tz)},
                    {"remark", f.remark}};
    }
    json customer = nullptr;
    if (c.customer) {
        const auto& k = *c.customer;
        customer = {{"answer_due", tz.iso(k.answer_due)},
                    {"answered_at", time_or_null(k.answered_at, tz)},
                    {"answered_by", k.answered_at ? json(k.answered_by) : json(nullptr)},
                    {"answer", k.answered_at ? json(k.answer) : json(nullptr)},
                    {"resolve_due", tz.iso(k.resolve_due)},
                    {"supervised_by", k.supervised >= 2   ? json("general_manager")
                                      : k.supervised == 1 ? json("vp")
                                                          : json(nullptr)}};
    }
    json extensions = json::array();
    for (const auto& r : c.extensions)
        extensions.push_back({{"department", r.department},
                              {"by", r.by},
                              {"until", tz.iso(r.until)},
                              {"reason", r.reason},
                              {"at", tz.iso(r.at)},
                              {"approved_by", r.approved_by.empty() ? json(nullptr) : json(r.approved_by)},
                              {"approved_at", time_or_null(r.approved_at, tz)},
                              {"refused_by", r.refused_by.empty() ? json(nullptr) : json(r.refused_by)},
                              {"refusal", r.refused_by.empty() ? json(nullptr) : json(r.refusal)}});
    json corrective = json::array();
    for (const auto& a : c.corrective_actions)
        corrective.push_back({{"department", a.department},
                              {"by", a.by},
                              {"measure", a.measure},
                              {"until", a.until},
                              {"at", tz.iso(a.at)}});
    return {{"id", c.id},
            {"kind", rules::kind_name(c.kind)},
            {"status", c.is_open() ? "open" : "closed"},
            {"valid", c.status != "invalid"},
            {"stage", pending ? pending->name : "none"},
            {"due", pending ? time_or_null(pending->due, tz) : json(nullptr)},
            {"posted_at", tz.iso(c.posted_at)},
            {"complainant", c.complainant},
            {"complainant_department", c.complainant_department},
            {"poster", c.poster},
            {"owner", rules::owner_of(c).empty() ? json(nullptr) : json(rules::owner_of(c))},
            {"fields", fields},
            {"replies", replies},
            {"category", c.category.empty() ? json(nullptr) : json(c.category)},
            {"corrective_actions", corrective},
            {"followup", followup},
            {"customer", customer},
            {"amount", c.amount ? json(c.amount->yuan) : json(nullptr)},
            {"severity", c.severity ? json(c.severity->level) : json(nullptr)},
            {"self_approved", c.executed.at && !c.gm_approval.at && c.amount.has_value()},
            {"countersigned_by", c.countersigned.at ? json(c.countersigned.by) : json(nullptr)},
            {"extensions", extensions}};
}

json sheet_json(const rules::complaint& c, const core::zone& tz, const std::vector<rules::event>& events) {
    auto j = complaint_json(c, tz);
    j["sheet_date"] = c.sheet_date ? json(core::format_date(*c.sheet_date)) : json(nullptr);
    json signatures = json::array();
    for (const auto& d : c.departments) {
        json s = {{"department", d.department}, {"signed", false}, {"by", nullptr}, {"at", nullptr}};
        if (std::find(c.sheet_signed.begin(), c.sheet_signed.end(), d.department) != c.sheet_signed.end()) {
            s["signed"] = true;
            for (const auto& e : events) {
                if (e.type != "signed") continue;
                auto names = signed_departments(e.detail);
                if (std::find(names.begin(), names.end(), d.department) == names.end()) continue;
                s["by"] = e.actor;
                s["at"] = tz.iso(e.at);
                break;
            }
        }
        signatures.push_back(std::move(s));
    }
    j["signatures"] = signatures;
    j["forwarded_at"] = time_or_null(c.forwarded_at, tz);
    j["vp_opinion"] = step_json(c.vp_opinion, tz);
    j["gm_approval"] = step_json(c.gm_approval, tz);
    j["executed"] = step_json(c.executed, tz);
    return j;
}

std::string csv_cell(const std::string& raw) {
    std::string v = raw;
    if (!v.empty() && std::string_view("=+-@\t\r").find(v.front()) != std::string_view::npos)
        v.insert(0, "'");
    if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace app
