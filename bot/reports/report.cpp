#include "reports/report.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "reports/report_forms.hpp"
#include "reports/report_json.hpp"
#include "reports/report_query.hpp"
#include "reports/report_xlsx.hpp"
#include "rules/reports.hpp"
#include "rules/text.hpp"
#include "storage/database.hpp"

namespace app {

void write_text(const report_table& t, std::ostream& out) {
    std::vector<std::size_t> width(t.header.size(), 0);
    auto measure = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size() && i < width.size(); ++i) {
            // CJK characters take two columns in a terminal.
            std::size_t w = 0;
            for (auto line : rules::split_lines(cells[i])) {
                std::size_t lw = 0;
                for (std::size_t k = 0; k < line.size(); ++k) {
                    auto c = static_cast<unsigned char>(line[k]);
                    if ((c & 0xC0) == 0x80) continue;
                    lw += c >= 0xE0 ? 2 : 1;
                }
                w = std::max(w, lw);
            }
            width[i] = std::max(width[i], w);
        }
    };
    measure(t.header);
    for (const auto& r : t.rows) measure(r);
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            std::string cell = cells[i];
            for (auto& ch : cell)
                if (ch == '\n') ch = ' ';
            std::size_t w = 0;
            for (char ch : cell) {
                auto c = static_cast<unsigned char>(ch);
                if ((c & 0xC0) != 0x80) w += c >= 0xE0 ? 2 : 1;
            }
            s += cell;
            if (i + 1 < cells.size()) s += std::string(width[i] > w ? width[i] - w + 2 : 2, ' ');
        }
        while (!s.empty() && s.back() == ' ') s.pop_back();
        out << s << "\n";
    };
    out << t.title << "\n";
    line(t.header);
    for (const auto& r : t.rows) line(r);
    if (!t.footer.empty()) line(t.footer);
}

namespace {

using json = nlohmann::json;

using table = report_table;

void write_xlsx(const table& t, const std::string& path) {
    write_table_xlsx({t.title, t.header, t.rows, t.footer}, path);
}

bool in_range(core::local_date d, const report_options& o) {
    return (!o.from || d >= *o.from) && (!o.to || d <= *o.to);
}

// The 回访 column: "满意（zhangsan 2026-11-25 10:00）：备注", "待回访（截止 …）", or empty.
std::string followup_cell(const rules::complaint& c, const core::zone& tz) {
    if (!c.followup) return {};
    const auto& f = *c.followup;
    if (f.result)
        return std::string(rules::satisfaction_label(*f.result)) + "（" + f.recorded_by + " " +
               tz.long_time(*f.recorded_at) + "）" + (f.remark.empty() ? "" : "：" + f.remark);
    if (!c.status_is(rules::complaint_status::closed)) return {};
    return "待回访（截止 " + tz.long_time(f.due) + "）";
}

report_query query_of(const report_options& o) {
    return {o.from, o.to, o.department, o.limit, o.after};
}

}  // namespace

std::optional<core::local_date> parse_report_date(const std::string& text) {
    return core::parse_date(text);
}

