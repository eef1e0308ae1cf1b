#include "rules/text.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace rules {

namespace {

// Traditional → Simplified for the characters of our vocabulary (labels and hints of both forms,
// command words, period words, department names and common words around them). Sorted by the
// Traditional code point for binary search.
constexpr std::pair<char32_t, char32_t> trad_to_simp[] = {
    {0x4F86, 0x6765}, {0x4FC2, 0x7CFB}, {0x500B, 0x4E2A}, {0x5011, 0x4EEC}, {0x50B3, 0x4F20},
    {0x50F9, 0x4EF7}, {0x511F, 0x507F}, {0x5167, 0x5185}, {0x5225, 0x522B}, {0x52D9, 0x52A1},
    {0x532F, 0x6C47}, {0x5340, 0x533A}, {0x5354, 0x534F}, {0x53C3, 0x53C2}, {0x54E1, 0x5458},
    {0x554F, 0x95EE}, {0x55AE, 0x5355}, {0x56B4, 0x4E25}, {0x570D, 0x56F4}, {0x57F7, 0x6267},
    {0x5831, 0x62A5}, {0x58DE, 0x574F}, {0x5BE6, 0x5B9E}, {0x5BE9, 0x5BA1}, {0x5BEB, 0x5199},
    {0x5C07, 0x5C06}, {0x5C0D, 0x5BF9}, {0x5C0E, 0x5BFC}, {0x5C64, 0x5C42}, {0x5E63, 0x5E01},
    {0x5E6B, 0x5E2E}, {0x5EE0, 0x5382}, {0x5F59, 0x6C47}, {0x5F8C, 0x540E}, {0x5FA9, 0x590D},
    {0x614B, 0x6001}, {0x61C9, 0x5E94}, {0x6236, 0x6237}, {0x63A1, 0x91C7}, {0x63DB, 0x6362},
    {0x640D, 0x635F}, {0x64DA, 0x636E}, {0x6578, 0x6570}, {0x65BC, 0x4E8E}, {0x6642, 0x65F6},
    {0x66AB, 0x6682}, {0x6703, 0x4F1A}, {0x6771, 0x4E1C}, {0x689D, 0x6761}, {0x696D, 0x4E1A},
    {0x6A19, 0x6807}, {0x6A23, 0x6837}, {0x6A5F, 0x673A}, {0x6AA2, 0x68C0}, {0x6B77, 0x5386},
    {0x6B78, 0x5F52}, {0x6CC1, 0x51B5}, {0x6E96, 0x51C6}, {0x6EFF, 0x6EE1}, {0x6FDF, 0x6D4E},
    {0x70BA, 0x4E3A}, {0x7121, 0x65E0}, {0x71DF, 0x8425}, {0x72C0, 0x72B6}, {0x74B0, 0x73AF},
    {0x7522, 0x4EA7}, {0x7576, 0x5F53}, {0x767C, 0x53D1}, {0x76E3, 0x76D1}, {0x78BA, 0x786E},
    {0x7A31, 0x79F0}, {0x7BC0, 0x8282}, {0x7BC4, 0x8303}, {0x7C3D, 0x7B7E}, {0x7D04, 0x7EA6},
    {0x7D05, 0x7EA2}, {0x7D19, 0x7EB8}, {0x7D1A, 0x7EA7}, {0x7D30, 0x7EC6}, {0x7D42, 0x7EC8},
    {0x7D44, 0x7EC4}, {0x7D50, 0x7ED3}, {0x7D66, 0x7ED9}, {0x7D93, 0x7ECF}, {0x7DDA, 0x7EBF},
    {0x7E3D, 0x603B}, {0x7E6B, 0x7CFB}, {0x7E73, 0x7F34}, {0x7F70, 0x7F5A}, {0x806F, 0x8054},
    {0x8207, 0x4E0E}, {0x820A, 0x65E7}, {0x83EF, 0x534E}, {0x85DD, 0x827A}, {0x8655, 0x5904},
    {0x865F, 0x53F7}, {0x88DC, 0x8865}, {0x88DD, 0x88C5}, {0x88FD, 0x5236}, {0x8907, 0x590D},
    {0x8986, 0x590D}, {0x898B, 0x89C1}, {0x898F, 0x89C4}, {0x8996, 0x89C6}, {0x89C0, 0x89C2},
    {0x8A18, 0x8BB0}, {0x8A2A, 0x8BBF}, {0x8A34, 0x8BC9}, {0x8A62, 0x8BE2}, {0x8A71, 0x8BDD},
    {0x8A8D, 0x8BA4}, {0x8A9E, 0x8BED}, {0x8AA4, 0x8BEF}, {0x8AAA, 0x8BF4}, {0x8AB2, 0x8BFE},
    {0x8ABF, 0x8C03}, {0x8AC7, 0x8C08}, {0x8ACB, 0x8BF7}, {0x8AEE, 0x54A8}, {0x8B1D, 0x8C22},
    {0x8B49, 0x8BC1}, {0x8B58, 0x8BC6}, {0x8B70, 0x8BAE}, {0x8B77, 0x62A4}, {0x8B80, 0x8BFB},
    {0x8B93, 0x8BA9}, {0x8B9A, 0x8D5E}, {0x8C9D, 0x8D1D}, {0x8CA0, 0x8D1F}, {0x8CA1, 0x8D22},
    {0x8CA8, 0x8D27}, {0x8CA9, 0x8D29}, {0x8CAC, 0x8D23}, {0x8CB4, 0x8D35}, {0x8CB7, 0x4E70},
    {0x8CBB, 0x8D39}, {0x8CBC, 0x8D34}, {0x8CBF, 0x8D38}, {0x8CC7, 0x8D44}, {0x8CE0, 0x8D54},
    {0x8CE3, 0x5356}, {0x8CEA, 0x8D28}, {0x8CFC, 0x8D2D}, {0x8D95, 0x8D76}, {0x8ECA, 0x8F66},
    {0x8EDF, 0x8F6F}, {0x8F03, 0x8F83}, {0x8F15, 0x8F7B}, {0x8F38, 0x8F93}, {0x8F49, 0x8F6C},
    {0x8FA6, 0x529E}, {0x8FB2, 0x519C}, {0x9019, 0x8FD9}, {0x9031, 0x5468}, {0x9032, 0x8FDB},
    {0x904B, 0x8FD0}, {0x904E, 0x8FC7}, {0x9054, 0x8FBE}, {0x905E, 0x9012}, {0x9060, 0x8FDC},
    {0x9072, 0x8FDF}, {0x9078, 0x9009}, {0x9084, 0x8FD8}, {0x908A, 0x8FB9}, {0x90F5, 0x90AE},
    {0x9109, 0x4E61}, {0x91AB, 0x533B}, {0x91DD, 0x9488}, {0x92B7, 0x9500}, {0x92FC, 0x94A2},
    {0x9304, 0x5F55}, {0x9322, 0x94B1}, {0x932F, 0x9519}, {0x9375, 0x952E}, {0x9418, 0x949F},
    {0x9451, 0x9274}, {0x9452, 0x9274}, {0x9577, 0x957F}, {0x9580, 0x95E8}, {0x9589, 0x95ED},
    {0x958B, 0x5F00}, {0x9593, 0x95F4}, {0x95B1, 0x9605}, {0x95DC, 0x5173}, {0x9670, 0x9634},
    {0x967D, 0x9633}, {0x968A, 0x961F}, {0x969B, 0x9645}, {0x96A8, 0x968F}, {0x96AA, 0x9669},
    {0x96B1, 0x9690}, {0x96D9, 0x53CC}, {0x96DC, 0x6742}, {0x96DE, 0x9E21}, {0x96E2, 0x79BB},
    {0x96E3, 0x96BE}, {0x96FB, 0x7535}, {0x975C, 0x9759}, {0x97FF, 0x54CD}, {0x9801, 0x9875},
    {0x9805, 0x9879}, {0x9806, 0x987A}, {0x9808, 0x987B}, {0x9818, 0x9886}, {0x982D, 0x5934},
    {0x983B, 0x9891}, {0x984C, 0x9898}, {0x984D, 0x989D}, {0x984F, 0x989C}, {0x9858, 0x613F},
    {0x985E, 0x7C7B}, {0x986F, 0x663E}, {0x98A8, 0x98CE}, {0x98DB, 0x98DE}, {0x990A, 0x517B},
    {0x9918, 0x4F59}, {0x9928, 0x9986}, {0x99AC, 0x9A6C}, {0x9A57, 0x9A8C}, {0x9AD4, 0x4F53},
    {0x9AEE, 0x53D1}, {0x9B06, 0x677E}, {0x9B5A, 0x9C7C}, {0x9CE5, 0x9E1F}, {0x9EBC, 0x4E48},
    {0x9EC3, 0x9EC4}, {0x9EDE, 0x70B9}, {0x9F4A, 0x9F50}, {0x9F52, 0x9F7F}, {0x9F8D, 0x9F99},
};

constexpr char32_t replacement = 0xFFFD;

// Decodes one UTF-8 sequence at `i`; invalid bytes decode as U+FFFD consuming one byte.
char32_t decode(std::string_view s, std::size_t& i) {
    auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    std::size_t len = 0;
    char32_t cp = 0;
    if ((b0 & 0xE0) == 0xC0) {
        len = 2;
        cp = b0 & 0x1F;
    } else if ((b0 & 0xF0) == 0xE0) {
        len = 3;
        cp = b0 & 0x0F;
    } else if ((b0 & 0xF8) == 0xF0) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        ++i;
        return replacement;
    }
    if (i + len > s.size()) {
        ++i;
        return replacement;
    }
    for (std::size_t k = 1; k < len; ++k) {
        auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            ++i;
            return replacement;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and out-of-range values are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
        ++i;
        return replacement;
    }
    i += len;
    return cp;
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_space_cp(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\v' || cp == '\f' || cp == 0x3000 ||
           cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F || cp == 0xFEFF;
}

}  // namespace

