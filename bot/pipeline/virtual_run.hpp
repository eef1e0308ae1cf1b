// The engine on a virtual clock, as `replay` and `whatif` drive it: deadlines fire in time order
// between the messages, a deadline at exactly a message's time fires after it (acting at the
// deadline is on time), and after every step the caller drains the outbox its own way.
#pragma once

#include <functional>
#include <optional>

#include "core/clock.hpp"
#include "pipeline/engine.hpp"

namespace app {

class virtual_run {
  public:
    // `after_step` runs after each message and each fired deadline (replay prints the posts).
    virtual_run(const rules::config& cfg, storage::database& db, core::instant start,
                std::function<void()> after_step = {});

    // Fires every deadline before `to` (at or before it when `inclusive`), then sets the clock to `to`.
    void advance(core::instant to, bool inclusive);
    // Advances to the message's time (deadlines before it fire first) and handles it.
    handled feed(const core::inbound_message& msg);

    core::manual_clock& clock() { return clock_; }
    engine& eng() { return *engine_; }

  private:
    core::manual_clock clock_;
    std::optional<engine> engine_;
    std::function<void()> after_step_;
};

}  // namespace app
