// followup: (回访 after a complaint closes: when the bot asks, how long it may take, who visits,
// whether it runs at all) and categories: (the 问题类别 a complaint may be filed under).
#include <charconv>

#include "config/reader.hpp"
#include "rules/text.hpp"

namespace conf::detail {

namespace {

// Whole work days: "3d", "3", "3 work days", "3个工作日". nullopt when it is not one.
std::optional<int> work_days(std::string text) {
    for (std::string_view tail : {" work days", " work day", "个工作日", "工作日", "d"})
        if (text.size() > tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0) {
            text.resize(text.size() - tail.size());
            break;
        }
    int n = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n < 0 || n > 60) return std::nullopt;
    return n;
}

}  // namespace

void read_followup(reader& L, const YAML::Node& root, rules::config& cfg, const names& known) {
    if (auto fu = root["followup"]; fu) {
        if (L.keys(fu, "followup", {"enabled", "after", "within", "by", "target"})) {
            auto& f = cfg.followup;
            if (auto n = fu["enabled"]; n) {
                if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false"))
                    L.error(n, "followup.enabled must be true or false",
                            "e.g. `enabled: false` to turn 回访 off");
                else
                    f.enabled = n.Scalar() == "true";
            }
            auto days = [&](const char* key, int& slot, int min) {
                auto n = fu[key];
                if (!n) return;
                auto v = n.IsScalar() ? work_days(n.Scalar()) : std::nullopt;
                if (!v || *v < min) {
                    L.error(n,
                            std::string("bad duration '") + (n.IsScalar() ? n.Scalar() : std::string("…")) +
                                "' for followup." + key,
                            std::string("write whole work days of the calendar, e.g. `") + key + ": " +
                                (min == 0 ? "1d" : "3d") + "`" + (min == 0 ? " (0d: at the closing)" : "") +
                                "; hours are not accepted here");
                    return;
                }
                slot = *v;
            };
            if (auto n = fu["target"]; n) {
                int v = -1;
                if (n.IsScalar()) {
                    auto text = n.Scalar();
                    if (!text.empty() && text.back() == '%') text.pop_back();
                    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                    if (ec != std::errc{} || end != text.data() + text.size()) v = -1;
                }
                if (v < 1 || v > 100)
                    L.error(n, "followup.target must be a percentage from 1 to 100",
                            "e.g. `target: 85` (the 满意率 the monthly report compares with)");
                else
                    f.target = v;
            }
            days("after", f.after_days, 0);
            days("within", f.within_days, 1);
            if (auto n = fu["by"]; n)
                if (auto v = L.str(n, "followup.by")) {
                    if (*v == "complainant") {
                        f.by.clear();
                    } else if (!known.departments.count(*v)) {
                        L.error(n, "followup.by names unknown department '" + *v + "'",
                                "write `by: complainant` (the default) or one of the departments: " +
                                    join({known.departments.begin(), known.departments.end()}));
                    } else {
                        f.by = *v;
                    }
                }
        }
    }
    if (auto cats = root["categories"]; cats) {
        if (!cats.IsSequence() || cats.size() == 0) {
            L.error(cats, "categories must be a non-empty list",
                    "e.g. categories: [外观, 尺寸, 性能, 包装, 物流, 错发漏发, 交期, 服务态度, 其他]");
            return;
        }
        cfg.categories.clear();
        for (const auto& c : cats) {
            auto v = L.str(c, "category");
            if (!v) continue;
            auto name = std::string(rules::trim(*v));
            bool twice = false;
            for (const auto& seen : cfg.categories) twice = twice || rules::fold(seen) == rules::fold(name);
            if (name.empty() || twice) {
                L.error(c, name.empty() ? "an empty category" : "category '" + name + "' is listed twice",
                        "list each category once");
                continue;
            }
            cfg.categories.push_back(name);
        }
    }
}

