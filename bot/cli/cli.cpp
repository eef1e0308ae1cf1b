#include "cli/cli.hpp"

#include <yaml-cpp/yaml.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/database_open.hpp"
#include "cli/group_verbs.hpp"
#include "cli/migrate.hpp"
#include "cli/passwd.hpp"
#include "cli/progress.hpp"
#include "cli/replay.hpp"
#include "cli/serve.hpp"
#include "cli/whatif.hpp"
#include "config/loader.hpp"
#include "reports/report.hpp"
#include "storage/backup.hpp"
#include "storage/database.hpp"
#include "storage/db_lock.hpp"

namespace app {

namespace {

int fail(const std::string& reason) {
    std::cerr << "complaint-bot: " << reason << "\n";
    return 2;
}

// "c.yaml:12:5: warning: <message> — <fix>"
std::string as_warning(const conf::config_error& e) {
    auto s = e.to_string();
    auto head =
        e.file + (e.line > 0 ? ":" + std::to_string(e.line) + ":" + std::to_string(e.column) : "") + ": ";
    return s.rfind(head, 0) == 0 ? head + "warning: " + s.substr(head.size()) : "warning: " + s;
}

// Loads the config or prints every error (one per line, the first one is the reason). For serve
// (`for_serve`), what serve needs beyond a valid config is an error too.
std::optional<rules::config> load_or_report(const std::string& path, bool all_errors,
                                            bool for_serve = false) {
    auto r = conf::load_config(path);
    if (r.config && for_serve && !r.serve_errors.empty()) {
        r.errors = r.serve_errors;
        r.config.reset();
    }
    if (r.config) {
        if (for_serve)
            for (const auto& w : r.warnings) std::cerr << as_warning(w) << "\n";
        return r.config;
    }
    if (all_errors) {
        for (const auto& e : r.errors) std::cerr << e.to_string() << "\n";
    } else if (!r.errors.empty()) {
        std::cerr << "complaint-bot: bad config: " << r.errors.front().to_string();
        if (r.errors.size() > 1) std::cerr << " (and " << r.errors.size() - 1 << " more: run check-config)";
        std::cerr << "\n";
    }
    return std::nullopt;
}

// Whether the file is a group's (a top-level `companies:`); a file that does not parse is not (the
// single-company loader names its error).
bool names_companies(const std::string& path) {
    try {
        auto root = YAML::LoadFile(path);
        return root.IsMap() && root["companies"];
    } catch (const std::exception&) {
        return false;
    }
}

// A group file's load_or_report: the group, or every error printed (the first as the reason).
std::optional<rules::group_config> load_group_or_report(const std::string& path, bool for_serve) {
    auto r = conf::load_group(path);
    if (r.group && for_serve && !r.serve_errors.empty()) {
        r.errors = r.serve_errors;
        r.group.reset();
    }
    if (r.group) {
        if (for_serve)
            for (const auto& w : r.warnings) std::cerr << as_warning(w) << "\n";
        return std::move(r.group);
    }
    if (!r.errors.empty()) {
        std::cerr << "complaint-bot: bad config: " << r.errors.front().to_string();
        if (r.errors.size() > 1) std::cerr << " (and " << r.errors.size() - 1 << " more: run check-config)";
        std::cerr << "\n";
    }
    return std::nullopt;
}

// whatif's proposed config: refused for whatever check-config refuses (serve's needs only when the
// file has serve's sections, as check-config does).
std::optional<rules::config> load_checked(const std::string& path) {
    auto r = conf::load_config(path);
    if (r.config && r.has_serve_sections && !r.serve_errors.empty()) {
        std::cerr << "complaint-bot: bad config: " << r.serve_errors.front().to_string()
                  << " (check-config refuses it: run check-config " << path << ")\n";
        return std::nullopt;
    }
    return load_or_report(path, false);
}

// `audit verify` of `db`: the verdict on stdout; 0 when intact, 1 (and the problems) when not.
int print_audit(const std::string& path, const std::string& label) {
    storage::database db(path);
    auto r = db.verify_audit();
    if (r.ok) {
        std::cout << label << ": " << r.events << " events, " << r.fines
                  << " fines: the chain is intact and every fine matches the event that issued it (last hash "
                  << (r.last_hash.empty() ? std::string("—") : r.last_hash.substr(0, 16)) << ")\n";
        return 0;
    }
    for (const auto& p : r.problems) std::cout << label << ": " << p << "\n";
    std::cerr << "complaint-bot: " << label << " failed: " << r.problems.size()
              << " problem(s); restore the database from a backup and compare\n";
    return 1;
}

// check-config: every error (exit 2), what serve would refuse (exit 2), then the warnings. A group
// file (companies:) is checked whole: each company, the group centre, what they share.
int check_config(const std::string& path) {
    auto r = conf::load_group(path, read_env);
    for (const auto& e : r.errors) std::cerr << e.to_string() << "\n";
    if (!r.group) return 2;
    if (!r.has_serve_sections && !r.serve_errors.empty()) {
        // A config for replay and report only: serve's needs are a note, not a refusal.
        std::cerr << path
                  << ": note: no server:, platforms: or chats: — fine for replay and report, but serve "
                  << "will refuse to start (add them as in config.example.yaml)\n";
    } else {
        for (const auto& e : r.serve_errors) std::cerr << e.to_string() << "\n";
        if (!r.serve_errors.empty()) {
            for (const auto& w : r.warnings) std::cerr << as_warning(w) << "\n";
            std::cerr << "complaint-bot: serve would refuse this config (" << r.serve_errors.size()
                      << " problem" << (r.serve_errors.size() > 1 ? "s" : "") << ")\n";
            return 2;
        }
        for (const auto& w : r.warnings) std::cerr << as_warning(w) << "\n";
    }
    std::cout << conf::explain_group(*r.group);
    return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App cli{"complaint-bot: enforces the company's customer-complaint rules in the group chat"};
    cli.require_subcommand(1);

    std::string config_path, script_path, db_path, format = "text";
    auto* serve = cli.add_subcommand("serve", "run the bot: HTTP webhooks, timers, outbox");
    serve->add_option("--config", config_path, "config file (YAML)")->required();
    std::string clock_from;
    serve->add_option("--clock-from", clock_from,
                      "run the clock from this moment (ISO 8601, e.g. 2026-11-23T09:00:00+08:00) instead of "
                      "now; for tests and drills, never for a real group");

    auto* replay = cli.add_subcommand("replay", "run a JSONL script on a virtual clock, no network");
    replay->add_option("--config", config_path, "config file (YAML)")->required();
    replay->add_option("--script", script_path, "script, one JSON object per line")->required();
    std::string company_id, month;
    replay->add_option("--company", company_id, "a group file (companies:): the company whose rules run");
    replay->add_option("--db", db_path, "SQLite file to use and continue (default: in memory)");
    replay->add_option("--format", format, "text or jsonl")->check(CLI::IsMember({"text", "jsonl"}));

    report_options ropts;
    std::string from, to;
    auto* report = cli.add_subcommand(
        "report",
        "penalties, complaints, sheet, weekly, statement, crisis, monthly, quarterly or group-rollup from a "
        "database");
    report
        ->add_option("kind", ropts.kind,
                     "penalties | complaints | sheet | weekly | statement | crisis | monthly | quarterly | "
                     "group-rollup")
        ->required()
        ->check(CLI::IsMember({"penalties", "complaints", "sheet", "weekly", "statement", "crisis", "monthly",
                               "quarterly", "group-rollup"}));
    report->add_option("--db", ropts.db_path, "SQLite file or postgresql:// URL (or --config)");
    report->add_option("--config", config_path,
                       "config file: its database (a group's: with --company); group-rollup: the group file");
    report->add_option("--company", company_id, "a group file (companies:): the company whose database");
    report->add_option("--month", month, "group-rollup: the month, YYYY-MM (default: the month before)");
    report->add_option("--from", from, "first day, YYYY-MM-DD");
    report->add_option("--to", to, "last day, YYYY-MM-DD");
    report->add_option("--format", ropts.format, "text, csv, json or xlsx")
        ->check(CLI::IsMember({"text", "csv", "json", "xlsx"}));
    report->add_option("--out", ropts.out_path, "write to this file instead of standard output");
    report->add_option("--department", ropts.department,
                       "complaints and penalties: only those of this department (as the dashboard's API)");
    report->add_option("--limit", ropts.limit,
                       "complaints: at most this many (a page, as the dashboard's API)");
    report->add_option("--after", ropts.after,
                       "complaints: the page after this complaint (the last one's id)");

    std::string audit_action, audit_db;
    auto* audit = cli.add_subcommand("audit", "verify the hash-chained event log of a database");
    audit->add_option("action", audit_action, "verify")->required()->check(CLI::IsMember({"verify"}));
    audit->add_option("--db", audit_db, "SQLite file or postgresql:// URL")->required();

    std::string migrate_from, migrate_to;
    auto* migrate = cli.add_subcommand(
        "migrate", "copy a database into a new, empty one (SQLite to PostgreSQL or back) and verify it");
    migrate->add_option("--from", migrate_from, "the database serve used (SQLite file or postgresql:// URL)")
        ->required();
    migrate
        ->add_option("--to", migrate_to,
                     "the new database: postgresql://user@host:port/db (password from PGPASSWORD or "
                     "~/.pgpass) or a new SQLite file")
        ->required();

    std::string backup_db, backup_out;
    bool backup_force = false;
    auto* backup = cli.add_subcommand("backup", "a consistent copy of a database, also while serve runs");
    backup->add_option("--db", backup_db, "SQLite file to copy")->required();
    backup->add_option("--out", backup_out, "the copy to write")->required();
    backup->add_flag("--force", backup_force, "replace --out when it exists");

    whatif_options wopts;
    std::string wfrom, wto;
    auto* whatif =
        cli.add_subcommand("whatif", "replay a database's messages under a proposed config and compare");
    whatif->add_option("--db", wopts.db_path, "SQLite file serve or replay --db wrote (read only)")
        ->required();
    whatif->add_option("--config", wopts.config_path, "the proposed config (YAML)")->required();
    whatif->add_option("--from", wfrom, "first day, YYYY-MM-DD");
    whatif->add_option("--to", wto, "last day, YYYY-MM-DD");
    whatif->add_option("--format", wopts.format, "text, csv, json or xlsx")
        ->check(CLI::IsMember({"text", "csv", "json", "xlsx"}));
    whatif->add_option("--out", wopts.out_path, "write to this file instead of standard output");

    std::string passwd_person;
    bool passwd_disable = false;
    auto* passwd = cli.add_subcommand(
        "passwd", "set a person's dashboard password (one line on standard input), or remove the account");
    passwd->add_option("--config", config_path, "config file (YAML): its organization and database")
        ->required();
    passwd->add_option("person", passwd_person, "the person's id (organization.people)")->required();
    passwd->add_option("--company", company_id,
                       "a group file (companies:): the company of the person (a group member needs none)");
    passwd->add_flag("--disable", passwd_disable, "remove the person's dashboard account");

    std::string check_path;
    auto* check = cli.add_subcommand("check-config", "validate a config file and print the effective rules");
    check->add_option("file", check_path, "config file (YAML)")->required();

    if (argc >= 2 && argv[1][0] != '-') {
        std::string sub = argv[1];
        if (sub != "serve" && sub != "replay" && sub != "report" && sub != "check-config" && sub != "audit" &&
            sub != "backup" && sub != "whatif" && sub != "passwd" && sub != "migrate")
            return fail(
                "unknown command '" + sub +
                "': use serve, replay, report, whatif, audit, backup, migrate, passwd or check-config");
    }
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(std::string(e.what()) + " (see complaint-bot --help)");
    }

