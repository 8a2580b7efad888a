// SIGINT and SIGTERM as something to wait on, for a command that runs until the operator stops it
// (watch operations): while a StopSignals lives they are blocked and queued on a signalfd, which
// the command polls next to its other sources, so it ends cleanly instead of being killed.
#pragma once

#include <signal.h>

#include <optional>
#include <string>

namespace vergegrid::cli {

class StopSignals {
  public:
    // Blocks the signals in the calling thread; threads started afterwards inherit that, so make
    // this before starting any.
    StopSignals();
    ~StopSignals();  // the signal mask as it was; a signal still queued is delivered then
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    int fd() const { return fd_; }
    // "SIGINT" or "SIGTERM" when one arrived, without waiting.
    std::optional<std::string> received();

  private:
    sigset_t previous_{};
    int fd_ = -1;
};

}  // namespace vergegrid::cli
