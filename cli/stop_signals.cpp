#include "cli/stop_signals.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vergegrid::cli {

namespace {

sigset_t stop_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

}  // namespace

StopSignals::StopSignals() {
    const sigset_t set = stop_set();
    if (const int error = pthread_sigmask(SIG_BLOCK, &set, &previous_); error != 0) {
        throw std::runtime_error(std::string("cannot block SIGINT and SIGTERM: ") +
                                 std::strerror(error));
    }
    fd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd_ < 0) {
        const int error = errno;
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
        throw std::runtime_error(std::string("cannot watch for SIGINT and SIGTERM: ") +
                                 std::strerror(error));
    }
}

StopSignals::~StopSignals() {
    close(fd_);
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

std::optional<std::string> StopSignals::received() {
    signalfd_siginfo info{};
    if (read(fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) {
        return std::nullopt;
    }
    return info.ssi_signo == SIGINT ? "SIGINT" : "SIGTERM";
}

}  // namespace vergegrid::cli
