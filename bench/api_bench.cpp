// api_bench: region create and read throughput and latency through the real HTTP API.
//
// Starts vergegrid-control (or uses --server URL), creates an estate, creates N regions with C
// concurrent keep-alive clients, then reads them back (GET /api/v1/regions/{id}) with R clients,
// and reports throughput, latency percentiles, errors, CPU use and the control plane's RSS.
// With --replicas K (PostgreSQL only), K control planes share the throwaway database and client i
// talks to replica i % K directly. With --webhooks N (and --slow-webhooks, --nats) it subscribes
// receivers of its own to the event bus before the creates and reports how fast the creates'
// region.created events reached them (bench_event_phase.*).
// Loopback only, bounded in operations and in time. Run by hand, never in CI: docs/benchmarks.md.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <Poco/URI.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_event_phase.hpp"
#include "bench_load.hpp"
#include "bench_process.hpp"

#ifndef VERGEGRID_SOURCE_DIR
#define VERGEGRID_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using namespace vergegrid::bench;

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
    g_stop = true;
}

struct Options {
    std::string backend = "sqlite";
    std::size_t regions = 10'000;
    int create_clients = 4;
    int read_clients = 4;
    std::size_t reads = 100'000;
    std::string server;
    int server_pid = -1;
    std::string token_file;
    std::string control;
    std::string data_parent;
    std::string pg_script = std::string(VERGEGRID_SOURCE_DIR) + "/tests/db/throwaway-postgresql";
    std::vector<std::string> control_env;
    std::vector<std::string> pg_db_settings;
    std::string perf_dir;
    std::string syscalls_dir;
    int time_limit_s = 900;
    int wait_quiet_s = 0;
    std::uint64_t seed = 1;
    bool keep_data = false;
    bool auto_place = false;
    std::size_t simulators = 0;  // --auto-place: 0 = 4, or one per 900 regions
    bool json = false;
    bool http_floor = false;
    int replicas = 1;     // control planes started on the one database (--backend postgresql)
    EventOptions events;  // --webhooks, --slow-webhooks, --nats, --deliver-after-creates
};

void progress(const std::string& line) {
    std::cerr << "api_bench: " << line << std::endl;
}

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

