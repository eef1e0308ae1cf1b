#include "app/config_loader.hpp"

#include "app/config_checks.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/time.hpp"

namespace app {

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// Walks the YAML tree, filling the config and collecting every error with its position.
class loader {
  public:
    loader(std::string file, std::string_view text) : file_(std::move(file)) {
        std::size_t start = 0;
        while (start <= text.size()) {
            auto nl = text.find('\n', start);
            lines_.push_back(
                text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
            if (nl == std::string_view::npos) break;
            start = nl + 1;
        }
    }

    // yaml-cpp counts columns in bytes; people count characters (a Chinese character is 3 bytes).
    int char_column(int line, int byte_column) const {
        if (line < 0 || static_cast<std::size_t>(line) >= lines_.size() || byte_column < 0)
            return byte_column + 1;
        auto l = lines_[static_cast<std::size_t>(line)];
        int chars = 0;
        for (std::size_t i = 0; i < l.size() && i < static_cast<std::size_t>(byte_column); ++i)
            if ((static_cast<unsigned char>(l[i]) & 0xC0) != 0x80) ++chars;
        return chars + 1;
    }

    void error(const YAML::Node& at, std::string message, std::string fix) {
        config_error e;
        e.file = file_;
        if (at.IsDefined() && !at.IsNull()) {
            auto m = at.Mark();
            if (m.line >= 0) {
                e.line = m.line + 1;
                e.column = char_column(m.line, m.column);
            }
        }
        e.message = std::move(message);
        e.fix = std::move(fix);
        errors_.push_back(std::move(e));
    }
    void error_at(const YAML::Mark& m, std::string message, std::string fix) {
        config_error e{file_, m.line >= 0 ? m.line + 1 : 0, m.line >= 0 ? char_column(m.line, m.column) : 0,
                       std::move(message), std::move(fix)};
        errors_.push_back(std::move(e));
    }

    // Checks that `node` is a map with only `allowed` keys; returns false when it is not a map.
    bool keys(const YAML::Node& node, const std::string& where, const std::vector<std::string>& allowed) {
        if (!node.IsMap()) {
            error(node, where + " must be a mapping (key: value)",
                  "write it as `key: value` lines or { key: value }");
            return false;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            auto key = it->first.as<std::string>("");
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            std::string best;
            std::size_t best_d = 99;
            for (const auto& a : allowed)
                if (auto d = edit_distance(key, a); d < best_d) best_d = d, best = a;
            error(it->first, "unknown key '" + key + "' in " + where,
                  best_d <= 2 ? "did you mean '" + best + "'?" : "allowed keys: " + join(allowed));
        }
        return true;
    }

    std::optional<std::string> str(const YAML::Node& node, const std::string& what) {
        if (!node.IsScalar()) {
            error(node, what + " must be a text value", "write a single value, e.g. `" + what + ": 打单部`");
            return std::nullopt;
        }
        return node.Scalar();
    }

    std::optional<int> positive_int(const YAML::Node& node, const std::string& what) {
        try {
            if (node.IsScalar()) {
                auto v = node.as<int>();
                if (v > 0) return v;
            }
        } catch (const YAML::Exception&) {
        }
        error(
            node,
            what + " must be a positive whole number, not '" + (node.IsScalar() ? node.Scalar() : "…") + "'",
            "e.g. `" + what + ": 50`");
        return std::nullopt;
    }

    std::optional<core::duration> duration(const YAML::Node& node, const std::string& what, bool allow_zero) {
        if (node.IsScalar()) {
            auto text = node.Scalar();
            if (allow_zero && (text == "0" || text == "0m" || text == "0s" || text == "off"))
                return core::duration{0};
            if (auto d = core::parse_duration(text)) return d;
        }
        error(node, "bad duration '" + (node.IsScalar() ? node.Scalar() : std::string("…")) + "' for " + what,
              std::string("write durations like 5m, 30m, 2h, 1h30m") + (allow_zero ? " (or 0 / off)" : ""));
        return std::nullopt;
    }

    std::vector<config_error> errors_;

  private:
    std::string file_;
    std::vector<std::string_view> lines_;
};

const std::vector<std::string> top_keys = {"timezone",  "database",  "organization", "roles",
                                           "workflow",  "schedules", "calendar",     "server",
                                           "platforms", "chats",     "default_chat", "company"};

// "2026-10-01" → a date; nullopt when malformed or not a real day.
std::optional<core::local_date> parse_day(const std::string& s) {
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3)
        return std::nullopt;
    if (!core::valid_date(y, m, d)) return std::nullopt;
    return core::local_date{y, m, d};
}

// "08:30-12:00" → minutes after midnight.
std::optional<core::calendar_settings::span> parse_span(const std::string& s) {
    unsigned h1 = 0, m1 = 0, h2 = 0, m2 = 0;
    char tail = 0;
    if (std::sscanf(s.c_str(), "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) != 4) return std::nullopt;
    if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 == 24 && m2 != 0)) return std::nullopt;
    core::calendar_settings::span sp{h1 * 60 + m1, h2 * 60 + m2};
    if (sp.end <= sp.start) return std::nullopt;
    return sp;
}

unsigned weekday_number(const std::string& s) {
    static const std::pair<const char*, unsigned> names[] = {
        {"周一", 1},   {"周二", 2},   {"周三", 3},   {"周四", 4},   {"周五", 5},   {"周六", 6},
        {"周日", 7},   {"周天", 7},   {"星期一", 1}, {"星期二", 2}, {"星期三", 3}, {"星期四", 4},
        {"星期五", 5}, {"星期六", 6}, {"星期日", 7}, {"mon", 1},    {"tue", 2},    {"wed", 3},
        {"thu", 4},    {"fri", 5},    {"sat", 6},    {"sun", 7},    {"1", 1},      {"2", 2},
        {"3", 3},      {"4", 4},      {"5", 5},      {"6", 6},      {"7", 7}};
    for (const auto& [name, n] : names)
        if (s == name) return n;
    return 0;
}

bool valid_hhmm(const std::string& s, bool weekly) {
    std::string t = s;
    if (weekly) {
        auto space = t.find(' ');
        if (space == std::string::npos) return false;
        static const std::vector<std::string> days = {
            "周一",   "周二",   "周三",   "周四",   "周五",   "周六",   "周日",   "周天",
            "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日", "星期天",
            "mon",    "tue",    "wed",    "thu",    "fri",    "sat",    "sun"};
        if (std::find(days.begin(), days.end(), t.substr(0, space)) == days.end()) return false;
        t = t.substr(space + 1);
    }
    unsigned h = 0, m = 0;
    char tail = 0;
    return std::sscanf(t.c_str(), "%2u:%2u%c", &h, &m, &tail) == 2 && h < 24 && m < 60 && t.size() == 5;
}

}  // namespace

