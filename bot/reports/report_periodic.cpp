// `report monthly` and `report quarterly` (rules/periodic.hpp): the monthly summary as the first work
// day posts it, and the quarterly quality handbook as a workbook of one sheet per table.
#include <nlohmann/json.hpp>

#include "pipeline/engine.hpp"
#include "reports/report.hpp"
#include "reports/report_forms.hpp"
#include "reports/report_query.hpp"
#include "reports/report_xlsx.hpp"
#include "rules/customer.hpp"
#include "rules/periodic.hpp"
#include "storage/database.hpp"

namespace app {

bool write_periodic(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out) {
    if (o.kind != "monthly" && o.kind != "quarterly") return false;
    if (o.to)
        throw report_error("--to does not apply to the " + o.kind + " report: --from picks the " +
                           (o.kind == "monthly" ? std::string("month") : std::string("quarter")));
    auto names = report_config(db);
    int unused = 0;
    if (o.kind == "monthly") {
        if (o.format != "text" && o.format != "json")
            throw report_error("the monthly report is text or json (the post HR gets on the first work day)");
        // The month of --from (default: the last one); the post of the next month's first work day.
        auto month = o.from ? rules::month_of(*o.from) : rules::previous_month(report_today(tz));
        auto next_first = core::add_days(month.to, 1);
        rules::context ctx{names, tz, tz.start_of(next_first), &unused};
        std::size_t supervised = 0;
        for (const auto& c : db.all_complaints())
            if (rules::supervised(c, ctx.now)) ++supervised;
        auto text = monthly_report_text(db, tz, next_first, ctx, supervised);
        emit_text(o, out, [&](std::ostream& s) {
            if (o.format == "json")
                s << nlohmann::json{{"month", month.label}, {"text", text}}.dump(2) << "\n";
            else
                s << text << "\n";
        });
        return true;
    }
    if (o.format == "csv")
        throw report_error("the quarterly handbook has several tables: use xlsx, text or json");
    if (o.format == "xlsx" && o.out_path.empty()) throw report_error("--format xlsx needs --out FILE.xlsx");
    auto quarter = o.from ? rules::quarter_of(*o.from) : rules::previous_quarter(report_today(tz));
    rules::context ctx{names, tz, tz.start_of(core::add_days(quarter.to, 1)), &unused};
    auto from = tz.start_of(quarter.from);
    auto to = tz.start_of(core::add_days(quarter.to, 1));
    auto sheets = rules::quarterly_handbook(db.complaints_posted_between(from, to),
                                            db.fines_issued_between(from, to), quarter, ctx);
    if (o.format == "xlsx") {
        std::vector<std::pair<std::string, xlsx_table>> book;
        for (const auto& s : sheets) book.push_back({s.name, {s.title, s.header, s.rows, {}}});
        write_tables_xlsx(book, o.out_path);
        return true;
    }
    emit_text(o, out, [&](std::ostream& s) {
        if (o.format == "json") {
            nlohmann::json j = nlohmann::json::array();
            for (const auto& sh : sheets)
                j.push_back(
                    {{"sheet", sh.name}, {"title", sh.title}, {"header", sh.header}, {"rows", sh.rows}});
            s << nlohmann::json{{"quarter", quarter.label}, {"sheets", j}}.dump(2) << "\n";
            return;
        }
        for (const auto& sh : sheets) {
            write_text({sh.title, sh.header, sh.rows, {}}, s);
            s << "\n";
        }
    });
    return true;
}

}  // namespace app
