// A libxlsxwriter workbook that is always closed, and the few cell formats the printed forms use.
// Internal to bot/reports (the report writers).
#pragma once

#include <xlsxwriter.h>

#include <cstdint>
#include <string>

namespace app::xlsx {

struct style {
    double size = 10;
    bool bold = false;
    bool wrap = true;
    bool border = true;
    std::uint8_t align = LXW_ALIGN_LEFT;
    std::uint8_t valign = LXW_ALIGN_VERTICAL_TOP;
    lxw_color_t color = LXW_COLOR_BLACK;
    lxw_color_t fill = 0;          // 0 = none
    const char* number = nullptr;  // number format, e.g. "0;-0;\"—\""
};

class book {
  public:
    // Throws report_error naming the path when the file cannot be created.
    explicit book(const std::string& path);
    ~book();
    book(const book&) = delete;
    book& operator=(const book&) = delete;

    lxw_worksheet* add_sheet(const std::string& name);
    lxw_format* format(const style& s);
    // Writes the file. Throws report_error when it cannot.
    void close();

  private:
    std::string path_;
    lxw_workbook* wb_ = nullptr;
};

// A4 with the forms' margins, printed one page wide (scale 0: Excel's "fit to 1 page wide", else at
// `scale` percent, see one_page_wide_scale), `repeat_first` ..
// `repeat_last` repeated on each page, the print area, and page numbers in the footer
// ("第 1 页，共 2 页").
void setup_page(lxw_worksheet* ws, bool landscape, int scale, lxw_row_t repeat_first, lxw_row_t repeat_last,
                lxw_row_t last_row, lxw_col_t last_col);

// Writes `text` (a blank cell with the format's borders when empty); over a range when it spans more
// than one cell.
void put(lxw_worksheet* ws, lxw_row_t r1, lxw_col_t c1, lxw_row_t r2, lxw_col_t c2, const std::string& text,
         lxw_format* f);
inline void put(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& text, lxw_format* f) {
    put(ws, r, c, r, c, text, f);
}
void put_number(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, double v, lxw_format* f);

}  // namespace app::xlsx
