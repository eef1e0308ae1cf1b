// On-time figures of the complaints posted in a period (pure): each stage's rate of steps done by
// their deadline, each department's rate of replies in time, and how late the late ones were — the
// numbers behind the weekly report's 各环节按时率 / 各部门按时回复率 and the dashboard's 准时率 and
// 延误分布 views. A step still running is not counted; a missed one still undone is late by now.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "rules/reports.hpp"

namespace rules {

struct rate {
    int on_time = 0;
    int total = 0;
    int late() const { return total - on_time; }
};

// "93%" (rounded), "—" when nothing was counted.
std::string percent_text(const rate& r);

// One step done late or missed.
struct late_step {
    std::string complaint;
    std::string stage;       // 受理, 回复, …
    std::string department;  // who was late: the department of the step (回复: the silent one)
    core::instant due;
    long minutes = 0;  // how late (≥ 1)
};

struct ontime_figures {
    int complaints = 0;                                // posted in the period
    std::vector<std::pair<std::string, rate>> stages;  // in the order of the workflow
    std::map<std::string, rate> departments;           // 回复 of each department
    // department → stage → rate: the stages each department acts in (受理 and 公布 by the order desk,
    // 回复 by each department that must answer, …).
    std::map<std::string, std::map<std::string, rate>> by_department_stage;
    std::vector<late_step> late;  // oldest due first
    // Late steps by the company's weekday (Monday = 0) and hour of their deadline.
    std::array<std::array<int, 24>, 7> late_by_weekday_hour{};
};

// `keep` (when set) picks the complaints; `department` (when not empty) counts only the steps of
// that department (its replies, the stages it acts in).
ontime_figures ontime_of(const std::vector<complaint>& all, const period& p, const context& ctx,
                         const std::string& department = {});

// The lateness buckets of the 延误分布 view: 10分钟以内, 10–30分钟, 30分钟–1小时, 1–2小时, 2–4小时,
// 4小时以上; `counts` has one entry per label.
struct lateness_buckets {
    std::vector<std::string> labels;
    std::vector<int> counts;
};
lateness_buckets bucket_lateness(const std::vector<late_step>& late);

// The weeks (Monday to Sunday, cut to the period) that `p` spans, oldest first, each labelled by its
// first day ("11-23 周").
std::vector<period> weeks_of(const period& p);

// The period of the same length right before `p` (the trend's comparison).
period previous_period(const period& p);

}  // namespace rules
