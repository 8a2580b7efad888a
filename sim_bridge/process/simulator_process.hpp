// The simulator process the bridge supervises: started with /bin/sh -c "exec <command>" in its
// own session, stdin a pipe the bridge keeps open (a headless OpenSim blocks at a console prompt
// and exits on end of input), stdout and stderr appended to a log file. Its pid is kept in the
// state dir so a restarted bridge adopts the simulator it left running instead of starting a
// second one.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::bridge {

struct ProcessSpec {
    std::string command;
    std::filesystem::path working_dir;
    std::vector<std::pair<std::string, std::string>> environment;
    std::filesystem::path log_file;
    std::filesystem::path pid_file;
};

class SimulatorProcess {
  public:
    explicit SimulatorProcess(ProcessSpec spec);
    ~SimulatorProcess();  // closes stdin; never kills: stopping is the caller's decision
    SimulatorProcess(const SimulatorProcess&) = delete;
    SimulatorProcess& operator=(const SimulatorProcess&) = delete;

    // Starts the command; throws std::runtime_error when it cannot be started.
    void start();
    // Takes over the process of the pid file when it still runs; true when it did.
    bool adopt();
    // True while the process runs; reaps it (and records its status) once it has exited.
    bool running();
    // The exit status of the last process that ended ("exited with 1", "killed by signal 9").
    std::string last_exit() const;
    pid_t pid() const;
    // Where the process's standard output and error go (the simulator's console).
    const std::filesystem::path& log_file() const { return spec_.log_file; }

    // Waits up to `timeout` for the process to exit on its own (after admin_shutdown), then
    // sends SIGTERM and waits `timeout` again, then SIGKILL. Returns how it ended.
    std::string stop(std::chrono::milliseconds timeout);

  private:
    bool wait_exit(std::chrono::milliseconds timeout);
    void forget();

    ProcessSpec spec_;
    mutable std::mutex mutex_;
    pid_t pid_ = -1;
    bool is_child_ = false;  // adopted processes are not ours to reap
    int stdin_fd_ = -1;
    std::string last_exit_;
};

}  // namespace vergegrid::bridge
