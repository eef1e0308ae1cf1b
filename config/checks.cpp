// Checks of the config text before and beside YAML parsing: size, encoding, tabs, full-width
// colons and duplicate keys. (The checks of what serve needs are in config_serve_checks.cpp.)
#include "config/checks.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <map>
#include <sstream>

namespace conf {

namespace {

const std::string_view fullwidth_colon = "\xEF\xBC\x9A";    // ：
const std::string_view ideographic_space = "\xE3\x80\x80";  // the full-width space

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto nl = text.find('\n', start);
        auto line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    return lines;
}

// 1-based character column of byte `byte` of `line` (a Chinese character is one column).
int char_column(std::string_view line, std::size_t byte) {
    int chars = 0;
    for (std::size_t i = 0; i < line.size() && i < byte; ++i)
        if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++chars;
    return chars + 1;
}

// Offset of the first byte that does not start a well-formed UTF-8 sequence, npos when none.
std::size_t invalid_utf8_at(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
        if (len == 0 || i + len > s.size()) return i;
        for (std::size_t k = 1; k < len; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
        const auto c1 = static_cast<unsigned char>(s[i + 1]);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
            (c == 0xF4 && c1 >= 0x90))
            return i;  // overlong, surrogate or beyond U+10FFFF
        i += len;
    }
    return std::string_view::npos;
}

// True when every non-ASCII byte pairs up as a GBK (GB 18030 two-byte, or Big5) character.
bool looks_like_gbk(std::string_view s) {
    int pairs = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c < 0x81 || c > 0xFE || i + 1 >= s.size()) return false;
        const auto t = static_cast<unsigned char>(s[i + 1]);
        if (t < 0x40 || t > 0xFE || t == 0x7F) return false;
        ++pairs;
        i += 2;
    }
    return pairs > 0;
}

config_error at(const std::string& file, int line, int column, std::string message, std::string fix) {
    return {file, line, column, std::move(message), std::move(fix)};
}

// Where a line's content starts (after spaces and tabs), and whether that content is a comment.
std::size_t indent_of(std::string_view line) {
    auto p = line.find_first_not_of(" \t");
    return p == std::string_view::npos ? line.size() : p;
}

// The line without its comment and with quoted parts blanked out (so a '：' or '|' inside quotes
// or after '#' does not count), same length as the line up to the comment.
std::string code_part(std::string_view line) {
    std::string out;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char ch = line[i];
        if (quote) {
            out.push_back(' ');
            if (ch == quote) quote = 0;
            continue;
        }
        if (ch == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) break;
        if (ch == '"' || ch == '\'') {
            quote = ch;
            out.push_back(' ');
            continue;
        }
        out.push_back(ch);
    }
    return out;
}

// True when the line's code ends with a block scalar header: `key: |`, `- >-`, `key: |2`.
bool starts_block_scalar(const std::string& code) {
    auto end = code.find_last_not_of(" \t");
    if (end == std::string::npos) return false;
    std::size_t i = end;
    while (i > 0 && (code[i] == '+' || code[i] == '-' || (code[i] >= '0' && code[i] <= '9'))) --i;
    if (code[i] != '|' && code[i] != '>') return false;
    return i == 0 || code[i - 1] == ' ' || code[i - 1] == '\t';
}

