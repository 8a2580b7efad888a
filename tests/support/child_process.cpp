#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace vergegrid::test {

ChildProcess::ChildProcess(const std::filesystem::path& program,
                           const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::filesystem::path& working_dir) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> argv_storage{program.string()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    // Everything the child needs is built before fork(): after it, only async-signal-safe calls.
    std::map<std::string, std::string> merged;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string text = *entry;
        const auto eq = text.find('=');
        merged[text.substr(0, eq)] = eq == std::string::npos ? "" : text.substr(eq + 1);
    }
    for (const auto& [name, value] : env) {
        merged[name] = value;
    }
    std::vector<std::string> env_storage;
    for (const auto& [name, value] : merged) {
        env_storage.push_back(name + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& entry : env_storage) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);

    pid_ = ::fork();
    if (pid_ < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::dup2(pipe_fds[1], STDERR_FILENO);
        // Nothing else of the test's goes with the child: a listening socket it inherited (Poco
        // opens them without close-on-exec) would stay open as long as the child lives, so a
        // server the test stops would not refuse connections but leave them unanswered.
        if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0) {
            for (int fd = 3; fd < 65536; ++fd) {
                ::close(fd);
            }
        }
        // The test runner may have blocked signals; the child starts with a clean mask.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        if (!working_dir.empty() && ::chdir(working_dir.c_str()) != 0) {
            ::_exit(126);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    reader_ = std::thread([this, fd = pipe_fds[0]] { read_output(fd); });
}

ChildProcess::~ChildProcess() {
    if (!wait_for_exit(std::chrono::milliseconds(0))) {
        ::kill(pid_, SIGKILL);
        wait_for_exit(std::chrono::seconds(10));
    }
    if (reader_.joinable()) {
        reader_.join();
    }
}

void ChildProcess::read_output(int fd) {
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        std::lock_guard lock(mutex_);
        if (n <= 0) {
            output_closed_ = true;
            changed_.notify_all();
            break;
        }
        output_.append(buffer, static_cast<std::size_t>(n));
        changed_.notify_all();
    }
    ::close(fd);
}

std::optional<std::string> ChildProcess::wait_for_output(const std::regex& pattern,
                                                         std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    std::smatch match;
    const auto found = [&] { return std::regex_search(output_, match, pattern) || output_closed_; };
    changed_.wait_for(lock, timeout, found);
    if (!std::regex_search(output_, match, pattern)) {
        return std::nullopt;
    }
    return match.size() > 1 ? match[1].str() : match[0].str();
}

std::optional<int> ChildProcess::wait_for_exit(std::chrono::milliseconds timeout) {
    if (exit_status_) {
        return exit_status_;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            // Everything the process wrote is in the pipe by now: wait for the reader to drain
            // it, so output() is complete once the exit is known.
            std::unique_lock lock(mutex_);
            changed_.wait_for(lock, std::chrono::seconds(5), [&] { return output_closed_; });
            return exit_status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

void ChildProcess::send_signal(int signal) {
    if (!exit_status_) {
        ::kill(pid_, signal);
    }
}

bool ChildProcess::freeze(std::chrono::milliseconds timeout) {
    if (exit_status_) {
        return false;
    }
    ::kill(pid_, SIGSTOP);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        // WUNTRACED: the group stop is reported once its last thread has stopped.
        const pid_t done = ::waitpid(pid_, &status, WUNTRACED | WNOHANG);
        if (done == pid_ && WIFSTOPPED(status)) {
            return true;
        }
        if (done == pid_) {
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            return false;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

std::string ChildProcess::output() const {
    std::lock_guard lock(mutex_);
    return output_;
}

ControlPlaneProcess::ControlPlaneProcess(std::vector<std::string> args,
                                         std::map<std::string, std::string> env,
                                         const std::filesystem::path& working_dir)
    : process_(VERGEGRID_CONTROL_BINARY, args, with_admin_token(std::move(env)), working_dir) {
    // "listening on http://127.0.0.1:9800", "listening on https://[::1]:9800"
    const std::regex listening(R"(listening on https?://(?:\[[^\]]*\]|[^:/\s]+):(\d+))");
    if (auto port = process_.wait_for_output(listening, std::chrono::seconds(20))) {
        port_ = static_cast<std::uint16_t>(std::stoi(*port));
    }
}

}  // namespace vergegrid::test
