// Every complaint's facts (rules/facts.hpp) in a compact table — a few dozen bytes a complaint, the
// names interned — ordered by the time of posting, and the figures counted from it: 准时率 and
// 延误分布 (rules/ontime.hpp) and 问题类别. Counting a month of 60,000 complaints is a pass over
// integers, not a parse of each complaint's state. Pure; not thread-safe.
#pragma once

#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rules/facts.hpp"
#include "rules/ontime.hpp"
#include "rules/scope.hpp"

namespace rules {

// Counts per item of each dimension of 问题类别, most first: 类型, 有效 / 无效, 问题类别, 责任部门,
// 投诉部门, 客户, 品牌.
struct category_counts {
    int complaints = 0;
    int invalid = 0;
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, int>>>> dimensions;
};

class fact_table {
  public:
    // Adds a complaint's facts, or replaces those held for the same complaint.
    void put(const complaint_facts& f);
    std::size_t size() const { return rows_.size(); }

    // The complaints posted in [from, to) that `who` sees (null: all) and, when `department` is
    // not empty, that concern it (rules::concerns), oldest first: by posting time, then kind
    // (product first) and number, as the database lists them.
    std::vector<std::uint32_t> select(core::instant from, core::instant to, const scope* who,
                                      const std::string& department) const;

    // The figures of the selected complaints (as rules::ontime_of; `department`: only its steps).
    // `list_late` off: no late steps listed (the counts and the heat map only).
    ontime_figures ontime(const std::vector<std::uint32_t>& rows, const context& ctx,
                          const std::string& department, bool list_late = true) const;
    category_counts categories(const std::vector<std::uint32_t>& rows) const;

    std::string id_of(std::uint32_t i) const;  // "P1"
    std::optional<std::uint32_t> row_of(complaint_kind kind, int seq) const;
    // Whether row `a` comes before row `b` in that order.
    bool before(std::uint32_t a, std::uint32_t b) const;
    // Lays the rows out in that order now, and their steps after them (facts read in the order of
    // their saves are not in it; select() then orders an index of them, slower to read).
    void order();

  private:
    static constexpr std::uint16_t no_department = 0xffff;
    struct step {
        std::int64_t due_ms;
        std::int32_t done_after_s;  // seconds from due to done (negative: early); none: missing
        std::uint16_t department;   // the replying department; no_department: the stage itself
        std::uint8_t stage;
        std::uint8_t late;
    };
    static constexpr std::int32_t not_done = INT32_MIN;
    struct row {
        std::int64_t posted_ms;
        std::int32_t seq;
        std::uint32_t complainant, category, customer, brand;
        std::uint32_t first_department, first_step;
        std::uint16_t complainant_department;
        std::uint8_t kind, invalid, departments, steps;
    };
    class names {
      public:
        std::uint32_t id(const std::string& name);
        const std::string& name(std::uint32_t id) const { return names_[id]; }
        // The id of `name`, or npos when it was never interned.
        std::uint32_t find(const std::string& name) const;
        std::size_t size() const { return names_.size(); }
        static constexpr std::uint32_t npos = 0xffffffff;

      private:
        std::vector<std::string> names_;
        std::unordered_map<std::string, std::uint32_t> ids_;
    };
    bool concerns(const row& r, std::uint32_t department) const;
    void sort_order() const;
    void compact();

    std::vector<row> rows_;
    mutable std::vector<std::uint32_t> order_;  // the rows in the order of the lists, once ordered_
    mutable bool ordered_ = true;
    bool laid_out_ = true;  // rows_ itself is in that order (order_ the identity)
    std::vector<std::uint16_t> department_pool_;
    std::vector<step> step_pool_;
    std::size_t unused_ = 0;                // pool entries of replaced rows, reclaimed by compact()
    std::vector<std::uint32_t> by_seq_[2];  // kind → seq → row + 1 (0: none)
    names departments_, people_, categories_, customers_, brands_;
};

}  // namespace rules
