// Severity and the crisis workflow (客户危机事件处理): 级别 P1 一级|二级|三级 <原因> by HR, the general
// manager or a VP. 一级 (ten or more complainants together, protests, media exposure) @-mentions the
// general manager and the VPs at once, shortens every pending clock (crisis.stage, crisis.respond),
// @-mentions the general manager on every miss, posts the state every crisis.status_every until the
// complaint closes, then its closing report. The receipt proposes 一级 when the post names one of
// crisis.keywords.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "rules/text.hpp"
#include "rules/workflow_steps.hpp"
#include "rules/workflow_support.hpp"

namespace rules {

using namespace detail;
using json = nlohmann::json;

namespace {

const char* level_label(int level) {
    return level == 1 ? "一级" : level == 2 ? "二级" : "三级";
}

bool may_grade(const config& cfg, const std::string& actor) {
    return cfg.org.is_member(actor, cfg.roles.hr) || is_general_manager(cfg, actor) ||
           is_vice_president(cfg, actor);
}

// The general manager (and assistant) and every VP, each once.
std::vector<std::string> leaders(const config& cfg) {
    std::vector<std::string> who = cfg.roles.general_manager;
    for (const auto& [dept, vp] : cfg.roles.vice_presidents)
        if (std::find(who.begin(), who.end(), vp) == who.end()) who.push_back(vp);
    return who;
}

// Whether `pattern` ("媒体", or "投诉到…局" with … standing for up to 12 characters) is in `text`
// (both folded).
bool matches(const std::u32string& text, const std::u32string& pattern) {
    std::vector<std::u32string> parts;
    std::u32string part;
    for (auto ch : pattern) {
        if (ch == U'…' || ch == U'*') {
            parts.push_back(part);
            part.clear();
        } else {
            part += ch;
        }
    }
    parts.push_back(part);
    for (std::size_t start = text.find(parts.front()); start != std::u32string::npos;
         start = text.find(parts.front(), start + 1)) {
        std::size_t at = start + parts.front().size();
        bool ok = true;
        for (std::size_t i = 1; i < parts.size() && ok; ++i) {
            if (parts[i].empty()) continue;
            auto next = text.find(parts[i], at);
            ok = next != std::u32string::npos && next - at <= 12;
            if (ok) at = next + parts[i].size();
        }
        if (ok) return true;
    }
    return false;
}

}  // namespace

namespace detail {

std::string crisis_keyword(const complaint& c, const config& cfg) {
    std::string all;
    for (const auto& [k, v] : c.fields) all += v + "\n";
    const auto text = fold_cps(all).cps;
    for (const auto& k : cfg.crisis.keywords) {
        auto pattern = fold_cps(k).cps;
        if (!pattern.empty() && matches(text, pattern)) return k;
    }
    return {};
}

void crisis_mentions(const complaint& c, const config& cfg, core::outbound_post& post) {
    if (!c.crisis()) return;
    for (const auto& p : cfg.roles.general_manager) add_mention(post, p);
}

std::optional<core::instant> crisis_respond_due(const complaint& c, core::instant now) {
    if (!c.crisis() || c.severity->respond_within.count() <= 0) return std::nullopt;
    return now + c.severity->respond_within;
}

bool do_severity(complaint& c, const command& cmd, const std::string& actor, const std::string& chat,
                 const context& ctx, outcome& out) {
    const auto& cfg = ctx.cfg;
    if (!may_grade(cfg, actor)) {
        refuse(out, ctx, chat, actor,
               "只有" + cfg.roles.hr + "、总经理或副总可以为 " + c.id + " 定级，" +
                   cfg.org.display_name(actor) + "不能定级。");
        return false;
    }
    if (!c.is_open()) {
        refuse(out, ctx, chat, actor,
               c.id + (c.status_is(complaint_status::invalid) ? " 已判为无效投诉" : " 已关闭") +
                   "，不能再定级。");
        return false;
    }
    const int level = std::stoi(cmd.args.front());
    if (c.severity && c.severity->level == level) {
        refuse(out, ctx, chat, actor, c.id + " 已是" + level_label(level) + "投诉，无需重复定级。");
        return false;
    }
    const bool was_crisis = c.crisis();
    severity_record r;
    r.level = level;
    r.reason = cmd.text;
    r.by = actor;
    r.at = ctx.now;
    if (level == 1) {
        r.status_every = cfg.crisis.status_every;
        r.respond_within = cfg.crisis.respond;
    }
    if (c.severity) r.closing_posted = c.severity->closing_posted;
    c.severity = r;
    const auto who = cfg.org.display_name(actor);
    out.events.push_back(make_event(c, ctx, actor, "graded", "",
                                    std::string("定为") + level_label(level) + "投诉：" + cmd.text));
    core::outbound_post post{chat, {}, {}};
    if (level != 1) {
        post.text = "🏷 " + c.id + " 定为" + level_label(level) + "投诉（" + who + "）：" + cmd.text +
                    "。" + (was_crisis ? "不再按危机事件通报，已缩短的时限不恢复。" : "");
        add_mention(post, actor);
        out.posts.push_back(finish(std::move(post), cfg));
        return true;
    }
    // 一级: every pending clock shortened, the leaders told at once.
    const auto& k = cal(c, ctx);
    std::vector<std::string> moved;
    for (auto& s : c.stages) {
        if (s.done_at || !s.due) continue;
        const bool respond = s.is(stage_id::respond);
        auto limit = k.add(ctx.now, respond ? cfg.crisis.respond : cfg.crisis.stage);
        if (limit < *s.due) {
            s.due = limit;
            moved.push_back(stage_label(s.name) + " " + hm(ctx, limit));
        }
        if (respond)
            for (auto& d : c.departments)
                if (d.due && *d.due > limit && !d.replied_at) d.due = limit;
    }
    post.text = "🚨 " + c.id + " 定为一级投诉（危机事件）：" + cmd.text + "（" + who +
                "）。请总经理、副总立即关注" +
                (moved.empty() ? std::string("。") : "；时限缩短：" + join(moved, "，") + "。") +
                (r.status_every.count() > 0
                     ? "每 " + core::format_duration_zh(r.status_every) + "通报一次进展，直至办结。"
                     : std::string{});
    if (c.is_open()) {
        auto waiting = pending_words(c, ctx);
        post.text += "\n当前：" + waiting;
    }
    for (const auto& p : leaders(cfg)) add_mention(post, p);
    for (const auto& d : pending_departments(c, cfg)) add_mention(post, cfg.org.head_of(d));
    out.posts.push_back(finish(std::move(post), cfg));
    return true;
}

void severity_deadlines(const complaint& c, std::vector<deadline>& out) {
    if (!c.crisis() || c.status_is(complaint_status::invalid)) return;
    const auto& r = *c.severity;
    const int n = r.status_posted + 1;
    if (c.is_open()) {
        if (r.status_every.count() > 0)
            out.push_back(
                {c.id, deadline_key::reminder(timed_step::crisis, n).to_string(), r.at + r.status_every * n});
    } else if (!r.closing_posted && c.closed_at) {
        out.push_back({c.id, deadline_key::reminder(timed_step::crisis, n).to_string(), *c.closed_at});
    }
}

void fire_crisis(complaint& c, const deadline_key& key, const context& ctx, outcome& out) {
    if (!c.crisis() || c.status_is(complaint_status::invalid) || key.level <= c.severity->status_posted)
        return;
    auto& r = *c.severity;
    const auto& cfg = ctx.cfg;
    core::outbound_post post{c.chat, {}, {}};
    if (c.is_open()) {
        if (r.status_every.count() <= 0) return;
        // A bot that was down posts once for the periods it missed.
        r.status_posted = std::max(key.level, static_cast<int>((ctx.now - r.at) / r.status_every));
        out.events.push_back(make_event(c, ctx, "bot", "crisis_status", "",
                                        "一级投诉进展通报（第" + std::to_string(r.status_posted) + "次）"));
        post.text = "🚨 一级投诉 " + c.id + " 进展通报（第" + std::to_string(r.status_posted) +
                    "次）：定级已 " + core::format_duration_zh(ctx.now - r.at) + "，" +
                    pending_words(c, ctx) + "。";
    } else {
        if (r.closing_posted || !c.closed_at) return;
        r.closing_posted = true;
        r.status_posted = key.level;
        out.events.push_back(make_event(c, ctx, "bot", "crisis_closed", "", "一级投诉办结报告"));
        post.text = "🚨 一级投诉 " + c.id + " 已办结：登记 " + ctx.tz.short_time(c.posted_at) + "，定级 " +
                    ctx.tz.short_time(r.at) + "，办结 " + ctx.tz.short_time(*c.closed_at) + "，历时 " +
                    core::format_duration_zh(*c.closed_at - c.posted_at) + "；共通报 " +
                    std::to_string(key.level - 1) + " 次。定级原因：" + r.reason + "。";
    }
    for (const auto& p : leaders(cfg)) add_mention(post, p);
    out.posts.push_back(finish(std::move(post), cfg));
}

void severity_to(json& j, const complaint& c) {
    if (!c.severity) return;
    const auto& r = *c.severity;
    j["severity"] = {{"level", r.level},
                     {"reason", r.reason},
                     {"by", r.by},
                     {"at", core::to_ms(r.at)},
                     {"status_every_ms", r.status_every.count()},
                     {"respond_within_ms", r.respond_within.count()},
                     {"status_posted", r.status_posted},
                     {"closing_posted", r.closing_posted}};
}

void severity_from(const json& j, complaint& c) {
    c.severity.reset();
    auto it = j.find("severity");
    if (it == j.end() || !it->is_object()) return;
    severity_record r;
    r.level = it->at("level").get<int>();
    r.reason = it->value("reason", std::string{});
    r.by = it->value("by", std::string{});
    r.at = core::from_ms(it->at("at").get<std::int64_t>());
    r.status_every = core::duration{it->value("status_every_ms", std::int64_t{0})};
    r.respond_within = core::duration{it->value("respond_within_ms", std::int64_t{0})};
    r.status_posted = it->value("status_posted", 0);
    r.closing_posted = it->value("closing_posted", false);
    c.severity = r;
}

}  // namespace detail

std::string severity_words(const complaint& c, const context& ctx) {
    if (!c.severity) return {};
    const auto& r = *c.severity;
    return std::string(level_label(r.level)) + (r.level == 1 ? "（危机事件）" : "") + "：" + r.reason + "（" +
           ctx.cfg.org.display_name(r.by) + " " + ctx.tz.short_time(r.at) + "）";
}

}  // namespace rules
