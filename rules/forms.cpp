#include "rules/forms.hpp"

#include <algorithm>
#include <map>

#include "rules/text.hpp"

namespace rules {

namespace {

// The two templates of the rule book (篇2, part 二), as data.
const form_def product_def{complaint_kind::product,
                           "产品质量投诉",
                           {
                               {"投诉人", {"投拆人"}, "", value_type::text, true},
                               {"客户名称", {}, "", value_type::text, true},
                               {"发货日期", {}, "", value_type::date, true},
                               {"品牌", {}, "", value_type::text, true},
                               {"规格及数量", {"规格数量"}, "", value_type::text, true},
                               {"产品存在的质量问题", {"质量问题"}, "", value_type::text, true},
                               {"客户要求", {}, "", value_type::text, true},
                               {"投诉时间", {}, "", value_type::datetime, true},
                           }};

const form_def service_def{
    complaint_kind::service,
    "服务质量投诉",
    {
        {"投诉人", {"投拆人"}, "", value_type::text, true},
        {"投诉对象", {}, "", value_type::text, true},
        {"投诉事件", {}, "时间、起因、过程、结果", value_type::text, true},
        {"投诉目的", {}, "希望达到的结果:如索赔、处理、改进服务质量", value_type::text, true},
        {"投诉时间", {}, "", value_type::datetime, true},
    }};

// Matches the title line: 产品质量投诉 / 服务质量投诉, optionally inside 《》 【】 [] and followed by
// a colon. Returns the form or nullptr.
const form_def* match_title(std::string_view line) {
    auto f = fold_cps(trim(line));
    std::u32string t = f.cps;
    auto strip = [&](char32_t open, char32_t close) {
        if (t.size() >= 2 && t.front() == open && t.back() == close) t = t.substr(1, t.size() - 2);
    };
    while (!t.empty() && (t.back() == ':' || is_space(t.back()))) t.pop_back();
    strip(U'《', U'》');
    strip(U'【', U'】');
    strip(U'[', U']');
    strip(U'〔', U'〕');
    while (!t.empty() && is_space(t.front())) t.erase(0, 1);
    while (!t.empty() && is_space(t.back())) t.pop_back();
    auto s = to_utf8(t);
    if (s == product_def.title) return &product_def;
    if (s == service_def.title) return &service_def;
    return nullptr;
}

std::u32string u32(std::string_view s) {
    return fold_cps(s).cps;
}

// Tries to read "label(hint) :" at the start of a folded line. On success returns the field and
// sets `value_from` to the code point index where the value starts.
const field_def* match_label(const folded_text& line, const form_def& form, std::size_t& value_from) {
    const auto& c = line.cps;
    std::size_t i = 0;
    while (i < c.size() && is_space(c[i])) ++i;
    const field_def* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& f : form.fields) {
        std::vector<std::string> names{f.key};
        names.insert(names.end(), f.aliases.begin(), f.aliases.end());
        for (const auto& n : names) {
            auto label = u32(n);
            if (label.size() > best_len && c.compare(i, label.size(), label) == 0) {
                best = &f;
                best_len = label.size();
            }
        }
    }
    if (!best) return nullptr;
    std::size_t j = i + best_len;
    while (j < c.size() && is_space(c[j])) ++j;
    // An optional hint in parentheses (ASCII after folding, or Chinese brackets), which may itself
    // contain a colon.
    if (j < c.size() && (c[j] == '(' || c[j] == U'（')) {
        int depth = 0;
        for (; j < c.size(); ++j) {
            if (c[j] == '(' || c[j] == U'（') ++depth;
            if (c[j] == ')' || c[j] == U'）') {
                if (--depth == 0) {
                    ++j;
                    break;
                }
            }
        }
        if (depth != 0) return nullptr;
        while (j < c.size() && is_space(c[j])) ++j;
    }
    if (j >= c.size() || c[j] != ':') return nullptr;
    value_from = j + 1;
    return best;
}

unsigned digit_value(char32_t c) {
    return static_cast<unsigned>(c - '0');
}

// A tiny scanner over folded code points for dates and times.
struct scanner {
    std::u32string s;
    std::size_t i = 0;
    void spaces() {
        while (i < s.size() && is_space(s[i])) ++i;
    }
    bool number(unsigned& out, std::size_t max_digits) {
        std::size_t start = i;
        unsigned v = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i - start < max_digits)
            v = v * 10 + digit_value(s[i++]);
        if (i == start) return false;
        if (i < s.size() && s[i] >= '0' && s[i] <= '9') return false;  // too many digits
        out = v;
        return true;
    }
    bool eat(char32_t c) {
        if (i < s.size() && s[i] == c) {
            ++i;
            return true;
        }
        return false;
    }
    bool eat_any(std::u32string_view cs) {
        for (auto c : cs)
            if (eat(c)) return true;
        return false;
    }
    bool eat_word(std::u32string_view w) {
        if (s.compare(i, w.size(), w) == 0) {
            i += w.size();
            return true;
        }
        return false;
    }
    bool done() {
        spaces();
        return i >= s.size();
    }
};

