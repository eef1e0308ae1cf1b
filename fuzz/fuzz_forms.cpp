// Fuzzes the complaint-form parser (every form of a post, with or without a title) and the problem
// reply with arbitrary bytes, and checks what a registered form promises.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/form_lines.hpp"
#include "rules/forms.hpp"
#include "rules/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const core::zone tz("Asia/Shanghai");
    std::string text(reinterpret_cast<const char*>(data), size);
    auto posted = core::from_ms(1'795'395'600'000);  // 2026-11-23 09:00 +08:00
    auto post = rules::parse_post(rules::strip_mentions(text), posted, tz);
    std::size_t n = 0;
    for (const auto& r : post.forms) {
        ++n;
        if (!r.is_complaint) __builtin_trap();
        if (!r.form) (void)rules::describe_problems(r, post.forms.size() > 1 ? n : 0);
        if (!r.form) continue;
        if (r.untitled || r.duplicate_of >= 0) __builtin_trap();  // never registered
        if (r.form->complained_at > posted) __builtin_trap();     // a future complaint must be refused
        std::size_t total = 0, extras = 0;
        for (const auto& [k, v] : r.form->fields) {
            auto len = rules::utf8_length(v);
            if (len > rules::max_field_chars || v.empty()) __builtin_trap();
            total += len;
            extras += rules::is_form_field(r.kind, k) ? 0 : 1;
        }
        if (total > rules::max_complaint_chars || extras > rules::max_extra_fields) __builtin_trap();
    }
    for (auto line : rules::split_lines(text)) (void)rules::match_title(line);
    (void)rules::parse_date(text, 2026);
    (void)rules::parse_datetime(text, 2026);
    return 0;
}
