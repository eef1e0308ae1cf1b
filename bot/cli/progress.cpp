#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <ostream>

namespace app {

namespace {

constexpr auto redraw_every = std::chrono::milliseconds(200);

std::string seconds_zh(double s) {
    auto n = static_cast<long long>(s + 0.5);
    if (n < 60) return std::to_string(n) + " 秒";
    if (n < 3600) return std::to_string(n / 60) + " 分 " + std::to_string(n % 60) + " 秒";
    return std::to_string(n / 3600) + " 小时 " + std::to_string(n % 3600 / 60) + " 分";
}

}  // namespace

bool stderr_is_terminal() {
    return ::isatty(STDERR_FILENO) == 1;
}
bool stdout_is_terminal() {
    return ::isatty(STDOUT_FILENO) == 1;
}

progress_meter::progress_meter(std::ostream& out, bool enabled, std::size_t total, time_source now)
    : out_(out), enabled_(enabled), total_(total), now_(std::move(now)) {
    if (!now_) now_ = [] { return std::chrono::steady_clock::now(); };
    started_ = now_();
    last_draw_ = started_;
}

progress_meter::~progress_meter() {
    finish();
}

std::string progress_meter::line(std::size_t done, std::size_t total,
                                 std::chrono::steady_clock::duration elapsed) {
    std::string s = std::to_string(done) + "/" + std::to_string(total) + " 条消息";
    double secs = std::chrono::duration<double>(elapsed).count();
    if (secs > 0 && done > 0) {
        double rate = static_cast<double>(done) / secs;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", rate);
        s += "  " + std::string(buf) + " 条/秒";
        if (total > done) s += "  剩余约 " + seconds_zh(static_cast<double>(total - done) / rate);
    }
    return s;
}

void progress_meter::step(std::size_t n) {
    done_ += n;
    if (!enabled_ || finished_) return;
    auto t = now_();
    if (t - last_draw_ < redraw_every) return;
    last_draw_ = t;
    draw();
}

void progress_meter::draw() {
    // \r and "erase to end of line": the line is rewritten in place.
    out_ << "\r" << line(done_, total_, now_() - started_) << "\x1b[K" << std::flush;
    drawn_ = true;
}

void progress_meter::finish() {
    if (finished_) return;
    finished_ = true;
    if (enabled_ && drawn_) out_ << "\r\x1b[K" << std::flush;
}

}  // namespace app
