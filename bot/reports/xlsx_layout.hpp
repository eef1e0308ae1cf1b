// Sizes for printed XLSX forms. libxlsxwriter does not fit rows to their text, so the writers
// estimate it: a column's width is in Excel units (the width of "0" in the 11 pt default font),
// a CJK or full-width character takes about two units, other characters one, both scaled by the
// font size; a wrapped cell needs one line per width's worth of text, plus its explicit lines.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace app::xlsx {

// The width of one line of text in column units.
double text_width(std::string_view line, double font_pt);
// The number of lines `text` takes in a column `width` units wide (at least 1).
int wrapped_lines(std::string_view text, double width, double font_pt);
// The row height in points that shows `lines` lines.
double lines_height(int lines, double font_pt);
// The row height in points that shows all of `text` in a column `width` units wide.
double height_for(std::string_view text, double width, double font_pt);

// The forms print on A4 with these margins (inches).
inline constexpr double margin_side = 0.4, margin_top = 0.5, margin_bottom = 0.6;
// The print scale in percent (10..100) that puts columns of these widths on one page width, with
// room to spare (LibreOffice draws columns some 6% wider than Excel). For sheets that need manual
// page breaks: Excel ignores them under "fit to 1 page wide".
int one_page_wide_scale(const std::vector<double>& widths, bool landscape);
// The sheet height in points that one page holds at `scale` percent.
double page_height_at(int scale, bool landscape);

}  // namespace app::xlsx
