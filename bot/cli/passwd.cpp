#include "cli/passwd.hpp"

#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <istream>
#include <ostream>

#include "cli/database_open.hpp"
#include "core/clock.hpp"
#include "dashboard/password.hpp"
#include "storage/database.hpp"

namespace app {

namespace {

// Turns the terminal's echo off while the password is typed (nothing when stdin is no terminal).
class no_echo {
  public:
    explicit no_echo(bool on) {
        if (!on || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_) != 0) return;
        termios quiet = saved_;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
    ~no_echo() {
        if (active_) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
    no_echo(const no_echo&) = delete;
    no_echo& operator=(const no_echo&) = delete;
    bool active() const { return active_; }

  private:
    termios saved_{};
    bool active_ = false;
};

std::size_t utf8_chars(const std::string& s) {
    std::size_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

}  // namespace

int run_passwd(const rules::config& cfg, const std::string& person_id, bool disable, std::istream& in,
               std::ostream& out, std::ostream& err) {
    const auto* person = cfg.org.find_person(person_id);
    if (!person) {
        err << "complaint-bot: '" << person_id << "' is not a person of the organization in "
            << cfg.source_file
            << ": only its people get a dashboard account; use the id under organization.people (like "
            << (cfg.org.people.empty() ? std::string("zhangsan") : cfg.org.people.front().id)
            << "), or add the person there first\n";
        return 2;
    }
    core::system_clock clock;
    if (disable) {
        if (database_missing(cfg.database)) {
            out << "no dashboard account for " << person->name << " (" << person->id
                << "): nothing to remove\n";
            return 0;
        }
        auto db_ptr = open_database(cfg);
        auto& db = *db_ptr;
        auto tx = db.begin();
        bool removed = db.remove_account(person->id);
        tx->commit();
        if (removed)
            out << "dashboard account of " << person->name << " (" << person->id
                << ") removed; their sessions ended\n";
        else
            out << "no dashboard account for " << person->name << " (" << person->id
                << "): nothing to remove\n";
        return 0;
    }
    std::string password;
    {
        bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
        no_echo quiet(terminal);
        if (terminal)
            err << "dashboard password for " << person->name << " (" << person->id << "): " << std::flush;
        std::getline(in, password);
        if (quiet.active()) err << "\n";
    }
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (utf8_chars(password) < min_password_chars) {
        err << "complaint-bot: the password must have at least " << min_password_chars
            << " characters (given on standard input, one line); nothing changed\n";
        return 2;
    }
    auto hash = dashboard::hash_password(password);
    auto db_ptr = open_database(cfg);
    auto& db = *db_ptr;
    bool had = db.account(person->id).has_value();
    auto tx = db.begin();
    db.set_account(person->id, hash, clock.now());
    tx->commit();
    out << "dashboard password of " << person->name << " (" << person->id << ") " << (had ? "changed" : "set")
        << (had ? "; their sessions ended" : "") << "\n";
    return 0;
}

}  // namespace app
