// The injected clock. Everything that asks "what time is it" asks a clock, so tests and `replay`
// run the same code on virtual time (STYLE.md guideline 10).
#pragma once

#include "core/time.hpp"

namespace core {

// Thread-safety: implementations are called from the loop thread only.
class clock {
  public:
    virtual ~clock() = default;
    virtual instant now() const = 0;
};

// Wall-clock time for `serve`.
class system_clock final : public clock {
  public:
    instant now() const override {
        return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
    }
};

// Wall-clock time moved to another moment: `serve --clock-from` (tests that send a platform's
// published examples with their old timestamps, drills on a past day). It advances in real time.
class shifted_clock final : public clock {
  public:
    explicit shifted_clock(instant start) : offset_(start - system_clock{}.now()) {}
    instant now() const override { return system_clock{}.now() + offset_; }

  private:
    duration offset_;
};

// Virtual time for `replay` and tests: only moves when told to, never backwards.
class manual_clock final : public clock {
  public:
    explicit manual_clock(instant start = instant{}) : now_(start) {}
    instant now() const override { return now_; }
    void set(instant t) {
        if (t > now_) now_ = t;
    }
    void advance(duration d) { now_ += d; }

  private:
    instant now_;
};

}  // namespace core
