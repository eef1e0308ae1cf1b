#include "reports/report_forms.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <ostream>

#include "pipeline/org_snapshot.hpp"
#include "reports/report_xlsx.hpp"
#include "rules/forms.hpp"
#include "rules/reports.hpp"
#include "rules/statement.hpp"

namespace app {

namespace {

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

// "（钱七 11-23 10:30）"-style attribution of a recorded step.
std::string attributed(const rules::complaint::step& s, const rules::config& cfg, const core::zone& tz) {
    if (!s.at) return {};
    return s.text + (s.text.empty() ? "" : "\n") + "（" + cfg.org.display_name(s.by) + " " +
           tz.short_time(*s.at) + "）";
}

sheet_form::item sheet_item(const rules::complaint& c, bool several_days,
                            const std::vector<rules::fine>& fines, const std::vector<rules::event>& events,
                            const rules::config& cfg, const core::zone& tz) {
    const auto& org = cfg.org;
    auto field = [&](const char* k) { return c.field(k) ? *c.field(k) : std::string{}; };
    bool product = c.kind == rules::complaint_kind::product;
    sheet_form::item it;
    it.id = c.id + (several_days && c.sheet_date ? "\n" + core::format_date(*c.sheet_date).substr(5) : "");
    it.complainant = org.display_name(c.complainant) +
                     (c.complainant_department.empty() ? "" : "\n" + c.complainant_department);
    it.customer = product ? field("客户名称") : field("投诉对象");
    it.ship_date = product ? field("发货日期") : "—";
    it.brand = product ? field("品牌") : "—";
    it.spec = product ? field("规格及数量") : "—";
    it.problem = product ? field("产品存在的质量问题") : field("投诉事件");
    it.request = product ? field("客户要求") : field("投诉目的");
    const auto* respond = c.find_stage("respond");
    for (const auto& d : c.departments) {
        sheet_form::reply r{d.department, {}, {}};
        const rules::fine* fine = nullptr;
        for (const auto& f : fines)
            if (f.complaint == c.id && f.department == d.department && f.stage == "respond") fine = &f;
        std::string fined = fine ? "已罚款 " + fine->id + (fine->status == "waived" ? "，后免罚" : "") : "";
        if (d.replied_at) {
            bool late = respond && respond->due && *d.replied_at > *respond->due;
            r.text = d.text + "\n（" + org.display_name(d.by) + " " + tz.short_time(*d.replied_at) +
                     (late ? "，逾期" + (fined.empty() ? "" : "，" + fined) : "") + "）";
        } else {
            r.text = "逾期未回复" + (fined.empty() ? "" : "（" + fined + "）");
        }
        if (std::find(c.sheet_signed.begin(), c.sheet_signed.end(), d.department) != c.sheet_signed.end()) {
            r.signed_note = "已在群内签字";
            for (const auto& e : events)
                if (e.type == "signed" && e.detail.find(d.department) != std::string::npos) {
                    r.signed_note = org.display_name(e.actor) + " " + tz.short_time(e.at) + "\n已在群内签字";
                    break;
                }
        }
        it.replies.push_back(std::move(r));
    }
    it.vp_opinion = attributed(c.vp_opinion, cfg, tz);
    it.gm_approval = attributed(c.gm_approval, cfg, tz);
    if (c.executed.at)
        it.executed =
            "已执行\n（" + org.display_name(c.executed.by) + " " + tz.short_time(*c.executed.at) + "）";
    return it;
}

// The first and last day of a sheet: the days asked for, the open ends filled from the complaints
// (sorted by sheet date).
std::pair<std::optional<core::local_date>, std::optional<core::local_date>> sheet_span(
    const std::vector<rules::complaint>& items, std::optional<core::local_date> first,
    std::optional<core::local_date> last) {
    if (!items.empty()) {
        if (!first) first = items.front().sheet_date;
        if (!last) last = items.back().sheet_date;
    }
    return {first, last};
}

// "2026-11-23", "2026-11-23 至 2026-11-24", "2026-11-23 起", "截至 2026-11-24", "全部".
std::string sheet_dates(const std::vector<rules::complaint>& items, std::optional<core::local_date> from,
                        std::optional<core::local_date> to) {
    auto [first, last] = sheet_span(items, from, to);
    if (first && last)
        return *first == *last ? core::format_date(*first)
                               : core::format_date(*first) + " 至 " + core::format_date(*last);
    if (first) return core::format_date(*first) + " 起";
    if (last) return "截至 " + core::format_date(*last);
    return "全部";
}

void write_sheet(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out,
                 const rules::config& cfg) {
    auto items = db.complaints_on_sheet(o.from, o.to);
    if (o.format == "text") {
        emit_text(o, out, [&](std::ostream& dest) {
            if (items.empty()) {
                dest << "📄 质量投诉处理流程表（" << sheet_dates(items, o.from, o.to)
                     << "）：无涉及赔款或退/换货的投诉。\n";
                return;
            }
            int unused = 0;
            rules::context ctx{cfg, tz, {}, &unused};
            for (std::size_t i = 0; i < items.size();) {
                std::size_t j = i;
                while (j < items.size() && *items[j].sheet_date == *items[i].sheet_date) ++j;
                std::vector<rules::complaint> day(items.begin() + static_cast<std::ptrdiff_t>(i),
                                                  items.begin() + static_cast<std::ptrdiff_t>(j));
                dest << (i ? "\n" : "") << rules::sheet_text(day, *items[i].sheet_date, ctx) << "\n";
                i = j;
            }
        });
        return;
    }
    write_sheet_xlsx(build_sheet_form(std::move(items), o.from, o.to, db, tz, cfg), o.out_path);
}

void write_statement(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out,
                     const rules::config& cfg) {
    auto today = report_today(tz);
    core::local_date month_first{today.year, today.month, 1};
    core::local_date next_month{today.month == 12 ? today.year + 1 : today.year,
                                today.month == 12 ? 1U : today.month + 1, 1};
    rules::period p{o.from.value_or(month_first), o.to.value_or(core::add_days(next_month, -1)), ""};
    auto s = rules::build_statement(db.fines(), p, tz);
    if (o.format == "xlsx") {
        write_statement_xlsx(s, cfg.company, cfg.roles.hr, tz, o.out_path);
        return;
    }
    emit_text(o, out, [&](std::ostream& dest) { dest << rules::statement_text(s, tz, cfg) << "\n"; });
}

}  // namespace

sheet_form build_sheet_form(std::vector<rules::complaint> items, std::optional<core::local_date> from,
                            std::optional<core::local_date> to, storage::database& db, const core::zone& tz,
                            const rules::config& cfg) {
    std::erase_if(items, [](const rules::complaint& c) { return !c.sheet_date; });
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return *a.sheet_date < *b.sheet_date; });
    sheet_form f;
    f.company = cfg.company;
    f.date = sheet_dates(items, from, to);
    f.hr = cfg.roles.hr;
    const auto& gm = cfg.roles.general_manager;
    f.gm_title = gm.empty() ? "总经理" : cfg.org.display_name(gm.front());
    std::vector<std::string> signers;
    for (const auto& id : gm) signers.push_back(cfg.org.display_name(id));
    f.gm_signers = signers.empty() ? "总经理或助理" : joined(signers, "或");
    f.order_desk = cfg.roles.order_desk;
    auto [first, last] = sheet_span(items, from, to);
    bool several_days = first && last && !(*first == *last);
    for (const auto& c : items) {
        f.has_service = f.has_service || c.kind == rules::complaint_kind::service;
        f.items.push_back(
            sheet_item(c, several_days, db.fines_of_complaint(c.id), db.events_of(c.id), cfg, tz));
    }
    return f;
}

rules::config report_config(storage::database& db) {
    rules::config cfg;
    if (auto snapshot = db.meta(org_snapshot_key)) apply_org_snapshot(*snapshot, cfg);
    return cfg;
}

bool write_form(const report_options& o, storage::database& db, const core::zone& tz, std::ostream& out) {
    if ((o.kind != "sheet" && o.kind != "statement") || (o.format != "text" && o.format != "xlsx"))
        return false;
    auto cfg = report_config(db);
    if (o.kind == "sheet")
        write_sheet(o, db, tz, out, cfg);
    else
        write_statement(o, db, tz, out, cfg);
    return true;
}

void emit_text(const report_options& o, std::ostream& out, const std::function<void(std::ostream&)>& write) {
    if (o.out_path.empty()) {
        write(out);
        return;
    }
    std::ofstream file(o.out_path, std::ios::binary | std::ios::trunc);
    if (!file) throw report_error("cannot write '" + o.out_path + "': check that the directory exists");
    write(file);
}

core::local_date report_today(const core::zone& tz) {
    return tz.date_of(std::chrono::time_point_cast<core::duration>(std::chrono::system_clock::now()));
}

}  // namespace app
