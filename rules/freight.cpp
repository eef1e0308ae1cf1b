// 退货运费: the order follower opens the expense record, the bearing department's head signs,
// 打单部 signs, 财务部 pays, 人力资源部 writes it off — strictly in order.
#include <algorithm>

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;

namespace detail {

std::string freight_id(const complaint& c) {
    return "运费" + c.id;
}

// 运费: the order follower opens the expense record naming the department that bears the freight.
bool do_freight(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!check_member(c, cfg.roles.order_follower, ctx, out, chat, actor, "登记退货运费")) return false;
    if (c.status_is(complaint_status::invalid)) {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，不能登记退货运费。");
        return false;
    }
    if (cfg.roles.finance.empty()) {
        refuse(out, ctx, chat, actor,
               "没有指定付款的部门，无法登记退货运费：请在配置 roles.finance 中指定。");
        return false;
    }
    if (c.freight) {
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 已于 " + ctx.tz.short_time(*c.freight->opened.at) + " 登记（" +
                   c.freight->amount + " 元，" + c.freight->department + "承担），不能重复登记。");
        return false;
    }
    std::vector<std::string> bad;
    auto depts = resolve_departments(cmd.departments, cfg, bad);
    if (!bad.empty() || depts.empty()) {
        refuse(out, ctx, chat, actor,
               "未知部门：" + join(bad.empty() ? cmd.departments : bad) + "。可用的部门：" +
                   department_names(cfg) + "。");
        return false;
    }
    complaint::freight_record f;
    f.amount = cmd.args.empty() ? std::string{} : cmd.args.front();
    f.department = depts.front();
    f.opened = {cmd.text, actor, ctx.now};
    c.freight = f;
    out.events.push_back(make_event(c, ctx, actor, "freight_opened", "freight",
                                    freight_id(c) + " 登记退货运费 " + f.amount + " 元，由" + f.department +
                                        "承担（" + cfg.org.display_name(actor) + "）"));
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    add_mention(post, cfg.org.head_of(f.department));
    post.text = "🚚 " + freight_id(c) + " 已登记退货运费 " + f.amount + " 元，由" + f.department +
                "承担。\n请" + f.department + "负责人签字（签字 " + freight_id(c) + "），之后由" +
                cfg.roles.order_desk + "经理签字、" + cfg.roles.finance + "付款、" + cfg.roles.hr + "核销。";
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

std::string freight_step_label(freight_step step, const config& cfg, const complaint& c) {
    switch (step) {
        case freight_step::head:
            return c.freight->department + "负责人签字";
        case freight_step::desk:
            return cfg.roles.order_desk + "经理签字";
        case freight_step::pay:
            return cfg.roles.finance + "付款";
        case freight_step::write_off:
            break;
    }
    return cfg.roles.hr + "核销";
}

std::string freight_step_hint(freight_step step, const complaint& c) {
    if (step == freight_step::pay) return "付款 " + freight_id(c);
    if (step == freight_step::write_off) return "核销 " + freight_id(c);
    return "签字 " + freight_id(c);
}

std::vector<std::string> freight_actors(freight_step step, const config& cfg, const complaint& c) {
    switch (step) {
        case freight_step::head:
            return {cfg.org.head_of(c.freight->department)};
        case freight_step::desk:
            return members_of(cfg, cfg.roles.order_desk);
        case freight_step::pay:
            return members_of(cfg, cfg.roles.finance);
        case freight_step::write_off:
            break;
    }
    return members_of(cfg, cfg.roles.hr);
}

// 签字 运费P1 / 付款 运费P1 / 核销 运费P1, strictly in order.
bool do_freight_step(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                     const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!c.freight) {
        refuse(out, ctx, chat, actor,
               "没有找到 " + freight_id(c) + "，请" + cfg.roles.order_follower + "跟单员先登记（运费 " +
                   c.id + " <金额> <承担部门>）。");
        return false;
    }
    auto& f = *c.freight;
    auto next_step = freight_pending_step(c);
    if (!next_step) {
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 已于 " + ctx.tz.short_time(*f.written_off.at) + " 核销，流程已结束。");
        return false;
    }
    const auto pending = *next_step;
    const bool fits = cmd.kind == command_kind::pay ? pending == freight_step::pay
                      : cmd.kind == command_kind::write_off
                          ? pending == freight_step::write_off
                          : pending == freight_step::head || pending == freight_step::desk;
    if (!fits) {
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 当前待" + freight_step_label(pending, cfg, c) + "，请先完成：" +
                   freight_step_hint(pending, c) + "。");
        return false;
    }
    // Role check for the pending step: the same people its reminders name.
    auto actors = freight_actors(pending, cfg, c);
    if (std::find(actors.begin(), actors.end(), actor) == actors.end()) {
        std::string who = pending == freight_step::head
                              ? f.department + "负责人" + cfg.org.display_name(actors.front())
                          : pending == freight_step::desk ? cfg.roles.order_desk + "经理或助理"
                          : pending == freight_step::pay  ? cfg.roles.finance
                                                          : cfg.roles.hr;
        refuse(out, ctx, chat, actor,
               freight_id(c) + " 当前待" + freight_step_label(pending, cfg, c) + "，只有" + who +
                   "可以办理，" + cfg.org.display_name(actor) + "不能代办。");
        return false;
    }
    auto name = cfg.org.display_name(actor);
    complaint::step done{cmd.text, actor, ctx.now};
    std::string detail;
    if (pending == freight_step::head) {
        f.head_signed = done;
        detail = f.department + "负责人 " + name + " 签字";
    } else if (pending == freight_step::desk) {
        f.desk_signed = done;
        detail = cfg.roles.order_desk + " " + name + " 签字";
    } else if (pending == freight_step::pay) {
        f.paid = done;
        detail = cfg.roles.finance + " " + name + " 付款 " + f.amount + " 元";
    } else {
        f.written_off = done;
        detail = cfg.roles.hr + " " + name + " 核实" + f.department + "已兑现，通知财务销账";
    }
    out.events.push_back(make_event(c, ctx, actor, "freight_" + std::string(to_string(pending)), "freight",
                                    freight_id(c) + " " + detail));
    auto next = freight_pending_step(c);
    core::outbound_post post{chat, {}, {}};
    add_mention(post, actor);
    std::string text = "✅ " + freight_id(c) + " " + detail + "。";
    if (!next) {
        text += "退货运费流程结束。";
    } else {
        text += "下一步：" + freight_step_label(*next, cfg, c) + "（" + freight_step_hint(*next, c) + "）。";
        for (const auto& p : freight_actors(*next, cfg, c)) add_mention(post, p);
    }
    post.text = std::move(text);
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

}  // namespace detail

std::optional<freight_step> freight_pending_step(const complaint& c) {
    if (!c.freight) return std::nullopt;
    const auto& f = *c.freight;
    if (!f.head_signed.at) return freight_step::head;
    if (!f.desk_signed.at) return freight_step::desk;
    if (!f.paid.at) return freight_step::pay;
    if (!f.written_off.at) return freight_step::write_off;
    return std::nullopt;
}

std::string freight_pending(const complaint& c) {
    auto step = freight_pending_step(c);
    return step ? std::string(to_string(*step)) : std::string{};
}

std::string freight_summary(const complaint& c, const config& cfg) {
    if (!c.freight) return {};
    auto step = freight_pending_step(c);
    std::string s = freight_id(c) + " " + c.freight->amount + " 元（" + c.freight->department + "承担）";
    return s + (step ? " 待" + freight_step_label(*step, cfg, c) : " 已核销");
}

}  // namespace rules
