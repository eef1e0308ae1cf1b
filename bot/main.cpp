// complaint-bot: composition root only. See bot/app/cli.hpp.
#include "app/cli.hpp"

int main(int argc, char** argv) {
    return app::run_cli(argc, argv);
}
