// A program started for a test: arguments, extra environment, its stderr+stdout captured, and
// waits bounded in time. Used to test vergegrid-control as operators run it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace vergegrid::test {

class ChildProcess {
  public:
    ChildProcess(const std::filesystem::path& program, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& env = {},
                 const std::filesystem::path& working_dir = {});
    ~ChildProcess();  // kills the process if it still runs
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Waits until the output matches; returns the first match's group 1 (or whole match).
    std::optional<std::string> wait_for_output(const std::regex& pattern,
                                               std::chrono::milliseconds timeout);
    // Exit status, or nullopt if the process still runs after `timeout`. -N for a signal N.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
    void send_signal(int signal);
    // SIGSTOP, then waits (up to `timeout`) until the kernel reports every thread stopped: the
    // signal alone is asynchronous, and a loaded machine lets the process run on for a while.
    // False when it did not stop in time (or has exited).
    bool freeze(std::chrono::milliseconds timeout);
    std::string output() const;
    pid_t pid() const noexcept { return pid_; }

  private:
    void read_output(int fd);

    pid_t pid_ = -1;
    std::optional<int> exit_status_;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string output_;
    bool output_closed_ = false;
};

// The admin token test control planes start with (VERGEGRID_ADMIN_TOKEN), unless a test sets
// its own.
inline constexpr const char* kTestAdminToken = "vgo_test-admin-token-0123456789abcdefghijklmnop";

// Starts vergegrid-control and waits for its "listening on http(s)://" line; port() is the bound
// port.
class ControlPlaneProcess {
  public:
    explicit ControlPlaneProcess(std::vector<std::string> args,
                                 std::map<std::string, std::string> env = {},
                                 const std::filesystem::path& working_dir = {});
    ChildProcess& process() { return process_; }
    std::uint16_t port() const { return port_; }
    bool started() const { return port_ != 0; }

  private:
    static std::map<std::string, std::string> with_admin_token(
        std::map<std::string, std::string> env) {
        env.emplace("VERGEGRID_ADMIN_TOKEN", kTestAdminToken);
        return env;
    }

    ChildProcess process_;
    std::uint16_t port_ = 0;
};

}  // namespace vergegrid::test
