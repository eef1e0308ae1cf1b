#include "adapters/text_util.hpp"

#include <array>
#include <charconv>
#include <vector>

namespace adapters::text {

namespace {

// Byte length of the whitespace character at the start of `s`, or 0.
std::size_t space_at(std::string_view s) {
    if (s.empty()) return 0;
    const char c = s[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return 1;
    // UTF-8 encodings of Unicode spaces seen in chat text.
    static constexpr std::array<std::string_view, 6> spaces{
        "\xc2\xa0",      // U+00A0 no-break space
        "\xe2\x80\x85",  // U+2005 four-per-em space (WeCom puts it after mentions)
        "\xe2\x80\x89",  // U+2009 thin space
        "\xe2\x80\x8b",  // U+200B zero-width space
        "\xe2\x80\xaf",  // U+202F narrow no-break space
        "\xe3\x80\x80",  // U+3000 ideographic (full-width) space
    };
    for (const auto sp : spaces) {
        if (s.substr(0, sp.size()) == sp) return sp.size();
    }
    return 0;
}

// Byte length of the whitespace character that ends at the end of `s`, or 0.
std::size_t space_before_end(std::string_view s) {
    for (std::size_t len = 1; len <= 3 && len <= s.size(); ++len) {
        const auto tail = s.substr(s.size() - len);
        if (space_at(tail) == len) return len;
    }
    return 0;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

// Decodes the entity starting at s[0] == '&'; returns the bytes consumed or 0 when unknown.
std::size_t decode_entity(std::string_view s, std::string& out) {
    const auto semi = s.find(';');
    if (semi == std::string_view::npos || semi > 12) return 0;
    const auto name = s.substr(1, semi - 1);
    if (name == "lt") {
        out.push_back('<');
    } else if (name == "gt") {
        out.push_back('>');
    } else if (name == "amp") {
        out.push_back('&');
    } else if (name == "quot") {
        out.push_back('"');
    } else if (name == "apos") {
        out.push_back('\'');
    } else if (name.size() >= 2 && name[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const auto digits = name.substr(hex ? 2 : 1);
        if (digits.empty()) return 0;
        const auto [ptr, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
        if (ec != std::errc{} || ptr != digits.data() + digits.size()) return 0;
        if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
        append_utf8(out, cp);
    } else {
        return 0;
    }
    return semi + 1;
}

std::string join_path(const std::vector<std::string>& stack) {
    std::string path;
    for (const auto& name : stack) {
        if (!path.empty()) path.push_back('/');
        path += name;
    }
    return path;
}

bool name_char(char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '>' && c != '/';
}

}  // namespace

std::string_view trim(std::string_view s) {
    while (const auto n = space_at(s)) s.remove_prefix(n);
    while (const auto n = space_before_end(s)) s.remove_suffix(n);
    return s;
}

std::string strip_leading_mention(std::string_view text, std::string_view bot_name) {
    std::string_view s = trim(text);
    std::size_t at_len = 0;
    if (!s.empty() && s[0] == '@') {
        at_len = 1;
    } else if (s.substr(0, 3) == "\xef\xbc\xa0") {  // U+FF20 full-width commercial at
        at_len = 3;
    }
    if (at_len == 0) return std::string(s);
    const auto after_at = s.substr(at_len);
    if (!bot_name.empty()) {
        if (after_at.substr(0, bot_name.size()) != bot_name) return std::string(s);
        const auto rest = after_at.substr(bot_name.size());
        // "@Botx hello" is not a mention of "Bot": the name must end at whitespace or the text end.
        if (!rest.empty() && space_at(rest) == 0) return std::string(s);
        return std::string(trim(rest));
    }
    std::size_t i = 0;
    while (i < after_at.size() && space_at(after_at.substr(i)) == 0) ++i;
    return std::string(trim(after_at.substr(i)));
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::int64_t value = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || ptr != s.data() + s.size()) return std::nullopt;
    return value;
}

std::optional<std::map<std::string, std::string>> parse_flat_xml(std::string_view xml) {
    std::map<std::string, std::string> fields;
    std::vector<std::string> stack;
    std::vector<bool> has_children;
    std::string text;  // character data of the innermost open element
    bool seen_root = false;
    std::size_t i = 0;
    while (i < xml.size()) {
        const char c = xml[i];
        if (c != '<') {
            if (stack.empty()) {
                if (space_at(xml.substr(i)) == 0) return std::nullopt;  // text outside the root
                i += space_at(xml.substr(i));
                continue;
            }
            if (c == '&') {
                const auto n = decode_entity(xml.substr(i), text);
                if (n == 0) return std::nullopt;
                i += n;
            } else {
                text.push_back(c);
                ++i;
            }
            continue;
        }
        const auto rest = xml.substr(i);
        if (rest.substr(0, 9) == "<![CDATA[") {
            const auto end = rest.find("]]>", 9);
            if (end == std::string_view::npos || stack.empty()) return std::nullopt;
            text.append(rest.substr(9, end - 9));
            i += end + 3;
        } else if (rest.substr(0, 4) == "<!--") {
            const auto end = rest.find("-->", 4);
            if (end == std::string_view::npos) return std::nullopt;
            i += end + 3;
        } else if (rest.substr(0, 2) == "<?") {
            const auto end = rest.find("?>", 2);
            if (end == std::string_view::npos) return std::nullopt;
            i += end + 2;
        } else if (rest.substr(0, 2) == "</") {
            std::size_t j = 2;
            while (j < rest.size() && name_char(rest[j])) ++j;
            const auto name = rest.substr(2, j - 2);
            while (j < rest.size() && space_at(rest.substr(j)) == 1) ++j;
            if (j >= rest.size() || rest[j] != '>' || stack.empty() || stack.back() != name)
                return std::nullopt;
            if (!has_children.back()) fields.try_emplace(join_path(stack), text);
            text.clear();
            stack.pop_back();
            has_children.pop_back();
            i += j + 1;
        } else {
            std::size_t j = 1;
            while (j < rest.size() && name_char(rest[j])) ++j;
            const auto name = rest.substr(1, j - 1);
            if (name.empty() || name[0] == '!') return std::nullopt;  // DOCTYPE and friends: not ours
            const auto close = rest.find('>', j);
            if (close == std::string_view::npos) return std::nullopt;
            const bool self_closing = rest[close - 1] == '/';
            if (stack.empty() && seen_root) return std::nullopt;  // a second root element
            seen_root = true;
            if (!has_children.empty()) has_children.back() = true;
            text.clear();  // mixed content: keep only leaf text
            stack.emplace_back(name);
            has_children.push_back(false);
            if (self_closing) {
                fields.try_emplace(join_path(stack), std::string{});
                stack.pop_back();
                has_children.pop_back();
            }
            i += close + 1;
        }
    }
    if (!stack.empty() || !seen_root) return std::nullopt;
    return fields;
}

}  // namespace adapters::text
