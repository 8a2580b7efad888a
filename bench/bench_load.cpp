#include "bench_load.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include "bench_process.hpp"

namespace vergegrid::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxErrorBody = 2000;

double process_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double ms(std::int64_t nanos) {
    return static_cast<double>(nanos) / 1e6;
}

}  // namespace

Client::Client(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
               std::string token)
    : session_(std::make_unique<Poco::Net::HTTPClientSession>(host, port)),
      authorization_(token.empty() ? std::string() : "Bearer " + token) {
    session_->setKeepAlive(true);
    session_->setTimeout(
        Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(timeout.count()) * 1000));
}

Client::~Client() = default;

HttpReply Client::request(const std::string& method, const std::string& path,
                          const std::string& body) {
    try {
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        if (!authorization_.empty()) {
            request.set("Authorization", authorization_);
        }
        if (!body.empty()) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        std::ostream& out = session_->sendRequest(request);
        if (!body.empty()) {
            out.write(body.data(), static_cast<std::streamsize>(body.size()));
        }
        Poco::Net::HTTPResponse response;
        std::istream& in = session_->receiveResponse(response);
        HttpReply reply;
        reply.status = static_cast<int>(response.getStatus());
        Poco::StreamCopier::copyToString(in, reply.body);
        if (!response.getKeepAlive()) {
            session_->reset();
        }
        return reply;
    } catch (const Poco::Exception& e) {
        session_->reset();
        return {0, e.displayText()};
    } catch (const std::exception& e) {
        session_->reset();
        return {0, e.what()};
    }
}

void ErrorLog::record(const std::string& what, const HttpReply& reply) {
    std::lock_guard lock(mutex_);
    ++by_status_[reply.status];
    if (!first_what_) {
        first_what_ = what;
        first_status_ = reply.status;
        first_body_ = reply.body.substr(0, kMaxErrorBody);
    }
}

std::size_t ErrorLog::count() const {
    std::lock_guard lock(mutex_);
    std::size_t total = 0;
    for (const auto& [status, n] : by_status_) {
        total += n;
    }
    return total;
}

nlohmann::json ErrorLog::to_json() const {
    std::lock_guard lock(mutex_);
    nlohmann::json json = nlohmann::json::object();
    std::size_t total = 0;
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, n] : by_status_) {
        statuses[status == 0 ? "network" : std::to_string(status)] = n;
        total += n;
    }
    json["count"] = total;
    json["by_status"] = statuses;
    if (first_what_) {
        json["first"] = {
            {"request", *first_what_}, {"status", first_status_}, {"body", first_body_}};
    } else {
        json["first"] = nullptr;
    }
    return json;
}

LatencySummary summarise(std::vector<std::int64_t>& nanos) {
    LatencySummary s;
    s.count = nanos.size();
    if (nanos.empty()) {
        return s;
    }
    std::sort(nanos.begin(), nanos.end());
    auto rank = [&](double p) {
        const auto index =
            static_cast<std::size_t>(std::ceil(p * static_cast<double>(nanos.size())));
        return nanos[std::clamp<std::size_t>(index, 1, nanos.size()) - 1];
    };
    const long double sum = std::accumulate(nanos.begin(), nanos.end(), 0.0L);
    s.mean_ms = static_cast<double>(sum / static_cast<long double>(nanos.size()) / 1e6L);
    s.p50_ms = ms(rank(0.50));
    s.p90_ms = ms(rank(0.90));
    s.p99_ms = ms(rank(0.99));
    s.max_ms = ms(nanos.back());
    return s;
}

CpuSample sample_cpu(int server_pid, int database_pid) {
    return sample_cpu(std::vector<int>{server_pid}, database_pid);
}

CpuSample sample_cpu(const std::vector<int>& server_pids, int database_pid) {
    CpuSample sample;
    sample.database_s = database_pid > 0 ? read_process_tree_cpu_seconds(database_pid) : -1;
    sample.server_s = server_pids.empty() ? -1 : 0;
    for (const int pid : server_pids) {
        const double seconds = pid > 0 ? read_proc_cpu_seconds(pid) : -1;
        sample.replica_s.push_back(seconds);
        // One unknown makes the sum unknown: a partial sum would read as a low cost.
        sample.server_s = seconds < 0 || sample.server_s < 0 ? -1 : sample.server_s + seconds;
    }
    sample.client_s = process_cpu_seconds();
    const auto machine = read_machine_cpu();
    sample.machine_busy = machine.busy;
    sample.machine_total = machine.total;
    return sample;
}

