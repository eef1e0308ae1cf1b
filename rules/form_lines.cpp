#include "rules/form_lines.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <vector>

namespace rules {

namespace {

std::u32string u32(std::string_view s) {
    return fold_cps(s).cps;
}

// The folded names (key, then aliases) and hint parts of every field of both forms, folded once.
struct folded_field {
    std::vector<std::u32string> names;
    std::vector<std::u32string> parts;
};

const folded_field& folded(const field_def& f) {
    static const auto table = [] {
        std::map<const field_def*, folded_field> t;
        for (const auto* form : {&product_form(), &service_form()})
            for (const auto& field : form->fields) {
                auto& ff = t[&field];
                ff.names.push_back(u32(field.key));
                for (const auto& a : field.aliases) ff.names.push_back(u32(a));
                for (const auto& p : field.parts) ff.parts.push_back(u32(p));
            }
        return t;
    }();
    return table.at(&f);
}

bool is_cjk(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0x20000 && c <= 0x2FA1F);
}

bool is_ascii_letter(char32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_digit(char32_t c) {
    return c >= '0' && c <= '9';
}

// Emoji, pictographs and the symbol blocks people put around a title (✅ ⚠️ 📣 ★ ■ ▶ ※).
bool is_symbol(char32_t c) {
    return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2B00 && c <= 0x2BFF) ||
           (c >= 0x2190 && c <= 0x21FF) || (c >= 0x25A0 && c <= 0x25FF) || (c >= 0x2300 && c <= 0x23FF) ||
           (c >= 0xFE00 && c <= 0xFE0F) || c == 0x200D || c == 0x20E3 || c == 0x203B || c == 0x3030 ||
           c == 0x303D || c == 0x2122 || c == 0x00A9 || c == 0x00AE || (c >= 0xE0020 && c <= 0xE007F);
}

// Runs people draw a title with: "** 产品质量投诉 **", "==产品质量投诉==", "——产品质量投诉——".
bool is_decoration(char32_t c) {
    static constexpr std::u32string_view marks = U"*#=-~_:!.\u2014\u2015\u2500\u2501\u00B7\u2022\u30FB";
    return is_space(c) || is_symbol(c) || marks.find(c) != std::u32string_view::npos;
}

constexpr std::array<std::pair<char32_t, char32_t>, 13> bracket_pairs{{
    {U'《', U'》'},
    {U'【', U'】'},
    {U'[', U']'},
    {U'〔', U'〕'},
    {U'「', U'」'},
    {U'『', U'』'},
    {U'〖', U'〗'},
    {U'(', U')'},
    {U'<', U'>'},
    {U'〈', U'〉'},
    {U'{', U'}'},
    {U'〘', U'〙'},
    {U'〚', U'〛'},
}};

std::u32string_view strip_decorations(std::u32string_view t) {
    for (;;) {
        auto before = t.size();
        while (!t.empty() && is_decoration(t.front())) t.remove_prefix(1);
        while (!t.empty() && is_decoration(t.back())) t.remove_suffix(1);
        for (const auto& [open, close] : bracket_pairs)
            if (t.size() >= 2 && t.front() == open && t.back() == close) {
                t.remove_prefix(1);
                t.remove_suffix(1);
            }
        if (t.size() == before) return t;
    }
}

// Reads "(hint)" at `j` (ASCII after folding); false when a parenthesis is left open.
bool skip_hint(const std::u32string& c, std::size_t& j) {
    if (j >= c.size() || c[j] != '(') return true;
    int depth = 0;
    for (; j < c.size(); ++j) {
        if (c[j] == '(') ++depth;
        if (c[j] == ')' && --depth == 0) {
            ++j;
            return true;
        }
    }
    return false;
}

void skip_spaces(const std::u32string& c, std::size_t& j) {
    while (j < c.size() && is_space(c[j])) ++j;
}

// Words that end reported speech rather than a label: "客户说：…", "司机表示：…".
constexpr std::u32string_view speech_endings[] = {U"说",   U"讲",   U"问",   U"表示",
                                                  U"反映", U"认为", U"回复", U"答复"};

}  // namespace

