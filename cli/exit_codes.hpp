// The exit codes vergegridctl promises to scripts (listed in `vergegridctl --help` and
// cli/README.md), and the error that carries one from wherever a command fails up to main().
#pragma once

#include <stdexcept>
#include <string>

namespace vergegrid::cli {

enum class ExitCode : int {
    ok = 0,
    server_error = 1,  // the server answered with an error, or with something unusable
    usage = 2,         // bad flags or arguments, unreadable --file, bad configuration file
    unreachable = 3,   // cannot reach the server, or the exchange broke off
    not_found = 4,     // HTTP 404, or no entity with the name given
    conflict = 5,      // HTTP 409, or 412 for a stale --if-match
};

constexpr int to_int(ExitCode code) noexcept {
    return static_cast<int>(code);
}

class CliError : public std::runtime_error {
  public:
    CliError(ExitCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    ExitCode code() const noexcept { return code_; }

  private:
    ExitCode code_;
};

}  // namespace vergegrid::cli
