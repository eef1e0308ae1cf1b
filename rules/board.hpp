// What the dashboard's "Now" view shows of one open complaint (pure): the step it waits on, who must
// act, the clock (Znuny's convention: minutes left positive, minutes late negative) and whether it
// is paused or waits on the compensation chain or the return freight. The wording is the 待办's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/workflow.hpp"

namespace rules {

struct board_row {
    std::string id;
    std::string kind;  // 产品质量 / 服务质量
    std::string step;  // 受理, 回复, 待签字, 待副总意见, 运费待财务部付款, …
    std::string who;   // who must act, in words: "打单部（周敏）", "采购部、生产部负责人"
    std::vector<std::string> who_ids;      // the person ids behind `who` (the department heads, the VP…)
    std::vector<std::string> departments;  // the departments that must act (the filter's)
    std::optional<core::instant> due;
    // Minutes left (positive) or late (negative) on the clock of the step; unset when the step has
    // no deadline (the compensation chain, the freight) or the complaint is paused.
    std::optional<long> minutes;
    bool paused = false;
    bool compensation = false;  // waits on the compensation chain (sheet, signatures, VP, GM, 执行)
    bool freight = false;       // waits on a return-freight sign-off
    std::string customer;       // 客户名称; a service complaint's 投诉对象
    std::string complainant;    // person id
};

// The row of an open complaint, or of a closed one whose return freight is not written off yet;
// nullopt for anything else.
std::optional<board_row> board_row_of(const complaint& c, const context& ctx);

// The row's clock at `now` on `cal` (the complaint's calendar_of): minutes left on the working
// time to the deadline, or minutes late; unset when paused or without a deadline.
void set_clock(board_row& r, const core::calendar& cal, core::instant now);
// The same minutes for a deadline (unset when there is none or the complaint is paused).
std::optional<long> clock_minutes(const std::optional<core::instant>& due, bool paused,
                                  const core::calendar& cal, core::instant now);

// The cards of 现在: how many rows are late, due within 30 minutes, paused, in the compensation
// chain, waiting on a freight sign-off.
struct board_counts {
    int late = 0, soon = 0, paused = 0, chain = 0, freight = 0;
    void add(const std::optional<long>& minutes, bool is_paused, bool compensation, bool is_freight);
};
board_counts count_board(const std::vector<const board_row*>& rows);

// Overdue first (most late first), then by time left, then those without a clock, then by id
// (P2 before P10): a total order.
bool board_before(const board_row& a, const board_row& b);
void sort_board(std::vector<board_row>& rows);

// "剩余 12 分钟" / "超时 1小时5分钟" / "已暂停" / "—".
std::string clock_words(const board_row& r);

}  // namespace rules
