// complaint-bot: composition root only. See bot/cli/cli.hpp.
#include "cli/cli.hpp"

int main(int argc, char** argv) {
    return app::run_cli(argc, argv);
}
