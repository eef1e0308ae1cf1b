// `complaint-bot serve`: the composition of the live bot — one io_context thread running the HTTP
// server, the scheduler and the outbox sender; SIGINT/SIGTERM stop it gracefully (requests in
// flight finish and are answered; nothing is half-written because every step is one transaction,
// and inbound callbacks are group-committed: answered only after their batch's COMMIT).
#pragma once

#include <memory>
#include <optional>
#include "cli/platforms.hpp"

#include "core/clock.hpp"
#include "rules/config.hpp"
#include "rules/group.hpp"

namespace app {

// Runs until SIGINT/SIGTERM. Returns the process exit status.
// `clock_from`: the clock starts at that moment instead of now (tests and drills).
int run_serve(const rules::config& cfg, std::optional<core::instant> clock_from = std::nullopt);
// A group of companies (bot/cli/serve_group.cpp): one service per company behind one port and one
// connection per platform.
// The wall clock, or (`clock_from`) one running from that moment, said in the log.
std::unique_ptr<core::clock> serve_clock(std::optional<core::instant> clock_from);
int run_serve_group(const rules::group_config& g, std::optional<core::instant> clock_from = std::nullopt);

}  // namespace app
