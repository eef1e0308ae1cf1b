// Small parsing helpers shared by the adapters (internal; not part of the adapter interface):
// Unicode-aware trimming and @-mention stripping, strict integer parsing, and a tolerant reader
// for the flat XML envelopes WeCom sends.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace adapters::text {

// Trims ASCII whitespace and the Unicode spaces chat clients insert (U+00A0, U+2005, U+3000, …).
std::string_view trim(std::string_view s);

// Removes a leading "@name" mention (ASCII '@' or full-width '＠') plus the whitespace after it,
// then trims. With a non-empty `bot_name` only "@bot_name" is removed (names may contain spaces);
// otherwise the mention runs to the first whitespace. Text without a leading mention is only
// trimmed.
std::string strip_leading_mention(std::string_view text, std::string_view bot_name);

// Decimal digits only (no sign, no spaces), fitting in int64; nullopt otherwise.
std::optional<std::int64_t> parse_int64(std::string_view s);

// Parses a small XML document into "path → text" for leaf elements, e.g. "xml/From/UserId".
// Handles CDATA, comments, processing instructions, attributes (ignored), self-closing tags and
// the five predefined entities plus numeric character references. The first occurrence of a path
// wins. nullopt when the document is not well-formed in those terms (unclosed or mismatched tags,
// text outside the root, unknown entities).
std::optional<std::map<std::string, std::string>> parse_flat_xml(std::string_view xml);

}  // namespace adapters::text
