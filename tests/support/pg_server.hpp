// A real PostgreSQL 15 server for the tests: initdb into a temporary directory, the postmaster as a
// child process on a free loopback port (as the `postgres` user when the tests run as root, since
// PostgreSQL refuses to run as root), trust authentication for postgres, fsync off unless asked.
// Without postgresql-15 installed the constructor throws saying what to install: a test using it
// fails, it never skips.
//
// The postmaster dies with the thread that started it (PR_SET_PDEATHSIG), so a crashed or killed
// test leaves no server behind: start servers from the test's main thread.
#pragma once

#include <filesystem>
#include <string>

namespace test_support {

class pg_server {
  public:
    struct options {
        bool fsync = false;           // on: a test of durability; off (the default): fast
        bool die_with_parent = true;  // off: the ctest fixture's server, outliving its starter
    };
    pg_server();
    explicit pg_server(options o);
    // A server someone else started (the ctest fixture's) on `port`: databases are made on it;
    // stop() and start() are refused.
    struct attach_t {};
    pg_server(attach_t, unsigned short port);
    ~pg_server();  // stops the server, removes its directory
    pg_server(const pg_server&) = delete;
    pg_server& operator=(const pg_server&) = delete;

    // One server per test process, started on first use, stopped at exit — or, when the test runs
    // under ctest's `postgresql` fixture (BOT_TEST_PG_DIR names its directory), that server.
    static pg_server& shared();
    // Leaves the server running and its directory in place when this object dies (the fixture).
    void detach() { detached_ = true; }
    const std::filesystem::path& dir() const { return dir_; }

    // A fresh empty database named after `name_hint` (made unique); its URL.
    std::string create_database(const std::string& name_hint);
    // postgresql://postgres@127.0.0.1:PORT/<db>
    std::string url_for(const std::string& db) const;

    // Fast shutdown (the clients' connections are cut), then start again on the same data directory
    // and port: "the database is down for a while".
    void stop();
    void start();
    bool running() const { return pid_ > 0; }

    unsigned short port() const { return port_; }
    const std::filesystem::path& data_dir() const { return data_; }

    // Runs `sql` as the superuser postgres on database `db`; throws std::runtime_error on failure.
    void admin(const std::string& sql, const std::string& db = "postgres");
    // Puts `line` first in pg_hba.conf (say "host all app 127.0.0.1/32 scram-sha-256") and, when
    // the server runs, reloads its configuration.
    void prepend_hba(const std::string& line);
    // What the server logged so far.
    std::string log() const;

  private:
    void run_initdb();
    void spawn();
    void wait_ready();

    options options_;
    std::filesystem::path dir_;   // the temporary directory: data/, the socket, the logs
    std::filesystem::path data_;  // dir_/data
    unsigned short port_ = 0;
    int pid_ = -1;
    int database_counter_ = 0;
    bool attached_ = false;
    bool detached_ = false;
};

}  // namespace test_support
