// vergegridctl's entry point: parses the command line, runs the chosen command and turns every
// failure into a message on `io.err` and an exit code (cli/exit_codes.hpp).
#pragma once

#include "cli/config.hpp"
#include "cli/context.hpp"

namespace vergegrid::cli {

int run(int argc, const char* const* argv, const Environment& env, Io io);

}  // namespace vergegrid::cli
