#include "reports/report_query.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <ostream>
#include <stdexcept>

#include "reports/report_json.hpp"
#include "rules/scope.hpp"
#include "rules/statement.hpp"
#include "storage/database.hpp"

namespace app {

namespace {

bool in_period(core::local_date d, const report_query& q) {
    return (!q.from || d >= *q.from) && (!q.to || d <= *q.to);
}

}  // namespace

core::zone report_zone(storage::database& db) {
    return core::zone(db.meta("timezone").value_or("Asia/Shanghai"));
}

complaint_page select_complaint_page(storage::database& db, const core::zone& tz, const report_query& q,
                                     const complaint_filter& keep) {
    std::optional<storage::complaint_key> cursor;
    if (!q.after.empty() && !(cursor = db.complaint_key_of(q.after)))
        throw std::invalid_argument("no complaint " + q.after +
                                    ": after names the last complaint of the previous page (its \"id\")");
    auto from = q.from ? tz.start_of(*q.from) : core::instant{};
    auto to = q.to ? tz.start_of(core::add_days(*q.to, 1)) : core::instant{core::duration::max()};
    std::size_t wanted = q.limit ? q.limit + 1 : SIZE_MAX;  // one more says whether more follow
    complaint_page page;
    for (;;) {
        std::size_t batch = std::clamp<std::size_t>(wanted - page.items.size(), 64, 2000);
        auto rows = db.complaints_posted_page(from, to, cursor, batch);
        for (auto& c : rows) {
            cursor = storage::complaint_key{c.posted_at, std::string(rules::kind_name(c.kind)), c.seq};
            if (!q.department.empty() && !rules::concerns(c, q.department)) continue;
            if (keep && !keep(c)) continue;
            if (page.items.size() < wanted) page.items.push_back(std::move(c));
        }
        if (rows.size() < batch || page.items.size() >= wanted) break;
    }
    if (q.limit && page.items.size() > q.limit) {
        page.items.pop_back();
        page.more = true;
    }
    return page;
}

std::vector<rules::complaint> select_complaints(storage::database& db, const core::zone& tz,
                                                const report_query& q, const complaint_filter& keep) {
    if (q.limit || !q.after.empty()) return select_complaint_page(db, tz, q, keep).items;
    std::vector<rules::complaint> out;
    // A period reads its complaints by the posted_at index (both lists by posted_at, kind, seq).
    auto rows = q.from || q.to ? db.complaints_posted_between(q.from ? tz.start_of(*q.from) : core::instant{},
                                                              q.to ? tz.start_of(core::add_days(*q.to, 1))
                                                                   : core::instant{core::duration::max()})
                               : db.all_complaints();
    for (auto& c : rows) {
        if (!in_period(tz.date_of(c.posted_at), q)) continue;
        if (!q.department.empty() && !rules::concerns(c, q.department)) continue;
        if (keep && !keep(c)) continue;
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<rules::fine> select_fines(storage::database& db, const core::zone& tz, const report_query& q,
                                      const fine_filter& keep) {
    std::vector<rules::fine> out;
    // A period reads its fines by the issued_at index (both lists are by id).
    auto rows = q.from || q.to ? db.fines_issued_between(q.from ? tz.start_of(*q.from) : core::instant{},
                                                         q.to ? tz.start_of(core::add_days(*q.to, 1))
                                                              : core::instant{core::duration::max()})
                               : db.fines();
    for (auto& f : rows) {
        if (!in_period(tz.date_of(f.issued_at), q)) continue;
        if (!q.department.empty() && f.department != q.department) continue;
        if (keep && !keep(f)) continue;
        out.push_back(std::move(f));
    }
    return out;
}

nlohmann::json penalty_json(const rules::fine& f, const core::zone& tz) {
    return {{"id", f.id},
            {"complaint", f.complaint},
            {"stage", f.stage},
            {"department", f.department},
            {"person", f.person},
            {"amount", f.amount},
            {"deadline", tz.iso(f.deadline)},
            {"status", f.status}};
}

std::string complaints_json_text(const std::vector<rules::complaint>& items, const core::zone& tz) {
    auto j = nlohmann::json::array();
    for (const auto& c : items) j.push_back(complaint_json(c, tz));
    return j.dump(2) + "\n";
}

std::string complaints_report_json(storage::database& db, const report_query& q,
                                   const complaint_filter& keep) {
    auto tz = report_zone(db);
    return complaints_json_text(select_complaints(db, tz, q, keep), tz);
}

std::string penalties_report_json(storage::database& db, const report_query& q, const fine_filter& keep) {
    auto tz = report_zone(db);
    auto j = nlohmann::json::array();
    for (const auto& f : select_fines(db, tz, q, keep)) j.push_back(penalty_json(f, tz));
    return j.dump(2) + "\n";
}

}  // namespace app

namespace app {

report_table penalties_table(storage::database& db, const core::zone& tz, const report_query& q,
                             const fine_filter& keep) {
    report_table t;
    t.title = "罚款明细（水果基金）";
    t.header = {"罚款编号", "投诉编号", "环节",     "部门", "负责人",
                "人员编号", "金额",     "截止时间", "状态", "备注"};
    int total = 0, open = 0;
    for (const auto& f : select_fines(db, tz, q, keep)) {
        t.rows.push_back({f.id, f.complaint, rules::stage_label(f.stage), f.department, f.person_name,
                          f.person, std::to_string(f.amount), tz.long_time(f.deadline),
                          rules::fine_status_label(f.status), f.status_reason});
        if (f.status != "waived") total += f.amount;
        if (f.status == "open") open += f.amount;
    }
    t.footer = {"合计", std::to_string(t.rows.size()) + " 笔", "", "", "", "", std::to_string(total),
                "",     "未缴 " + std::to_string(open),        ""};
    return t;
}

void write_csv(const report_table& t, std::ostream& out) {
    out << "\xEF\xBB\xBF";  // BOM: Excel then reads the file as UTF-8
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << csv_cell(cells[i]);
        out << "\r\n";
    };
    line(t.header);
    for (const auto& r : t.rows) line(r);
    if (!t.footer.empty()) line(t.footer);
}

}  // namespace app