void read_customer(reader& L, const YAML::Node& root, rules::config& cfg) {
    auto cu = root["customer"];
    if (!cu ||
        !L.keys(cu, "customer", {"enabled", "answer_within", "remind_before", "resolve_within", "gm_after"}))
        return;
    auto& s = cfg.customer;
    if (auto n = cu["enabled"]; n) {
        if (!n.IsScalar() || (n.Scalar() != "true" && n.Scalar() != "false"))
            L.error(n, "customer.enabled must be true or false",
                    "e.g. `enabled: false` to turn the customer's clock (已答复客户, 督办) off");
        else
            s.enabled = n.Scalar() == "true";
    }
    auto read = [&](const char* key, core::duration& slot, bool allow_zero) {
        auto n = cu[key];
        if (!n) return;
        auto d = L.duration(n, std::string("customer.") + key, allow_zero);
        if (!d) return;
        if (!allow_zero && d->count() <= 0) {
            L.error(n, std::string("customer.") + key + " must be longer than 0",
                    "e.g. `" + std::string(key) + ": 24h`");
            return;
        }
        slot = *d;
    };
    read("answer_within", s.answer_within, false);
    read("remind_before", s.remind_before, true);
    read("resolve_within", s.resolve_within, false);
    read("gm_after", s.gm_after, false);
    if (s.remind_before >= s.answer_within && s.remind_before.count() > 0)
        L.error(cu["remind_before"] ? cu["remind_before"] : cu,
                "customer.remind_before (" + core::format_duration(s.remind_before) +
                    ") is not shorter than customer.answer_within (" +
                    core::format_duration(s.answer_within) + ")",
                "remind a few hours before the end, e.g. `remind_before: 2h` with `answer_within: 24h`, or 0 "
                "for no "
                "reminder");
}

void read_compensation(reader& L, const YAML::Node& root, rules::config& cfg) {
    auto co = root["compensation"];
    if (!co || !L.keys(co, "compensation", {"self_approve_below"})) return;
    if (auto n = co["self_approve_below"]; n) {
        int v = -1;
        if (n.IsScalar()) {
            auto text = n.Scalar();
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec != std::errc{} || end != text.data() + text.size()) v = -1;
        }
        if (v < 0 || v > 100'000'000)
            L.error(n,
                    "compensation.self_approve_below must be a whole number of yuan, not '" +
                        (n.IsScalar() ? n.Scalar() : std::string("…")) + "'",
                    "e.g. `self_approve_below: 500` (0: every compensation goes to the VP and the general "
                    "manager)");
        else
            cfg.compensation.self_approve_below = v;
    }
}

void read_crisis(reader& L, const YAML::Node& root, rules::config& cfg) {
    auto cr = root["crisis"];
    if (!cr || !L.keys(cr, "crisis", {"keywords", "status_every", "stage", "respond"})) return;
    auto& s = cfg.crisis;
    if (auto n = cr["keywords"]; n) {
        if (!n.IsSequence()) {
            L.error(
                n, "crisis.keywords must be a list",
                "e.g. keywords: [群诉, 媒体, 曝光, 投诉到…局] (… stands for a few characters; [] for none)");
        } else {
            s.keywords.clear();
            for (const auto& k : n)
                if (auto v = L.str(k, "crisis keyword"); v && !rules::trim(*v).empty())
                    s.keywords.emplace_back(rules::trim(*v));
        }
    }
    auto read = [&](const char* key, core::duration& slot, bool allow_zero) {
        if (auto n = cr[key]; n)
            if (auto d = L.duration(n, std::string("crisis.") + key, allow_zero)) {
                if (!allow_zero && d->count() <= 0)
                    L.error(n, std::string("crisis.") + key + " must be longer than 0",
                            "e.g. `" + std::string(key) + ": 15m`");
                else
                    slot = *d;
            }
    };
    read("status_every", s.status_every, true);
    read("stage", s.stage, false);
    read("respond", s.respond, false);
}

}  // namespace conf::detail
