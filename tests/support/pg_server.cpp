#include "support/pg_server.hpp"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/test_support.hpp"

namespace test_support {

namespace {

const std::filesystem::path bin_dir = "/usr/lib/postgresql/15/bin";

struct identity {
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

// PostgreSQL refuses to run as root: as root, initdb and the server run as `postgres`.
identity server_identity() {
    if (::geteuid() != 0) return {};
    const passwd* pw = ::getpwnam("postgres");
    if (!pw)
        throw std::runtime_error(
            "pg_server: the tests run as root, PostgreSQL refuses to, and there is no `postgres` user to run "
            "it as: install postgresql-15: apt-get install postgresql-15 (it creates the user)");
    return {true, pw->pw_uid, pw->pw_gid};
}

// Starts argv with stdin from /dev/null and stdout, stderr appended to `log`, in `cwd`, as `who`;
// with `die_with_parent` it gets SIGQUIT (immediate shutdown) when the calling thread ends.
int spawn_as(const identity& who, const std::vector<std::string>& argv, const std::filesystem::path& log,
             const std::filesystem::path& cwd, bool die_with_parent) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::string log_s = log.string(), cwd_s = cwd.string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("pg_server: fork: ") + std::strerror(errno));
    if (pid == 0) {  // only async-signal-safe calls from here to exec
        const int out = ::open(log_s.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (out < 0 || in < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(out, 2) < 0) ::_exit(126);
        ::close_range(3, ~0U, 0);
        if (who.switch_user) {
            const gid_t g = who.gid;
            if (::setgroups(1, &g) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0) ::_exit(126);
        }
        // After setuid: changing credentials clears the parent-death signal.
        if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) ::_exit(1);
        if (::chdir(cwd_s.c_str()) != 0) ::_exit(126);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

// Waits for `pid` up to `limit`; its wait status, or -1 when it is still running.
int wait_for(int pid, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        int status = 0;
        const int r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return 0;  // not our child any more: nothing to wait for
        if (std::chrono::steady_clock::now() > deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string tail(const std::string& text, std::size_t n = 2000) {
    return text.size() <= n ? text : "…" + text.substr(text.size() - n);
}

std::string read_or_empty(const std::filesystem::path& p) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return {};
    try {
        return read_file(p);
    } catch (const std::exception&) {
        return {};
    }
}

bool have_locale(const char* name) {
    locale_t l = ::newlocale(LC_ALL_MASK, name, static_cast<locale_t>(nullptr));
    if (!l) return false;
    ::freelocale(l);
    return true;
}

struct conn_deleter {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
};
struct result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};

// The directories of test processes that were killed (their servers died with them).
void remove_stale_directories() {
    std::error_code ec;
    const std::string prefix = "complaint-bot-pg-";
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::temp_directory_path(), ec)) {
        const auto name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const long pid = std::atol(name.c_str() + prefix.size());
        if (pid <= 0 || ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
        // A server that outlived its starter on purpose (the ctest fixture's) is still in use.
        const auto postmaster = read_or_empty(entry.path() / "data" / "postmaster.pid");
        const long server = std::atol(postmaster.c_str());
        if (server > 0 && ::kill(static_cast<pid_t>(server), 0) == 0) continue;
        std::filesystem::remove_all(entry.path(), ec);
    }
}

}  // namespace

pg_server::pg_server() : pg_server(options{}) {}

pg_server::pg_server(options o) : options_(o) {
    for (const char* tool : {"initdb", "postgres"})
        if (::access((bin_dir / tool).c_str(), X_OK) != 0)
            throw std::runtime_error(
                "pg_server: PostgreSQL 15 is not installed (no " + (bin_dir / tool).string() +
                "): install postgresql-15: apt-get install postgresql-15 (bash scripts/run "
                "setup installs it)");
    const auto who = server_identity();
    remove_stale_directories();
    std::string pattern = (std::filesystem::temp_directory_path() /
                           ("complaint-bot-pg-" + std::to_string(::getpid()) + "-XXXXXX"))
                              .string();
    if (!::mkdtemp(pattern.data()))
        throw std::runtime_error("pg_server: cannot make a temporary directory: " +
                                 std::string(std::strerror(errno)));
    dir_ = pattern;
    data_ = dir_ / "data";
    try {
        if (who.switch_user && ::chown(dir_.c_str(), who.uid, who.gid) != 0)
            throw std::runtime_error("pg_server: chown " + dir_.string() + ": " + std::strerror(errno));
        ::chmod(dir_.c_str(), 0700);
        run_initdb();
        // A port free a moment ago may be taken by the time the server binds it: try a few.
        for (int attempt = 0;; ++attempt) {
            port_ = free_port();
            try {
                start();
                break;
            } catch (const std::runtime_error&) {
                if (attempt >= 4 || log().find("could not bind") == std::string::npos) throw;
            }
        }
    } catch (...) {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
        throw;
    }
}

pg_server::pg_server(attach_t, unsigned short port) : port_(port), attached_(true) {}

pg_server::~pg_server() {
    if (attached_ || detached_) return;
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
}

pg_server& pg_server::shared() {
    if (const char* dir = std::getenv("BOT_TEST_PG_DIR"); dir && *dir) {
        static pg_server attached(attach_t{}, [&] {
            const auto port = read_or_empty(std::filesystem::path(dir) / "port");
            if (port.empty())
                throw std::runtime_error(std::string("pg_server: no test PostgreSQL in ") + dir +
                                         " (its ctest fixture StartTestPostgreSQL did not run or failed)");
            return static_cast<unsigned short>(std::stoi(port));
        }());
        return attached;
    }
    static pg_server server;
    return server;
}

void pg_server::run_initdb() {
    const auto who = server_identity();
    const auto log_file = dir_ / "initdb.log";
    const std::string locale = have_locale("C.UTF-8") ? "C.UTF-8" : "C";
    const int pid =
        spawn_as(who,
                 {(bin_dir / "initdb").string(), "-D", data_.string(), "-A", "trust", "-U", "postgres",
                  "--encoding=UTF8", "--locale=" + locale, "--no-sync", "--no-instructions"},
                 log_file, dir_, false);
    const int status = wait_for(pid, std::chrono::minutes(2));
    if (status != 0) {
        if (status < 0) {
            ::kill(pid, SIGKILL);
            wait_for(pid, std::chrono::seconds(5));
        }
        throw std::runtime_error("pg_server: initdb failed (wait status " + std::to_string(status) +
                                 "): " + tail(read_or_empty(log_file)));
    }
}

void pg_server::spawn() {
    const std::string fsync = options_.fsync ? "on" : "off";
    pid_ = spawn_as(server_identity(),
                    {(bin_dir / "postgres").string(), "-D", data_.string(), "-p", std::to_string(port_), "-c",
                     "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir_.string(), "-c",
                     "max_connections=200", "-c", "fsync=" + fsync, "-c", "full_page_writes=" + fsync, "-c",
                     "synchronous_commit=" + fsync, "-c", "shared_buffers=32MB"},
                    dir_ / "server.log", dir_, options_.die_with_parent);
}

void pg_server::wait_ready() {
    const std::string conninfo =
        "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres connect_timeout=5";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("pg_server: postgres exited while starting (wait status " +
                                     std::to_string(status) + "): " + tail(log()));
        }
        if (PQping(conninfo.c_str()) == PQPING_OK) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    throw std::runtime_error("pg_server: postgres did not accept connections within 60 s: " + tail(log()));
}

