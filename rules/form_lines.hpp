// How one line of a post is read while parsing a complaint form: a title line (the form's title,
// however people decorate it), a known label of the form, or some other "label：value" line that is
// kept as an extra field. Everything here works on folded text (Traditional → Simplified,
// full-width → ASCII), so `：` is `:` and `（` is `(`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "rules/forms.hpp"
#include "rules/text.hpp"

namespace rules {

// The form whose title `line` is, or nullptr. Accepted around the title: spaces, emoji and
// symbols (📣 ⚠️ ★ ■), markdown-ish runs (** ## == —— ~~), a trailing colon, any of the bracket
// pairs 《》【】[]〔〕「」『』〖〗()（）<>〈〉{}, nested; a trailing 单, 表 or 表单 and spaces inside
// ("产品质量 投诉单"). Anything else on the line ("关于产品质量投诉的说明") is not a title.
const form_def* match_title(std::string_view line);

// Reads "label(hint) :" of one of `form`'s fields (or their aliases) at the start of a folded
// line. On success returns the field and sets `value_from` to the code point where the value starts.
const field_def* match_form_label(const folded_text& line, const form_def& form, std::size_t& value_from);

// The longest label kept as an extra field, in code points (without its hint in parentheses).
inline constexpr std::size_t max_extra_label = 12;

// Reads a label that is not the form's ("订单号：A-1027") at the start of a folded line. A label
// is 1..12 code points of CJK ideographs, ASCII letters and digits (not first) and the joiners
// / _ - # ·, optionally followed by a hint in parentheses, then ':' — so a colon inside a sentence
// (a time "9:30", "上午9:30", "比例：3成" after other words, a URL "http://…", "客户说：…")
// is never a label. Returns the label as typed (the original text, trimmed) and sets `value_from`.
std::optional<std::string> match_extra_label(const folded_text& line, std::size_t& value_from);

// True when the folded line starts with one of `field`'s hint parts followed by ':' ("起因：…"
// inside 投诉事件(时间、起因、过程、结果)): the line continues that field's value.
bool starts_with_part(const folded_text& line, const field_def& field);

}  // namespace rules