fs::path self_dir() {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

fs::path make_temp_dir(const fs::path& parent, const std::string& prefix) {
    fs::create_directories(parent);
    std::string pattern = (parent / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed under " + parent.string());
    }
    return pattern;
}

// A fresh admin token for a started control plane: VERGEGRID_ADMIN_TOKEN names the first admin's
// API token on an empty database (at least 32 characters; operators' tokens start with vgo_).
std::string random_token() {
    std::random_device random;
    static const char digits[] = "0123456789abcdef";
    std::string token = "vgo_api-bench-";
    for (int i = 0; i < 40; ++i) {
        token += digits[random() % 16];
    }
    return token;
}

std::string read_token_file(const std::string& file) {
    std::ifstream in(file);
    std::string token;
    if (!(in >> token)) {
        throw std::runtime_error("cannot read a token from " + file);
    }
    return token;
}

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A string member of a JSON answer, found without a full parse (the answers are the server's
// compact dump: `"name":"value"`, no escapes in the values read here), so the client spends
// little CPU on the shared cores.
std::string string_member(const std::string& body, const std::string& name) {
    const std::string key = "\"" + name + "\":\"";
    const auto at = body.find(key);
    if (at == std::string::npos) {
        return {};
    }
    const auto start = at + key.size();
    const auto end = body.find('"', start);
    return end == std::string::npos ? std::string() : body.substr(start, end - start);
}

std::string extract_id(const std::string& body) {
    return string_member(body, "id");
}

// Where region `index` of this run goes: names, grid squares and host:port pairs never repeat
// within a run, and a run id keeps them apart from earlier runs against the same --server.
struct Layout {
    std::string run;
    std::size_t side = 1;
    int base_x = 0;
    int base_y = 0;

    Layout(std::string run_id, std::uint64_t run_number, std::size_t regions)
        : run(std::move(run_id)),
          side(static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(regions))))),
          base_x(100'000 + static_cast<int>(run_number % 8192) * 1024),
          base_y(100'000 + static_cast<int>((run_number / 8192) % 8192) * 1024) {}

    // Without location, host or port: placement chooses, near a point of the run's own area.
    std::string auto_body(std::size_t index, const std::string& estate_id) const {
        char text[512];
        std::snprintf(text, sizeof text,
                      R"({"name":"bench-%s-%07zu","estate_id":"%s",)"
                      R"("placement":{"near":{"x":%d,"y":%d}}})",
                      run.c_str(), index, estate_id.c_str(), base_x, base_y);
        return text;
    }

    std::string body(std::size_t index, const std::string& estate_id) const {
        char text[512];
        std::snprintf(text, sizeof text,
                      R"({"name":"bench-%s-%07zu","estate_id":"%s","loc_x":%d,"loc_y":%d,)"
                      R"("port":%d,"host":"sim-%s-%05zu.bench.invalid"})",
                      run.c_str(), index, estate_id.c_str(),
                      base_x + static_cast<int>(index % side),
                      base_y + static_cast<int>(index / side), 9000 + static_cast<int>(index % 100),
                      run.c_str(), index / 100);
        return text;
    }
};

void print_phase(const PhaseResult& r);

// --auto-place: enough simulators that their hosts' ports (placement.port_min..port_max, 1,000
// by default) hold every region, and at least four, so that placement has a choice; or
// `simulators` of them (--simulators, a grid of many hosts), each with room for its share.
// Registered the way bridges do, on 4 connections at once.
void register_bench_simulators(const PhaseSpec& target, const std::string& run_id,
                               std::size_t regions, std::size_t wanted) {
    const std::size_t simulators =
        wanted > 0 ? wanted : std::max<std::size_t>(4, regions / 900 + 1);
    const std::size_t capacity =
        wanted > 0 ? std::max<std::size_t>(16, 2 * (regions / simulators + 1)) : regions;
    progress("registering " + std::to_string(simulators) + " simulators (capacity " +
             std::to_string(capacity) + " each)");
    PhaseSpec spec = target;
    spec.name = "register";
    spec.clients = 4;
    spec.operations = simulators;
    std::atomic<bool> never{false};
    const auto registered = run_phase(
        spec,
        [&](std::size_t k, Client& admin, ErrorLog& errors) {
            const auto token =
                admin.request("POST", "/api/v1/simulators/registration-tokens", "{}");
            if (token.status != 201) {
                errors.record("POST /api/v1/simulators/registration-tokens", token);
                return false;
            }
            const std::string body = "{\"token\":\"" + string_member(token.body, "token") +
                                     "\",\"hostname\":\"sim-" + run_id + "-" + std::to_string(k) +
                                     ".bench.invalid\",\"capacity\":" + std::to_string(capacity) +
                                     "}";
            const auto answer = admin.request("POST", "/api/v1/sim/register", body);
            if (answer.status != 201) {
                errors.record("POST /api/v1/sim/register", answer);
                return false;
            }
            return true;
        },
        never);
    print_phase(registered);
    if (registered.succeeded != simulators) {
        throw std::runtime_error("registered " + std::to_string(registered.succeeded) + " of " +
                                 std::to_string(simulators) + " simulators");
    }
}

// The syscalls counted per operation with --syscalls: what reaches the disk (or would), and the
// sleeps of SQLite's busy handler while a writer waits for the write lock.
constexpr const char* kCountedSyscalls[] = {"fdatasync", "fsync",           "pwrite64",
                                            "pread64",   "clock_nanosleep", "nanosleep"};

fs::path require_perf() {
    const auto perf = find_program("perf");
    if (!perf) {
        throw std::runtime_error("--perf/--syscalls: no perf in PATH (apt-get install linux-perf)");
    }
    return *perf;
}

std::unique_ptr<Child> start_recorder(const fs::path& perf, const std::vector<std::string>& args) {
    std::string shown = "perf";
    for (const auto& arg : args) {
        shown += " " + arg;
    }
    progress(shown);
    auto recorder = std::make_unique<Child>(perf, args, std::map<std::string, std::string>{});
    if (recorder->wait_for_exit(std::chrono::milliseconds(1000))) {
        throw std::runtime_error("perf failed: " + recorder->output_tail());
    }
    return recorder;
}

void stop_recorder(std::unique_ptr<Child>& recorder) {
    if (!recorder) {
        return;
    }
    recorder->send_signal(SIGINT);
    if (!recorder->wait_for_exit(std::chrono::seconds(300))) {
        progress("perf did not finish writing in 300 s");
    }
    recorder.reset();
}

// Counts the recorded syscall events of the control plane (by process id) and of PostgreSQL's
// processes (by name), per successful operation.
nlohmann::json count_syscalls(const fs::path& perf, const fs::path& data,
                              const std::vector<int>& server_pids, std::size_t operations) {
    const fs::path listing = data.string() + ".txt";
    const std::string command = "'" + perf.string() + "' script -i '" + data.string() +
                                "' -F comm,pid,event > '" + listing.string() + "' 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
        return {{"error", "perf script failed"}};
    }
    std::map<std::string, std::map<std::string, std::size_t>> counts;  // who -> syscall -> n
    std::ifstream in(listing);
    std::string line;
    while (std::getline(in, line)) {
        const auto at = line.find("syscalls:sys_enter_");
        if (at == std::string::npos) {
            continue;
        }
        std::string name = line.substr(at + std::char_traits<char>::length("syscalls:sys_enter_"));
        name = name.substr(0, name.find_first_of(": "));
        std::istringstream fields(line.substr(0, at));
        std::string comm;
        std::string token;
        std::string pid_text;
        fields >> comm;
        while (fields >> token) {
            pid_text = token;  // comm may hold spaces: the pid is the last field before the event
        }
        const int pid = std::atoi(pid_text.c_str());
        if (std::find(server_pids.begin(), server_pids.end(), pid) != server_pids.end()) {
            ++counts["control_plane"][name];
        } else if (comm.starts_with("postgres")) {
            ++counts["postgresql"][name];
        }
    }
    fs::remove(listing);
    nlohmann::json json = nlohmann::json::object();
    for (const char* who : {"control_plane", "postgresql"}) {
        nlohmann::json per_op = nlohmann::json::object();
        for (const char* name : kCountedSyscalls) {
            const auto n = counts[who][name];
            per_op[name] =
                operations == 0
                    ? 0.0
                    : std::round(static_cast<double>(n) * 100.0 / static_cast<double>(operations)) /
                          100.0;
        }
        json[who] = per_op;
    }
    return json;
}