nlohmann::json PhaseResult::to_json() const {
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    nlohmann::json json = {
        {"name", name},
        {"clients", clients},
        {"planned", planned},
        {"attempted", attempted},
        {"succeeded", succeeded},
        {"timed_out", timed_out},
        {"interrupted", interrupted},
        {"wall_s", round3(wall_s)},
        {"ops_per_s", std::round(ops_per_s())},
        {"latency_ms",
         {{"count", latency.count},
          {"mean", round3(latency.mean_ms)},
          {"p50", round3(latency.p50_ms)},
          {"p90", round3(latency.p90_ms)},
          {"p99", round3(latency.p99_ms)},
          {"max", round3(latency.max_ms)}}},
        {"latency_by_tenth_ms",
         [&] {
             nlohmann::json tenths = nlohmann::json::array();
             for (const auto& t : by_tenth) {
                 tenths.push_back(
                     {{"count", t.count}, {"p50", round3(t.p50_ms)}, {"p99", round3(t.p99_ms)}});
             }
             return tenths;
         }()},
        {"errors", errors},
        {"syscalls_per_op", syscalls},
        {"cpu",
         {{"server_s",
           server_cpu_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(round3(server_cpu_s))},
          {"client_s", round3(client_cpu_s)},
          {"server_us_per_op",
           server_cpu_s < 0 || succeeded == 0
               ? nlohmann::json(nullptr)
               : nlohmann::json(std::round(server_cpu_s * 1e6 / static_cast<double>(succeeded)))},
          {"client_us_per_op",
           succeeded == 0
               ? nlohmann::json(nullptr)
               : nlohmann::json(std::round(client_cpu_s * 1e6 / static_cast<double>(succeeded)))},
          {"database_s",
           database_cpu_s < 0 ? nlohmann::json(nullptr) : nlohmann::json(round3(database_cpu_s))},
          {"database_us_per_op",
           database_cpu_s < 0 || succeeded == 0
               ? nlohmann::json(nullptr)
               : nlohmann::json(std::round(database_cpu_s * 1e6 / static_cast<double>(succeeded)))},
          {"machine_busy_share", round3(machine_busy_share)},
          {"other_load_share", round3(other_load_share)}}}};
    if (!wal_commits.is_null()) {
        json["wal_commits"] = wal_commits;
    }
    if (!succeeded_by_replica.empty()) {
        nlohmann::json by_replica = nlohmann::json::array();
        for (std::size_t r = 0; r < succeeded_by_replica.size(); ++r) {
            const double n = static_cast<double>(succeeded_by_replica[r]);
            const double cpu = replica_cpu_s[r];
            by_replica.push_back(
                {{"replica", r},
                 {"clients", clients_by_replica[r]},
                 {"succeeded", succeeded_by_replica[r]},
                 {"share", succeeded == 0 ? 0.0 : round3(n / static_cast<double>(succeeded))},
                 {"cpu_s", cpu < 0 ? nlohmann::json(nullptr) : nlohmann::json(round3(cpu))},
                 {"cpu_us_per_own_op", cpu < 0 || n == 0
                                           ? nlohmann::json(nullptr)
                                           : nlohmann::json(std::round(cpu * 1e6 / n))}});
        }
        json["replicas"] = by_replica;
    }
    return json;
}

