// Text folding used wherever people's typing is matched against fixed words: Traditional →
// Simplified for the vocabulary of the rule book (labels, commands, departments), full-width →
// half-width ASCII, and UTF-8 helpers. Values people type are stored as typed; only matching folds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rules {

// Full-width ASCII (U+FF01..U+FF5E) → ASCII, ideographic space → space, Traditional characters
// of our vocabulary → Simplified. Invalid UTF-8 bytes are replaced by U+FFFD.
std::string fold(std::string_view text);

// The code points of `text` after folding, with the byte offset in the ORIGINAL text where each
// starts (offsets has one more entry: text.size()). Folding maps one code point to one, so a range
// matched in `cps` is the original substring offsets[a] .. offsets[b].
struct folded_text {
    std::u32string cps;
    std::vector<std::size_t> offsets;
    std::string_view original;
    std::string_view slice(std::size_t from, std::size_t to) const {
        return original.substr(offsets[from], offsets[to] - offsets[from]);
    }
};
folded_text fold_cps(std::string_view text);
// Folds one code point (full-width → ASCII, special spaces → ' ', Traditional → Simplified).
char32_t fold_cp(char32_t cp);
bool is_space(char32_t cp);
// UTF-8 of a u32 string.
std::string to_utf8(std::u32string_view cps);

// True when `text` is valid UTF-8.
bool valid_utf8(std::string_view text);

// Trims ASCII whitespace and the ideographic space (U+3000) at both ends.
std::string_view trim(std::string_view text);

// Splits on '\n' (a trailing '\r' is removed from each line).
std::vector<std::string_view> split_lines(std::string_view text);

// Splits on runs of ASCII whitespace, ideographic spaces, '、', ',' and '，'.
std::vector<std::string> split_words(std::string_view text);

// Removes leading "@name" mentions (ASCII or full-width ＠, up to the next whitespace) and
// surrounding whitespace. DingTalk/WeCom put the bot's mention first; people sometimes put it last.
std::string strip_mentions(std::string_view text);

// Number of Unicode code points (invalid bytes count one each).
std::size_t utf8_length(std::string_view text);

// At most `max_chars` code points of `text`, with "…" appended when cut.
std::string utf8_truncate(std::string_view text, std::size_t max_chars);

}  // namespace rules
