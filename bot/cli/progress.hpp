// Progress of a long `replay` or `whatif` on a terminal: "1234/5000 条消息  410 条/秒  剩余约 9 秒",
// rewritten in place at most 5 times a second and erased at the end. Printed only when enabled
// (stderr is a terminal), so a redirected or piped run, and every test, sees nothing of it.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <string>

namespace app {

// True when standard error (standard output) is a terminal (isatty).
bool stderr_is_terminal();
bool stdout_is_terminal();

class progress_meter {
  public:
    using time_source = std::function<std::chrono::steady_clock::time_point()>;

    // `total` is the number of steps (messages); `now` is injectable for tests.
    progress_meter(std::ostream& out, bool enabled, std::size_t total, time_source now = {});
    ~progress_meter();
    progress_meter(const progress_meter&) = delete;
    progress_meter& operator=(const progress_meter&) = delete;

    // One more step done; redraws the line when 200 ms have passed since the last one.
    void step(std::size_t n = 1);
    // Erases the line (once; also done by the destructor).
    void finish();

    // The line for `done` of `total` after `elapsed` (no terminal codes).
    static std::string line(std::size_t done, std::size_t total, std::chrono::steady_clock::duration elapsed);

  private:
    void draw();

    std::ostream& out_;
    bool enabled_;
    std::size_t total_;
    std::size_t done_ = 0;
    time_source now_;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_draw_{};
    bool drawn_ = false;
    bool finished_ = false;
};

}  // namespace app