PhaseResult run_phase(const PhaseSpec& spec, const Operation& op,
                      const std::atomic<bool>& stop_requested) {
    PhaseResult result;
    result.name = spec.name;
    result.clients = spec.clients;
    result.planned = spec.operations;
    const std::vector<PhaseSpec::Replica> replicas =
        spec.replicas.empty() ? std::vector<PhaseSpec::Replica>{{spec.port, spec.server_pid}}
                              : spec.replicas;
    std::vector<int> server_pids;
    for (const auto& replica : replicas) {
        server_pids.push_back(replica.pid);
    }

    ErrorLog errors;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> succeeded{0};
    std::atomic<bool> timed_out{false};
    // Per thread: (operation index, nanoseconds) of each successful operation.
    std::vector<std::vector<std::pair<std::size_t, std::int64_t>>> latencies(
        static_cast<std::size_t>(spec.clients));
    const auto per_client =
        spec.operations / static_cast<std::size_t>(std::max(1, spec.clients)) + 1;

    const CpuSample before = sample_cpu(server_pids, spec.database_pid);
    const auto started = Clock::now();
    const auto deadline = started + spec.time_limit;
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < spec.clients; ++t) {
            threads.emplace_back([&, t] {
                auto& mine = latencies[static_cast<std::size_t>(t)];
                mine.reserve(per_client);
                Client client(spec.host,
                              replicas[static_cast<std::size_t>(t) % replicas.size()].port,
                              std::chrono::seconds(30), spec.token);
                for (;;) {
                    if (stop_requested.load(std::memory_order_relaxed)) {
                        break;
                    }
                    const auto index = next.fetch_add(1, std::memory_order_relaxed);
                    if (index >= spec.operations) {
                        break;
                    }
                    const auto begin = Clock::now();
                    if (begin >= deadline) {
                        timed_out = true;
                        break;
                    }
                    if (op(index, client, errors)) {
                        mine.emplace_back(index,
                                          std::chrono::duration_cast<std::chrono::nanoseconds>(
                                              Clock::now() - begin)
                                              .count());
                        succeeded.fetch_add(1, std::memory_order_relaxed);
                    }
                }
            });
        }
    }
    const auto finished = Clock::now();
    const CpuSample after = sample_cpu(server_pids, spec.database_pid);

    result.wall_s = std::chrono::duration<double>(finished - started).count();
    result.succeeded = succeeded.load();
    result.attempted = result.succeeded + errors.count();
    result.timed_out = timed_out.load();
    result.interrupted = stop_requested.load();
    result.errors = errors.to_json();
    std::vector<std::int64_t> all;
    all.reserve(result.succeeded);
    std::vector<std::vector<std::int64_t>> tenths(10);
    for (const auto& mine : latencies) {
        for (const auto& [index, nanos] : mine) {
            all.push_back(nanos);
            tenths[std::min<std::size_t>(9, index * 10 / std::max<std::size_t>(1, spec.operations))]
                .push_back(nanos);
        }
    }
    result.latency = summarise(all);
    if (replicas.size() > 1) {
        result.succeeded_by_replica.assign(replicas.size(), 0);
        result.clients_by_replica.assign(replicas.size(), 0);
        for (std::size_t t = 0; t < latencies.size(); ++t) {
            result.succeeded_by_replica[t % replicas.size()] += latencies[t].size();
            ++result.clients_by_replica[t % replicas.size()];
        }
        for (std::size_t r = 0; r < replicas.size(); ++r) {
            result.replica_cpu_s.push_back(before.replica_s[r] < 0 || after.replica_s[r] < 0
                                               ? -1
                                               : after.replica_s[r] - before.replica_s[r]);
        }
    }
    for (auto& tenth : tenths) {
        result.by_tenth.push_back(summarise(tenth));
    }
    if (before.server_s >= 0 && after.server_s >= 0) {
        result.server_cpu_s = after.server_s - before.server_s;
    }
    result.client_cpu_s = after.client_s - before.client_s;
    if (before.database_s >= 0 && after.database_s >= 0) {
        result.database_cpu_s = after.database_s - before.database_s;
    }
    if (after.machine_total > before.machine_total) {
        const double total = static_cast<double>(after.machine_total - before.machine_total);
        const double busy = static_cast<double>(after.machine_busy - before.machine_busy);
        result.machine_busy_share = busy / total;
        // /proc/stat counts in clock ticks, like utime and stime.
        const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
        double ours = result.client_cpu_s + std::max(0.0, result.server_cpu_s) +
                      std::max(0.0, result.database_cpu_s);
        result.other_load_share = std::max(0.0, (busy - ours * ticks) / total);
    }
    return result;
}

}  // namespace vergegrid::bench
