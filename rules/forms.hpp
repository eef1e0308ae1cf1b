// The two complaint formats of the rule book (SPEC "The two complaint formats"). Form definitions
// are data — labels, aliases, hints, required, kind of value — and one parser reads both.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace rules {

enum class complaint_kind { product, service };

std::string_view kind_name(complaint_kind k);   // "product" / "service"
std::string_view kind_title(complaint_kind k);  // "产品质量投诉" / "服务质量投诉"
char kind_prefix(complaint_kind k);             // 'P' / 'S'

enum class value_type { text, date, datetime };

struct field_def {
    std::string key;                   // canonical label, e.g. "投诉人", "投诉事件"
    std::vector<std::string> aliases;  // other spellings (Simplified; folding handles Traditional)
    std::string hint;                  // e.g. "时间、起因、过程、结果" (shown in the template)
    value_type type = value_type::text;
    bool required = true;
};

struct form_def {
    complaint_kind kind;
    std::string title;              // "产品质量投诉"
    std::vector<field_def> fields;  // in template order
};

const form_def& product_form();
const form_def& service_form();
const form_def& form_for(complaint_kind k);

// A well-formed complaint: fields by canonical key, in template order, values trimmed and
// multi-line values joined with '\n'.
struct complaint_form {
    complaint_kind kind = complaint_kind::product;
    std::vector<std::pair<std::string, std::string>> fields;
    core::instant complained_at{};               // 投诉时间, converted to UTC
    std::optional<core::local_date> shipped_on;  // 发货日期 (product only)

    const std::string* field(std::string_view key) const;
};

struct field_problem {
    std::string field;  // canonical key
    std::string problem;  // Chinese, e.g. "缺少此项", "不能为空", "日期无法识别：…", "晚于发帖时间"
};

struct form_parse_result {
    bool is_complaint = false;  // the first non-empty line is a complaint title
    complaint_kind kind = complaint_kind::product;
    std::optional<complaint_form> form;  // set when there are no problems
    std::vector<field_problem> problems;
};

// Parses a post. `received_at` is when the bot received it (a complaint time after it is an
// error; the year may be omitted and defaults to received_at's year in `tz`).
form_parse_result parse_complaint(std::string_view text, core::instant received_at, const core::zone& tz);

// The blank template to copy, exactly as the rule book shows it (title line, then one
// "label(hint)：" line per field; 投诉时间 shows "*年*月*日*时*分").
std::string blank_template(complaint_kind k);

// The reply to a malformed post: names each missing or bad field, then shows the template.
std::string describe_problems(const form_parse_result& r);

// Parses a date written in any accepted style ("2026年11月18日", "2026-11-18", "2026/11/18",
// "11月18日" with `default_year`). Full-width digits accepted.
std::optional<core::local_date> parse_date(std::string_view text, int default_year);
// Parses a date and time ("2026年11月23日9时05分", "2026-11-23 09:05", "2026/11/23 9:05",
// "11月23日9时05分", also "9点05分" / "9:05"); seconds optional.
std::optional<core::local_datetime> parse_datetime(std::string_view text, int default_year);

}  // namespace rules