bool scan_date(scanner& sc, int default_year, core::local_date& out) {
    sc.spaces();
    unsigned a = 0, b = 0, d = 0;
    int year = default_year;
    if (!sc.number(a, 4)) return false;
    if (sc.eat(U'年')) {
        year = static_cast<int>(a);
        sc.spaces();
        if (!sc.number(b, 2)) return false;
        sc.spaces();
        if (!sc.eat(U'月')) return false;
        sc.spaces();
        if (!sc.number(d, 2)) return false;
        sc.spaces();
        if (!sc.eat_any(U"日号")) return false;
    } else if (sc.eat(U'月')) {
        b = a;
        sc.spaces();
        if (!sc.number(d, 2)) return false;
        sc.spaces();
        if (!sc.eat_any(U"日号")) return false;
    } else if (sc.i < sc.s.size() && (sc.s[sc.i] == '-' || sc.s[sc.i] == '/' || sc.s[sc.i] == '.')) {
        char32_t sep = sc.s[sc.i++];
        if (a < 1000) return false;
        year = static_cast<int>(a);
        if (!sc.number(b, 2) || !sc.eat(sep) || !sc.number(d, 2)) return false;
    } else {
        return false;
    }
    if (!core::valid_date(year, b, d)) return false;
    out = {year, b, d};
    return true;
}

bool scan_time(scanner& sc, unsigned& hour, unsigned& minute, unsigned& second) {
    sc.spaces();
    bool pm = false, am = false;
    if (sc.eat_word(U"下午") || sc.eat_word(U"晚上") || sc.eat_word(U"傍晚"))
        pm = true;
    else if (sc.eat_word(U"上午") || sc.eat_word(U"早上") || sc.eat_word(U"凌晨") || sc.eat_word(U"中午"))
        am = true;
    sc.spaces();
    if (!sc.number(hour, 2)) return false;
    minute = 0;
    second = 0;
    if (sc.eat(':')) {
        if (!sc.number(minute, 2)) return false;
        if (sc.eat(':') && !sc.number(second, 2)) return false;
    } else if (sc.eat_any(U"时点")) {
        sc.spaces();
        if (sc.number(minute, 2)) {
            sc.spaces();
            sc.eat(U'分');
            sc.spaces();
            if (sc.number(second, 2)) {
                sc.spaces();
                if (!sc.eat(U'秒')) return false;
            }
        } else {
            sc.eat(U'整');
        }
    } else {
        return false;
    }
    if (pm && hour < 12) hour += 12;
    (void)am;
    return hour < 24 && minute < 60 && second < 60;
}

std::string with_value(const std::string& what, const std::string& value) {
    return what + "“" + utf8_truncate(value, 30) + "”";
}

}  // namespace

std::string_view kind_name(complaint_kind k) {
    return k == complaint_kind::product ? "product" : "service";
}
std::string_view kind_title(complaint_kind k) {
    return k == complaint_kind::product ? "产品质量投诉" : "服务质量投诉";
}
char kind_prefix(complaint_kind k) {
    return k == complaint_kind::product ? 'P' : 'S';
}

const form_def& product_form() {
    return product_def;
}
const form_def& service_form() {
    return service_def;
}
const form_def& form_for(complaint_kind k) {
    return k == complaint_kind::product ? product_def : service_def;
}

const std::string* complaint_form::field(std::string_view key) const {
    for (const auto& [k, v] : fields)
        if (k == key) return &v;
    return nullptr;
}

std::optional<core::local_date> parse_date(std::string_view text, int default_year) {
    scanner sc{fold_cps(trim(text)).cps};
    core::local_date d;
    if (!scan_date(sc, default_year, d) || !sc.done()) return std::nullopt;
    return d;
}

std::optional<core::local_datetime> parse_datetime(std::string_view text, int default_year) {
    scanner sc{fold_cps(trim(text)).cps};
    core::local_datetime t;
    if (!scan_date(sc, default_year, t.date)) return std::nullopt;
    if (!scan_time(sc, t.hour, t.minute, t.second) || !sc.done()) return std::nullopt;
    return t;
}

