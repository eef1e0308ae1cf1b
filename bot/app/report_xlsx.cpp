#include "app/report_xlsx.hpp"

#include <xlsxwriter.h>

#include <cstdlib>

#include "app/report.hpp"

namespace app {

void write_table_xlsx(const xlsx_table& t, const std::string& path) {
    lxw_workbook* wb = workbook_new(path.c_str());
    if (!wb)
        throw report_error("cannot create '" + path + "': check that the directory exists and is writable");
    lxw_worksheet* ws = workbook_add_worksheet(wb, nullptr);
    lxw_format* title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 14);
    lxw_format* head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_bg_color(head, 0xDDEBF7);
    format_set_text_wrap(head);
    lxw_format* cell = workbook_add_format(wb);
    format_set_border(cell, LXW_BORDER_THIN);
    format_set_text_wrap(cell);
    format_set_align(cell, LXW_ALIGN_VERTICAL_TOP);
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, 9);  // A4
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 1, 1);
    worksheet_write_string(ws, 0, 0, t.title.c_str(), title);
    for (std::size_t c = 0; c < t.header.size(); ++c) {
        worksheet_write_string(ws, 1, static_cast<lxw_col_t>(c), t.header[c].c_str(), head);
        worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                             c + 1 == t.header.size() ? 30 : 16, nullptr);
    }
    lxw_row_t r = 2;
    auto put = [&](const std::vector<std::string>& cells) {
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto& v = cells[c];
            char* end = nullptr;
            double num = v.empty() ? 0 : std::strtod(v.c_str(), &end);
            if (!v.empty() && end && *end == '\0' && v.find_first_not_of("0123456789.") == std::string::npos)
                worksheet_write_number(ws, r, static_cast<lxw_col_t>(c), num, cell);
            else
                worksheet_write_string(ws, r, static_cast<lxw_col_t>(c), v.c_str(), cell);
        }
        ++r;
    };
    for (const auto& row : t.rows) put(row);
    if (!t.footer.empty()) put(t.footer);
    if (workbook_close(wb) != LXW_NO_ERROR) throw report_error("cannot write '" + path + "'");
}

}  // namespace app