    try {
        if (*check) return check_config(check_path);
        if (*replay) {
            std::optional<rules::config> cfg;
            if (names_companies(config_path)) {
                auto g = load_group_for_verb(config_path, std::cerr);
                if (!g) return 2;
                cfg = pick_company(*g, company_id).cfg;
            } else {
                cfg = load_or_report(config_path, false);
            }
            if (!cfg) return 2;
            replay_options opts{script_path, db_path,
                                format == "jsonl" ? replay_format::jsonl : replay_format::text};
            std::optional<storage::db_lock> lock;  // not while serve (or another replay) writes it
            if (!db_path.empty()) lock.emplace(db_path, "replay");
            run_replay(*cfg, opts, std::cout);
            return 0;
        }
        if (*report) {
            if (!from.empty() && !(ropts.from = parse_report_date(from)))
                return fail("bad --from '" + from + "': write a date like 2026-11-23");
            if (!to.empty() && !(ropts.to = parse_report_date(to)))
                return fail("bad --to '" + to + "': write a date like 2026-11-30");
            if (ropts.kind == "group-rollup" || ropts.db_path.empty()) {
                if (config_path.empty())
                    return fail(ropts.kind == "group-rollup"
                                    ? "report group-rollup needs --config <the group's file>"
                                    : "report needs --db <database> (or --config <file> [--company <id>])");
                auto g = load_group_for_verb(config_path, std::cerr);
                if (!g) return 2;
                if (ropts.kind == "group-rollup") {
                    run_group_rollup_report(*g, month, ropts.format, ropts.out_path, std::cout);
                    return 0;
                }
                const auto& cfg = pick_company(*g, company_id).cfg;
                ropts.db_path = cfg.database;
                ropts.password = connect_options_of(cfg).password;
            }
            run_report(ropts, std::cout);
            return 0;
        }
        if (*whatif) {
            if (!wfrom.empty() && !(wopts.from = parse_report_date(wfrom)))
                return fail("bad --from '" + wfrom + "': write a date like 2026-11-23");
            if (!wto.empty() && !(wopts.to = parse_report_date(wto)))
                return fail("bad --to '" + wto + "': write a date like 2026-11-30");
            auto cfg = load_checked(wopts.config_path);
            if (!cfg) return 2;
            wopts.show_progress = stderr_is_terminal();
            run_whatif(*cfg, wopts, std::cout, std::cerr);
            return 0;
        }
        if (*audit) {
            if (!storage::database::is_postgresql(audit_db) && !std::filesystem::exists(audit_db))
                return fail("database '" + audit_db +
                            "' does not exist: pass the file `serve` or `replay --db` wrote");
            return print_audit(audit_db, "audit");
        }
        if (*backup) {
            if (storage::database::is_postgresql(backup_db))
                return fail(
                    "backup copies a SQLite file; back a PostgreSQL database up with pg_dump: "
                    "pg_dump -Fc -f complaint-bot.dump '" +
                    backup_db + "' (see the README, \"More than one machine\")");
            auto r = storage::backup_database(backup_db, backup_out, backup_force);
            std::cout << "backup: " << r.pages << " pages of " << backup_db << " copied to " << backup_out
                      << "\n";
            return print_audit(backup_out, "audit of the copy");
        }
        if (*migrate) return run_migrate(migrate_from, migrate_to, std::cout);
        if (*passwd) {
            if (names_companies(config_path)) {
                auto g = load_group_for_verb(config_path, std::cerr);
                if (!g) return 2;
                return run_group_passwd(*g, company_id, passwd_person, passwd_disable, std::cin, std::cout,
                                        std::cerr);
            }
            auto cfg = load_or_report(config_path, false);
            if (!cfg) return 2;
            return run_passwd(*cfg, passwd_person, passwd_disable, std::cin, std::cout, std::cerr);
        }
        if (*serve) {
            std::optional<core::instant> start;
            auto bad_clock = [&] {
                if (clock_from.empty()) return false;
                start = core::parse_iso8601(clock_from);
                return !start;
            };
            const std::string clock_fix =
                "--clock-from '" + clock_from + "' is not a time like 2026-11-23T09:00:00+08:00";
            if (names_companies(config_path)) {
                auto g = load_group_or_report(config_path, true);
                if (!g) return 2;
                if (bad_clock()) return fail(clock_fix);
                return run_serve_group(*g, start);
            }
            auto cfg = load_or_report(config_path, false, true);
            if (!cfg) return 2;
            if (bad_clock()) return fail(clock_fix);
            return run_serve(*cfg, start);
        }
    } catch (const replay_error& e) {
        return fail(e.what());
    } catch (const whatif_error& e) {
        return fail(e.what());
    } catch (const report_error& e) {
        return fail(e.what());
    } catch (const storage::storage_error& e) {
        return fail(e.what());
    } catch (const std::exception& e) {
        return fail(std::string("unexpected error: ") + e.what());
    }
    return 0;
}

}  // namespace app
