// The command line (SPEC "Command-line contract"): serve, replay, report, whatif, audit, backup,
// check-config.
#pragma once

namespace app {

// Parses argv and runs the chosen command. Exit 0 on success, 2 with a one-line reason on bad
// usage, bad config or bad script.
int run_cli(int argc, char** argv);

}  // namespace app
