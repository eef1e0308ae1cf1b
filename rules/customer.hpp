// The customer's clock (客诉篇 响应: tell the customer within 24 h; 服务质量: a complaint without a
// solution after a week goes to the next higher leader, and is supervised until done): what 查询,
// 督办 and the reports read of it. The commands (已答复客户 延期 同意延期) go through apply_command
// (rules/customer.cpp).
#pragma once

#include <string>
#include <vector>

#include "rules/complaint.hpp"

namespace rules {

// "已答复客户（张三 11-25 10:00）：同意换货，周五发出", "待答复客户（11-26 09:00 截止）",
// "答复客户已超时（11-26 09:00 截止）"; empty when the complaint has no customer clock.
std::string customer_words(const complaint& c, const context& ctx);
// The approved and pending 延期 in words, one per line ("生产部延至 12-05 17:00（钱七批准）：…").
std::vector<std::string> extension_words(const complaint& c, const context& ctx);
// Whether `c` is on the 督办 list at `now`: open past its resolve_within.
bool supervised(const complaint& c, core::instant now);
// The 督办 reply: the complaints of `open` on the list, oldest first, each with who supervises and
// what it waits for; at most `max_lines` of them listed.
std::string supervision_list(const std::vector<const complaint*>& open, const context& ctx,
                             std::size_t max_lines = 30);

}  // namespace rules
