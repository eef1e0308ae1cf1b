// The two complaint formats of the rule book (SPEC "The two complaint formats"). Form definitions
// are data — labels, aliases, hints, required, kind of value — and one parser reads both.
#pragma once

#include <cstddef>
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
    // The parts its hint names ("起因", "结果" …): a line "起因：…" continues this field's value
    // rather than starting an extra field.
    std::vector<std::string> parts;
};

struct form_def {
    complaint_kind kind;
    std::string title;              // "产品质量投诉"
    std::vector<field_def> fields;  // in template order
};

const form_def& product_form();
const form_def& service_form();
const form_def& form_for(complaint_kind k);

// True when `key` is the canonical key of one of the form's fields (not an extra field).
bool is_form_field(complaint_kind k, std::string_view key);

// Caps that keep one complaint bounded: a post over any of them is refused, naming the field.
inline constexpr std::size_t max_field_chars = 2000;       // code points per field value
inline constexpr std::size_t max_complaint_chars = 10000;  // all field values together
inline constexpr std::size_t max_extra_fields = 20;        // extra "label：value" lines kept
inline constexpr std::size_t max_forms_per_post = 10;      // more in one message: none registered
// The extra field that keeps free text before the first label (and a stray line after 投诉时间).
inline constexpr std::string_view note_field = "附言";
// The product form's optional field naming the category (one of config::categories).
inline constexpr std::string_view category_field = "问题类别";

// A well-formed complaint: fields by canonical key, in template order, values trimmed and
// multi-line values joined with '\n'; then the extra fields in post order — lines
// "label：value" whose label is not the form's ("订单号：A-1027"), and 附言 for free text before the
// first label. A repeated extra label gets a number: "订单号", "订单号（2）".
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
    bool is_complaint = false;  // a title line, or (untitled) most of one form's labels
    // No title line, but most of one form's labels: answered as that form (a "标题" problem names
    // the missing title), never registered.
    bool untitled = false;
    complaint_kind kind = complaint_kind::product;
    std::optional<complaint_form> form;  // set when there are no problems
    std::vector<field_problem> problems;
    // The index of an earlier form of the same post with exactly the same lines (pasted twice):
    // it is not registered again. -1 when none.
    int duplicate_of = -1;
};

// The forms of one post, in post order. Each title line starts a form; free text before the first
// title is kept as 附言 of the first form. A post without a title line is a form only when its
// lines carry most (≥ 60 %, and at least 3) of one form's required labels (`untitled`); a chat
// message with a "xx：yy" line is not a complaint and `forms` is empty. A post with more than
// max_forms_per_post titles is one refused form (problem "投诉份数"): nothing of it is registered.
struct post_parse_result {
    std::vector<form_parse_result> forms;
    bool is_complaint() const { return !forms.empty(); }
};

// Parses a post. `received_at` is when the bot received it (a complaint time after it is an
// error; the year may be omitted and defaults to received_at's year in `tz`).
post_parse_result parse_post(std::string_view text, core::instant received_at, const core::zone& tz);
// The first form of parse_post (or a result with is_complaint false): for callers that expect one.
form_parse_result parse_complaint(std::string_view text, core::instant received_at, const core::zone& tz);

// The blank template to copy, exactly as the rule book shows it (title line, then one
// "label(hint)：" line per field; 投诉时间 shows "*年*月*日*时*分").
std::string blank_template(complaint_kind k);

// The reply to a malformed post: names each missing or bad field, then shows the template. In a
// post with several forms, `ordinal` (1-based) says which one ("第2份投诉未登记：…"); 0 = the only one.
std::string describe_problems(const form_parse_result& r, std::size_t ordinal = 0);

// Parses a date written in any accepted style ("2026年11月18日", "2026-11-18", "2026/11/18",
// "11月18日" with `default_year`). Full-width digits accepted.
std::optional<core::local_date> parse_date(std::string_view text, int default_year);
// Parses a date and time ("2026年11月23日9时05分", "2026-11-23 09:05", "2026/11/23 9:05",
// "11月23日9时05分", also "9点05分" / "9:05"); seconds optional.
std::optional<core::local_datetime> parse_datetime(std::string_view text, int default_year);
// A later time as people write it (延期 P1 <时间>): "明天 17:00", "后天", "12月5日17:00", "12-05 17:00",
// "2026-12-05", "17:00" (today); a trailing 前/之前 is ignored. Relative words and a missing year count
// from `today` (a day already past without its year is next year's); a date alone means
// end_hour:end_minute. nullopt when it is no time.
std::optional<core::local_datetime> parse_later_time(std::string_view text, core::local_date today,
                                                     unsigned end_hour = 18, unsigned end_minute = 0);

}  // namespace rules