bool key_char(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// The byte offset of a full-width colon that stands where a key's ':' belongs, and the key before it.
std::optional<std::pair<std::size_t, std::string>> fullwidth_key_colon(const std::string& code) {
    for (auto pos = code.find(fullwidth_colon); pos != std::string::npos;
         pos = code.find(fullwidth_colon, pos + fullwidth_colon.size())) {
        std::size_t k = pos;
        while (k > 0 && code[k - 1] == ' ') --k;
        std::size_t key_end = k;
        bool ascii = true;
        // An ASCII key anywhere a key can stand; a Chinese key (a department under
        // vice_presidents) only at the start of a line.
        while (k > 0 && key_char(static_cast<unsigned char>(code[k - 1]))) --k;
        if (k == key_end) {
            ascii = false;
            while (k > 0 && static_cast<unsigned char>(code[k - 1]) >= 0x80) --k;
            if (k == key_end) continue;
        }
        std::string key = code.substr(k, key_end - k);
        std::size_t b = k;
        while (b > 0 && code[b - 1] == ' ') --b;
        bool line_start = code.find_first_not_of(" \t") == k;
        bool after_dash = b > 0 && code[b - 1] == '-' && code.find_first_not_of(" \t") == b - 1 && b < k;
        bool in_flow = b > 0 && (code[b - 1] == '{' || code[b - 1] == ',');
        if (line_start || (ascii && (after_dash || in_flow))) return std::make_pair(pos, key);
    }
    return std::nullopt;
}

// Finds duplicate keys from the parser's events: one frame per open mapping or sequence.
class duplicate_finder : public YAML::EventHandler {
  public:
    duplicate_finder(const std::string& file, const std::vector<std::string_view>& lines)
        : file_(file), lines_(lines) {}

    std::vector<config_error> errors;

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t) override { scalar(m, "~"); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { scalar(m, std::string{}); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string& v) override {
        scalar(m, v);
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        open(false);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        open(true);
    }
    void OnMapEnd() override { close(); }

  private:
    struct frame {
        bool map = false;
        bool expect_key = true;
        std::map<std::string, int> keys;  // key → line of its first occurrence
        std::string key;                  // the current key (map) or item number (sequence)
        int items = 0;
        std::string path;  // where this node is, e.g. "organization.people[2]"
    };

    std::string child_path() const {
        if (stack_.empty()) return {};
        const auto& f = stack_.back();
        if (f.map) return f.path.empty() ? f.key : f.path + "." + f.key;
        return f.path + "[" + std::to_string(f.items) + "]";
    }

    // A node that is not a scalar starts: it is a value (or a complex key, which is never checked).
    void open(bool map) {
        frame f;
        f.map = map;
        if (!stack_.empty()) {
            auto& parent = stack_.back();
            if (parent.map && parent.expect_key) parent.key = "?";
            if (!parent.map) ++parent.items;
            f.path = child_path();
        }
        stack_.push_back(std::move(f));
    }
    void close() {
        stack_.pop_back();
        if (!stack_.empty() && stack_.back().map) stack_.back().expect_key = !stack_.back().expect_key;
    }

    void scalar(const YAML::Mark& m, const std::string& value) {
        if (stack_.empty()) return;
        auto& f = stack_.back();
        if (!f.map) {
            ++f.items;
            return;
        }
        if (f.expect_key) {
            f.key = value;
            if (!value.empty() && value != "<<") {
                auto [it, fresh] = f.keys.emplace(value, m.line + 1);
                if (!fresh) report(m, value, it->second, f.path);
            }
        }
        f.expect_key = !f.expect_key;
    }

    void report(const YAML::Mark& m, const std::string& key, int first_line, const std::string& path) {
        int column =
            m.line >= 0 && static_cast<std::size_t>(m.line) < lines_.size()
                ? char_column(lines_[static_cast<std::size_t>(m.line)], static_cast<std::size_t>(m.column))
                : m.column + 1;
        std::string where = path.empty() ? "at the top level" : "in " + path;
        errors.push_back(
            at(file_, m.line + 1, column,
               "duplicate key '" + key + "' " + where + " (first at line " + std::to_string(first_line) + ")",
               "YAML keeps only one of the two and silently drops the other: merge them into "
               "one `" +
                   key + ":` (or delete the one you do not want)"));
    }

    const std::string& file_;
    const std::vector<std::string_view>& lines_;
    std::vector<frame> stack_;
};

}  // namespace

config_error oversized_config(std::uintmax_t bytes, const std::string& file) {
    return at(file, 0, 0, "the config file is " + std::to_string(bytes) + " bytes, over the 1 MB limit",
              "a company's config is a few kilobytes: check that this is the right file");
}

