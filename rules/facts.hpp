// The facts of a complaint that the dashboard's figures count (准时率, 延误分布, 问题类别): each
// step that reached its deadline — done in time, done late or missed — and what the complaint is
// about. Worked out from the complaint when it is saved (storage keeps them beside its state), so
// the figures of a month are counted without reading a single complaint's state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/complaint.hpp"

namespace rules {

// One step with a deadline that is decided: done (in time or late) or missed. A step still running
// is not a fact yet.
struct step_fact {
    stage_id stage = stage_id::accept;
    // A department's reply in the respond stage (its own deadline); empty: the stage itself, done by
    // the department the config gives the stage (rules::acting_department_of).
    std::string department;
    core::instant due{};
    std::optional<core::instant> done;  // unset: missed and still undone (late by now)
    bool late = false;                  // done after `due`, or missed

    bool operator==(const step_fact&) const = default;
};

struct complaint_facts {
    complaint_kind kind = complaint_kind::product;
    int seq = 0;
    core::instant posted_at{};
    bool invalid = false;
    std::string complainant;  // person id
    std::string complainant_department;
    std::string category;  // 问题类别 (empty: not set)
    std::string customer;  // 客户名称 (product) or 投诉对象 (service); empty: not given
    std::string brand;     // 品牌 (empty: not given)
    std::vector<std::string> departments;  // those that must answer, in order
    std::vector<step_fact> steps;          // the stages in order, then the replies

    std::string id() const;  // "P1"
    bool operator==(const complaint_facts&) const = default;
};

complaint_facts facts_of(const complaint& c);

// How a stage went against its deadline: the respond stage is in time when each department answered
// by its own deadline (one added by 调查 or moved by 延期 has a later one) and late once one was
// fined or the last answer came after the latest of them; `due` is then that latest deadline.
struct stage_timing {
    core::instant due{};
    bool in_time = false;
    bool late = false;  // neither: still running
};
std::optional<stage_timing> timing_of(const complaint& c, const stage_state& s);  // nullopt: not armed

// A compact binary form (MessagePack) for the database, and back. from_bytes throws
// std::runtime_error on bytes that are not facts.
std::string to_bytes(const complaint_facts& f);
complaint_facts facts_from_bytes(std::string_view bytes);

// The department that does `stage` of a complaint of `kind` under `cfg` (受理: 打单部 for product,
// 人力资源部 for service complaints; 公布: 打单部; 复核: the appeal department; others: HR).
std::string acting_department_of(complaint_kind kind, const config& cfg, stage_id stage);

}  // namespace rules
