// Fuzzes the complaint-form parser and the problem reply with arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "rules/forms.hpp"
#include "rules/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const core::zone tz("Asia/Shanghai");
    std::string text(reinterpret_cast<const char*>(data), size);
    auto posted = core::from_ms(1'795'395'600'000);  // 2026-11-23 09:00 +08:00
    auto r = rules::parse_complaint(rules::strip_mentions(text), posted, tz);
    if (r.is_complaint && !r.form) (void)rules::describe_problems(r);
    if (r.form && r.form->complained_at > posted) __builtin_trap();  // a future complaint must be refused
    (void)rules::parse_date(text, 2026);
    (void)rules::parse_datetime(text, 2026);
    return 0;
}