// Runs a phase, optionally watched by perf (whole machine: server, database, this client, kernel):
//   --perf DIR      perf record (cpu-clock, DWARF call graphs) into DIR/<phase>.perf.data
//   --syscalls DIR  perf record of syscall tracepoints into DIR/<phase>.syscalls.data, counted
//                   per operation into the phase's result
// The throughput of a watched run is lower than a plain run's: quote plain runs' figures.
template <typename Phase>
PhaseResult watched(const std::string& perf_dir, const std::string& syscalls_dir,
                    const std::vector<int>& server_pids, const std::string& name, Phase phase) {
    if (perf_dir.empty() && syscalls_dir.empty()) {
        return phase();
    }
    const fs::path perf = require_perf();
    std::unique_ptr<Child> sampler;
    std::unique_ptr<Child> tracer;
    fs::path trace_data;
    if (!perf_dir.empty()) {
        fs::create_directories(perf_dir);
        sampler = start_recorder(
            perf, {"record", "-e", "cpu-clock", "-F", "100", "--call-graph", "dwarf,16384", "-a",
                   "-o", (fs::path(perf_dir) / (name + ".perf.data")).string()});
    }
    if (!syscalls_dir.empty()) {
        fs::create_directories(syscalls_dir);
        trace_data = fs::path(syscalls_dir) / (name + ".syscalls.data");
        std::string events;
        for (const char* syscall : kCountedSyscalls) {
            events += std::string(events.empty() ? "" : ",") + "syscalls:sys_enter_" + syscall;
        }
        tracer = start_recorder(perf, {"record", "-e", events, "-a", "-o", trace_data.string()});
    }
    auto result = phase();
    stop_recorder(sampler);
    stop_recorder(tracer);
    if (!trace_data.empty()) {
        result.syscalls = count_syscalls(perf, trace_data, server_pids, result.succeeded);
    }
    return result;
}

// Busy share of the whole machine over `window`.
double machine_busy_over(std::chrono::milliseconds window) {
    const auto before = read_machine_cpu();
    std::this_thread::sleep_for(window);
    const auto after = read_machine_cpu();
    return after.total > before.total ? static_cast<double>(after.busy - before.busy) /
                                            static_cast<double>(after.total - before.total)
                                      : 0.0;
}

// Waits (at most `limit`) until the machine has been nearly idle for 5 s: on a shared machine,
// someone else's build would otherwise take the cores the figures are about.
double wait_until_quiet(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    double busy = 1.0;
    for (;;) {
        busy = machine_busy_over(std::chrono::seconds(5));
        if (busy < 0.10 || std::chrono::steady_clock::now() >= deadline || g_stop) {
            return busy;
        }
        progress("machine busy " + std::to_string(static_cast<int>(busy * 100)) +
                 "% (not us): waiting for it to calm down");
    }
}

struct Target {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    int pid = -1;
    std::string token;
};

std::string format_ms(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", v);
    return text;
}

void print_phase(const PhaseResult& r) {
    std::cerr << "\n== " << r.name << ": " << r.succeeded << "/" << r.planned << " ok with "
              << r.clients << " clients in " << format_ms(r.wall_s) << " s"
              << (r.timed_out ? " (TIME LIMIT)" : "") << (r.interrupted ? " (INTERRUPTED)" : "")
              << "\n";
    std::cerr << "   throughput  " << std::llround(r.ops_per_s()) << " ops/s\n";
    std::cerr << "   latency ms  p50 " << format_ms(r.latency.p50_ms) << "  p90 "
              << format_ms(r.latency.p90_ms) << "  p99 " << format_ms(r.latency.p99_ms) << "  max "
              << format_ms(r.latency.max_ms) << "  mean " << format_ms(r.latency.mean_ms) << "\n";
    std::cerr << "   p50 by tenth ";
    for (const auto& t : r.by_tenth) {
        std::cerr << " " << format_ms(t.p50_ms);
    }
    std::cerr << "\n   p99 by tenth ";
    for (const auto& t : r.by_tenth) {
        std::cerr << " " << format_ms(t.p99_ms);
    }
    std::cerr << "\n";
    if (r.server_cpu_s >= 0 && r.succeeded > 0) {
        const double n = static_cast<double>(r.succeeded);
        std::cerr << "   cpu/op      server";
        if (!r.succeeded_by_replica.empty()) {
            std::cerr << "s (" << r.succeeded_by_replica.size() << " replicas summed)";
        }
        std::cerr << " " << std::llround(r.server_cpu_s * 1e6 / n) << " us";
        if (r.database_cpu_s >= 0) {
            std::cerr << ", postgresql " << std::llround(r.database_cpu_s * 1e6 / n) << " us";
        }
        std::cerr << ", client " << std::llround(r.client_cpu_s * 1e6 / n) << " us; machine busy "
                  << std::llround(r.machine_busy_share * 100) << "%, other load "
                  << std::llround(r.other_load_share * 100) << "%"
                  << (r.other_load_share > 0.05 ? "  (WARNING: the machine was not quiet)" : "")
                  << "\n";
    }
    for (std::size_t i = 0; i < r.succeeded_by_replica.size(); ++i) {
        const auto done = r.succeeded_by_replica[i];
        const double cpu = r.replica_cpu_s[i];
        std::cerr << "   replica " << i << "   " << done << " ok ("
                  << std::llround(r.succeeded == 0 ? 0.0
                                                   : 100.0 * static_cast<double>(done) /
                                                         static_cast<double>(r.succeeded))
                  << "%) by " << r.clients_by_replica[i] << " clients";
        if (cpu >= 0 && done > 0) {
            std::cerr << ", cpu " << std::llround(cpu * 1e6 / static_cast<double>(done))
                      << " us per own op";
        }
        std::cerr << "\n";
    }
    if (!r.wal_commits.is_null()) {
        std::cerr << "   commits     " << r.wal_commits.value("commits", nlohmann::json()).dump()
                  << " in the WAL (every writer), "
                  << r.wal_commits.value("ops_per_commit", nlohmann::json()).dump()
                  << " ops per COMMIT\n";
    }
    if (!r.syscalls.is_null()) {
        std::cerr << "   syscalls/op " << r.syscalls.dump() << "\n";
    }
    const auto& errors = r.errors;
    std::cerr << "   errors      " << errors.at("count").get<std::size_t>();
    if (errors.at("count").get<std::size_t>() > 0) {
        std::cerr << " " << errors.at("by_status").dump() << "\n   first error "
                  << errors.at("first").dump();
    }
    std::cerr << "\n";
}

