// The load side of the API benchmark: keep-alive HTTP clients, a phase runner that spreads a
// fixed number of operations over N client threads (bounded in time), and latency statistics.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace Poco::Net {
class HTTPClientSession;
}

namespace vergegrid::bench {

struct HttpReply {
    int status = 0;  // 0: no HTTP answer (connection refused, reset, timeout)
    std::string body;
};

// One keep-alive HTTP/1.1 connection to the server; reconnects after a failure.
class Client {
  public:
    // `token`, when not empty, goes with every request as `Authorization: Bearer <token>`.
    Client(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
           std::string token = {});
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Never throws for network failures: they come back as status 0 with the reason as body.
    HttpReply request(const std::string& method, const std::string& path,
                      const std::string& body = {});

  private:
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    std::string authorization_;
};

// Every failed operation of a phase, by status, and the first one's answer.
class ErrorLog {
  public:
    void record(const std::string& what, const HttpReply& reply);
    std::size_t count() const;
    nlohmann::json to_json() const;

  private:
    mutable std::mutex mutex_;
    std::map<int, std::size_t> by_status_;
    std::optional<std::string> first_what_;
    int first_status_ = 0;
    std::string first_body_;
};

struct LatencySummary {
    std::size_t count = 0;
    double mean_ms = 0;
    double p50_ms = 0;
    double p90_ms = 0;
    double p99_ms = 0;
    double max_ms = 0;
};
// Nearest-rank percentiles; sorts `nanos` in place.
LatencySummary summarise(std::vector<std::int64_t>& nanos);

// Resource use over a phase: the control planes' CPU, the benchmark's own and the machine's.
struct CpuSample {
    double server_s = -1;           // control-plane utime+stime (-1: unknown, e.g. --server without
                                    // --server-pid); with several replicas, their sum
    std::vector<double> replica_s;  // each replica's (-1: unknown)
    double client_s = 0;            // this process
    double database_s = -1;         // PostgreSQL's processes (-1: none)
    std::uint64_t machine_busy = 0;
    std::uint64_t machine_total = 0;
};
CpuSample sample_cpu(const std::vector<int>& server_pids, int database_pid);
CpuSample sample_cpu(int server_pid, int database_pid);

struct PhaseResult {
    std::string name;
    int clients = 0;
    std::size_t planned = 0;
    std::size_t attempted = 0;
    std::size_t succeeded = 0;
    bool timed_out = false;    // stopped at the phase's time limit
    bool interrupted = false;  // stopped by SIGINT/SIGTERM
    double wall_s = 0;
    LatencySummary latency;  // successful operations only
    // p50 and p99 of each tenth of the operations by index (creates: as the table fills up).
    std::vector<LatencySummary> by_tenth;
    nlohmann::json errors;
    nlohmann::json syscalls;  // with --syscalls: per successful operation, by process
    // On PostgreSQL: the transactions committed in the WAL during the phase and the operations per
    // COMMIT (how many requests group commit put in one transaction). Null elsewhere.
    nlohmann::json wal_commits;
    // CPU seconds used during the phase, and the machine's busy share (1.0 = every core busy).
    double server_cpu_s = -1;
    double client_cpu_s = 0;
    double database_cpu_s = -1;
    double machine_busy_share = 0;
    // With several control planes (--replicas): per replica, in order, the operations its clients
    // completed and its CPU seconds (-1: unknown). Empty with one.
    std::vector<std::size_t> succeeded_by_replica;
    std::vector<double> replica_cpu_s;
    std::vector<int> clients_by_replica;
    // CPU used by nothing of ours (someone else's compiler, say), as a share of the machine: when
    // it is not near 0 the machine was not quiet and the figures are too low.
    double other_load_share = 0;

    double ops_per_s() const { return wall_s > 0 ? static_cast<double>(succeeded) / wall_s : 0; }
    nlohmann::json to_json() const;
};

// One operation: index in [0, planned), the thread's client; returns true on success. Failures
// are recorded by the operation itself in the phase's ErrorLog.
using Operation = std::function<bool(std::size_t index, Client& client, ErrorLog& errors)>;

struct PhaseSpec {
    std::string name;
    int clients = 1;
    std::size_t operations = 0;
    std::chrono::seconds time_limit{600};
    std::string host;
    std::uint16_t port = 0;
    std::string token;  // the admin's API token, sent as a bearer token
    int server_pid = -1;
    int database_pid = -1;  // PostgreSQL's postmaster, for its CPU
    // Several control planes on one database: client t talks to replicas[t % size()] directly (no
    // balancer), and the server CPU is their sum. Empty: the one at port/server_pid.
    struct Replica {
        std::uint16_t port = 0;
        int pid = -1;
    };
    std::vector<Replica> replicas;
};

// Runs `operations` calls of `op` on `clients` threads, each with its own keep-alive connection.
PhaseResult run_phase(const PhaseSpec& spec, const Operation& op,
                      const std::atomic<bool>& stop_requested);

}  // namespace vergegrid::bench
