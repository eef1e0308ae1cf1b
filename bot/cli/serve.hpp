// `complaint-bot serve`: the composition of the live bot — one io_context thread running the HTTP
// server, the scheduler and the outbox sender; SIGINT/SIGTERM stop it gracefully (requests in
// flight finish and are answered; nothing is half-written because every step is one transaction,
// and inbound callbacks are group-committed: answered only after their batch's COMMIT).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "adapters/adapter.hpp"
#include "rules/config.hpp"

namespace app {

// Reads a secret from the environment; empty when unset.
using env_reader = std::function<std::string(const std::string& name)>;
std::string read_env(const std::string& name);

// Builds the adapter of one configured platform, with its secrets from the environment. Throws
// std::runtime_error naming the missing variable (never its value) when a secret is absent. With
// `posts` false (no chat is bound to the platform) the outbound webhook is optional.
std::unique_ptr<adapters::adapter> build_adapter(const rules::platform_settings& p, const env_reader& env,
                                                 bool posts = true);

// Runs until SIGINT/SIGTERM. Returns the process exit status.
int run_serve(const rules::config& cfg);

}  // namespace app