std::string config_error::to_string() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(column);
    s += ": " + message;
    if (!fix.empty()) s += " — " + fix;
    return s;
}

config_load_result load_config(const std::filesystem::path& file, const env_lookup& env) {
    std::error_code ec;
    if (auto size = std::filesystem::file_size(file, ec); !ec && size > max_config_bytes) {
        config_load_result r;  // refused before reading it
        r.errors.push_back(oversized_config(size, file.string()));
        return r;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        config_load_result r;
        r.errors.push_back({file.string(), 0, 0, "cannot read the config file",
                            "check the path (see config.example.yaml for a complete example)"});
        return r;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return parse_config(ss.str(), file.string(), file.parent_path(), env);
}

config_load_result parse_config(std::string_view yaml_text, std::string source_name,
                                const std::filesystem::path& base_dir, const env_lookup& env) {
    config_load_result result;
    result.errors = check_config_text(yaml_text, source_name);
    if (!result.errors.empty()) return result;  // the YAML parser would only add confusion
    loader L(source_name, yaml_text);
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::ParserException& e) {
        L.error_at(e.mark, "YAML syntax error: " + e.msg, "fix the indentation or quoting at this place");
        result.errors = L.errors_;
        return result;
    }
    L.errors_ = duplicate_key_errors(yaml_text, source_name);
    rules::config cfg;
    cfg.source_file = source_name;
    if (!root.IsMap()) {
        L.error(root, "the config must be a mapping with `organization:` and `roles:`",
                "start from config.example.yaml");
        result.errors = L.errors_;
        return result;
    }
    L.keys(root, "the config", top_keys);

    if (auto n = root["timezone"]; n) {
        if (auto v = L.str(n, "timezone")) {
            try {
                core::zone z(*v);
                cfg.timezone = *v;
            } catch (const std::exception&) {
                L.error(n, "unknown time zone '" + *v + "'", "use an IANA name such as Asia/Shanghai");
            }
        }
    }
    if (auto n = root["database"]; n) {
        if (auto v = L.str(n, "database")) {
            std::filesystem::path p(*v);
            cfg.database =
                (p.is_relative() && !base_dir.empty() ? base_dir / p : p).lexically_normal().string();
        }
    } else if (!base_dir.empty()) {
        cfg.database = (base_dir / cfg.database).lexically_normal().string();
    }
    if (auto n = root["default_chat"]; n)
        if (auto v = L.str(n, "default_chat")) cfg.default_chat = *v;
    if (auto n = root["company"]; n)
        if (auto v = L.str(n, "company")) cfg.company = *v;

    // --- organization
    std::set<std::string> dept_names, person_ids;
    std::vector<std::pair<YAML::Node, std::string>> heads;  // checked once people are known
    auto org = root["organization"];
    if (!org) {
        L.error(root, "missing `organization:`", "add organization: { departments: [...], people: [...] }");
    } else if (L.keys(org, "organization", {"departments", "people"})) {
        auto depts = org["departments"];
        if (!depts || !depts.IsSequence() || depts.size() == 0) {
            L.error(depts ? depts : org, "organization.departments must be a non-empty list",
                    "add - { name: 打单部, head: lisi }");
        } else {
            for (const auto& d : depts) {
                if (!L.keys(d, "a department", {"name", "head"})) continue;
                rules::department dep;
                if (!d["name"] || !d["head"]) {
                    L.error(d, "a department needs `name` and `head`",
                            "write - { name: 打单部, head: lisi }");
                    continue;
                }
                auto name = L.str(d["name"], "name");
                auto head = L.str(d["head"], "head");
                if (!name || !head) continue;
                if (!dept_names.insert(*name).second) {
                    L.error(d["name"], "duplicate department '" + *name + "'", "list each department once");
                    continue;
                }
                dep.name = *name;
                dep.head = *head;
                heads.emplace_back(d["head"], *head);
                cfg.org.departments.push_back(dep);
            }
        }
        auto people = org["people"];
        if (!people || !people.IsSequence() || people.size() == 0) {
            L.error(people ? people : org, "organization.people must be a non-empty list",
                    "add - { id: lisi, name: 李四, department: 打单部 }");
        } else {
            std::map<std::string, std::set<std::string>> accounts_seen;
            for (const auto& p : people) {
                if (!L.keys(p, "a person", {"id", "name", "department", "accounts", "aliases"})) continue;
                if (!p["id"] || !p["name"] || !p["department"]) {
                    L.error(p, "a person needs `id`, `name` and `department`",
                            "write - { id: lisi, name: 李四, department: 打单部 }");
                    continue;
                }
                rules::person per;
                auto id = L.str(p["id"], "id");
                auto name = L.str(p["name"], "name");
                auto dept = L.str(p["department"], "department");
                if (!id || !name || !dept) continue;
                per.id = *id;
                per.name = *name;
                per.department = *dept;
                if (!person_ids.insert(per.id).second) {
                    L.error(p["id"], "duplicate person id '" + per.id + "'", "give each person a unique id");
                    continue;
                }
                if (!dept_names.count(per.department))
                    L.error(p["department"],
                            "person '" + per.id + "' is in unknown department '" + per.department + "'",
                            "use one of: " + join({dept_names.begin(), dept_names.end()}));
                if (auto acc = p["accounts"]; acc) {
                    if (L.keys(acc, "accounts of '" + per.id + "'",
                               {"dingtalk", "wecom", "feishu", "slack"})) {
                        for (auto it = acc.begin(); it != acc.end(); ++it) {
                            auto platform = it->first.as<std::string>("");
                            auto v = L.str(it->second, platform);
                            if (!v) continue;
                            if (!accounts_seen[platform].insert(*v).second)
                                L.error(it->second,
                                        "account '" + *v + "' on " + platform + " is given to two people",
                                        "each platform account belongs to one person");
                            per.accounts[platform] = *v;
                        }
                    }
                }
                if (auto al = p["aliases"]; al) {
                    if (!al.IsSequence())
                        L.error(al, "aliases of '" + per.id + "' must be a list",
                                "e.g. aliases: [小叶, Ye Wen]");
                    else
                        for (const auto& a : al)
                            if (auto v = L.str(a, "alias")) per.aliases.push_back(*v);
                }
                cfg.org.people.push_back(per);
            }
        }
    }
    for (const auto& [node, head] : heads)
        if (!person_ids.count(head))
            L.error(node, "department head '" + head + "' is not a listed person",
                    "add them to organization.people");

    auto check_dept = [&](const YAML::Node& n, const std::string& name, const std::string& what) {
        if (!dept_names.count(name))
            L.error(n, what + " names unknown department '" + name + "'",
                    "use one of: " + join({dept_names.begin(), dept_names.end()}));
    };
    auto check_person = [&](const YAML::Node& n, const std::string& id, const std::string& what) {
        if (!person_ids.count(id))
            L.error(n, what + " '" + id + "' is not a listed person", "add them to organization.people");
    };

    // --- roles
    auto roles = root["roles"];
    if (!roles) {
        L.error(root, "missing `roles:`", "add roles: { order_desk: 打单部, hr: 人力资源部 }");
    } else if (L.keys(roles, "roles",
                      {"order_desk", "hr", "investigators", "appeal", "vice_presidents", "general_manager",
                       "order_follower", "finance"})) {
        for (const char* k : {"order_desk", "hr"}) {
            if (!roles[k]) {
                L.error(roles, std::string("missing roles.") + k,
                        std::string("name the department, e.g. ") + k + ": " +
                            (std::string(k) == "hr" ? "人力资源部" : "打单部"));
                continue;
            }
            if (auto v = L.str(roles[k], k)) {
                check_dept(roles[k], *v, std::string("roles.") + k);
                (std::string(k) == "hr" ? cfg.roles.hr : cfg.roles.order_desk) = *v;
            }
        }
        if (auto inv = roles["investigators"]; inv) {
            if (!inv.IsSequence() || inv.size() == 0) {
                L.error(inv, "roles.investigators must be a non-empty list",
                        "e.g. investigators: [生产部, 采购部, 物流部]");
            } else {
                cfg.roles.investigators.clear();
                for (const auto& d : inv)
                    if (auto v = L.str(d, "investigators")) {
                        check_dept(d, *v, "roles.investigators");
                        cfg.roles.investigators.push_back(*v);
                    }
            }
        } else {
            std::vector<std::string> kept;
            for (const auto& d : cfg.roles.investigators)
                if (dept_names.count(d)) kept.push_back(d);
            cfg.roles.investigators = kept;
        }
        if (auto a = roles["appeal"]; a) {
            if (auto v = L.str(a, "appeal")) {
                check_dept(a, *v, "roles.appeal");
                cfg.roles.appeal = *v;
            }
        }
        for (const char* k : {"order_follower", "finance"}) {
            auto& slot = std::string(k) == "finance" ? cfg.roles.finance : cfg.roles.order_follower;
            if (auto n = roles[k]; n) {
                if (auto v = L.str(n, k)) {
                    check_dept(n, *v, std::string("roles.") + k);
                    slot = *v;
                }
            } else if (!dept_names.count(slot)) {
                slot.clear();  // the default department does not exist in this company
            }
        }
        if (auto vp = roles["vice_presidents"]; vp) {
            if (!vp.IsMap()) {
                L.error(vp, "roles.vice_presidents must map departments to people",
                        "e.g. { 销售一部: zhaoliu }");
            } else {
                for (auto it = vp.begin(); it != vp.end(); ++it) {
                    auto dept = it->first.as<std::string>("");
                    check_dept(it->first, dept, "roles.vice_presidents");
                    if (auto v = L.str(it->second, "vice president")) {
                        check_person(it->second, *v, "vice president");
                        cfg.roles.vice_presidents[dept] = *v;
                    }
                }
            }
        }
        if (auto gm = roles["general_manager"]; gm) {
            std::vector<YAML::Node> items;
            if (gm.IsSequence())
                for (const auto& x : gm) items.push_back(x);
            else
                items.push_back(gm);
            for (const auto& x : items)
                if (auto v = L.str(x, "general_manager")) {
                    check_person(x, *v, "general manager");
                    cfg.roles.general_manager.push_back(*v);
                }
        }
    }

    // --- workflow
    if (auto wf = root["workflow"]; wf) {
        if (L.keys(wf, "workflow",
                   {"fine_amount", "respond_warning", "respond_minimum", "appeal_window",
                    "compensation_keywords", "stages", "reminders", "repeat_every"})) {
            auto& w = cfg.workflow;
            if (auto rm = wf["reminders"]; rm) {
                const std::vector<std::string> steps = {"sign",    "vp_opinion", "gm_approval",
                                                        "execute", "freight",    "repeat"};
                if (L.keys(rm, "workflow.reminders", steps)) {
                    auto set = [&](const char* key, core::duration& slot) {
                        if (auto n = rm[key]; n)
                            if (auto v = L.duration(n, std::string("workflow.reminders.") + key, true))
                                slot = *v;
                    };
                    set("sign", w.sign_due);
                    set("vp_opinion", w.vp_due);
                    set("gm_approval", w.gm_due);
                    set("execute", w.execute_due);
                    set("freight", w.freight_due);
                    if (auto n = rm["repeat"]; n)
                        if (auto v = L.positive_int(n, "workflow.reminders.repeat")) w.reminders = *v;
                }
            }
            if (auto n = wf["fine_amount"]; n)
                if (auto v = L.positive_int(n, "fine_amount")) w.fine_amount = *v;
            if (auto n = wf["respond_warning"]; n)
                if (auto v = L.duration(n, "workflow.respond_warning", true)) w.respond_warning = *v;
            if (auto n = wf["respond_minimum"]; n)
                if (auto v = L.duration(n, "workflow.respond_minimum", true)) w.respond_minimum = *v;
            if (auto n = wf["repeat_every"]; n)
                if (auto v = L.duration(n, "workflow.repeat_every", true)) w.repeat_every = *v;
            if (auto n = wf["appeal_window"]; n)
                if (auto v = L.duration(n, "workflow.appeal_window", false)) w.appeal_window = *v;
            if (auto n = wf["compensation_keywords"]; n) {
                if (!n.IsSequence()) {
                    L.error(n, "workflow.compensation_keywords must be a list",
                            "e.g. [赔, 索赔, 退货, 换货, 退换, 补偿]");
                } else {
                    w.compensation_keywords.clear();
                    for (const auto& k : n)
                        if (auto v = L.str(k, "compensation keyword")) w.compensation_keywords.push_back(*v);
                }
            }
            if (auto st = wf["stages"]; st) {
                const std::vector<std::string> names = {"accept",  "publish", "route",
                                                        "respond", "notify",  "review"};
                if (L.keys(st, "workflow.stages", names)) {
                    for (const auto& name : names) {
                        auto sn = st[name];
                        if (!sn) continue;
                        if (!L.keys(sn, "workflow.stages." + name, {"due", "escalation", "repeat_every"}))
                            continue;
                        rules::stage_rule* rule = name == "accept"    ? &w.accept
                                                  : name == "publish" ? &w.publish
                                                  : name == "route"   ? &w.route
                                                  : name == "respond" ? &w.respond
                                                  : name == "notify"  ? &w.notify
                                                                      : &w.review;
                        if (auto d = sn["due"]; d)
                            if (auto v = L.duration(d, "workflow.stages." + name + ".due", false))
                                rule->due = *v;
                        if (auto d = sn["repeat_every"]; d)
                            if (auto v = L.duration(d, "workflow.stages." + name + ".repeat_every", true))
                                rule->repeat_every = *v;
                        if (auto esc = sn["escalation"]; esc) {
                            if (!esc.IsSequence()) {
                                L.error(esc, "escalation must be a list of levels",
                                        "e.g. [ { after: 0m, notify: head }, { after: 30m, notify: vp } ]");
                                continue;
                            }
                            rule->escalation.clear();
                            core::duration last{-1};
                            for (const auto& lv : esc) {
                                if (!L.keys(lv, "an escalation level", {"after", "notify"})) continue;
                                rules::escalation_level level;
                                if (auto a = lv["after"]; a) {
                                    if (auto v = L.duration(a, "escalation `after`", true)) level.after = *v;
                                }
                                if (level.after <= last)
                                    L.error(lv, "escalation levels must be in increasing `after` order",
                                            "sort the levels by `after`");
                                last = level.after;
                                if (auto nt = lv["notify"]; nt) {
                                    if (auto v = L.str(nt, "notify")) {
                                        level.notify = *v;
                                        static const std::vector<std::string> fixed = {
                                            "head", "hr_head", "order_desk_head", "vp", "general_manager"};
                                        if (v->rfind("person:", 0) == 0)
                                            check_person(nt, v->substr(7), "escalation target");
                                        else if (v->rfind("department:", 0) == 0)
                                            check_dept(nt, v->substr(11), "escalation target");
                                        else if (std::find(fixed.begin(), fixed.end(), *v) == fixed.end())
                                            L.error(
                                                nt, "unknown escalation target '" + *v + "'",
                                                "use head, hr_head, order_desk_head, vp, general_manager, "
                                                "person:<id> or department:<name>");
                                    }
                                }
                                rule->escalation.push_back(level);
                            }
                        }
                    }
                }
            }
        }
    }

    // --- schedules
    if (auto sc = root["schedules"]; sc) {
        if (L.keys(sc, "schedules", {"daily_summary", "sheet", "forward", "weekly_report"})) {
            auto set = [&](const char* key, std::string& slot, bool weekly) {
                auto n = sc[key];
                if (!n) return;
                auto v = L.str(n, key);
                if (!v) return;
                if (*v == "off" || valid_hhmm(*v, weekly)) {
                    slot = *v == "off" ? "" : *v;
                } else {
                    L.error(n, std::string("bad time '") + *v + "' for schedules." + key,
                            weekly ? "write a weekday and a time, e.g. \"周五 17:00\", or off"
                                   : "write a local time like \"18:00\", or off");
                }
            };
            set("daily_summary", cfg.schedules.daily_summary, false);
            set("sheet", cfg.schedules.sheet, false);
            set("forward", cfg.schedules.forward, false);
            set("weekly_report", cfg.schedules.weekly_report, true);
        }
    }

    // --- calendar (business time)
    if (auto cal = root["calendar"]; cal) {
        if (L.keys(cal, "calendar", {"mode", "work_days", "work_hours", "holidays", "make_up_days"})) {
            auto& c = cfg.calendar;
            if (auto n = cal["mode"]; n)
                if (auto v = L.str(n, "calendar.mode")) {
                    if (*v == "business")
                        c.business = true;
                    else if (*v != "wall")
                        L.error(n, "unknown calendar mode '" + *v + "'",
                                "use wall (deadlines in clock time, the default) or business (working time "
                                "only)");
                }
            if (auto n = cal["work_days"]; n) {
                if (!n.IsSequence() || n.size() == 0) {
                    L.error(n, "calendar.work_days must be a non-empty list",
                            "e.g. [周一, 周二, 周三, 周四, 周五]");
                } else {
                    c.work_days.clear();
                    for (const auto& d : n)
                        if (auto v = L.str(d, "work day")) {
                            if (auto k = weekday_number(*v))
                                c.work_days.push_back(k);
                            else
                                L.error(d, "unknown weekday '" + *v + "'", "write 周一 … 周日 or mon … sun");
                        }
                }
            }
            if (auto n = cal["work_hours"]; n) {
                if (!n.IsSequence() || n.size() == 0) {
                    L.error(n, "calendar.work_hours must be a non-empty list",
                            "e.g. [\"08:30-12:00\", \"13:30-17:30\"]");
                } else {
                    c.hours.clear();
                    for (const auto& h : n)
                        if (auto v = L.str(h, "work hours")) {
                            auto sp = parse_span(*v);
                            if (!sp) {
                                L.error(h, "bad work hours '" + *v + "'",
                                        "write a local time range like \"08:30-12:00\"");
                                continue;
                            }
                            bool overlaps = std::any_of(c.hours.begin(), c.hours.end(), [&](const auto& o) {
                                return sp->start < o.end && o.start < sp->end;
                            });
                            if (overlaps)
                                L.error(h, "work hours '" + *v + "' overlap another range",
                                        "make the ranges disjoint");
                            else
                                c.hours.push_back(*sp);
                        }
                }
            }
            auto days = [&](const char* key, std::vector<core::local_date>& slot) {
                auto n = cal[key];
                if (!n) return;
                if (!n.IsSequence()) {
                    L.error(n, std::string("calendar.") + key + " must be a list of dates",
                            "e.g. [2026-10-01, 2026-10-02]");
                    return;
                }
                for (const auto& d : n)
                    if (auto v = L.str(d, "date")) {
                        if (auto day = parse_day(*v))
                            slot.push_back(*day);
                        else
                            L.error(d, "bad date '" + *v + "' in calendar." + key,
                                    "write dates as 2026-10-01");
                    }
            };
            days("holidays", c.holidays);
            days("make_up_days", c.make_up_days);
            for (const auto& d : c.make_up_days)
                if (std::find(c.holidays.begin(), c.holidays.end(), d) != c.holidays.end())
                    L.error(cal["make_up_days"],
                            "the date " + core::format_date(d) + " is both a holiday and a make-up work day",
                            "keep it in one of the two lists");
        }
    }
    cfg.workflow.business_time = cfg.calendar.business;

    // --- server, platforms, chats (for `serve`)
    if (auto sv = root["server"]; sv) {
        if (L.keys(sv, "server", {"listen", "port", "body_limit", "ca_file"})) {
            if (auto n = sv["listen"]; n)
                if (auto v = L.str(n, "listen")) cfg.server.listen = *v;
            if (auto n = sv["port"]; n)
                if (auto v = L.positive_int(n, "port")) {
                    if (*v > 65535)
                        L.error(n, "port " + std::to_string(*v) + " is out of range", "use 1–65535");
                    else
                        cfg.server.port = *v;
                }
            if (auto n = sv["body_limit"]; n)
                if (auto v = L.positive_int(n, "body_limit")) cfg.server.body_limit = *v;
            if (auto n = sv["ca_file"]; n)
                if (auto v = L.str(n, "ca_file")) cfg.server.ca_file = *v;
        }
    }
    std::set<std::string> platform_names;
    if (auto pl = root["platforms"]; pl) {
        if (L.keys(pl, "platforms", {"dingtalk", "wecom"})) {
            for (auto it = pl.begin(); it != pl.end(); ++it) {
                auto name = it->first.as<std::string>("");
                auto node = it->second;
                std::vector<std::string> allowed =
                    name == "dingtalk"
                        ? std::vector<std::string>{"app_secret_env",    "webhook_env", "webhook_secret_env",
                                                   "per_minute",        "mode",        "client_id_env",
                                                   "client_secret_env", "gateway"}
                        : std::vector<std::string>{"token_env", "aes_key_env", "receive_id", "webhook_env",
                                                   "per_minute"};
                if (!L.keys(node, "platforms." + name, allowed)) continue;
                rules::platform_settings ps;
                ps.name = name;
                for (auto kv = node.begin(); kv != node.end(); ++kv) {
                    auto key = kv->first.as<std::string>("");
                    if (key == "per_minute") {
                        if (auto v = L.positive_int(kv->second, "per_minute")) ps.per_minute = *v;
                    } else if (key == "receive_id") {
                        if (auto v = L.str(kv->second, key)) ps.receive_id = *v;
                    } else if (key == "gateway") {
                        if (auto v = L.str(kv->second, key)) ps.gateway = *v;
                    } else if (key == "mode") {
                        if (auto v = L.str(kv->second, key)) {
                            if (*v != "http" && *v != "stream")
                                L.error(kv->second, "unknown mode '" + *v + "' for platforms." + name,
                                        "use http (callbacks) or stream (WebSocket, no public URL needed)");
                            else
                                ps.mode = *v;
                        }
                    } else if (auto v = L.str(kv->second, key)) {
                        // The value names an environment variable; the secret itself never is in the file.
                        bool looks_like_name = !v->empty() && std::all_of(v->begin(), v->end(), [](char c) {
                            return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
                        });
                        if (!looks_like_name)
                            L.error(kv->second,
                                    key + " must name an environment variable (like DINGTALK_APP_SECRET)",
                                    "put the secret in the environment, never in the file");
                        else
                            ps.env[key.substr(0, key.size() - 4)] = *v;
                    }
                }
                platform_names.insert(name);
                cfg.platforms.push_back(ps);
            }
        }
    }
    if (auto ch = root["chats"]; ch) {
        if (!ch.IsSequence()) {
            L.error(ch, "chats must be a list",
                    "e.g. chats: [ { id: group, platform: dingtalk, conversation: cid123 } ]");
        } else {
            for (const auto& c : ch) {
                if (!L.keys(c, "a chat", {"id", "platform", "conversation"})) continue;
                rules::chat_settings cs;
                if (!c["id"] || !c["platform"]) {
                    L.error(c, "a chat needs `id` and `platform`", "e.g. { id: group, platform: dingtalk }");
                    continue;
                }
                if (auto v = L.str(c["id"], "id")) cs.id = *v;
                if (auto v = L.str(c["platform"], "platform")) {
                    cs.platform = *v;
                    if (!platform_names.count(*v))
                        L.error(c["platform"],
                                "chat '" + cs.id + "' uses platform '" + *v + "' which is not configured",
                                "add it under platforms: (dingtalk or wecom)");
                }
                if (auto n = c["conversation"]; n)
                    if (auto v = L.str(n, "conversation")) cs.conversation = *v;
                cfg.chats.push_back(cs);
            }
        }
    }

    result.errors = L.errors_;
    if (!result.errors.empty()) return result;
    auto serve = check_for_serve(root, cfg, yaml_text, source_name, env);
    result.serve_errors = std::move(serve.errors);
    result.warnings = std::move(serve.warnings);
    result.has_serve_sections = serve.has_serve_sections;
    result.config = std::move(cfg);
    return result;
}

