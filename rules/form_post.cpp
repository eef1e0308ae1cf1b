// parse_post: splits a post into its forms (one per title line, or one untitled form recognised by
// its labels), reads each form's fields and extra fields, and checks them.
#include <algorithm>
#include <map>
#include <set>

#include "rules/form_lines.hpp"
#include "rules/forms.hpp"
#include "rules/text.hpp"

namespace rules {

namespace {

// One "label：value" of a form as read: a field of the form (`def` set) or an extra field.
struct entry {
    std::string key;  // canonical key, or the extra label as typed
    const field_def* def = nullptr;
    std::string value;
};

constexpr std::size_t none = static_cast<std::size_t>(-1);

struct read_values {
    std::vector<entry> entries;         // in post order
    std::vector<std::string> repeated;  // form fields written twice
    std::size_t note = none;            // the entry of 附言, once there is one
};

void append_line(std::string& to, std::string_view more) {
    if (!to.empty()) to += "\n";
    to += std::string(more);
}

// The extra field 附言 (created on first use); returns its index.
std::size_t note_of(read_values& r) {
    if (r.note == none) {
        r.note = r.entries.size();
        r.entries.push_back({std::string(note_field), nullptr, {}});
    }
    return r.note;
}

bool seen_field(const read_values& r, const field_def* f) {
    return std::any_of(r.entries.begin(), r.entries.end(), [&](const entry& e) { return e.def == f; });
}

// A repeated extra label gets a number ("订单号（2）"), so every extra field keeps its own value
// under its own key.
void number_repeated_labels(read_values& r) {
    std::map<std::string, int> count;  // folded label → times seen
    std::set<std::string> used;        // keys given so far
    for (const auto& e : r.entries) used.insert(e.key);
    for (auto& e : r.entries) {
        if (e.def) continue;
        int n = ++count[fold(e.key)];
        if (n == 1) continue;
        auto key = e.key + "（" + std::to_string(n) + "）";
        while (used.count(key)) key = e.key + "（" + std::to_string(++n) + "）";
        used.insert(key);
        e.key = std::move(key);
    }
}

// Reads the lines [from, to) after a form's title. A value continues on the following lines until
// the next label (the form's, or an extra one); a line "起因：…" inside a field whose hint names
// 起因 continues that field. Free text before the first label goes to 附言, as does text after a
// date or time that is already filled ("谢谢" under 投诉时间).
read_values read_fields(const std::vector<std::string_view>& lines, std::size_t from, std::size_t to,
                        const form_def& form, std::string_view preamble) {
    read_values r;
    if (!trim(preamble).empty()) r.entries[note_of(r)].value = std::string(trim(preamble));
    std::size_t cur = none;
    bool ignoring = false;  // inside the value of a repeated field: the post is refused anyway
    for (std::size_t n = from; n < to; ++n) {
        auto line = fold_cps(lines[n]);
        auto text = trim(lines[n]);
        std::size_t value_from = 0;
        if (const auto* f = match_form_label(line, form, value_from)) {
            if (seen_field(r, f)) {
                if (std::find(r.repeated.begin(), r.repeated.end(), f->key) == r.repeated.end())
                    r.repeated.push_back(f->key);
                cur = none;
                ignoring = true;
                continue;
            }
            r.entries.push_back({f->key, f, std::string(trim(line.slice(value_from, line.cps.size())))});
            cur = r.entries.size() - 1;
            ignoring = false;
            continue;
        }
        if (text.empty()) continue;
        const bool part = cur != none && r.entries[cur].def && starts_with_part(line, *r.entries[cur].def);
        if (!part) {
            if (auto label = match_extra_label(line, value_from)) {
                auto value = trim(line.slice(value_from, line.cps.size()));
                ignoring = false;
                if (fold(*label) == note_field) {  // an explicit "附言：" adds to the note
                    cur = note_of(r);
                    append_line(r.entries[cur].value, value);
                    continue;
                }
                r.entries.push_back({*label, nullptr, std::string(value)});
                cur = r.entries.size() - 1;
                continue;
            }
        }
        if (ignoring) continue;
        if (cur == none) cur = note_of(r);
        const auto& e = r.entries[cur];
        if (e.def && e.def->type != value_type::text && !e.value.empty()) {
            auto note = note_of(r);  // a filled date or time takes no more lines
            append_line(r.entries[note].value, text);
            continue;
        }
        append_line(r.entries[cur].value, text);
    }
    number_repeated_labels(r);
    return r;
}

std::string with_value(const std::string& what, const std::string& value) {
    return what + "“" + utf8_truncate(value, 30) + "”";
}

// Checks the values of one form; sets r.form when there are no problems.
void check_form(const form_def& form, read_values values, core::instant received_at, const core::zone& tz,
                form_parse_result& r) {
    int year = tz.date_of(received_at).year;
    complaint_form out;
    out.kind = form.kind;
    std::optional<core::local_date> shipped;
    // (Plain values rather than optionals: g++ 12 -O2 reports a false maybe-uninitialized on them.)
    core::instant complained{};
    bool have_complained = false;
    auto too_long = [&](const entry& e) {
        auto n = utf8_length(e.value);
        if (n <= max_field_chars) return false;
        r.problems.push_back({e.key, "共 " + std::to_string(n) + " 字，超过 " +
                                         std::to_string(max_field_chars) +
                                         " 字的上限，请精简后重发（详细材料可另发）"});
        return true;
    };
    for (const auto& f : form.fields) {
        auto it = std::find_if(values.entries.begin(), values.entries.end(),
                               [&](const entry& e) { return e.def == &f; });
        if (std::find(values.repeated.begin(), values.repeated.end(), f.key) != values.repeated.end()) {
            r.problems.push_back({f.key, "重复填写（是否把投诉粘贴了两遍？）"});
            continue;
        }
        if (it == values.entries.end()) {
            if (f.required) r.problems.push_back({f.key, "缺少此项"});
            continue;
        }
        const auto& v = it->value;
        if (v.empty()) {
            if (f.required) r.problems.push_back({f.key, "不能为空"});
            continue;
        }
        if (too_long(*it)) continue;
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
    std::size_t extras = 0, total = 0;
    for (const auto& e : values.entries) {
        total += utf8_length(e.value);
        if (e.def) continue;
        ++extras;
        if (e.value.empty() || too_long(e)) continue;
        out.fields.emplace_back(e.key, e.value);
    }
    if (extras > max_extra_fields)
        r.problems.push_back({"其他信息", "共 " + std::to_string(extras) + " 项，超过 " +
                                              std::to_string(max_extra_fields) +
                                              " 项的上限，请只保留必要的信息"});
    if (total > max_complaint_chars)
        r.problems.push_back({"全文", "共 " + std::to_string(total) + " 字，超过 " +
                                          std::to_string(max_complaint_chars) + " 字的上限，请精简后重发"});
    if (!r.problems.empty()) return;
    out.complained_at = complained;
    out.shipped_on = shipped;
    r.form = std::move(out);
}

// A form without its title: the form whose required labels the lines carry most of (≥ 60 %, at
// least 3), or nullptr.
const form_def* untitled_form(const std::vector<std::string_view>& lines) {
    const form_def* best = nullptr;
    double best_share = 0;
    for (const auto* form : {&product_form(), &service_form()}) {
        std::vector<std::string> seen;
        std::size_t required = 0;
        for (const auto& f : form->fields) required += f.required ? 1 : 0;
        for (auto line : lines) {
            std::size_t from = 0;
            auto folded = fold_cps(line);
            if (const auto* f = match_form_label(folded, *form, from); f && f->required)
                if (std::find(seen.begin(), seen.end(), f->key) == seen.end()) seen.push_back(f->key);
        }
        if (required == 0 || seen.size() < 3 || seen.size() * 10 < required * 6) continue;
        double share = static_cast<double>(seen.size()) / static_cast<double>(required);
        if (share > best_share) {
            best = form;
            best_share = share;
        }
    }
    return best;
}

// The lines [from, to) trimmed, blank ones dropped: what "the same form pasted twice" compares.
std::string body_of(const std::vector<std::string_view>& lines, std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t n = from; n < to; ++n)
        if (auto t = trim(lines[n]); !t.empty()) append_line(s, t);
    return s;
}

}  // namespace

post_parse_result parse_post(std::string_view text, core::instant received_at, const core::zone& tz) {
    post_parse_result out;
    auto lines = split_lines(text);
    struct start {
        std::size_t line;
        const form_def* form;
    };
    std::vector<start> starts;
    for (std::size_t n = 0; n < lines.size(); ++n)
        if (const auto* f = match_title(lines[n])) starts.push_back({n, f});

    if (starts.empty()) {
        const auto* form = untitled_form(lines);
        if (!form) return out;
        form_parse_result r;
        r.is_complaint = true;
        r.untitled = true;
        r.kind = form->kind;
        check_form(*form, read_fields(lines, 0, lines.size(), *form, {}), received_at, tz, r);
        r.form.reset();  // never registered without its title
        r.problems.insert(r.problems.begin(),
                          {"标题", "缺少标题行，请在第一行写上“" + form->title + "”，其余内容不变再发送"});
        out.forms.push_back(std::move(r));
        return out;
    }

    if (starts.size() > max_forms_per_post) {
        form_parse_result r;
        r.is_complaint = true;
        r.kind = starts.front().form->kind;
        r.problems.push_back({"投诉份数", "本条消息共 " + std::to_string(starts.size()) + " 份投诉，超过 " +
                                              std::to_string(max_forms_per_post) +
                                              " 份的上限，全部未登记，请分开发送"});
        out.forms.push_back(std::move(r));
        return out;
    }

    std::string preamble = body_of(lines, 0, starts.front().line);
    std::vector<std::string> bodies;
    for (std::size_t i = 0; i < starts.size(); ++i) {
        auto from = starts[i].line + 1;
        auto to = i + 1 < starts.size() ? starts[i + 1].line : lines.size();
        const auto& form = *starts[i].form;
        form_parse_result r;
        r.is_complaint = true;
        r.kind = form.kind;
        bodies.push_back(std::string(kind_name(form.kind)) + "\n" + body_of(lines, from, to));
        for (std::size_t k = 0; k < i; ++k)
            if (bodies[k] == bodies[i]) {
                r.duplicate_of = static_cast<int>(k);
                break;
            }
        if (r.duplicate_of < 0)
            check_form(form, read_fields(lines, from, to, form, i == 0 ? preamble : std::string_view{}),
                       received_at, tz, r);
        out.forms.push_back(std::move(r));
    }
    return out;
}

form_parse_result parse_complaint(std::string_view text, core::instant received_at, const core::zone& tz) {
    auto post = parse_post(text, received_at, tz);
    if (post.forms.empty()) return {};
    return std::move(post.forms.front());
}

}  // namespace rules