form_parse_result parse_complaint(std::string_view text, core::instant received_at, const core::zone& tz) {
    form_parse_result r;
    auto lines = split_lines(text);
    std::size_t first = 0;
    while (first < lines.size() && trim(lines[first]).empty()) ++first;
    if (first == lines.size()) return r;
    const form_def* form = match_title(lines[first]);
    if (!form) return r;
    r.is_complaint = true;
    r.kind = form->kind;

    // Collect label → value. A value continues on the following lines until the next known label.
    // Text after the title and before the first label (a greeting, "请处理") is ignored.
    std::map<std::string, std::string> values;
    std::vector<std::string> repeated;
    std::string* current = nullptr;
    for (std::size_t n = first + 1; n < lines.size(); ++n) {
        auto line = fold_cps(lines[n]);
        std::size_t from = 0;
        if (const auto* f = match_label(line, *form, from)) {
            if (values.count(f->key)) {
                if (std::find(repeated.begin(), repeated.end(), f->key) == repeated.end())
                    repeated.push_back(f->key);
                current = nullptr;  // ignore the repeat's value; the post is refused anyway
                continue;
            }
            current = &values[f->key];
            *current = std::string(trim(line.slice(from, line.cps.size())));
            continue;
        }
        if (current) {
            auto more = trim(lines[n]);
            if (more.empty()) continue;
            if (!current->empty()) *current += "\n";
            *current += std::string(more);
        }
    }

    int year = tz.date_of(received_at).year;
    complaint_form out;
    out.kind = form->kind;
    std::optional<core::local_date> shipped;
    // (Plain values rather than optionals: g++ 12 -O2 reports a false maybe-uninitialized on them.)
    core::instant complained{};
    bool have_complained = false;
    for (const auto& f : form->fields) {
        auto it = values.find(f.key);
        if (std::find(repeated.begin(), repeated.end(), f.key) != repeated.end()) {
            r.problems.push_back({f.key, "重复填写（是否把投诉粘贴了两遍？）"});
            continue;
        }
        if (it == values.end()) {
            if (f.required) r.problems.push_back({f.key, "缺少此项"});
            continue;
        }
        const auto& v = it->second;
        if (v.empty()) {
            if (f.required) r.problems.push_back({f.key, "不能为空"});
            continue;
        }
        if (f.type == value_type::date) {
            auto d = parse_date(v, year);
            if (d && *d > tz.date_of(received_at)) {  // year left out: the latest such day (see below)
                auto earlier = parse_date(v, year - 1);
                if (earlier && earlier->year != d->year) d = earlier;
            }
            if (!d) {
                r.problems.push_back({f.key, with_value("无法识别的日期", v) + "，请写成 2026年11月18日"});
                continue;
            }
            shipped = d;
        } else if (f.type == value_type::datetime) {
            auto t = parse_datetime(v, year);
            // A year left out means the latest such time not after the post: "12月30日" posted on
            // 2 January is last year's.
            if (t && tz.to_utc(*t) > received_at) {
                auto earlier = parse_datetime(v, year - 1);
                if (earlier && earlier->date.year != t->date.year) t = earlier;
            }
            if (!t) {
                r.problems.push_back(
                    {f.key, with_value("无法识别的时间", v) + "，请写成 2026年11月23日9时05分"});
                continue;
            }
            complained = tz.to_utc(*t);
            if (complained > received_at) {
                r.problems.push_back({f.key, with_value("晚于发帖时间", v) + "，请填写实际投诉时间"});
                continue;
            }
            have_complained = true;
        }
        out.fields.emplace_back(f.key, v);
    }
    if (shipped && have_complained && *shipped > tz.date_of(complained))
        r.problems.push_back({"发货日期", "发货日期晚于投诉时间"});
    if (!r.problems.empty()) return r;
    out.complained_at = complained;
    out.shipped_on = shipped;
    r.form = std::move(out);
    return r;
}

std::string blank_template(complaint_kind k) {
    const auto& form = form_for(k);
    std::string s = form.title;
    for (const auto& f : form.fields) {
        s += "\n" + f.key;
        if (!f.hint.empty()) s += "（" + f.hint + "）";
        s += "：";
        if (f.type == value_type::datetime) s += "*年*月*日*时*分";
    }
    return s;
}

std::string describe_problems(const form_parse_result& r) {
    std::string s = std::string("投诉未登记：") + std::string(kind_title(r.kind)) + "以下内容需补全或更正";
    for (const auto& p : r.problems) s += "\n· " + p.field + "：" + p.problem;
    s += "\n\n请复制下面的模板重新发送：\n" + blank_template(r.kind);
    return s;
}

}  // namespace rules
