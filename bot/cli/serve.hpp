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

namespace storage {
class database;
}
namespace app::dashboard {
class dashboard;
}

namespace app {

class service;

// Runs until SIGINT/SIGTERM. Returns the process exit status.
// `clock_from`: the clock starts at that moment instead of now (tests and drills).
int run_serve(const rules::config& cfg, std::optional<core::instant> clock_from = std::nullopt);
// A group of companies (bot/cli/serve_group.cpp): one service per company behind one port and one
// connection per platform.
// A company's dashboard on its service: HR's 已缴 / 免罚 run the chat command through `svc`'s engine,
// 现在 reads its live state.
void wire_dashboard(dashboard::dashboard& board, const rules::config& cfg, storage::database& db,
                    const core::clock& clock, service& svc);
// The wall clock, or (`clock_from`) one running from that moment, said in the log.
std::unique_ptr<core::clock> serve_clock(std::optional<core::instant> clock_from);
int run_serve_group(const rules::group_config& g, std::optional<core::instant> clock_from = std::nullopt);

}  // namespace app
