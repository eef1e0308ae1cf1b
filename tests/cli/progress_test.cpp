// The terminal progress line of replay and whatif: nothing at all without a terminal, and on one
// a line rewritten at most every 200 ms and erased at the end.
#include <gtest/gtest.h>

#include <sstream>

#include "cli/progress.hpp"
#include "support/test_support.hpp"

using test_support::run_command;

TEST(Progress, PrintsNothingWhenNotEnabled) {
    std::ostringstream out;
    {
        app::progress_meter p(out, false, 1000);
        for (int i = 0; i < 1000; ++i) p.step();
        p.finish();
    }
    EXPECT_TRUE(out.str().empty());
}

TEST(Progress, OnATerminalRedrawsAtMostEveryFifthOfASecondAndErasesTheLine) {
    std::ostringstream out;
    auto t = std::chrono::steady_clock::time_point{};
    {
        app::progress_meter p(out, true, 100, [&] { return t; });
        p.step(10);  // no time has passed: nothing drawn
        EXPECT_TRUE(out.str().empty());
        t += std::chrono::milliseconds(250);
        p.step(10);
        EXPECT_EQ(out.str(), "\r20/100 条消息  80 条/秒  剩余约 1 秒\x1b[K");
        t += std::chrono::milliseconds(100);
        p.step(10);  // within 200 ms of the last draw
        EXPECT_EQ(out.str().find("30/100"), std::string::npos);
    }
    EXPECT_EQ(out.str().substr(out.str().size() - 4), "\r\x1b[K");
}

TEST(Progress, LineShowsDoneTotalRateAndTimeLeft) {
    EXPECT_EQ(app::progress_meter::line(0, 50, std::chrono::seconds(0)), "0/50 条消息");
    EXPECT_EQ(app::progress_meter::line(100, 10100, std::chrono::seconds(1)),
              "100/10100 条消息  100 条/秒  剩余约 1 分 40 秒");
}

TEST(Progress, ReplayWithStderrRedirectedPrintsNoProgress) {
    test_support::temp_dir dir;
    std::string out;
    ASSERT_EQ(run_command(std::string(BOT_BINARY) + " replay --config " +
                              test_support::source_path("config.example.yaml").string() + " --script " +
                              test_support::source_path("examples/management-week.jsonl").string() + " 2>" +
                              (dir / "err.txt").string(),
                          out),
              0);
    EXPECT_TRUE(test_support::read_file(dir / "err.txt").empty());
}