void pg_server::start() {
    if (attached_) throw std::runtime_error("pg_server: the fixture's server is not this test's to start");
    if (running()) return;
    spawn();
    wait_ready();
}

void pg_server::stop() {
    if (attached_) throw std::runtime_error("pg_server: the fixture's server is not this test's to stop");
    if (pid_ <= 0) return;
    ::kill(pid_, SIGINT);  // fast shutdown: roll back what is open, cut the clients
    if (wait_for(pid_, std::chrono::seconds(30)) < 0) {
        ::kill(pid_, SIGQUIT);
        if (wait_for(pid_, std::chrono::seconds(10)) < 0) {
            ::kill(pid_, SIGKILL);
            wait_for(pid_, std::chrono::seconds(10));
        }
    }
    pid_ = -1;
}

std::string pg_server::url_for(const std::string& db) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string pg_server::create_database(const std::string& name_hint) {
    std::string name = "t_";
    for (char c : name_hint.substr(0, 40)) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        name += (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_';
    }
    // Unique across the test processes sharing the fixture's server.
    name += "_" + std::to_string(::getpid()) + "_" + std::to_string(++database_counter_);
    admin("CREATE DATABASE \"" + name + "\"");
    return url_for(name);
}

void pg_server::admin(const std::string& sql, const std::string& db) {
    const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname='" +
                                 db + "' connect_timeout=10 application_name=pg_server";
    std::unique_ptr<PGconn, conn_deleter> c(PQconnectdb(conninfo.c_str()));
    if (!c || PQstatus(c.get()) != CONNECTION_OK)
        throw std::runtime_error("pg_server: cannot connect as postgres to " + db + ": " +
                                 (c ? PQerrorMessage(c.get()) : "out of memory"));
    std::unique_ptr<PGresult, result_deleter> r(PQexec(c.get(), sql.c_str()));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        throw std::runtime_error("pg_server: " + sql + ": " + PQerrorMessage(c.get()));
}

void pg_server::prepend_hba(const std::string& line) {
    const auto hba = data_ / "pg_hba.conf";
    write_file(hba, line + "\n" + read_file(hba));  // rewritten in place: its owner stays postgres
    if (running()) {
        admin("SELECT pg_reload_conf()");
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the postmaster reads it on SIGHUP
    }
}

std::string pg_server::log() const {
    return read_or_empty(dir_ / "server.log");
}

}  // namespace test_support
