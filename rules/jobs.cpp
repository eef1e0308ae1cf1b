#include "rules/jobs.hpp"

#include <algorithm>

#include "rules/reports.hpp"
#include "rules/wording.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

std::vector<complaint*> sheet_job(std::vector<complaint>& open, core::local_date today, const context& ctx,
                                  outcome& out) {
    const auto& cfg = ctx.cfg;
    std::vector<complaint*> marked;
    std::vector<complaint> items;
    for (auto& c : open) {
        if (!ready_for_sheet(c)) continue;
        c.sheet_date = today;
        c.sheet_at = ctx.now;
        out.events.push_back({c.id, ctx.now, "bot", "sheet", "",
                              "列入质量投诉处理流程表（" + core::format_date(today) + "）", std::nullopt,
                              core::duration{0}});
        marked.push_back(&c);
        items.push_back(c);
    }
    if (items.empty()) return marked;
    core::outbound_post post{
        cfg.default_chat,
        sheet_text(items, today, ctx) + "\n请" + cfg.roles.hr + "核对存档，请以上责任部门负责人签字。",
        {}};
    auto add = [&](const std::string& person) {
        if (!person.empty() &&
            std::find(post.mentions.begin(), post.mentions.end(), person) == post.mentions.end())
            post.mentions.push_back(person);
    };
    add(cfg.org.head_of(cfg.roles.hr));
    for (const auto& c : items)
        for (const auto& d : c.departments) add(cfg.org.head_of(d.department));
    if (post.mentions.empty()) post.text += "\n";  // as the sheet always read: an empty mention line
    out.posts.push_back(with_mentions(std::move(post), cfg));
    return marked;
}

bool due_for_forward(const complaint& c, core::local_date today) {
    // Below the self-approval limit 打单部 executes after the signatures: nothing goes to the VP.
    return c.sheet_date && !c.forwarded_at && *c.sheet_date < today && !self_approvable(c);
}

std::vector<complaint*> forward_job(std::vector<complaint>& open, core::local_date today, const context& ctx,
                                    outcome& out) {
    std::vector<complaint*> forwarded;
    for (auto& c : open) {
        if (!due_for_forward(c, today)) continue;
        out.posts.push_back(forward_to_vp(c, ctx, out));
        forwarded.push_back(&c);
    }
    return forwarded;
}

std::optional<std::string> todo_department(const command& cmd, const config& cfg, std::string& refusal) {
    if (cmd.departments.empty()) return std::string{};
    const auto* d = cfg.org.find_department(cmd.departments.front());
    if (!d) {
        refusal = unknown_department_reply(cfg, cmd.departments.front());
        return std::nullopt;
    }
    return d->name;
}

bool is_fine_command(const command& cmd) {
    switch (cmd.kind) {
        case command_kind::waive:
        case command_kind::paid:
        case command_kind::undo:
            return true;
        case command_kind::appeal:
        case command_kind::review:
            return !cmd.target.empty() && cmd.target[0] == 'F';
        default:
            return false;
    }
}

std::string complaint_id_of(const command& cmd) {
    constexpr std::string_view freight = "运费";
    return cmd.target.rfind(freight, 0) == 0 ? cmd.target.substr(freight.size()) : cmd.target;
}

core::outbound_post hr_post(const std::string& chat, std::string text, const config& cfg) {
    core::outbound_post post{chat, std::move(text), {}};
    if (auto head = cfg.org.head_of(cfg.roles.hr); !head.empty()) post.mentions.push_back(head);
    return with_mentions(std::move(post), cfg);
}

std::vector<std::pair<std::string, std::string>> acting_stages(const config& cfg,
                                                               const std::string& department) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto kind : {complaint_kind::product, complaint_kind::service}) {
        complaint probe;
        probe.kind = kind;
        for (const char* stage : {"accept", "publish", "route", "notify", "review"})
            if (detail::acting_department(probe, cfg, stage) == department)
                out.emplace_back(std::string(kind_name(kind)), stage);
    }
    return out;
}

}  // namespace rules
