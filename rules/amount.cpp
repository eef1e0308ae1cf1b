// Approval by amount (001: within a set amount customer service settles by itself, a leader
// countersigns later): 赔偿 P1 <金额> records what was agreed with the customer; below
// compensation.self_approve_below 打单部 executes once the responsible heads signed, without the
// VP's opinion and the general manager's approval, and the general manager countersigns afterwards
// (补签 P1, reminded). At or above it the VP → general manager chain runs as before.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;
using json = nlohmann::json;

namespace {

// "85.5" → 8550; the parser gave digits with at most one point.
std::int64_t cents_of(const std::string& yuan) {
    auto point = yuan.find('.');
    std::int64_t whole = std::stoll(yuan.substr(0, point));
    std::int64_t frac = 0;
    if (point != std::string::npos) {
        auto digits = (yuan.substr(point + 1) + "00").substr(0, 2);
        frac = std::stoll(digits);
    }
    return whole * 100 + frac;
}

// Who may record the amount: those who deal with the customer and the desks that carry it out.
bool may_record_amount(const complaint& c, const config& cfg, const std::string& actor) {
    return actor == c.complainant || actor == c.poster ||
           actor == cfg.org.head_of(c.complainant_department) ||
           cfg.org.is_member(actor, cfg.roles.order_desk) ||
           cfg.org.is_member(actor, cfg.roles.order_follower) || cfg.org.is_member(actor, cfg.roles.hr);
}

std::string gm_names(const config& cfg) {
    std::vector<std::string> names;
    for (const auto& p : cfg.roles.general_manager) names.push_back(cfg.org.display_name(p));
    return join(names, "或");
}

}  // namespace

bool self_approvable(const complaint& c) {
    return c.compensation && c.amount && c.amount->limit > 0 &&
           c.amount->cents < std::int64_t{c.amount->limit} * 100;
}

bool countersign_pending(const complaint& c) {
    return c.executed.at && !c.gm_approval.at && !c.countersigned.at &&
           !c.status_is(complaint_status::invalid);
}

namespace detail {

bool do_amount(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
               const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status_is(complaint_status::invalid) ? " 已判为无效投诉" : " 已关闭") +
                   "，不能再登记赔偿金额。");
        return false;
    }
    if (!c.compensation) {
        refuse(out, ctx, chat, actor, c.id + " 不涉及赔款或退换货，无需登记赔偿金额。");
        return false;
    }
    if (!may_record_amount(c, cfg, actor)) {
        refuse(out, ctx, chat, actor,
               "只有投诉人" + cfg.org.display_name(c.complainant) + "、其部门负责人、" +
                   cfg.roles.order_desk + "、" + cfg.roles.order_follower + "或" + cfg.roles.hr +
                   "可以登记 " + c.id + " 的赔偿金额，" + cfg.org.display_name(actor) + "不能登记。");
        return false;
    }
    const auto& yuan = cmd.args.front();
    auto before = c.amount;
    complaint::amount_record a{yuan, cents_of(yuan), cfg.compensation.self_approve_below, actor, ctx.now};
    if (before && before->cents == a.cents) {
        refuse(out, ctx, chat, actor, c.id + " 的赔偿金额已是 " + yuan + " 元，无需重复登记。");
        return false;
    }
    c.amount = a;
    out.events.push_back(make_event(
        c, ctx, actor, "amount", "",
        "赔偿金额 " + yuan + " 元" + (before ? "（原为 " + before->yuan + " 元）" : std::string{})));
    std::string text = "💴 " + c.id + " 赔偿金额：" + yuan + " 元" +
                       (before ? "（原为 " + before->yuan + " 元）" : std::string{}) + "。";
    if (self_approvable(c)) {
        text += "低于 " + std::to_string(a.limit) + " 元，责任部门负责人签字后由" + cfg.roles.order_desk +
                "直接执行（执行 " + c.id + "），总经理事后补签。";
    } else if (a.limit > 0) {
        text += "不低于 " + std::to_string(a.limit) + " 元，按流程经副总意见、总经理审批后执行。";
    }
    out.posts.push_back(finish(reply_to(chat, actor, std::move(text)), cfg));
    return true;
}

bool do_countersign(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                    const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!is_general_manager(cfg, actor)) {
        refuse(
            out, ctx, chat, actor,
            "只有" + gm_names(cfg) + "可以补签 " + c.id + "，" + cfg.org.display_name(actor) + "不能补签。");
        return false;
    }
    if (c.countersigned.at) {
        refuse(out, ctx, chat, actor,
               c.id + " 已于 " + ctx.tz.short_time(*c.countersigned.at) + " 由" +
                   cfg.org.display_name(c.countersigned.by) + "补签，无需重复。");
        return false;
    }
    if (!countersign_pending(c)) {
        refuse(out, ctx, chat, actor,
               c.id + (c.gm_approval.at ? " 已经总经理审批，无需补签。"
                                        : " 尚未按金额由打单部直接执行，无需补签。"));
        return false;
    }
    c.countersigned = {cmd.text, actor, ctx.now};
    out.events.push_back(make_event(c, ctx, actor, "countersigned", "",
                                    "总经理补签（" + cfg.org.display_name(actor) + "）" +
                                        (cmd.text.empty() ? std::string{} : "：" + cmd.text)));
    out.posts.push_back(finish(reply_to(chat, actor,
                                        "✅ " + c.id + " 已补签（" + cfg.org.display_name(actor) + "）" +
                                            (cmd.text.empty() ? std::string{} : "：" + cmd.text) + "。"),
                               cfg));
    return true;
}

void amount_to(json& j, const complaint& c) {
    if (c.amount)
        j["amount"] = {{"yuan", c.amount->yuan},
                       {"cents", c.amount->cents},
                       {"limit", c.amount->limit},
                       {"by", c.amount->by},
                       {"at", core::to_ms(c.amount->at)}};
    if (c.countersigned.at)
        j["countersigned"] = {{"text", c.countersigned.text},
                              {"by", c.countersigned.by},
                              {"at", core::to_ms(*c.countersigned.at)}};
}

void amount_from(const json& j, complaint& c) {
    c.amount.reset();
    if (auto it = j.find("amount"); it != j.end() && it->is_object())
        c.amount = complaint::amount_record{
            it->at("yuan").get<std::string>(), it->at("cents").get<std::int64_t>(), it->value("limit", 0),
            it->value("by", std::string{}), core::from_ms(it->at("at").get<std::int64_t>())};
    c.countersigned = {};
    if (auto it = j.find("countersigned"); it != j.end() && it->is_object())
        c.countersigned = {it->value("text", std::string{}), it->value("by", std::string{}),
                           core::from_ms(it->at("at").get<std::int64_t>())};
}

}  // namespace detail

}  // namespace rules
