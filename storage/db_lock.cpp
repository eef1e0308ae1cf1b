#include "storage/db_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "storage/database.hpp"

namespace storage {

namespace {

std::string read_all(int fd) {
    std::string out;
    char buf[256];
    if (::lseek(fd, 0, SEEK_SET) < 0) return out;
    while (true) {
        auto n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
        if (out.size() > 4096) break;
    }
    return out;
}

}  // namespace

db_lock::db_lock(const std::string& db_path, const std::string& holder) {
    if (db_path.empty() || db_path == ":memory:") return;
    const auto path = lock_path(db_path);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    const bool writable = fd_ >= 0;
    // A read-only filesystem (or a lock file we may not write): flock needs no write access.
    if (fd_ < 0 && (errno == EROFS || errno == EACCES)) fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    // Nobody can write a database on a read-only filesystem, so there is nothing to guard: the
    // database itself then says "read-only" and how to fix it.
    if (fd_ < 0 && errno == EROFS) return;
    if (fd_ < 0)
        throw storage_error("cannot create the lock file '" + path + "': " + std::strerror(errno) +
                            " (check that the database's directory exists and is writable)");
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) {
        if (!writable) return;
        std::string who = std::to_string(::getpid()) + " " + holder + "\n";
        if (::ftruncate(fd_, 0) == 0 && ::lseek(fd_, 0, SEEK_SET) == 0) {
            auto n = ::write(fd_, who.data(), who.size());
            (void)n;  // the PID is a courtesy for the message; the lock is what counts
        }
        return;
    }
    int err = errno;
    // Held by another process: name it. Its PID may not be written yet in the first instant.
    std::string content;
    for (int i = 0; i < 20 && content.empty(); ++i) {
        content = read_all(fd_);
        if (content.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::close(fd_);
    fd_ = -1;
    if (err != EWOULDBLOCK) throw storage_error("cannot lock '" + path + "': " + std::strerror(err));
    std::string pid = "unknown", what = "serve";
    if (auto space = content.find(' '); space != std::string::npos) {
        pid = content.substr(0, space);
        what = content.substr(space + 1);
        while (!what.empty() && (what.back() == '\n' || what.back() == '\r')) what.pop_back();
    }
    throw storage_error("database " + db_path + " is in use by complaint-bot " + what + " (PID " + pid +
                        "): one process writes a database at a time — stop that one first, or read it "
                        "with report, audit verify or backup, which work while it runs");
}

db_lock::~db_lock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
}

}  // namespace storage