char32_t fold_cp(char32_t cp) {
    if (cp >= 0xFF01 && cp <= 0xFF5E) return cp - 0xFF01 + 0x21;  // full-width ASCII
    if (cp == 0x3000 || cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F) return ' ';
    if (cp >= 0x4E00) {
        auto it = std::lower_bound(std::begin(trad_to_simp), std::end(trad_to_simp), cp,
                                   [](const auto& p, char32_t v) { return p.first < v; });
        if (it != std::end(trad_to_simp) && it->first == cp) return it->second;
    }
    return cp;
}

bool is_space(char32_t cp) {
    return is_space_cp(cp);
}

std::string to_utf8(std::u32string_view cps) {
    std::string out;
    for (auto cp : cps) encode(cp, out);
    return out;
}

folded_text fold_cps(std::string_view text) {
    folded_text f;
    f.original = text;
    std::size_t i = 0;
    while (i < text.size()) {
        f.offsets.push_back(i);
        f.cps.push_back(fold_cp(decode(text, i)));
    }
    f.offsets.push_back(text.size());
    return f;
}

std::string fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) encode(fold_cp(decode(text, i)), out);
    return out;
}

bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t before = i;
        char32_t cp = decode(text, i);
        if (cp == replacement) {
            // A literal U+FFFD in the input is valid; a decoding failure consumed exactly one byte.
            if (!(i - before == 3 && static_cast<unsigned char>(text[before]) == 0xEF)) return false;
        }
    }
    return true;
}

