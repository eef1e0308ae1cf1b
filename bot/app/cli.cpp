#include "app/cli.hpp"

#include <iostream>

namespace app {

int run_cli(int argc, char** argv) {
    (void)argv;
    if (argc < 2) {
        std::cerr << "usage: complaint-bot serve|replay|report|check-config ...\n";
        return 2;
    }
    return 0;
}

}  // namespace app
