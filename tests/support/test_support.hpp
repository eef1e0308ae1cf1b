// Helpers shared by the test executables: temporary directories, file reading, paths inside the
// repository (the tests read nothing outside it).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace test_support {

// A fresh directory under the system temp dir, removed when the object dies.
class temp_dir {
  public:
    temp_dir();
    ~temp_dir();
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// <repo>/<relative>, e.g. source_path("examples/company.yaml")
std::filesystem::path source_path(const std::string& relative);

// Runs a shell command, capturing stdout (stderr goes to stdout when merge_stderr); returns the exit code.
int run_command(const std::string& command, std::string& output, bool merge_stderr = false);

// A child process with its stdout and stderr sent to `log_file`, environment = ours + `env`.
class child_process {
  public:
    child_process(const std::vector<std::string>& argv,
                  const std::vector<std::pair<std::string, std::string>>& env,
                  const std::filesystem::path& log_file);
    ~child_process();  // SIGKILLs a child that is still running
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    void signal(int sig);
    // Waits up to `limit` for the exit; returns the exit status, or -1 on timeout, 128+N for signal N.
    int wait(std::chrono::milliseconds limit);
    bool running();
    int pid() const { return pid_; }

  private:
    int pid_ = -1;
    int status_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

}  // namespace test_support
