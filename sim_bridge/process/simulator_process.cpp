#include "sim_bridge/process/simulator_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "sim_bridge/state/atomic_file.hpp"

namespace vergegrid::bridge {

namespace {

std::string describe_status(int status) {
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        return "killed by signal " + std::to_string(WTERMSIG(status));
    }
    return "ended";
}

}  // namespace

SimulatorProcess::SimulatorProcess(ProcessSpec spec) : spec_(std::move(spec)) {}

SimulatorProcess::~SimulatorProcess() {
    if (stdin_fd_ >= 0) {
        ::close(stdin_fd_);
    }
}

pid_t SimulatorProcess::pid() const {
    std::lock_guard lock(mutex_);
    return pid_;
}

std::string SimulatorProcess::last_exit() const {
    std::lock_guard lock(mutex_);
    return last_exit_;
}

void SimulatorProcess::start() {
    std::lock_guard lock(mutex_);
    if (spec_.command.empty()) {
        throw std::runtime_error(
            "no simulator.command is configured: the bridge cannot start "
            "the simulator");
    }
    int in[2];
    if (::pipe2(in, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    const int log = ::open(spec_.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0) {
        ::close(in[0]);
        ::close(in[1]);
        throw std::runtime_error("cannot open " + spec_.log_file.string() + ": " +
                                 std::strerror(errno));
    }
    const std::string shell_command = "exec " + spec_.command;
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(in[0]);
        ::close(in[1]);
        ::close(log);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::setsid();  // the operator's Ctrl-C on the bridge must not reach the simulator
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(log, STDOUT_FILENO);
        ::dup2(log, STDERR_FILENO);
        if (!spec_.working_dir.empty() && ::chdir(spec_.working_dir.c_str()) != 0) {
            ::_exit(126);
        }
        for (const auto& [name, value] : spec_.environment) {
            ::setenv(name.c_str(), value.c_str(), 1);
        }
        ::signal(SIGPIPE, SIG_DFL);
        ::execl("/bin/sh", "sh", "-c", shell_command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(log);
    if (stdin_fd_ >= 0) {
        ::close(stdin_fd_);
    }
    stdin_fd_ = in[1];
    pid_ = pid;
    is_child_ = true;
    last_exit_.clear();
    write_file_atomically(spec_.pid_file, std::to_string(pid) + "\n");
}

bool SimulatorProcess::adopt() {
    std::lock_guard lock(mutex_);
    pid_t pid = -1;
    try {
        pid = static_cast<pid_t>(std::stol(read_file(spec_.pid_file)));
    } catch (const std::exception&) {
        return false;
    }
    if (pid <= 1 || ::kill(pid, 0) != 0) {
        return false;
    }
    // The pid may have been reused: only a process whose command line we started counts.
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    for (auto& c : args) {
        c = c == '\0' ? ' ' : c;
    }
    const auto first_word = spec_.command.substr(0, spec_.command.find(' '));
    if (args.find(first_word) == std::string::npos) {
        return false;
    }
    if (!spec_.working_dir.empty()) {
        std::error_code error;
        const auto cwd =
            std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/cwd", error);
        if (error || std::filesystem::weakly_canonical(spec_.working_dir, error) != cwd) {
            return false;
        }
    }
    pid_ = pid;
    is_child_ = false;
    return true;
}

bool SimulatorProcess::running() {
    std::lock_guard lock(mutex_);
    if (pid_ <= 0) {
        return false;
    }
    if (is_child_) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            last_exit_ = describe_status(status);
            forget();
            return false;
        }
        return true;
    }
    // An adopted process is not our child: it is gone once kill(0) fails or it is a zombie of
    // someone else.
    std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
    std::string pid_text, name, state;
    if (::kill(pid_, 0) != 0 || !(stat >> pid_text >> name >> state) || state == "Z") {
        last_exit_ = "ended (adopted process, status unknown)";
        forget();
        return false;
    }
    return true;
}

void SimulatorProcess::forget() {
    pid_ = -1;
    if (stdin_fd_ >= 0) {
        ::close(stdin_fd_);
        stdin_fd_ = -1;
    }
    std::error_code ignored;
    std::filesystem::remove(spec_.pid_file, ignored);
}

bool SimulatorProcess::wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::string SimulatorProcess::stop(std::chrono::milliseconds timeout) {
    if (wait_exit(timeout)) {
        return "stopped: " + last_exit();
    }
    const pid_t target = pid();
    if (target > 0) {
        ::kill(target, SIGTERM);
    }
    if (wait_exit(timeout)) {
        return "stopped by SIGTERM: " + last_exit();
    }
    if (pid() > 0) {
        ::kill(pid(), SIGKILL);
    }
    wait_exit(std::chrono::seconds(10));
    return "killed with SIGKILL: " + last_exit();
}

}  // namespace vergegrid::bridge
