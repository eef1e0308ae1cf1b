#include "cli/migrate.hpp"

#include <filesystem>

#include "storage/copy.hpp"
#include "storage/database.hpp"

namespace app {

namespace {

// postgresql://user:secret@host/db or …?password=…: a password on the command line is in the shell's
// history and in every `ps` of the machine.
bool holds_password(const std::string& location) {
    if (!storage::database::is_postgresql(location)) return false;
    const auto start = location.find("://") + 3;
    const auto at = location.find('@', start);
    const auto colon = location.find(':', start);
    return (at != std::string::npos && colon < at) || location.find("password=") != std::string::npos;
}

}  // namespace

int run_migrate(const std::string& from, const std::string& to, std::ostream& out) {
    using storage::database;
    if (from == to)
        throw storage::error("--from and --to name the same database: migrate copies into another one",
                             storage::error_kind::other);
    for (const auto* url : {&from, &to})
        if (holds_password(*url))
            throw storage::error(
                std::string(url == &from ? "--from" : "--to") +
                    " holds a password: remove it from the URL and export PGPASSWORD (or put it in "
                    "~/.pgpass); a password on the command line is seen by every `ps`",
                storage::error_kind::other);
    if (!database::is_postgresql(from) && !std::filesystem::exists(from))
        throw storage::error("database '" + from + "' does not exist: pass the file `serve` wrote",
                             storage::error_kind::io);
    if (!database::is_postgresql(to) && std::filesystem::exists(to))
        throw storage::error(
            "'" + to + "' exists: migrate writes a new file; move it away or pick another name",
            storage::error_kind::other);
    // Opening the source as the bot does upgrades an older file to this version's schema first.
    database source(from);
    database target(to);
    auto r = storage::copy_database(source, target);
    out << "migrate: " << r.total() << " rows copied from " << source.path() << " to " << target.path()
        << " (" << r.rows["complaints"] << " complaints, " << r.rows["events"] << " events, "
        << r.rows["fines"] << " fines, " << r.rows["inbound"] << " messages, " << r.rows["outbox"]
        << " posts)\n";
    auto a = target.verify_audit();
    if (!a.ok) {
        for (const auto& p : a.problems) out << "audit of the copy: " << p << "\n";
        return 1;
    }
    out << "audit of the copy: " << a.events << " events, " << a.fines
        << " fines: the chain is intact and every fine matches the event that issued it\n";
    return 0;
}

}  // namespace app
