#include "rules/forms.hpp"

#include <algorithm>

#include "rules/text.hpp"

namespace rules {

namespace {

// The two templates of the rule book (篇2, part 二), as data.
const form_def product_def{complaint_kind::product,
                           "产品质量投诉",
                           {
                               {"投诉人", {"投拆人"}, "", value_type::text, true, {}},
                               {"客户名称", {}, "", value_type::text, true, {}},
                               {"发货日期", {}, "", value_type::date, true, {}},
                               {"品牌", {}, "", value_type::text, true, {}},
                               {"规格及数量", {"规格数量"}, "", value_type::text, true, {}},
                               {"产品存在的质量问题",
                                {"质量问题"},
                                "",
                                value_type::text,
                                true,
                                {"现象", "问题", "原因", "比例", "不良率"}},
                               {"客户要求", {}, "", value_type::text, true, {"要求", "处理"}},
                               {"投诉时间", {}, "", value_type::datetime, true, {}},
                               // Optional, not in the rule book's template (帮助 mentions it).
                               {std::string(category_field), {"类别"}, "", value_type::text, false, {}},
                           }};

const form_def service_def{complaint_kind::service,
                           "服务质量投诉",
                           {
                               {"投诉人", {"投拆人"}, "", value_type::text, true, {}},
                               {"投诉对象", {}, "", value_type::text, true, {}},
                               {"投诉事件",
                                {},
                                "时间、起因、过程、结果",
                                value_type::text,
                                true,
                                {"时间", "地点", "起因", "原因", "经过", "过程", "结果"}},
                               {"投诉目的",
                                {},
                                "希望达到的结果:如索赔、处理、改进服务质量",
                                value_type::text,
                                true,
                                {"结果", "索赔", "处理", "改进", "要求"}},
                               {"投诉时间", {}, "", value_type::datetime, true, {}},
                           }};

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

bool is_form_field(complaint_kind k, std::string_view key) {
    const auto& fields = form_for(k).fields;
    return std::any_of(fields.begin(), fields.end(), [&](const field_def& f) { return f.key == key; });
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

std::optional<core::local_datetime> parse_later_time(std::string_view text, core::local_date today,
                                                     unsigned end_hour, unsigned end_minute) {
    auto cps = fold_cps(trim(text)).cps;
    for (std::u32string tail : {U"之前", U"以前", U"为止", U"前"})
        if (cps.size() > tail.size() && cps.compare(cps.size() - tail.size(), tail.size(), tail) == 0) {
            cps.resize(cps.size() - tail.size());
            break;
        }
    scanner sc{cps};
    sc.spaces();
    core::local_datetime t{today, end_hour, end_minute, 0};
    bool dated = true;
    if (sc.eat_word(U"今天") || sc.eat_word(U"今日")) {
    } else if (sc.eat_word(U"明天") || sc.eat_word(U"明日")) {
        t.date = core::add_days(today, 1);
    } else if (sc.eat_word(U"后天")) {
        t.date = core::add_days(today, 2);
    } else {
        // "12-05" and "12/5" (no year): month and day; else the form's dates ("12月5日", "2026-12-05").
        auto save = sc.i;
        unsigned m = 0, d = 0;
        if (sc.number(m, 2) && (sc.eat('-') || sc.eat('/')) && sc.number(d, 2) &&
            !(sc.i < sc.s.size() && (sc.s[sc.i] == '-' || sc.s[sc.i] == '/'))) {
            if (!core::valid_date(today.year, m, d) && !(m == 2 && d == 29)) return std::nullopt;
            t.date = {today.year, m, d};
        } else {
            sc.i = save;
            if (!scan_date(sc, today.year, t.date)) {
                sc.i = save;
                dated = false;
            }
        }
        // Without a year, a day already past this year is next year's (in December, "1月5日").
        bool year_written = cps.size() >= 4;
        for (std::size_t k = 0; k < 4 && k < cps.size(); ++k)
            year_written = year_written && cps[k] >= '0' && cps[k] <= '9';
        if (dated && !year_written && t.date < today) {
            t.date.year += 1;
            if (!core::valid_date(t.date.year, t.date.month, t.date.day)) return std::nullopt;
        }
        if (dated && !core::valid_date(t.date.year, t.date.month, t.date.day)) return std::nullopt;
    }
    sc.spaces();
    if (!sc.done()) {
        unsigned h = 0, mi = 0, se = 0;
        if (!scan_time(sc, h, mi, se) || !sc.done()) return std::nullopt;
        t.hour = h;
        t.minute = mi;
        t.second = 0;
    } else if (!dated) {
        return std::nullopt;  // nothing written
    }
    return t;
}

std::string blank_template(complaint_kind k) {
    const auto& form = form_for(k);
    std::string s = form.title;
    for (const auto& f : form.fields) {
        if (!f.required) continue;  // the rule book's template shows its own fields only
        s += "\n" + f.key;
        if (!f.hint.empty()) s += "（" + f.hint + "）";
        s += "：";
        if (f.type == value_type::datetime) s += "*年*月*日*时*分";
    }
    return s;
}

std::string describe_problems(const form_parse_result& r, std::size_t ordinal) {
    std::string which = ordinal > 0 ? "第" + std::to_string(ordinal) + "份" : "";
    std::string s = which + "投诉未登记：" + std::string(kind_title(r.kind)) + "以下内容需补全或更正";
    for (const auto& p : r.problems) s += "\n· " + p.field + "：" + p.problem;
    s += "\n\n请复制下面的模板重新发送：\n" + blank_template(r.kind);
    return s;
}

}  // namespace rules
