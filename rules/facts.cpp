#include "rules/facts.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

#include "rules/workflow.hpp"

namespace rules {

namespace {

using json = nlohmann::json;

void add_stage_fact(complaint_facts& f, const complaint& c, const stage_state& s) {
    auto stage = parse_stage(s.name);
    auto t = timing_of(c, s);
    if (!stage || !t || (!t->in_time && !t->late)) return;  // not armed, or still running
    f.steps.push_back({*stage, {}, t->due, s.done_at, !t->in_time});
}

}  // namespace

std::optional<stage_timing> timing_of(const complaint& c, const stage_state& s) {
    if (!s.due) return std::nullopt;
    stage_timing t{*s.due};
    bool missed = s.missed;
    if (s.is(stage_id::respond) && !c.departments.empty()) {
        missed = false;
        for (const auto& d : c.departments) {
            if (auto own = reply_due(c, d); own && *own > t.due) t.due = *own;
            missed = missed || d.fined;
        }
    }
    t.in_time = s.done_at && *s.done_at <= t.due && !missed;
    t.late = missed || (s.done_at && *s.done_at > t.due);
    return t;
}

std::string complaint_facts::id() const {
    return kind_prefix(kind) + std::to_string(seq);
}

complaint_facts facts_of(const complaint& c) {
    complaint_facts f;
    f.kind = c.kind;
    f.seq = c.seq;
    f.posted_at = c.posted_at;
    f.invalid = c.status_is(complaint_status::invalid);
    f.complainant = c.complainant;
    f.complainant_department = c.complainant_department;
    f.category = c.category;
    if (const auto* who = c.customer_field()) f.customer = *who;
    if (const auto* b = c.field("品牌")) f.brand = *b;
    for (const auto& d : c.departments) f.departments.push_back(d.department);
    for (const auto& s : c.stages) add_stage_fact(f, c, s);
    const auto* respond = c.find_stage(stage_id::respond);
    if (!respond || !respond->due) return f;
    for (const auto& d : c.departments) {
        auto due = reply_due(c, d);  // a department added late by 调查 has its own
        if (!due) continue;
        bool in_time = d.replied_at && *d.replied_at <= *due;
        bool late = d.fined || (d.replied_at && *d.replied_at > *due);
        if (in_time || late)
            f.steps.push_back({stage_id::respond, d.department, *due, d.replied_at, !in_time});
    }
    return f;
}

std::string to_bytes(const complaint_facts& f) {
    json steps = json::array();
    for (const auto& s : f.steps) {
        json j = {{"s", static_cast<int>(s.stage)}, {"u", core::to_ms(s.due)}, {"l", s.late}};
        if (!s.department.empty()) j["d"] = s.department;
        if (s.done) j["t"] = core::to_ms(*s.done);
        steps.push_back(std::move(j));
    }
    json j = {{"k", static_cast<int>(f.kind)},
              {"n", f.seq},
              {"p", core::to_ms(f.posted_at)},
              {"i", f.invalid},
              {"w", f.complainant},
              {"wd", f.complainant_department},
              {"c", f.category},
              {"cu", f.customer},
              {"b", f.brand},
              {"ds", f.departments},
              {"st", std::move(steps)}};
    auto bytes = json::to_msgpack(j);
    return {bytes.begin(), bytes.end()};
}

complaint_facts facts_from_bytes(std::string_view bytes) {
    json j;
    try {
        j = json::from_msgpack(bytes.begin(), bytes.end());
        complaint_facts f;
        int kind = j.at("k").get<int>();
        if (kind != 0 && kind != 1) throw std::runtime_error("no such kind");
        f.kind = static_cast<complaint_kind>(kind);
        f.seq = j.at("n").get<int>();
        f.posted_at = core::from_ms(j.at("p").get<std::int64_t>());
        f.invalid = j.at("i").get<bool>();
        f.complainant = j.at("w").get<std::string>();
        f.complainant_department = j.at("wd").get<std::string>();
        f.category = j.at("c").get<std::string>();
        f.customer = j.at("cu").get<std::string>();
        f.brand = j.at("b").get<std::string>();
        f.departments = j.at("ds").get<std::vector<std::string>>();
        for (const auto& s : j.at("st")) {
            int stage = s.at("s").get<int>();
            if (stage < 0 || stage > static_cast<int>(stage_id::review))
                throw std::runtime_error("no such stage");
            step_fact x{static_cast<stage_id>(stage), s.value("d", std::string()),
                        core::from_ms(s.at("u").get<std::int64_t>()), std::nullopt, s.at("l").get<bool>()};
            if (s.contains("t")) x.done = core::from_ms(s.at("t").get<std::int64_t>());
            f.steps.push_back(std::move(x));
        }
        return f;
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("the complaint's facts cannot be read: ") + e.what());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("the complaint's facts cannot be read: ") + e.what());
    }
}

std::string acting_department_of(complaint_kind kind, const config& cfg, stage_id stage) {
    switch (stage) {
        case stage_id::accept:
            return kind == complaint_kind::product ? cfg.roles.order_desk : cfg.roles.hr;
        case stage_id::publish:
            return cfg.roles.order_desk;
        case stage_id::review:
            return cfg.roles.appeal;
        default:
            return cfg.roles.hr;  // route, notify
    }
}

}  // namespace rules
