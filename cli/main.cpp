// vergegridctl: the command-line client of the VergeGrid control plane's REST API.
#include <unistd.h>

#include <iostream>

#include "cli/app.hpp"

int main(int argc, char** argv) {
    namespace cli = vergegrid::cli;
    return cli::run(argc, argv, cli::process_environment(),
                    cli::Io{std::cin, std::cout, std::cerr, isatty(STDERR_FILENO) == 1,
                            isatty(STDOUT_FILENO) == 1});
}
