#include "reports/xlsx_layout.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "reports/report.hpp"
#include "reports/xlsx_book.hpp"

namespace app::xlsx {

namespace {

// Unicode code points of a UTF-8 string (malformed bytes count as one narrow character each).
template <typename F>
void each_code_point(std::string_view s, F&& f) {
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
        if (i + n > s.size()) n = 1;
        char32_t cp = n == 1 ? c : static_cast<char32_t>(c & (0xFFu >> (n + 1)));
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        f(cp);
        i += n;
    }
}

bool wide(char32_t cp) {
    return (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6) ||
           (cp >= 0x2010 && cp <= 0x206F) ||  // — … “ ” are full width in CJK fonts
           cp >= 0x1F000;                     // emoji
}

// Column units of one character: about two for Chinese, a little more than one for capitals.
double char_width(char32_t cp, double font_pt) {
    double units = wide(cp) ? 2.1 : cp >= 'A' && cp <= 'Z' ? 1.25 : 1.0;
    return units * font_pt / 11.0;
}

}  // namespace

double text_width(std::string_view line, double font_pt) {
    double units = 0;
    each_code_point(line, [&](char32_t cp) { units += char_width(cp, font_pt); });
    return units;
}

namespace {

// Closing punctuation stays on the line of the character before it, opening punctuation with the
// character after it (the line-breaking rules of Chinese typesetting, which Excel and WPS follow).
bool closing(char32_t cp) {
    static const std::u32string set = U"，。、；：！？）」』】》〉”’…—%,.;:!?)]}";
    return set.find(cp) != std::u32string::npos;
}
bool opening(char32_t cp) {
    static const std::u32string set = U"（「『【《〈“‘([{";
    return set.find(cp) != std::u32string::npos;
}

// Lines one paragraph (no '\n') takes: greedy filling, breaking between Chinese characters and at
// spaces; a Latin word moves to the next line whole unless it is longer than a line.
int paragraph_lines(std::string_view text, double usable, double font_pt) {
    struct token {
        double width = 0;
        bool space = false;
    };
    std::vector<token> tokens;
    bool glue = false;  // the next character joins the current token
    bool in_word = false;
    each_code_point(text, [&](char32_t cp) {
        double w = char_width(cp, font_pt);
        bool latin = cp < 0x80 && cp != ' ';
        if (cp == ' ') {
            tokens.push_back({w, true});
            glue = in_word = false;
        } else if (!tokens.empty() && !tokens.back().space && (glue || closing(cp) || (latin && in_word))) {
            tokens.back().width += w;
            glue = opening(cp);
            in_word = latin;
        } else {
            tokens.push_back({w, false});
            glue = opening(cp);
            in_word = latin;
        }
    });
    int lines = 1;
    double x = 0;
    for (const auto& t : tokens) {
        if (x + t.width <= usable) {
            x += t.width;
        } else if (t.space) {
            ++lines;  // the line breaks at the space
            x = 0;
        } else {
            ++lines;
            x = t.width;
            while (x > usable) {  // a word longer than the line is cut
                ++lines;
                x -= usable;
            }
        }
    }
    return lines;
}

}  // namespace

int wrapped_lines(std::string_view text, double width, double font_pt) {
    // A column w units wide is 7w + 5 pixels; the cell keeps about two pixels each side.
    const double usable = std::max(1.0, width - 0.3);
    int lines = 0;
    std::size_t start = 0;
    while (true) {
        auto end = text.find('\n', start);
        lines += paragraph_lines(
            text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start), usable,
            font_pt);
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return lines;
}

double lines_height(int lines, double font_pt) {
    return lines * font_pt * 1.35 + 5;
}

double height_for(std::string_view text, double width, double font_pt) {
    return lines_height(wrapped_lines(text, width, font_pt), font_pt);
}

namespace {

constexpr double a4_long = 841.9, a4_short = 595.3;  // points

}  // namespace

int one_page_wide_scale(const std::vector<double>& widths, bool landscape) {
    double pixels = 0;  // Excel: a column w units wide is 7w + 5 pixels at 96 dpi (Calibri 11)
    for (double w : widths) pixels += std::floor(7 * w + 5);
    double sheet_pt = pixels * 0.75;
    double paper_pt = (landscape ? a4_long : a4_short) - 2 * margin_side * 72;
    int scale = static_cast<int>(std::floor(paper_pt / sheet_pt * 100 * 0.9));
    return std::clamp(scale, 10, 100);
}

double page_height_at(int scale, bool landscape) {
    double paper_pt = (landscape ? a4_short : a4_long) - (margin_top + margin_bottom) * 72;
    return paper_pt * 100 / scale * 0.96;  // rows render a little taller than set in some viewers
}

// ---------------------------------------------------------------------------------------------

book::book(const std::string& path) : path_(path) {
    // libxlsxwriter only notices a missing directory when it closes the file (and prints its own
    // error then): check first.
    auto dir = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if ((!dir.empty() && !std::filesystem::is_directory(dir, ec)) || !(wb_ = workbook_new(path.c_str())))
        throw report_error("cannot create '" + path + "': check that the directory exists and is writable");
}

book::~book() {
    if (wb_) workbook_close(wb_);
}

lxw_worksheet* book::add_sheet(const std::string& name) {
    return workbook_add_worksheet(wb_, name.empty() ? nullptr : name.c_str());
}

lxw_format* book::format(const style& s) {
    lxw_format* f = workbook_add_format(wb_);
    format_set_font_size(f, s.size);
    if (s.bold) format_set_bold(f);
    if (s.wrap) format_set_text_wrap(f);
    if (s.border) format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, s.align);
    format_set_align(f, s.valign);
    if (s.color != LXW_COLOR_BLACK) format_set_font_color(f, s.color);
    if (s.fill) format_set_bg_color(f, s.fill);
    if (s.number) format_set_num_format(f, s.number);
    return f;
}

void book::close() {
    auto* wb = wb_;
    wb_ = nullptr;
    if (workbook_close(wb) != LXW_NO_ERROR)
        throw report_error("cannot write '" + path_ +
                           "': check that the disk has room and the file is not open in Excel");
}

void setup_page(lxw_worksheet* ws, bool landscape, int scale, lxw_row_t repeat_first, lxw_row_t repeat_last,
                lxw_row_t last_row, lxw_col_t last_col) {
    if (landscape)
        worksheet_set_landscape(ws);
    else
        worksheet_set_portrait(ws);
    worksheet_set_paper(ws, 9);  // A4
    worksheet_set_margins(ws, margin_side, margin_side, margin_top, margin_bottom);
    worksheet_center_horizontally(ws);
    if (scale > 0)
        worksheet_set_print_scale(ws, static_cast<std::uint16_t>(scale));
    else
        worksheet_fit_to_pages(ws, 1, 0);  // one page wide, as many pages tall as needed
    worksheet_repeat_rows(ws, repeat_first, repeat_last);
    worksheet_print_area(ws, 0, 0, last_row, last_col);
    worksheet_set_footer(ws, "&C第 &P 页，共 &N 页");
}

void put(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2, const std::string& text,
         lxw_format* f) {
    if (r1 != r2 || c1 != c2) {
        worksheet_merge_range(ws, r1, c1, r2, c2, text.c_str(), f);
    } else if (text.empty()) {
        worksheet_write_blank(ws, r1, c1, f);
    } else {
        worksheet_write_string(ws, r1, c1, text.c_str(), f);
    }
}

void put_number(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, double v, lxw_format* f) {
    worksheet_write_number(ws, r, c, v, f);
}

}  // namespace app::xlsx
