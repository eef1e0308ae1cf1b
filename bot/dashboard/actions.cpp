#include "dashboard/actions.hpp"

#include "dashboard/password.hpp"
#include "rules/workflow.hpp"

namespace app::dashboard {

namespace {

bool is_fine_id(const std::string& id) {
    if (id.size() < 2 || id.size() > 10 || id[0] != 'F') return false;
    for (std::size_t i = 1; i < id.size(); ++i)
        if (id[i] < '0' || id[i] > '9') return false;
    return true;
}

std::size_t code_points(const std::string& s) {
    std::size_t n = 0;
    for (char ch : s)
        if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
    return n;
}

std::string trimmed(std::string s) {
    auto space = [](char c) { return c == ' ' || c == '\t'; };
    while (!s.empty() && space(s.back())) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && space(s[i])) ++i;
    s.erase(0, i);
    // A full-width space (U+3000) at either end, as Chinese input methods type it.
    const std::string ideographic = "\xE3\x80\x80";
    while (s.rfind(ideographic, 0) == 0) s.erase(0, ideographic.size());
    while (s.size() >= ideographic.size() &&
           s.compare(s.size() - ideographic.size(), ideographic.size(), ideographic) == 0)
        s.erase(s.size() - ideographic.size());
    return s;
}

}  // namespace

fine_actions::fine_actions(const rules::config& cfg, storage::database& db, const core::clock& clock,
                           submit_fn submit)
    : cfg_(cfg), db_(db), clock_(clock), submit_(std::move(submit)) {}

action_result fine_actions::operator()(const std::string& person, const std::string& fine_id, bool paid,
                                       const std::string& raw_reason) const {
    const char* what = paid ? "登记缴款" : "免罚";
    if (!rules::may_settle_fines(cfg_, person))
        return {false, 403,
                "只有" + cfg_.roles.hr + "可以" + what + "，" + cfg_.org.display_name(person) + "不在" +
                    cfg_.roles.hr + "。"};
    if (!is_fine_id(fine_id))
        return {false, 400, "罚款编号应为 F 加数字（如 F12），请从罚款台账的按钮操作。"};
    auto f = db_.load_fine(fine_id);
    if (!f) return {false, 404, "没有找到罚款 " + fine_id + "。"};
    if (!f->status_is(rules::fine_status::open))
        return {false, 409,
                fine_id + " 已" + (f->status_is(rules::fine_status::paid) ? "缴纳" : "免罚") + "（" +
                    cfg_.org.display_name(f->status_by) + "），无法再" + what + "。"};
    auto c = db_.load_complaint(f->complaint);
    if (paid && c) {
        const auto* appeal = c->find_fine_appeal(fine_id);
        if (appeal && appeal->decision.empty())
            return {false, 409, fine_id + " 正在申诉复核（" + cfg_.roles.appeal + "），复核后再登记缴款。"};
    }
    std::string reason = trimmed(raw_reason);
    if (!paid) {
        if (reason.empty())
            return {false, 400, "请写明免罚原因（" + std::to_string(waive_reason_max) + " 字以内）。"};
        if (reason.find_first_of("\r\n") != std::string::npos) return {false, 400, "免罚原因请写在一行内。"};
        if (code_points(reason) > waive_reason_max)
            return {false, 400,
                    "免罚原因太长（" + std::to_string(code_points(reason)) + " 字），请写在 " +
                        std::to_string(waive_reason_max) + " 字以内。"};
    }
    core::inbound_message msg{"dashboard",
                              c ? c->chat : std::string{},
                              "dashboard-" + random_token(),
                              person,
                              paid ? "已缴 " + fine_id : "免罚 " + fine_id + " " + reason,
                              clock_.now()};
    submit_(msg);
    auto after = db_.load_fine(fine_id);
    auto want = paid ? rules::fine_status::paid : rules::fine_status::waived;
    if (!after || !after->status_is(want))
        return {false, 500, "未能" + std::string(what) + "，请稍后重试或在群内发送“" + msg.text + "”。"};
    return {true, 200, fine_id + (paid ? " 已登记缴纳。" : " 已免罚：" + reason)};
}

}  // namespace app::dashboard
