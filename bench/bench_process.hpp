// Processes the API benchmark drives: vergegrid-control as operators run it, the throwaway
// PostgreSQL server of tests/db, and what /proc says about them.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace vergegrid::bench {

// A child process with its stdout+stderr drained into a bounded buffer, so a chatty child never
// blocks on a full pipe. The destructor ends it: SIGTERM, then SIGKILL after a grace period.
class Child {
  public:
    Child(const std::filesystem::path& program, const std::vector<std::string>& args,
          const std::map<std::string, std::string>& extra_env);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // First match of `pattern` (an ECMAScript regex) group 1, or nullopt after `timeout` or exit.
    std::optional<std::string> wait_for_output(const std::string& pattern,
                                               std::chrono::milliseconds timeout);
    // Exit status (-N for signal N), or nullopt if still running after `timeout`.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);
    // SIGTERM, wait up to `grace`, then SIGKILL. Returns the exit status.
    int terminate(std::chrono::milliseconds grace);
    void send_signal(int signal);
    std::string output_tail() const;  // the last 64 KiB the child wrote
    bool output_closed() const;       // every writer of the pipe is gone
    pid_t pid() const noexcept { return pid_; }

  private:
    void drain(int fd);

    pid_t pid_ = -1;
    std::optional<int> exit_status_;
    std::thread reader_;
    mutable std::mutex mutex_;
    std::string output_;
    bool closed_ = false;
    std::atomic<bool> stop_reading_{false};
};

// Runs a program to completion (stdin closed, output captured); returns {status, output}.
std::pair<int, std::string> run_program(const std::vector<std::string>& argv,
                                        std::chrono::seconds timeout,
                                        const std::map<std::string, std::string>& extra_env = {});

// tests/db/throwaway-postgresql: `start DIR` on construction, `stop DIR` on destruction.
class ThrowawayPostgres {
  public:
    ThrowawayPostgres(std::filesystem::path script, std::filesystem::path dir);
    ~ThrowawayPostgres();
    ThrowawayPostgres(const ThrowawayPostgres&) = delete;
    ThrowawayPostgres& operator=(const ThrowawayPostgres&) = delete;

    // VG_DB_* values from DIR/env.
    const std::map<std::string, std::string>& values() const { return values_; }
    // The environment that points vergegrid-control at this server.
    std::map<std::string, std::string> control_env() const;
    // The postmaster's pid (first line of DIR/data/postmaster.pid), or -1.
    pid_t postmaster_pid() const;
    // ALTER DATABASE <db> SET key = 'value' through psql, as the database's owner: a setting every
    // later connection of the control plane gets, without touching its code.
    void set_database_setting(const std::string& key, const std::string& value) const;
    // The one value `sql` answers (psql -At), as the database's owner.
    std::string query_value(const std::string& sql) const;
    // Transactions committed between two WAL positions (pg_waldump's Transaction/COMMIT records):
    // a read-only transaction writes none, so this counts the writing ones, whoever ran them.
    // nullopt when pg_waldump is missing or cannot read that stretch (say, a checkpoint recycled
    // its segments).
    std::optional<std::size_t> count_wal_commits(const std::string& from_lsn,
                                                 const std::string& to_lsn) const;

  private:
    std::filesystem::path script_;
    std::filesystem::path dir_;
    std::map<std::string, std::string> values_;
};

// Reads DIR/env style files: NAME=VALUE lines.
std::map<std::string, std::string> read_env_file(const std::filesystem::path& file);

struct ProcMemory {
    std::int64_t rss_kib = -1;   // VmRSS
    std::int64_t peak_kib = -1;  // VmHWM
    // VmRSS = RssAnon (the heap, stacks) + RssFile (mapped files: SQLite maps its database,
    // PRAGMA mmap_size, and the pages read count here) + RssShmem.
    std::int64_t anon_kib = -1;  // RssAnon
    std::int64_t file_kib = -1;  // RssFile
};
ProcMemory read_proc_memory(pid_t pid);

// utime + stime of a process in seconds (all its threads), or -1 if unreadable.
double read_proc_cpu_seconds(pid_t pid);

// CPU seconds of a process and its direct children (PostgreSQL: the postmaster and its backends).
double read_process_tree_cpu_seconds(pid_t root);

// Busy and total jiffies of the whole machine from /proc/stat, to see how loaded the 2 cores are.
struct MachineCpu {
    std::uint64_t busy = 0;
    std::uint64_t total = 0;
};
MachineCpu read_machine_cpu();

// `name` looked up in PATH (execve needs a path), or nullopt.
std::optional<std::filesystem::path> find_program(const std::string& name);

std::string cpu_model();                                    // "model name" of /proc/cpuinfo
std::string filesystem_type(const std::filesystem::path&);  // ext4, tmpfs, ...

}  // namespace vergegrid::bench