std::vector<config_error> check_config_text(std::string_view text, const std::string& file) {
    std::vector<config_error> out;
    if (text.size() > max_config_bytes) {
        out.push_back(oversized_config(text.size(), file));
        return out;
    }
    if (text.size() >= 2 &&
        ((text[0] == '\xFF' && text[1] == '\xFE') || (text[0] == '\xFE' && text[1] == '\xFF'))) {
        out.push_back(at(file, 1, 1,
                         "the file is saved as UTF-16 (\"Unicode\" in Windows Notepad), not UTF-8",
                         "open it in Notepad, choose 文件 → 另存为 (File → Save As), set 编码 (Encoding) to "
                         "UTF-8, save, and run check-config again"));
        return out;
    }
    if (auto nul = text.find('\0'); nul != std::string_view::npos) {
        out.push_back(at(file, 0, 0, "the file contains NUL bytes: it is not a text file",
                         "save the config as plain UTF-8 text (see config.example.yaml)"));
        return out;
    }
    if (auto bad = invalid_utf8_at(text); bad != std::string_view::npos) {
        auto line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
        line_start = line_start == std::string_view::npos || bad == 0 ? 0 : line_start + 1;
        int line =
            1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n'));
        int column = char_column(text.substr(line_start), bad - line_start);
        const char* save =
            "open it in Notepad, choose 文件 → 另存为 (File → Save As), set 编码 (Encoding) to "
            "UTF-8, save, and run check-config again";
        if (looks_like_gbk(text))
            out.push_back(at(file, line, column,
                             "the file is saved as GBK/ANSI (e.g. by Windows Notepad), not UTF-8", save));
        else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
            out.push_back(at(file, line, column,
                             std::string("the file is not valid UTF-8 (byte ") + hex + " here)", save));
        }
        return out;
    }

    auto lines = split_lines(text);
    int tab_lines = 0;
    constexpr std::size_t no_block = std::string_view::npos;
    std::size_t block_indent = no_block;  // inside a block scalar (| or >) started at this indent
    for (std::size_t n = 0; n < lines.size(); ++n) {
        auto line = lines[n];
        const int line_no = static_cast<int>(n) + 1;
        auto indent = indent_of(line);
        if (block_indent != no_block) {
            if (indent == line.size() || indent > block_indent) continue;  // block content
            block_indent = no_block;
        }
        if (indent == line.size()) continue;  // blank
        // (yaml-cpp refuses a tab before a comment too)
        if (auto tab = line.substr(0, indent).find('\t'); tab != std::string_view::npos) {
            if (++tab_lines <= 5)
                out.push_back(
                    at(file, line_no, char_column(line, tab), "a tab is used for indentation",
                       "YAML indents with spaces only: replace the tab with spaces, aligned with the "
                       "lines above"));
            continue;
        }
        if (line[indent] == '#') continue;  // a comment
        auto code = code_part(line);
        if (code.compare(indent, ideographic_space.size(), ideographic_space) == 0) {
            out.push_back(
                at(file, line_no, char_column(line, indent),
                   "a full-width space (全角空格) is used for indentation",
                   "replace it with ordinary spaces (switch the input method to half-width, 半角)"));
            continue;
        }
        if (auto hit = fullwidth_key_colon(code)) {
            auto [pos, key] = *hit;
            std::string fixed(line.substr(indent));
            auto rel = pos - indent;
            auto after = rel + fullwidth_colon.size();
            bool space_follows = after >= fixed.size() || fixed[after] == ' ';
            fixed.replace(rel, fullwidth_colon.size(), space_follows ? ":" : ": ");
            if (fixed.size() > 60) fixed = fixed.substr(0, 60) + "…";
            out.push_back(at(file, line_no, char_column(line, pos),
                             "full-width colon '：' after `" + key + "`",
                             "YAML needs the ASCII colon ':' and a space: write `" + fixed +
                                 "` (switch the input method to English punctuation)"));
            continue;
        }
        if (starts_block_scalar(code)) block_indent = indent;
    }
    if (tab_lines > 5)
        out.push_back(at(file, 0, 0, std::to_string(tab_lines - 5) + " more lines indented with tabs",
                         "replace every tab in the indentation with spaces"));
    return out;
}

std::vector<config_error> duplicate_key_errors(std::string_view text, const std::string& file) {
    auto lines = split_lines(text);
    duplicate_finder finder(file, lines);
    std::string copy(text);
    std::istringstream in(copy);
    try {
        // Only the first document, the one YAML::Load reads. (yaml-cpp 0.7 may also report an
        // endless run of empty documents after some malformed input: never loop over them.)
        YAML::Parser parser(in);
        parser.HandleNextDocument(finder);
    } catch (const YAML::Exception&) {
        return {};  // the loader reports the syntax error with its place
    }
    return finder.errors;
}

}  // namespace conf
