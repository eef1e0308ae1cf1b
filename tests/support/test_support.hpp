// Helpers shared by the test executables: temporary directories, file reading, the paths of the
// project and of ../shared.
#pragma once

#include <filesystem>
#include <string>

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

// <repo>/..., <repo>/../shared/...
std::filesystem::path source_path(const std::string& relative);
std::filesystem::path shared_path(const std::string& relative);

// Runs a shell command, capturing stdout (stderr goes to stdout when merge_stderr); returns the exit code.
int run_command(const std::string& command, std::string& output, bool merge_stderr = false);

}  // namespace test_support