void run_report(const report_options& o, std::ostream& out) {
    if (o.kind != "penalties" && o.kind != "complaints" && o.kind != "sheet" && o.kind != "weekly" &&
        o.kind != "statement" && o.kind != "crisis" && o.kind != "monthly" && o.kind != "quarterly")
        throw report_error(
            "unknown report '" + o.kind +
            "': use penalties, complaints, sheet, weekly, statement, crisis, monthly or quarterly");
    if (o.format != "text" && o.format != "csv" && o.format != "json" && o.format != "xlsx")
        throw report_error("unknown format '" + o.format + "': use text, csv, json or xlsx");
    if (o.format == "xlsx" && o.out_path.empty()) throw report_error("--format xlsx needs --out FILE.xlsx");
    if (o.from && o.to && *o.to < *o.from) throw report_error("--to is before --from");
    if (!o.department.empty() && o.kind != "complaints" && o.kind != "penalties")
        throw report_error("--department applies to the complaints and penalties reports only");
    if ((o.limit || !o.after.empty()) && o.kind != "complaints")
        throw report_error("--limit and --after page the complaints report only");
    if (!storage::database::is_postgresql(o.db_path) && !std::filesystem::exists(o.db_path))
        throw report_error("database '" + o.db_path +
                           "' does not exist: pass the file `serve` or `replay --db` wrote");
    storage::database db(o.db_path, storage::database::connect_options{o.password});
    auto tz = report_zone(db);
    if (write_form(o, db, tz, out)) return;      // sheet and statement as text or XLSX: the printed forms
    if (write_periodic(o, db, tz, out)) return;  // monthly and quarterly
    if (!o.after.empty() && !db.complaint_key_of(o.after))
        throw report_error(
            "no complaint " + o.after +
            " in the database: --after takes the id of the last complaint of the previous page");

    json j = json::array();
    table t;
    auto today = report_today(tz);
    if (o.kind == "weekly") {
        // The weekly report over --from..--to (default: the 7 days ending --to, or today).
        auto to = o.to.value_or(today);
        auto from = o.from.value_or(core::add_days(to, -6));
        auto names = report_config(db);  // the names and roles the engine stored
        int unused = 0;
        rules::context ctx{names, tz, tz.start_of(core::add_days(to, 1)), &unused};
        auto text =
            rules::weekly_report(db.all_complaints(), db.fines(),
                                 {from, to, core::format_date(from) + " 至 " + core::format_date(to)}, ctx);
        if (o.format == "text") {  // the report as HR reads it, also with --out
            emit_text(o, out, [&](std::ostream& dest) { dest << text << "\n"; });
            return;
        }
        t.title = "投诉周报（" + core::format_date(from) + " 至 " + core::format_date(to) + "）";
        t.header = {"项目", "内容"};
        j = json::object(
            {{"from", core::format_date(from)}, {"to", core::format_date(to)}, {"lines", json::array()}});
        std::size_t start = 0;
        while (start <= text.size()) {
            auto end = text.find('\n', start);
            auto line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
            j["lines"].push_back(line);
            auto colon = line.find("：");
            if (start == 0) {
                // the headline is the table's title
            } else if (colon == std::string::npos) {
                t.rows.push_back({line, ""});
            } else {
                t.rows.push_back({line.substr(0, colon), line.substr(colon + std::string_view("：").size())});
            }
            if (end == std::string::npos) break;
            start = end + 1;
        }
    } else if (o.kind == "statement") {
        // Per department head: fines issued in the period (default: this month), waived, paid, open.
        auto from = o.from.value_or(core::local_date{today.year, today.month, 1});
        auto to =
            o.to.value_or(core::add_days(core::local_date{today.month == 12 ? today.year + 1 : today.year,
                                                          today.month == 12 ? 1U : today.month + 1, 1},
                                         -1));
        struct row {
            std::string name, department;
            int count = 0, amount = 0, waived = 0, paid = 0, open = 0;
        };
        std::map<std::string, row> by_person;
        for (const auto& f : db.fines()) {
            auto d = tz.date_of(f.issued_at);
            if (d < from || to < d) continue;
            auto& r = by_person[f.person];
            r.name = f.person_name;
            r.department = f.department;
            r.count++;
            r.amount += f.amount;
            (f.status == "waived" ? r.waived : f.status == "paid" ? r.paid : r.open) += f.amount;
        }
        t.title = "罚款月结单（" + core::format_date(from) + " 至 " + core::format_date(to) + "）";
        t.header = {"负责人", "人员编号", "部门", "罚款笔数",  "罚款金额",
                    "已免罚", "已缴",     "未缴", "负责人签字"};
        row total;
        for (const auto& [id, r] : by_person) {
            j.push_back({{"person", id},
                         {"name", r.name},
                         {"department", r.department},
                         {"from", core::format_date(from)},
                         {"to", core::format_date(to)},
                         {"count", r.count},
                         {"amount", r.amount},
                         {"waived", r.waived},
                         {"paid", r.paid},
                         {"outstanding", r.open}});
            t.rows.push_back({r.name, id, r.department, std::to_string(r.count), std::to_string(r.amount),
                              std::to_string(r.waived), std::to_string(r.paid), std::to_string(r.open), ""});
            total.count += r.count;
            total.amount += r.amount;
            total.waived += r.waived;
            total.paid += r.paid;
            total.open += r.open;
        }
        t.footer = {"合计",
                    "",
                    "",
                    std::to_string(total.count),
                    std::to_string(total.amount),
                    std::to_string(total.waived),
                    std::to_string(total.paid),
                    std::to_string(total.open),
                    ""};
    } else if (o.kind == "crisis") {
        t = crisis_table(db, tz, o.from, o.to, j);
    } else if (o.kind == "penalties") {
        // The same selection and JSON as the dashboard's /api/fines (reports/report_query.hpp).
        auto q = query_of(o);
        for (const auto& f : select_fines(db, tz, q)) j.push_back(penalty_json(f, tz));
        t = penalties_table(db, tz, q);
    } else {
        const bool sheet = o.kind == "sheet";
        t.title = sheet ? "质量投诉处理流程表" : "投诉清单";
        if (sheet)
            t.header = {"投诉编号",          "日期",         "投诉人",
                        "客户名称",          "品牌",         "质量问题/投诉事件",
                        "客户要求/投诉目的", "各部门回复",   "责任部门负责人签字",
                        "副总意见",          "王总审批意见", "打单部执行"};
        else
            t.header = {"投诉编号", "类型",          "状态", "待办环节", "登记时间",
                        "投诉人",   "客户/投诉对象", "内容", "其他信息"};
        // The complaints: the same selection and JSON as the dashboard's /api/complaints.
        const auto names = sheet ? rules::config{} : report_config(db);  // 首问's name
        for (const auto& c : sheet ? db.all_complaints() : select_complaints(db, tz, query_of(o))) {
            if (sheet && (!c.sheet_date || !in_range(*c.sheet_date, o))) continue;
            const auto* pending = c.is_open() ? c.pending_stage() : nullptr;
            j.push_back(sheet ? sheet_json(c, tz, db.events_of(c.id)) : complaint_json(c, tz));
            auto f = [&](const char* k) { return c.field(k) ? *c.field(k) : std::string{}; };
            bool product = c.kind == rules::complaint_kind::product;
            if (sheet) {
                std::string replies, signers;
                for (const auto& d : c.departments) {
                    replies += (replies.empty() ? "" : "\n") + d.department + "：" +
                               (d.replied_at ? d.text : "未回复");
                    bool signed_it = std::find(c.sheet_signed.begin(), c.sheet_signed.end(), d.department) !=
                                     c.sheet_signed.end();
                    signers +=
                        (signers.empty() ? "" : "\n") + d.department + "：" + (signed_it ? "已签" : "");
                }
                auto step = [&](const rules::complaint::step& s) {
                    return s.at ? s.text + (s.text.empty() ? "" : "\n") + "（" + s.by + " " +
                                      tz.long_time(*s.at) + "）"
                                : std::string{};
                };
                t.rows.push_back({c.id, core::format_date(*c.sheet_date), f("投诉人"), f("客户名称"),
                                  f("品牌"), product ? f("产品存在的质量问题") : f("投诉事件"),
                                  product ? f("客户要求") : f("投诉目的"), replies, signers,
                                  step(c.vp_opinion), step(c.gm_approval), step(c.executed)});
            } else {
                // The 问题类别 and the 回访, then the extra fields of the post ("订单号：…", 附言).
                std::string extras;
                if (auto owner = rules::owner_of(c); !owner.empty())
                    extras = "首问：" + names.org.display_name(owner);
                if (!c.category.empty())
                    extras += (extras.empty() ? "" : "；") + std::string("问题类别：") + c.category;
                if (auto fu = followup_cell(c, tz); !fu.empty())
                    extras += (extras.empty() ? "" : "；") + std::string("回访：") + fu;
                for (const auto& [k, v] : c.fields)
                    if (!rules::is_form_field(c.kind, k))
                        extras += (extras.empty() ? "" : "；") + k + "：" + v;
                t.rows.push_back({c.id, std::string(rules::kind_title(c.kind)),
                                  c.status == "open"      ? "进行中"
                                  : c.status == "invalid" ? "无效"
                                                          : "已关闭",
                                  pending ? rules::stage_label(pending->name) : "—",
                                  tz.long_time(c.posted_at), f("投诉人"),
                                  product ? f("客户名称") : f("投诉对象"),
                                  product ? f("产品存在的质量问题") : f("投诉事件"), extras});
            }
        }
    }

    if (o.format == "xlsx") {
        write_xlsx(t, o.out_path);
        return;
    }
    emit_text(o, out, [&](std::ostream& dest) {
        if (o.format == "json")
            dest << j.dump(2) << "\n";
        else if (o.format == "csv")
            write_csv(t, dest);
        else
            write_text(t, dest);
    });
}

}  // namespace app
