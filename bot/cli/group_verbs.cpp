#include "cli/group_verbs.hpp"

#include <fstream>
#include <iostream>
#include <ostream>

#include "cli/database_open.hpp"
#include "cli/passwd.hpp"
#include "config/loader.hpp"
#include "core/clock.hpp"
#include "pipeline/group_rollup_job.hpp"
#include "reports/group_rollup_xlsx.hpp"
#include "reports/report.hpp"

namespace app {

namespace {

std::string ids_of(const rules::group_config& g) {
    std::string s;
    for (const auto& c : g.companies) s += (s.empty() ? "" : ", ") + c.id;
    return s;
}

// "2026-11" → that month.
std::optional<rules::period> parse_month(const std::string& text) {
    auto day = core::parse_date(text + "-01");
    if (!day || text.size() != 7) return std::nullopt;
    return rules::month_of(*day);
}

}  // namespace

std::optional<rules::group_config> load_group_for_verb(const std::string& path, std::ostream& err) {
    auto r = conf::load_group(path);
    if (r.group) return std::move(r.group);
    if (!r.errors.empty()) {
        err << "complaint-bot: bad config: " << r.errors.front().to_string();
        if (r.errors.size() > 1) err << " (and " << r.errors.size() - 1 << " more: run check-config)";
        err << "\n";
    }
    return std::nullopt;
}

const rules::company& pick_company(const rules::group_config& g, const std::string& id) {
    if (id.empty()) {
        if (g.companies.size() == 1) return g.companies.front();
        throw report_error(g.source_file + " is a group of " + std::to_string(g.companies.size()) +
                           " companies: say which with --company (" + ids_of(g) + ")");
    }
    if (const auto* co = g.find(id)) return *co;
    throw report_error("no company '" + id + "' in " + g.source_file + ": use one of " + ids_of(g));
}

void run_group_rollup_report(const rules::group_config& g, const std::string& month,
                             const std::string& format, const std::string& out_path, std::ostream& out) {
    if (format != "text" && format != "xlsx")
        throw report_error("report group-rollup is written as text or xlsx (--format text|xlsx)");
    if (format == "xlsx" && out_path.empty()) throw report_error("--format xlsx needs --out <file.xlsx>");
    core::system_clock clock;
    auto now = clock.now();
    rules::period p;
    if (month.empty()) {
        p = rules::previous_month(core::zone(g.timezone).date_of(now));
    } else if (auto m = parse_month(month)) {
        p = *m;
    } else {
        throw report_error("bad --month '" + month + "': write a month like 2026-11");
    }
    std::vector<std::unique_ptr<storage::database>> open;
    std::vector<storage::database*> dbs;
    for (const auto& co : g.companies) {
        if (database_missing(co.cfg.database))
            throw report_error("company " + co.id + " has no database at " + co.cfg.database +
                               " yet: serve (or replay --db) writes it");
        if (storage::database::is_postgresql(co.cfg.database))
            open.push_back(open_database(co.cfg));
        else
            open.push_back(
                std::make_unique<storage::database>(co.cfg.database, storage::database::read_only));
        dbs.push_back(open.back().get());
    }
    auto r = load_group_rollup(g, dbs, p, now);
    if (format == "xlsx") {
        write_group_rollup_xlsx(r, out_path);
        out << "wrote " << out_path << "\n";
        return;
    }
    auto text = rules::group_rollup_post(r, g.group.chat ? g.group.chat->id : std::string{}).text;
    // The @ line is the chat's, not the report's.
    if (!r.member_names.empty()) text.resize(text.rfind('\n'));
    if (out_path.empty()) {
        out << text << "\n";
        return;
    }
    std::ofstream f(out_path, std::ios::binary);
    f << text << "\n";
    if (!f) throw report_error("cannot write " + out_path);
}

int run_group_passwd(const rules::group_config& g, const std::string& company, const std::string& person,
                     bool disable, std::istream& in, std::ostream& out, std::ostream& err) {
    if (!company.empty()) return run_passwd(pick_company(g, company).cfg, person, disable, in, out, err);
    if (const auto* m = g.group.find_member(person)) {
        // The centre's accounts are the group's own rows: in the first company's database.
        auto cfg = g.companies.front().cfg;
        if (!cfg.org.find_person(m->id)) cfg.org.people.push_back(*m);
        return run_passwd(cfg, person, disable, in, out, err);
    }
    std::vector<const rules::company*> holders;
    for (const auto& co : g.companies)
        if (co.cfg.org.find_person(person)) holders.push_back(&co);
    if (holders.size() == 1) return run_passwd(holders.front()->cfg, person, disable, in, out, err);
    if (holders.empty()) {
        err << "complaint-bot: '" << person << "' is no person of any company in " << g.source_file
            << " nor a member of the group centre: use an id under a company's organization.people or "
               "group.members\n";
    } else {
        std::string ids;
        for (const auto* co : holders) ids += (ids.empty() ? "" : ", ") + co->id;
        err << "complaint-bot: '" << person << "' is a person of several companies (" << ids
            << "): say which with --company\n";
    }
    return 2;
}

}  // namespace app
