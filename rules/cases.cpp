// 案例 P1 [说明] (总结与经验分享: case sharing): HR, 打单部, the general manager or a VP marks a
// complaint as a case for the quarterly handbook's 分享案例 sheet; marked again, the note is replaced.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;
using json = nlohmann::json;

namespace detail {

bool do_share_case(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                   const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!cfg.org.is_member(actor, cfg.roles.hr) && !cfg.org.is_member(actor, cfg.roles.order_desk) &&
        !is_general_manager(cfg, actor) && !is_vice_president(cfg, actor)) {
        refuse(out, ctx, chat, actor,
               "只有" + cfg.roles.hr + "、" + cfg.roles.order_desk + "、总经理或副总可以把 " + c.id +
                   " 列为分享案例，" + cfg.org.display_name(actor) + "不能。");
        return false;
    }
    if (c.status_is(complaint_status::invalid)) {
        refuse(out, ctx, chat, actor, c.id + " 已判为无效投诉，不能列为分享案例。");
        return false;
    }
    if (c.shared_case && c.shared_case->note == cmd.text) {
        refuse(out, ctx, chat, actor, c.id + " 已列为分享案例，无需重复。");
        return false;
    }
    const bool again = c.shared_case.has_value();
    c.shared_case = case_mark{cmd.text, actor, ctx.now};
    out.events.push_back(make_event(c, ctx, actor, "case_marked", "",
                                    std::string(again ? "更新分享案例说明" : "列为分享案例") +
                                        (cmd.text.empty() ? std::string{} : "：" + cmd.text)));
    out.posts.push_back(
        finish(reply_to(chat, actor,
                        "📚 " + c.id + (again ? " 的分享案例说明已更新" : " 已列为分享案例") +
                            (cmd.text.empty() ? std::string{} : "：" + cmd.text) + "，将收入季度质量手册。"),
               cfg));
    return true;
}

void case_to(json& j, const complaint& c) {
    if (c.shared_case)
        j["shared_case"] = {
            {"note", c.shared_case->note}, {"by", c.shared_case->by}, {"at", core::to_ms(c.shared_case->at)}};
}

void case_from(const json& j, complaint& c) {
    c.shared_case.reset();
    if (auto it = j.find("shared_case"); it != j.end() && it->is_object())
        c.shared_case = case_mark{it->value("note", std::string{}), it->value("by", std::string{}),
                                  core::from_ms(it->at("at").get<std::int64_t>())};
}

}  // namespace detail

}  // namespace rules
