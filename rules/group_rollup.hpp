// The group's monthly roll-up (集团客诉月报, 004 篇1: results are reported up to the group
// 客户关系中心): per company the complaints of the month by kind, the on-time rate of each stage, the
// fines (count, yuan, the three departments fined most), the 满意率 of the 回访 against the company's
// target and its open crisis (一级) complaints, then the group's total. Built from what each
// company's own monthly report reads (rules/periodic.hpp's month_input, with the functions of
// rules/ontime.hpp, rules/followup.hpp and rules/reports.hpp). Pure: the caller loads each
// company's rows from its own database; bot/reports writes the XLSX.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/message.hpp"
#include "rules/followup.hpp"
#include "rules/group.hpp"
#include "rules/ontime.hpp"
#include "rules/periodic.hpp"

namespace rules {

// One company's month as its database gives it (what load_month reads for the monthly report).
struct company_month {
    const company* co = nullptr;     // its id, names and configuration (time zone, 回访 target)
    std::vector<complaint> posted;   // posted in the month (others are left out)
    std::vector<fine> fines;         // issued in the month (others are left out)
    std::vector<complaint> changed;  // changed since the month began: their 回访
    std::vector<complaint> open;     // open now: the crisis complaints among them
};

struct department_fines {
    std::string department;  // "生产部"; in the group's total "华东 生产部"
    int count = 0;
    int yuan = 0;
};

// An open 一级 complaint.
struct crisis_item {
    std::string label;  // "华东 P3"
    std::string id;     // "P3"
    int level = 1;
    std::string level_text;  // "一级"
    std::string severity;  // severity_words: "一级（危机事件）：十余户集体投诉（王五 11-23 10:00）"
    std::string pending;  // pending_words: "待回复（采购部） 剩余25分钟"
    core::instant posted_at{};
    std::string posted;  // "11-25 09:00", in the company's time zone
};

struct company_rollup {
    std::string id;
    std::string name;   // 全称
    std::string title;  // "华东"; the total: "集团合计"
    int complaints = 0, product = 0, service = 0, invalid = 0;
    std::vector<std::pair<std::string, rate>> stages;  // 受理, 公布工艺流程, 分流, 回复, 通知投诉人
    rate all_stages;                                   // every step of every stage
    std::map<std::string, rate> departments;  // 回复 of each department (the total: "华东 生产部")
    int fines = 0, fine_yuan = 0;             // not counting fines waived (免罚)
    std::vector<department_fines> top_departments;  // the three fined most (yuan, then count)
    satisfaction_count satisfaction;                // 回访 recorded in the month
    std::optional<int> target;                      // followup.target (the total: when all agree)
    std::vector<crisis_item> open_crisis;

    // 满意 and 基本满意 below the target (false when nothing was recorded or there is no target).
    bool below_target() const;
};

struct group_rollup {
    period month;
    std::string group_name;  // 集团客户关系中心
    std::vector<company_rollup> companies;
    company_rollup total;
    std::vector<std::string> members;  // person ids of the group's members, @-mentioned
    std::vector<std::string> member_names;
};

// The roll-up of `month` (a calendar month, e.g. rules::previous_month(today)) at `now` (the crisis
// complaints' pending steps are told from it).
group_rollup build_group_rollup(const std::vector<company_month>& companies, const period& month,
                                const group_settings& group, core::instant now);

// "集团客诉月报 2026年11月".
std::string group_rollup_title(const period& month);

// The post for the group chat: the title, one line per company, the total, what missed its target,
// and the members @-mentioned ("@周杰 @吴敏" ending the text, their ids in `mentions`). `chat` is the
// group chat's id (group_settings::chat).
core::outbound_post group_rollup_post(const group_rollup& r, const std::string& chat);

}  // namespace rules
