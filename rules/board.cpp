// The "Now" row of a complaint (rules/board.hpp), from the same helpers as 待办 and 查询.
#include "rules/board.hpp"

#include <algorithm>

#include "rules/customer.hpp"
#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace {

// The heads of `departments` as "采购部（钱七）、生产部（孙八）", their ids into `ids`.
std::string heads_of(const config& cfg, const std::vector<std::string>& departments,
                     std::vector<std::string>& ids) {
    std::vector<std::string> parts;
    for (const auto& d : departments) {
        auto head = cfg.org.head_of(d);
        if (head.empty()) {
            parts.push_back(d);
            continue;
        }
        ids.push_back(head);
        parts.push_back(d + "（" + cfg.org.display_name(head) + "）");
    }
    return join(parts);
}

std::string names_of(const config& cfg, const std::vector<std::string>& people) {
    std::vector<std::string> names;
    for (const auto& p : people) names.push_back(cfg.org.display_name(p));
    return join(names);
}

// The compensation chain's waiting step after every stage is done.
void compensation_step(const complaint& c, const config& cfg, board_row& r) {
    r.compensation = true;
    if (!c.sheet_date) {
        r.step = "待列入流程表";
        r.who = cfg.roles.order_desk;
        r.departments = {cfg.roles.order_desk};
        return;
    }
    if (auto waiting = unsigned_departments(c); !waiting.empty()) {
        r.step = "待签字";
        r.departments = waiting;
        r.who = heads_of(cfg, waiting, r.who_ids);
        return;
    }
    if (!c.forwarded_at) {
        r.step = "待转交副总";
        r.who = cfg.roles.order_desk;
        r.departments = {cfg.roles.order_desk};
        return;
    }
    if (!c.vp_opinion.at) {
        r.step = "待副总意见";
        if (const auto* vp = vp_of(c, cfg)) {
            r.who_ids = {*vp};
            r.who = "副总（" + cfg.org.display_name(*vp) + "）";
        } else {
            r.who_ids = cfg.roles.general_manager;
            r.who = "总经理（" + names_of(cfg, r.who_ids) + "）";
        }
        return;
    }
    if (!c.gm_approval.at) {
        r.step = "待总经理审批";
        r.who_ids = cfg.roles.general_manager;
        r.who = "总经理（" + names_of(cfg, r.who_ids) + "）";
        return;
    }
    r.step = "待执行";
    r.departments = {cfg.roles.order_desk};
    r.who = cfg.roles.order_desk;
}

}  // namespace

std::optional<board_row> board_row_of(const complaint& c, const context& ctx) {
    const auto& cfg = ctx.cfg;
    auto freight_step = freight_pending_step(c);
    if (!c.is_open() && !freight_step) return std::nullopt;
    board_row r;
    r.id = c.id;
    r.kind = c.kind == complaint_kind::product ? "产品质量" : "服务质量";
    r.complainant = c.complainant;
    // A service complaint names whom it is about instead of a customer (投诉对象).
    if (const auto* customer = c.customer_field()) r.customer = *customer;
    r.paused = c.paused_since.has_value();

    const auto* p = c.is_open() ? c.pending_stage() : nullptr;
    if (c.awaiting_approval()) {  // no clock before the head's 批准
        r.step = "待批准";
        r.departments = {c.complainant_department};
        r.who = c.complainant_department + "（" + cfg.org.display_name(c.approval->head) + "）";
        r.who_ids = {c.approval->head};
    } else if (p) {
        r.step = stage_label(p->name);
        if (p->is(stage_id::respond)) {
            r.departments = silent_departments(c);
            r.who = heads_of(cfg, r.departments, r.who_ids);
        } else {
            auto dept = acting_department(c, cfg, p->name);
            r.departments = {dept};
            r.who = dept;
            if (auto head = cfg.org.head_of(dept); !head.empty()) r.who_ids = {head};
        }
        r.due = p->due;
        set_clock(r, calendar_of(c, ctx.business), ctx.now);
    } else if (c.is_open() && c.compensation) {
        compensation_step(c, cfg, r);
    } else if (c.is_open() && !freight_step) {
        r.step = "待关闭";
    }
    // 一级投诉 and the 督办 list stand out on the step itself.
    if (c.is_open() && c.crisis()) r.step = "【一级】" + r.step;
    if (supervised(c, ctx.now)) r.step = "【督办】" + r.step;
    if (freight_step) {
        r.freight = true;
        auto label = "运费待" + freight_step_label(*freight_step, cfg, c);
        if (r.step.empty()) {
            r.step = label;
            auto actors = freight_actors(*freight_step, cfg, c);
            r.who_ids = actors;
            r.who = names_of(cfg, actors);
            if (*freight_step == freight_step::head) r.departments = {c.freight->department};
        } else {
            r.step += "；" + label;
        }
    }
    return r;
}

std::optional<long> clock_minutes(const std::optional<core::instant>& due, bool paused,
                                  const core::calendar& cal, core::instant now) {
    if (!due || paused) return std::nullopt;
    if (*due >= now) return std::chrono::duration_cast<std::chrono::minutes>(cal.between(now, *due)).count();
    return -std::chrono::duration_cast<std::chrono::minutes>(now - *due).count();
}

void set_clock(board_row& r, const core::calendar& cal, core::instant now) {
    r.minutes = clock_minutes(r.due, r.paused, cal, now);
}

void board_counts::add(const std::optional<long>& minutes, bool is_paused, bool compensation,
                       bool is_freight) {
    if (minutes && *minutes < 0) ++late;
    if (minutes && *minutes >= 0 && *minutes <= 30) ++soon;
    if (is_paused) ++paused;
    if (compensation) ++chain;
    if (is_freight) ++freight;
}

board_counts count_board(const std::vector<const board_row*>& rows) {
    board_counts n;
    for (const auto* r : rows) n.add(r->minutes, r->paused, r->compensation, r->freight);
    return n;
}

bool board_before(const board_row& a, const board_row& b) {
    if (a.minutes.has_value() != b.minutes.has_value()) return a.minutes.has_value();
    if (a.minutes && *a.minutes != *b.minutes) return *a.minutes < *b.minutes;
    if (a.id.size() != b.id.size()) return a.id.size() < b.id.size();
    return a.id < b.id;
}

void sort_board(std::vector<board_row>& rows) {
    std::sort(rows.begin(), rows.end(), board_before);
}

std::string clock_words(const board_row& r) {
    if (r.paused) return "已暂停";
    if (!r.minutes) return "—";
    auto m = *r.minutes;
    auto words = core::format_duration_zh(std::chrono::minutes(m < 0 ? -m : m));
    return m < 0 ? "超时" + words : "剩余" + words;
}

}  // namespace rules