std::string_view trim(std::string_view text) {
    auto is_space_at_front = [&](std::size_t& len) {
        if (text.empty()) return false;
        std::size_t i = 0;
        char32_t cp = decode(text, i);
        len = i;
        return is_space_cp(cp);
    };
    std::size_t len = 0;
    while (is_space_at_front(len)) text.remove_prefix(len);
    for (;;) {
        if (text.empty()) break;
        // Step back to the start of the last code point.
        std::size_t start = text.size() - 1;
        while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80 &&
               text.size() - start < 4)
            --start;
        std::size_t i = start;
        char32_t cp = decode(text, i);
        if (i != text.size() || !is_space_cp(cp)) {
            // Not a whole trailing code point, or not a space.
            if (i == text.size()) break;
            if (!is_space_cp(static_cast<unsigned char>(text.back()))) break;
            text.remove_suffix(1);
            continue;
        }
        text.remove_suffix(text.size() - start);
    }
    return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        auto line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return out;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        char32_t cp = decode(text, i);
        bool sep = is_space_cp(cp) || cp == 0x3001 /* 、 */ || cp == ',' || cp == 0xFF0C /* ， */ ||
                   cp == 0xFF1B || cp == ';';
        if (sep) {
            if (!cur.empty()) out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur.append(text.substr(start, i - start));
        }
    }
    if (!cur.empty()) out.push_back(std::move(cur));
    return out;
}

std::string strip_mentions(std::string_view text) {
    auto t = trim(text);
    auto starts_with_at = [](std::string_view s, std::size_t& len) {
        if (!s.empty() && s.front() == '@') {
            len = 1;
            return true;
        }
        if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBC\xA0") {  // ＠
            len = 3;
            return true;
        }
        return false;
    };
    std::size_t at_len = 0;
    // Leading mentions: "@投诉机器人 受理 P1".
    while (starts_with_at(t, at_len)) {
        std::size_t i = at_len;
        while (i < t.size()) {
            std::size_t before = i;
            char32_t cp = decode(t, i);
            if (is_space_cp(cp)) {
                i = before;
                break;
            }
        }
        if (i >= t.size()) return {};  // nothing but a mention
        t = trim(t.substr(i));
    }
    // One trailing mention on the last line: "受理 P1 @投诉机器人".
    auto last_line_start = t.rfind('\n');
    last_line_start = last_line_start == std::string_view::npos ? 0 : last_line_start + 1;
    for (auto pos = t.size(); pos-- > last_line_start;) {
        std::size_t len = 0;
        if (starts_with_at(t.substr(pos), len)) {
            auto tail = t.substr(pos + len);
            bool has_space = false;
            for (std::size_t i = 0; i < tail.size();) {
                if (is_space_cp(decode(tail, i))) has_space = true;
            }
            bool preceded_by_space = pos == 0 || t[pos - 1] == ' ' || t[pos - 1] == '\t' ||
                                     (pos >= 3 && t.substr(pos - 3, 3) == "\xE3\x80\x80");
            if (!has_space && preceded_by_space && !tail.empty()) t = trim(t.substr(0, pos));
            break;
        }
    }
    return std::string(t);
}

std::size_t utf8_length(std::string_view text) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++n) decode(text, i);
    return n;
}

std::string utf8_truncate(std::string_view text, std::size_t max_chars) {
    std::size_t i = 0, n = 0;
    while (i < text.size() && n < max_chars) {
        decode(text, i);
        ++n;
    }
    if (i >= text.size()) return std::string(text);
    return std::string(text.substr(0, i)) + "…";
}

}  // namespace rules
