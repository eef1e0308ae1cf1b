// The ctest fixture of the `postgresql` label: one real PostgreSQL 15 for every test process of
// the suites that run on both backends (support/test_database.hpp), instead of one initdb per test.
//   test_pg_fixture start DIR   starts it, writes its port to DIR/port and its directory to DIR/server
//   test_pg_fixture stop DIR    stops it (fast shutdown) and removes its directory
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "support/pg_server.hpp"
#include "support/test_support.hpp"

namespace {

std::string read_or_empty(const std::filesystem::path& p) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return {};
    return test_support::read_file(p);
}

bool alive(long pid) {
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0;
}

int stop(const std::filesystem::path& dir) {
    const std::filesystem::path server = read_or_empty(dir / "server");
    std::error_code ec;
    std::filesystem::remove(dir / "port", ec);
    std::filesystem::remove(dir / "server", ec);
    if (server.empty()) return 0;
    const long pid = std::atol(read_or_empty(server / "data" / "postmaster.pid").c_str());
    if (alive(pid)) {
        ::kill(static_cast<pid_t>(pid), SIGINT);
        for (int i = 0; i < 300 && alive(pid); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (alive(pid)) ::kill(static_cast<pid_t>(pid), SIGKILL);
    }
    std::filesystem::remove_all(server, ec);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 || (std::string(argv[1]) != "start" && std::string(argv[1]) != "stop")) {
        std::cerr << "usage: test_pg_fixture start|stop DIR\n";
        return 2;
    }
    const std::filesystem::path dir = argv[2];
    stop(dir);  // a server a killed run left behind
    if (std::string(argv[1]) == "stop") return 0;
    try {
        std::filesystem::create_directories(dir);
        test_support::pg_server::options o;
        o.die_with_parent = false;
        test_support::pg_server server(o);
        test_support::write_file(dir / "server", server.dir().string());
        test_support::write_file(dir / "port", std::to_string(server.port()));
        server.detach();
        std::cout << "test PostgreSQL on 127.0.0.1:" << server.port() << " (" << server.dir().string()
                  << ")\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
}