const form_def* match_title(std::string_view line) {
    auto folded = fold_cps(trim(line));
    auto core = strip_decorations(folded.cps);
    std::u32string t;
    for (auto c : core)
        if (!is_space(c)) t += c;
    for (std::u32string_view suffix : {U"表单", U"单", U"表"})
        if (t.size() > suffix.size() && t.compare(t.size() - suffix.size(), suffix.size(), suffix) == 0) {
            t.resize(t.size() - suffix.size());
            break;
        }
    static const std::u32string product_title = u32(product_form().title);
    static const std::u32string service_title = u32(service_form().title);
    if (t == product_title) return &product_form();
    if (t == service_title) return &service_form();
    return nullptr;
}

const field_def* match_form_label(const folded_text& line, const form_def& form, std::size_t& value_from) {
    const auto& c = line.cps;
    std::size_t i = 0;
    skip_spaces(c, i);
    const field_def* best = nullptr;
    std::size_t best_len = 0;
    for (const auto& f : form.fields)
        for (const auto& label : folded(f).names)
            if (label.size() > best_len && c.compare(i, label.size(), label) == 0) {
                best = &f;
                best_len = label.size();
            }
    if (!best) return nullptr;
    std::size_t j = i + best_len;
    skip_spaces(c, j);
    // An optional hint in parentheses, which may itself contain a colon.
    if (!skip_hint(c, j)) return nullptr;
    skip_spaces(c, j);
    if (j >= c.size() || c[j] != ':') return nullptr;
    value_from = j + 1;
    return best;
}

std::optional<std::string> match_extra_label(const folded_text& line, std::size_t& value_from) {
    const auto& c = line.cps;
    std::size_t i = 0;
    skip_spaces(c, i);
    const std::size_t start = i;
    if (i >= c.size() || !(is_cjk(c[i]) || is_ascii_letter(c[i]))) return std::nullopt;
    static constexpr std::u32string_view joiners = U"/_-#\u00B7";
    while (i < c.size() &&
           (is_cjk(c[i]) || is_ascii_letter(c[i]) || is_digit(c[i]) || joiners.find(c[i]) != joiners.npos))
        ++i;
    const std::size_t end = i;
    if (end - start > max_extra_label) return std::nullopt;
    std::size_t j = end;
    skip_spaces(c, j);
    const std::size_t hint_from = j;
    if (!skip_hint(c, j) || j - hint_from > 40) return std::nullopt;
    const std::size_t label_end = j > hint_from ? j : end;
    skip_spaces(c, j);
    if (j >= c.size() || c[j] != ':') return std::nullopt;
    std::size_t v = j + 1;
    // "http://…", "ftp://…": an address, not a label.
    if (v < c.size() && c[v] == '/') return std::nullopt;
    // "下午3:30": a time. A label ending in a digit followed by a digit after the colon.
    skip_spaces(c, v);
    if (is_digit(c[end - 1]) && v < c.size() && is_digit(c[v])) return std::nullopt;
    std::u32string_view word(c.data() + start, end - start);
    for (auto e : speech_endings)
        if (word.size() > e.size() && word.substr(word.size() - e.size()) == e) return std::nullopt;
    value_from = j + 1;
    return std::string(trim(line.slice(start, label_end)));
}

bool starts_with_part(const folded_text& line, const field_def& field) {
    const auto& c = line.cps;
    std::size_t i = 0;
    skip_spaces(c, i);
    for (const auto& p : folded(field).parts) {
        if (c.compare(i, p.size(), p) != 0) continue;
        std::size_t j = i + p.size();
        skip_spaces(c, j);
        if (j < c.size() && c[j] == ':') return true;
    }
    return false;
}

}  // namespace rules