// What the progress line of a phase says about where its clients go.
std::string spread_note(std::size_t replicas) {
    return replicas > 1 ? "; client i talks to replica i % " + std::to_string(replicas) +
                              " directly, no balancer"
                        : "";
}

// The WAL's insert position before a phase, to count the phase's commits; empty without
// PostgreSQL or when the query fails (the figure is then missing, the run goes on).
std::string wal_insert_position(const ThrowawayPostgres* postgres) {
    if (postgres == nullptr) {
        return {};
    }
    try {
        return postgres->query_value("SELECT pg_current_wal_insert_lsn()");
    } catch (const std::exception& e) {
        progress(std::string("no WAL position: ") + e.what());
        return {};
    }
}

// The transactions committed since `from` (every writer: the phase's requests, and the replicas'
// heartbeats and leader jobs, a few per second), and the operations per COMMIT. With group commit
// a batch of requests is one COMMIT; a request alone is one too.
nlohmann::json count_commits(const ThrowawayPostgres* postgres, const std::string& from,
                             std::size_t operations) {
    if (postgres == nullptr || from.empty()) {
        return nullptr;
    }
    try {
        const auto to = postgres->query_value("SELECT pg_current_wal_insert_lsn()");
        // pg_waldump reads the files: wait until the WAL writer has written up to `to`
        // (synchronous_commit is off on the throwaway server).
        for (int i = 0; i < 50; ++i) {
            if (postgres->query_value("SELECT pg_current_wal_lsn() >= '" + to + "'::pg_lsn") ==
                "t") {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        const auto commits = postgres->count_wal_commits(from, to);
        if (!commits) {
            return {{"from_lsn", from}, {"to_lsn", to}, {"commits", nullptr}};
        }
        return {{"from_lsn", from},
                {"to_lsn", to},
                {"commits", *commits},
                {"ops_per_commit",
                 *commits == 0 ? nlohmann::json(nullptr)
                               : nlohmann::json(std::round(static_cast<double>(operations) * 100.0 /
                                                           static_cast<double>(*commits)) /
                                                100.0)}};
    } catch (const std::exception& e) {
        progress(std::string("cannot count the WAL's commits: ") + e.what());
        return nullptr;
    }
}

// Polls GET /readyz (no token needed) until it answers 200, or throws after `limit` or when the
// process has exited.
void wait_until_ready(const std::string& host, std::uint16_t port, Child& control,
                      std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    Client client(host, port, std::chrono::seconds(5));
    HttpReply ready;
    while (std::chrono::steady_clock::now() < deadline && !g_stop) {
        ready = client.request("GET", "/readyz");
        if (ready.status == 200) {
            return;
        }
        if (control.wait_for_exit(std::chrono::milliseconds(100))) {
            break;
        }
    }
    throw std::runtime_error("the control plane on port " + std::to_string(port) +
                             " was not ready (GET /readyz: " + std::to_string(ready.status) + " " +
                             ready.body + "):\n" + control.output_tail());
}

int run(const Options& options, const std::string& command_line) {
    nlohmann::json report;
    report["command"] = command_line;
    report["date"] = utc_now();
    report["machine"] = {{"nproc", std::thread::hardware_concurrency()},
                         {"cpu_model", cpu_model()}};
    report["backend"] = options.server.empty() ? options.backend : "external";
    report["parameters"] = {{"regions", options.regions},
                            {"create_clients", options.create_clients},
                            {"read_clients", options.read_clients},
                            {"reads", options.reads},
                            {"time_limit_s", options.time_limit_s},
                            {"control_env", options.control_env},
                            {"replicas", options.replicas},
                            {"webhooks", options.events.webhooks},
                            {"slow_webhooks", options.events.slow_webhooks},
                            {"slow_ms", options.events.slow_ms},
                            {"nats", options.events.nats},
                            {"deliver_after_creates", options.events.deliver_after_creates}};

    // Servers: the throwaway PostgreSQL first (the control plane needs it), then the control plane.
    // With --replicas K > 1, replicas 1..K-1 are `more`: their own processes and data dirs on the
    // same database.
    std::unique_ptr<ThrowawayPostgres> postgres;
    std::unique_ptr<Child> control;
    std::optional<fs::path> data_dir;
    std::vector<std::unique_ptr<Child>> more_controls;
    std::vector<fs::path> more_data_dirs;
    std::vector<int> more_exit_statuses;
    Target target;
    std::vector<PhaseSpec::Replica> replicas;  // every control plane, when more than one
    std::unique_ptr<EventPhase> events;        // with --webhooks, --slow-webhooks or --nats
    std::optional<fs::path> events_dir;
    auto cleanup = [&] {
        int status = 0;
        if (events) {
            events->release();  // a slow receiver answers at once: shutdown waits for no delivery
        }
        // The others first, so replica 0 (the one kept for N = 1) stops last, as before.
        for (auto& other : more_controls) {
            more_exit_statuses.push_back(other->terminate(std::chrono::seconds(20)));
            other.reset();
        }
        more_controls.clear();
        if (control) {
            status = control->terminate(std::chrono::seconds(20));
            control.reset();
        }
        postgres.reset();
        events.reset();  // the receivers and nats-server, once the control plane has stopped
        if (!options.keep_data) {
            std::error_code ec;
            if (events_dir) {
                fs::remove_all(*events_dir, ec);
            }
            if (data_dir) {
                fs::remove_all(*data_dir, ec);
            }
            for (const auto& dir : more_data_dirs) {
                fs::remove_all(dir, ec);
            }
        }
        return status;
    };

    try {
        if (!options.server.empty()) {
            const Poco::URI uri(options.server);
            if (uri.getHost() != "127.0.0.1" && uri.getHost() != "localhost" &&
                uri.getHost() != "::1") {
                throw std::runtime_error(
                    "--server must be on loopback (127.0.0.1, localhost or ::1), not " +
                    uri.getHost());
            }
            target.host = uri.getHost();
            target.port = uri.getPort();
            target.pid = options.server_pid;
            if (!options.token_file.empty()) {
                target.token = read_token_file(options.token_file);
            } else if (const char* token = std::getenv("VERGEGRID_ADMIN_TOKEN"); token != nullptr) {
                target.token = token;
            }
            report["server"] = {{"url", options.server}, {"pid", options.server_pid}};
            if (options.events.any()) {
                // The server's operator has set [event_sink.webhook] allow_http = true.
                events = std::make_unique<EventPhase>(options.events, fs::temp_directory_path());
            }
        } else {
            const fs::path control_path = options.control.empty()
                                              ? self_dir() / ".." / "bin" / "vergegrid-control"
                                              : fs::path(options.control);
            if (!fs::exists(control_path)) {
                throw std::runtime_error("no control plane at " + control_path.string() +
                                         " (pass --control PATH)");
            }
            std::map<std::string, std::string> env{{"VERGEGRID_STORAGE_BACKEND", options.backend}};
            if (options.backend == "postgresql") {
                const fs::path pg_dir = make_temp_dir("/tmp", "vg-api-bench-pg-");
                progress("starting a throwaway PostgreSQL: " + options.pg_script + " start " +
                         pg_dir.string());
                postgres = std::make_unique<ThrowawayPostgres>(options.pg_script, pg_dir);
                env = postgres->control_env();
                for (const auto& assignment : options.pg_db_settings) {
                    const auto eq = assignment.find('=');
                    if (eq == std::string::npos) {
                        throw std::runtime_error("--pg-db-setting wants KEY=VALUE, not " +
                                                 assignment);
                    }
                    progress("ALTER DATABASE ... SET " + assignment);
                    postgres->set_database_setting(assignment.substr(0, eq),
                                                   assignment.substr(eq + 1));
                }
                report["postgresql"] = {{"port", postgres->values().at("VG_DB_PORT")},
                                        {"database_settings", options.pg_db_settings},
                                        {"note",
                                         "throwaway server: fsync=off, synchronous_commit=off, "
                                         "full_page_writes=off"}};
            }
            target.token = random_token();
            env["VERGEGRID_ADMIN_TOKEN"] = target.token;
            for (const auto& assignment : options.control_env) {
                const auto eq = assignment.find('=');
                env[assignment.substr(0, eq)] =
                    eq == std::string::npos ? "" : assignment.substr(eq + 1);
            }
            const fs::path parent =
                options.data_parent.empty()
                    ? fs::path(getenv("TMPDIR") != nullptr ? getenv("TMPDIR") : "/tmp")
                    : fs::path(options.data_parent);
            if (options.events.any()) {
                events_dir = make_temp_dir(parent, "vg-api-bench-events-");
                events = std::make_unique<EventPhase>(options.events, *events_dir);
                for (const auto& [key, value] : events->control_env()) {
                    env[key] = value;
                }
            }
            // One replica per data dir; each knows the port it got once it says it listens. With
            // more than one, each has a name of its own in GET /api/v1/cluster.
            auto start_control = [&](const fs::path& dir, std::map<std::string, std::string> env_of,
                                     int replica) {
                if (options.replicas > 1) {
                    env_of["VERGEGRID_HA_NAME"] = "api-bench-" + std::to_string(replica);
                }
                progress("starting " + fs::weakly_canonical(control_path).string() +
                         " --listen 127.0.0.1:0 --data-dir " + dir.string());
                auto child = std::make_unique<Child>(
                    fs::weakly_canonical(control_path),
                    std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir", dir.string()},
                    env_of);
                const auto port = child->wait_for_output(R"(listening on http://[^:\s]+:(\d+))",
                                                         std::chrono::seconds(60));
                if (!port) {
                    throw std::runtime_error("the control plane did not start:\n" +
                                             child->output_tail());
                }
                progress((options.replicas > 1 ? "replica " + std::to_string(replica) + ": " : "") +
                         "control plane pid " + std::to_string(child->pid()) +
                         " on 127.0.0.1:" + *port);
                return std::make_pair(std::move(child),
                                      static_cast<std::uint16_t>(std::stoi(*port)));
            };
            data_dir = make_temp_dir(parent, "vg-api-bench-data-");
            auto [first, first_port] = start_control(*data_dir, env, 0);
            control = std::move(first);
            target.port = first_port;
            target.pid = control->pid();
            report["server"] = {{"control", fs::weakly_canonical(control_path).string()},
                                {"pid", target.pid},
                                {"data_dir", data_dir->string()},
                                {"data_dir_filesystem", filesystem_type(*data_dir)}};
            if (options.replicas > 1) {
                // The first one has migrated the database and created the admin once it is ready:
                // the others then start on a database that is complete.
                wait_until_ready(target.host, target.port, *control, std::chrono::seconds(60));
                replicas.push_back({target.port, target.pid});
                report["server"]["replicas"] =
                    nlohmann::json::array({{{"pid", target.pid},
                                            {"port", target.port},
                                            {"data_dir", data_dir->string()}}});
                for (int i = 1; i < options.replicas; ++i) {
                    more_data_dirs.push_back(make_temp_dir(parent, "vg-api-bench-data-"));
                    auto [other, port] = start_control(more_data_dirs.back(), env, i);
                    wait_until_ready(target.host, port, *other, std::chrono::seconds(60));
                    replicas.push_back({port, other->pid()});
                    report["server"]["replicas"].push_back(
                        {{"pid", other->pid()},
                         {"port", port},
                         {"data_dir", more_data_dirs.back().string()}});
                    more_controls.push_back(std::move(other));
                }
            }
        }

        if (options.wait_quiet_s > 0) {
            const double busy = wait_until_quiet(std::chrono::seconds(options.wait_quiet_s));
            report["machine"]["busy_share_before_start"] = std::round(busy * 1000.0) / 1000.0;
            progress("machine busy " + std::to_string(static_cast<int>(busy * 100)) +
                     "% over the last 5 s: starting");
        }

        Client admin(target.host, target.port, std::chrono::seconds(30), target.token);
        auto version = admin.request("GET", "/api/v1/version");
        for (int attempt = 1; attempt < 5 && version.status == 0; ++attempt) {
            // Seen once on this shared machine after a long --wait-quiet: a refused connection to
            // a control plane that was listening. Say what the process and the socket look like.
            progress("GET /api/v1/version failed (" + version.body + "); control plane " +
                     (control && !control->wait_for_exit(std::chrono::milliseconds(0))
                          ? "running"
                          : "not running") +
                     "; retrying in 1 s");
            std::this_thread::sleep_for(std::chrono::seconds(1));
            version = admin.request("GET", "/api/v1/version");
        }
        if (version.status != 200) {
            throw std::runtime_error("GET /api/v1/version answered " +
                                     std::to_string(version.status) + ": " + version.body);
        }
        report["server"]["version"] = nlohmann::json::parse(version.body, nullptr, false);
        const auto ready = admin.request("GET", "/readyz");
        if (ready.status != 200) {
            throw std::runtime_error("GET /readyz answered " + std::to_string(ready.status) + ": " +
                                     ready.body);
        }

        const std::uint64_t run_number = splitmix64(static_cast<std::uint64_t>(std::time(nullptr)) ^
                                                    (static_cast<std::uint64_t>(::getpid()) << 32));
        char run_id[16];
        std::snprintf(run_id, sizeof run_id, "%08llx",
                      static_cast<unsigned long long>(run_number & 0xffffffffULL));
        const Layout layout(run_id, run_number, options.regions);
        report["run_id"] = run_id;

        const std::string estate_body =
            std::string(R"({"name":"bench-estate-)") + run_id + R"(","owner":"Api Bench"})";
        const auto estate = admin.request("POST", "/api/v1/estates", estate_body);
        if (estate.status != 201) {
            throw std::runtime_error("POST /api/v1/estates answered " +
                                     std::to_string(estate.status) + ": " + estate.body);
        }
        const std::string estate_id = extract_id(estate.body);
        PhaseSpec spec;
        spec.host = target.host;
        spec.port = target.port;
        spec.token = target.token;
        spec.server_pid = target.pid;
        spec.database_pid = postgres ? postgres->postmaster_pid() : -1;
        spec.time_limit = std::chrono::seconds(options.time_limit_s);
        spec.replicas = replicas;
        std::vector<int> server_pids{target.pid};
        for (std::size_t i = 1; i < replicas.size(); ++i) {
            server_pids.push_back(replicas[i].pid);
        }
        if (options.auto_place) {
            register_bench_simulators(spec, run_id, options.regions, options.simulators);
        }
        if (events) {
            events->subscribe(admin);
            events->before_creates(admin);
        }

        // Creates.
        std::vector<std::string> ids(options.regions);
        std::vector<SteadyTime> answered(options.regions);  // when each create's answer came back
        spec.name = "create";
        spec.clients = options.create_clients;
        spec.operations = options.regions;
        progress("creating " + std::to_string(options.regions) + " regions with " +
                 std::to_string(options.create_clients) + " clients (POST /api/v1/regions)" +
                 spread_note(replicas.size()));
        const auto wal_before = wal_insert_position(postgres.get());
        auto creates = watched(options.perf_dir, options.syscalls_dir, server_pids, "create", [&] {
            return run_phase(
                spec,
                [&](std::size_t index, Client& client, ErrorLog& errors) {
                    const std::string body = options.auto_place ? layout.auto_body(index, estate_id)
                                                                : layout.body(index, estate_id);
                    auto reply = client.request("POST", "/api/v1/regions", body);
                    answered[index] = std::chrono::steady_clock::now();
                    if (reply.status / 100 != 2) {
                        errors.record("POST /api/v1/regions " + body, reply);
                        return false;
                    }
                    ids[index] = extract_id(reply.body);
                    return true;
                },
                g_stop);
        });
        creates.wal_commits = count_commits(postgres.get(), wal_before, creates.succeeded);
        print_phase(creates);

        // The events of the creates at the receivers (before the reads, which take the ids).
        nlohmann::json event_figures;
        if (events) {
            const double cpu_before = target.pid > 0 ? read_proc_cpu_seconds(target.pid) : -1;
            const auto waited_from = std::chrono::steady_clock::now();
            event_figures = events->after_creates(admin, ids, answered, g_stop);
            if (cpu_before >= 0) {
                // What the control plane spent after the last create: the deliveries still due.
                const double cpu = read_proc_cpu_seconds(target.pid) - cpu_before;
                const double wall =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - waited_from)
                        .count();
                event_figures["control_cpu_after_creates_s"] = std::round(cpu * 1000.0) / 1000.0;
                event_figures["wait_s"] = std::round(wall * 1000.0) / 1000.0;
                std::cerr << "   control plane CPU after the last create: " << format_ms(cpu)
                          << " s in " << format_ms(wall) << " s\n";
            }
            report["events"] = event_figures;
        }

        // Reads: uniformly random regions among those created, the same sequence for a seed.
        std::vector<std::string> created;
        created.reserve(ids.size());
        for (auto& id : ids) {
            if (!id.empty()) {
                created.push_back(std::move(id));
            }
        }
        PhaseResult reads;
        if (!created.empty() && !g_stop && options.reads > 0) {
            spec.name = "read";
            spec.clients = options.read_clients;
            spec.operations = options.reads;
            progress("reading " + std::to_string(options.reads) + " times with " +
                     std::to_string(options.read_clients) + " clients (GET /api/v1/regions/{id})" +
                     spread_note(replicas.size()));
            reads = watched(options.perf_dir, options.syscalls_dir, server_pids, "read", [&] {
                return run_phase(
                    spec,
                    [&](std::size_t index, Client& client, ErrorLog& errors) {
                        const auto& id =
                            created[splitmix64(options.seed ^ (index * 0x100000001b3ULL)) %
                                    created.size()];
                        const std::string path = "/api/v1/regions/" + id;
                        auto reply = client.request("GET", path);
                        if (reply.status != 200) {
                            errors.record("GET " + path, reply);
                            return false;
                        }
                        return true;
                    },
                    g_stop);
            });
            print_phase(reads);
        } else {
            reads.name = "read";
            reads.errors = {
                {"count", 0}, {"by_status", nlohmann::json::object()}, {"first", nullptr}};
        }

        // The HTTP floor: the same clients and count on GET /healthz, which touches no storage and
        // builds no JSON. No route can be faster than this through this server and this client.
        std::optional<PhaseResult> floor;
        if (options.http_floor && !g_stop && options.reads > 0) {
            spec.name = "healthz";
            spec.clients = options.read_clients;
            spec.operations = options.reads;
            progress("HTTP floor: " + std::to_string(options.reads) + " GET /healthz with " +
                     std::to_string(options.read_clients) + " clients" +
                     spread_note(replicas.size()));
            floor = watched(options.perf_dir, options.syscalls_dir, server_pids, "healthz", [&] {
                return run_phase(
                    spec,
                    [&](std::size_t, Client& client, ErrorLog& errors) {
                        auto reply = client.request("GET", "/healthz");
                        if (reply.status != 200) {
                            errors.record("GET /healthz", reply);
                            return false;
                        }
                        return true;
                    },
                    g_stop);
            });
            print_phase(*floor);
        }

        // What the control plane holds after the run.
        nlohmann::json after = nlohmann::json::object();
        if (target.pid > 0) {
            const auto memory = read_proc_memory(target.pid);
            after["rss_kib"] = memory.rss_kib;
            after["peak_rss_kib"] = memory.peak_kib;
            std::cerr << "\n== control plane after the run: RSS " << memory.rss_kib / 1024
                      << " MiB (peak " << memory.peak_kib / 1024 << " MiB)";
        }
        if (replicas.size() > 1) {
            after["replicas_rss_kib"] = nlohmann::json::array();
            std::cerr << "; RSS by replica";
            for (const auto& replica : replicas) {
                const auto memory = read_proc_memory(replica.pid);
                after["replicas_rss_kib"].push_back(memory.rss_kib);
                std::cerr << " " << memory.rss_kib / 1024 << " MiB";
            }
        }
        if (data_dir && options.backend == "sqlite") {
            std::uintmax_t bytes = 0;
            for (const auto& entry : fs::directory_iterator(*data_dir)) {
                if (entry.is_regular_file()) {
                    bytes += entry.file_size();
                }
            }
            after["data_dir_bytes"] = bytes;
            std::cerr << ", data dir " << bytes / (1024 * 1024) << " MiB";
        }
        std::cerr << "\n";
        report["after_run"] = after;
        report["phases"] = {creates.to_json(), reads.to_json()};
        if (floor) {
            report["phases"].push_back(floor->to_json());
        }

        const bool clean = creates.errors.at("count").get<std::size_t>() == 0 &&
                           reads.errors.at("count").get<std::size_t>() == 0 && !creates.timed_out &&
                           !reads.timed_out && !g_stop && creates.succeeded == options.regions &&
                           (!events || event_figures.value("complete", false));
        const int exit_status = cleanup();
        report["control_exit_status"] = exit_status;
        if (!more_exit_statuses.empty()) {
            report["other_replicas_exit_statuses"] = more_exit_statuses;
        }
        report["clean"] = clean;
        if (options.json) {
            std::cout << report.dump(2) << std::endl;
        }
        return clean ? 0 : 1;
    } catch (const std::exception& e) {
        progress(std::string("failed: ") + e.what());
        if (control) {
            progress("control plane output (tail):\n" + control->output_tail());
        }
        for (std::size_t i = 0; i < more_controls.size(); ++i) {
            progress("replica " + std::to_string(i + 1) + " output (tail):\n" +
                     more_controls[i]->output_tail());
        }
        cleanup();
        return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    CLI::App cli{
        "api_bench: region create/read throughput and latency through vergegrid-control's HTTP "
        "API"};
    cli.add_option("--backend", options.backend, "storage backend of the started control plane")
        ->check(CLI::IsMember({"sqlite", "postgresql"}))
        ->capture_default_str();
    cli.add_option("--regions", options.regions, "regions to create")
        ->check(CLI::Range(1, 1'000'000))
        ->capture_default_str();
    cli.add_option("--create-clients", options.create_clients,
                   "concurrent keep-alive clients creating")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cli.add_option("--read-clients", options.read_clients, "concurrent keep-alive clients reading")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    cli.add_option("--reads", options.reads,
                   "GET /api/v1/regions/{id} requests in the read phase (0: no read phase)")
        ->check(CLI::Range(0, 100'000'000))
        ->capture_default_str();
    cli.add_option(
        "--server", options.server,
        "use this running control plane (http://127.0.0.1:PORT) instead of starting one");
    cli.add_option("--server-pid", options.server_pid,
                   "with --server: its pid, for CPU and RSS figures");
    cli.add_option(
        "--token-file", options.token_file,
        "with --server: file holding an admin or operator API token (e.g. <data dir>/admin-token); "
        "default: $VERGEGRID_ADMIN_TOKEN");
    cli.add_option("--control", options.control,
                   "vergegrid-control to start (default <bench dir>/../bin/vergegrid-control)");
    cli.add_option("--data-parent", options.data_parent,
                   "where the temporary data dir goes (default $TMPDIR or /tmp)");
    cli.add_option("--pg-script", options.pg_script, "the throwaway PostgreSQL script")
        ->capture_default_str();
    cli.add_option("--control-env", options.control_env,
                   "KEY=VALUE for the started control plane's environment (repeatable), e.g. "
                   "VERGEGRID_STORAGE_SQLITE_POOL_SIZE=8");
    cli.add_option("--pg-db-setting", options.pg_db_settings,
                   "with --backend postgresql: KEY=VALUE set on the benchmark database (ALTER "
                   "DATABASE ... SET) "
                   "before the control plane connects, e.g. join_collapse_limit=1 (repeatable)");
    cli.add_option("--time-limit", options.time_limit_s, "seconds each phase may take at most")
        ->check(CLI::Range(1, 86'400))
        ->capture_default_str();
    cli.add_option("--wait-quiet", options.wait_quiet_s,
                   "before the phases, wait up to this many seconds for the machine to be idle (< "
                   "10% busy over 5 s)")
        ->check(CLI::Range(0, 86'400));
    cli.add_option("--seed", options.seed, "seed of the read sequence")->capture_default_str();
    cli.add_option("--perf", options.perf_dir,
                   "record each phase with perf (whole machine, cpu-clock, DWARF call graphs) into "
                   "DIR/<phase>.perf.data");
    cli.add_option(
        "--syscalls", options.syscalls_dir,
        "count fdatasync/fsync/pwrite64/pread64/nanosleep per operation (perf syscall tracepoints, "
        "recorded into DIR)");
    cli.add_flag("--keep-data", options.keep_data, "keep the temporary data dir");
    cli.add_flag("--auto-place", options.auto_place,
                 "register simulators (4, or one per 900 regions) and create regions without "
                 "location, host or port: placement and the coordinate allocator choose, near "
                 "one point of the run's area");
    cli.add_option("--simulators", options.simulators,
                   "with --auto-place: register this many simulators (e.g. 10000), each with "
                   "room for twice its share of the regions");
    cli.add_flag(
        "--http-floor", options.http_floor,
        "after the reads, the same requests on GET /healthz (no storage, no JSON): the HTTP floor");
    cli.add_option("--replicas", options.replicas,
                   "control planes to start on the one throwaway database (--backend postgresql "
                   "only); create and read client i talks to replica i % N directly")
        ->check(CLI::Range(1, 8))
        ->capture_default_str();
    cli.add_option("--webhooks", options.events.webhooks,
                   "subscribe N webhooks (receivers in this process on 127.0.0.1, answering 204) "
                   "before the creates and report how fast the region.created events reach them; "
                   "the started control plane gets [event_sink.webhook] allow_http = true")
        ->check(CLI::Range(0, 64));
    cli.add_option("--slow-webhooks", options.events.slow_webhooks,
                   "also subscribe N webhooks whose receivers answer after --slow-ms")
        ->check(CLI::Range(0, 16));
    cli.add_option("--slow-ms", options.events.slow_ms, "how long a slow receiver takes to answer")
        ->check(CLI::Range(1, 60'000))
        ->capture_default_str();
    cli.add_flag("--nats", options.events.nats,
                 "start a throwaway nats-server -js and the control plane with [events] sinks = "
                 "webhook,nats; report how fast the run's events are stored in its stream");
    cli.add_flag("--deliver-after-creates", options.events.deliver_after_creates,
                 "keep the webhooks paused during the creates and resume them after: the rate at "
                 "which the dispatcher drains the outbox, not delivery beside creates");
    cli.add_option("--events-wait", options.events.wait_s,
                   "seconds the deliveries may take after the last create")
        ->check(CLI::Range(1, 3600))
        ->capture_default_str();
    cli.add_flag("--json", options.json, "print a machine-readable result on stdout");
    cli.callback([&] {
        if (options.events.nats && !options.server.empty()) {
            throw CLI::ValidationError("--nats",
                                       "configures the control plane it starts: not with --server");
        }
        if (options.events.deliver_after_creates &&
            options.events.webhooks + options.events.slow_webhooks == 0) {
            throw CLI::ValidationError("--deliver-after-creates",
                                       "needs --webhooks or --slow-webhooks");
        }
        if (options.replicas > 1 && !options.server.empty()) {
            throw CLI::ValidationError("--replicas",
                                       "starts its own control planes: not with --server");
        }
        if (options.replicas > 1 && options.backend != "postgresql") {
            throw CLI::ValidationError(
                "--replicas",
                "several control planes share one database only with --backend "
                "postgresql, not " +
                    options.backend);
        }
    });
    CLI11_PARSE(cli, argc, argv);

    std::string command_line;
    for (int i = 0; i < argc; ++i) {
        command_line += (i == 0 ? "" : " ") + std::string(argv[i]);
    }
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    return run(options, command_line);
}