std::string explain_config(const rules::config& cfg) {
    std::ostringstream o;
    auto person = [&](const std::string& id) {
        const auto* p = cfg.org.find_person(id);
        return p ? p->name + " " + id : id;
    };
    auto head = [&](const std::string& dept) {
        for (const auto& d : cfg.org.departments)
            if (d.name == dept) return dept + "（负责人 " + person(d.head) + "）";
        return dept;
    };
    auto chain = [&](const rules::stage_rule& r, const std::string& acting) {
        if (r.escalation.empty()) return std::string("no escalation");
        std::string s;
        for (const auto& l : r.escalation) {
            std::string who = l.notify == "head"              ? "@ head of " + acting
                              : l.notify == "hr_head"         ? "@ head of " + head(cfg.roles.hr)
                              : l.notify == "order_desk_head" ? "@ head of " + head(cfg.roles.order_desk)
                              : l.notify == "vp"              ? "@ VP of the complainant's department"
                              : l.notify == "general_manager" ? "@ general manager"
                                                              : "@ " + l.notify;
            s +=
                (s.empty() ? "" : "; ") + who +
                (l.after.count() == 0 ? " at the deadline" : " " + core::format_duration(l.after) + " later");
        }
        return s;
    };
    const auto& w = cfg.workflow;
    o << "config: " << cfg.source_file << "\n"
      << "company: " << (cfg.company.empty() ? "(not set)" : cfg.company) << "\n"
      << "time zone: " << cfg.timezone << "\n"
      << "database: " << cfg.database << "\n"
      << "departments (" << cfg.org.departments.size() << "):\n";
    for (const auto& d : cfg.org.departments) o << "  " << head(d.name) << "\n";
    o << "people: " << cfg.org.people.size() << "\n"
      << "roles: order desk " << cfg.roles.order_desk << ", HR " << cfg.roles.hr << ", investigators ";
    for (std::size_t i = 0; i < cfg.roles.investigators.size(); ++i)
        o << (i ? "、" : "") << cfg.roles.investigators[i];
    o << ", appeal " << cfg.roles.appeal << "\n";
    for (const auto& [dept, vp] : cfg.roles.vice_presidents)
        o << "  VP of " << dept << ": " << person(vp) << "\n";
    for (const auto& gm : cfg.roles.general_manager)
        o << "  general manager / assistant: " << person(gm) << "\n";
    o << "\n产品质量投诉 (P):\n"
      << "  accept  by " << cfg.roles.order_desk << " within " << core::format_duration(w.accept.due)
      << " of the post; missed: " << chain(w.accept, cfg.roles.order_desk) << "\n"
      << "  publish by " << cfg.roles.order_desk << " within " << core::format_duration(w.publish.due)
      << " of the post; missed: " << chain(w.publish, cfg.roles.order_desk) << "\n"
      << "  respond by each department named (default ";
    for (std::size_t i = 0; i < cfg.roles.investigators.size(); ++i)
        o << (i ? "、" : "") << cfg.roles.investigators[i];
    o << ") within " << core::format_duration(w.respond.due) << " of the post; missed: fine each silent head "
      << w.fine_amount << " yuan";
    if (!w.respond.escalation.empty()) o << ", then " << chain(w.respond, "the silent department");
    o << "\n\n服务质量投诉 (S):\n"
      << "  accept  by " << cfg.roles.hr << " within " << core::format_duration(w.accept.due)
      << " of the post; missed: " << chain(w.accept, cfg.roles.hr) << "\n"
      << "  route   by " << cfg.roles.hr << " within " << core::format_duration(w.route.due)
      << " of the post; missed: " << chain(w.route, cfg.roles.hr) << "\n"
      << "  respond by each routed department within " << core::format_duration(w.respond.due)
      << " of the post; missed: fine each silent head " << w.fine_amount << " yuan\n"
      << "  notify  by " << cfg.roles.hr << " within " << core::format_duration(w.notify.due)
      << " after the last plan; missed: " << chain(w.notify, cfg.roles.hr) << "\n\n"
      << "respond warning: "
      << (w.respond_warning.count() ? core::format_duration(w.respond_warning) + " before the deadline"
                                    : "off")
      << "\n"
      << "a department routed late still gets: " << core::format_duration(w.respond_minimum) << "\n"
      << "compensation keywords: ";
    for (std::size_t i = 0; i < w.compensation_keywords.size(); ++i)
        o << (i ? " " : "") << w.compensation_keywords[i];
    o << "\nschedules: sheet " << (cfg.schedules.sheet.empty() ? "off" : cfg.schedules.sheet)
      << ", daily summary " << (cfg.schedules.daily_summary.empty() ? "off" : cfg.schedules.daily_summary)
      << ", weekly report " << (cfg.schedules.weekly_report.empty() ? "off" : cfg.schedules.weekly_report)
      << "\n";
    if (cfg.calendar.business) {
        o << "calendar: business time (deadlines count working time only); work days";
        for (auto d : cfg.calendar.work_days) o << " " << d;
        o << "; hours";
        for (const auto& h : cfg.calendar.hours) {
            char buf[32];
            std::snprintf(buf, sizeof buf, " %02u:%02u-%02u:%02u", h.start / 60 % 100, h.start % 60,
                          h.end / 60 % 100, h.end % 60);
            o << buf;
        }
        o << "; " << cfg.calendar.holidays.size() << " holidays, " << cfg.calendar.make_up_days.size()
          << " make-up work days\n";
    } else {
        o << "calendar: wall clock (every minute counts)\n";
    }
    o << "reminders: sign " << core::format_duration(w.sign_due) << ", VP " << core::format_duration(w.vp_due)
      << ", general manager " << core::format_duration(w.gm_due) << ", execute "
      << core::format_duration(w.execute_due) << ", freight steps " << core::format_duration(w.freight_due)
      << ", up to " << w.reminders << " each\n";
    o << "a stage nobody acts on after its last escalation level: reminded "
      << (w.repeat_every.count() ? "every " + core::format_duration(w.repeat_every) : std::string("never"))
      << " until done\n";
    for (const auto& p : cfg.platforms) {
        o << "platform " << p.name << ": " << p.per_minute << " posts/min; secrets from";
        for (const auto& [k, v] : p.env) o << " " << k << "=$" << v;
        o << "\n";
    }
    for (const auto& c : cfg.chats)
        o << "chat " << c.id << " on " << c.platform
          << (c.conversation.empty() ? "" : " (" + c.conversation + ")") << "\n";
    return o.str();
}

}  // namespace app
