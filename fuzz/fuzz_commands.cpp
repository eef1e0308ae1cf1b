// Fuzzes the command parser, id normalization and text folding with arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "rules/commands.hpp"
#include "rules/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto folded = rules::fold(text);
    if (!rules::valid_utf8(folded)) __builtin_trap();  // folding always yields valid UTF-8
    auto r = rules::parse_command(rules::strip_mentions(text));
    if (auto* c = std::get_if<rules::command>(&r)) {
        if (!c->target.empty() && !rules::normalize_id(c->target))
            __builtin_trap();  // targets are normalized
    }
    (void)rules::normalize_id(text);
    (void)rules::split_words(text);
    (void)rules::trim(text);
    (void)rules::utf8_truncate(text, 7);
    return 0;
}
