// bridges_bench: many sim bridges long-polling one control plane.
//
// Starts vergegrid-control, registers N simulators with real one-time registration tokens, then
// runs N simulated bridges (one epoll thread: BridgeSwarm), each long-polling with its own API key
// over its own keep-alive connection and reporting what it receives. Measures the control plane's
// CPU (utime+stime from /proc) and RSS with every bridge waiting (idle), then makes eager API
// calls (region creates pinned to random simulators, then restarts of those regions) at a fixed
// rate and measures, per call, the time from sending the API call to the bridge holding the
// operation (p50/p99), with the CPU and RSS under that load, and how long a SIGTERM takes with
// every poll parked. Each long run reports its figures for its first and last tenth (registration
// as the grid fills, deliveries as the run goes on), and GET /healthz is measured in the same run
// with every bridge parked, so that the machine's load shows beside the figures. Loopback only,
// bounded in time. Run by hand, never in CI: docs/benchmarks.md.
#include <sys/resource.h>

#include <CLI/CLI.hpp>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_load.hpp"
#include "bench_process.hpp"
#include "bridge_swarm.hpp"

namespace fs = std::filesystem;
using namespace vergegrid::bench;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

struct Options {
    std::size_t bridges = 1000;
    int wait_s = 30;
    std::size_t creates = 300;
    std::size_t restarts = 300;
    double rate = 20;  // eager API calls a second
    int idle_s = 10;
    int register_threads = 4;
    int connects_per_tick = 50;
    std::size_t healthz = 20000;  // GET /healthz requests beside the figures
    int healthz_clients = 4;
    std::string control;
    std::vector<std::string> control_env;
    std::uint64_t seed = 1;
};

void progress(const std::string& line) {
    std::cerr << "bridges_bench: " << line << std::endl;
}

fs::path self_dir() {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

fs::path make_temp_dir(const std::string& prefix) {
    std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    return pattern;
}

std::string random_token() {
    std::random_device random;
    static const char digits[] = "0123456789abcdef";
    std::string token = "vgo_bridges-bench-";
    for (int i = 0; i < 40; ++i) {
        token += digits[random() % 16];
    }
    return token;
}

// Each bridge holds a socket: 10,000 need more descriptors than the usual soft limit of 1024,
// and 50,000 more than a usual hard limit (20,000 here), which root may raise (up to fs.nr_open).
// The control plane inherits the limit and raises its own as it needs. Returns the limit got.
rlim_t raise_open_file_limit(std::size_t bridges) {
    const auto wanted = static_cast<rlim_t>(bridges + 1024);
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return 0;
    }
    if (limit.rlim_max < wanted) {
        rlimit raised{wanted, wanted};
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            return wanted;
        }
    }
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    ::getrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

double round3(double v) {
    return std::round(v * 1000.0) / 1000.0;
}

json summary_json(const LatencySummary& s) {
    return {{"count", s.count},           {"p50_ms", round3(s.p50_ms)},
            {"p90_ms", round3(s.p90_ms)}, {"p99_ms", round3(s.p99_ms)},
            {"max_ms", round3(s.max_ms)}, {"mean_ms", round3(s.mean_ms)}};
}

// The summary of all of `nanos` (in the order the operations were made), and of its first and
// last tenth: growth with grid size, or along the run, shows as a difference between the two.
json summary_with_ends(std::vector<std::int64_t> nanos) {
    const std::size_t tenth = std::max<std::size_t>(1, nanos.size() / 10);
    std::vector<std::int64_t> first(
        nanos.begin(), nanos.begin() + static_cast<std::ptrdiff_t>(std::min(tenth, nanos.size())));
    std::vector<std::int64_t> last(
        nanos.end() - static_cast<std::ptrdiff_t>(std::min(tenth, nanos.size())), nanos.end());
    json out = summary_json(summarise(nanos));
    out["first_tenth"] = summary_json(summarise(first));
    out["last_tenth"] = summary_json(summarise(last));
    return out;
}

// CPU seconds of the control plane and of the whole machine over a stretch of time.
struct Window {
    double server_cpu_s = 0;
    MachineCpu machine;
    Clock::time_point at;
};
Window open_window(pid_t server) {
    return {read_proc_cpu_seconds(server), read_machine_cpu(), Clock::now()};
}
json close_window(const Window& start, pid_t server) {
    const Window end = open_window(server);
    const double wall = std::chrono::duration<double>(end.at - start.at).count();
    const double cpu = end.server_cpu_s - start.server_cpu_s;
    const double machine_busy =
        end.machine.total > start.machine.total
            ? static_cast<double>(end.machine.busy - start.machine.busy) /
                  static_cast<double>(end.machine.total - start.machine.total)
            : 0;
    const auto memory = read_proc_memory(server);
    return {{"wall_s", round3(wall)},
            {"server_cpu_s", round3(cpu)},
            {"server_cores", round3(wall > 0 ? cpu / wall : 0)},
            {"server_rss_mib", round3(static_cast<double>(memory.rss_kib) / 1024.0)},
            {"server_rss_anon_mib", round3(static_cast<double>(memory.anon_kib) / 1024.0)},
            {"server_rss_file_mib", round3(static_cast<double>(memory.file_kib) / 1024.0)},
            {"machine_busy_share", round3(machine_busy)},
            {"loadavg", load_average()}};
}

// Registers one simulator: a registration token from the admin, then the bridge's one-time
// registration; the API key is only in that answer.
BridgeSwarm::Bridge register_bridge(Client& admin, Client& anonymous, std::size_t index) {
    const auto token = admin.request("POST", "/api/v1/simulators/registration-tokens", "{}");
    if (token.status != 201) {
        throw std::runtime_error("registration token: HTTP " + std::to_string(token.status) + " " +
                                 token.body);
    }
    const json body = {{"token", json::parse(token.body).at("token")},
                       {"hostname", "bench-sim-" + std::to_string(index)},
                       {"capacity", 16}};
    const auto registered = anonymous.request("POST", "/api/v1/sim/register", body.dump());
    if (registered.status != 201) {
        throw std::runtime_error("register: HTTP " + std::to_string(registered.status) + " " +
                                 registered.body);
    }
    const auto answer = json::parse(registered.body);
    return {answer.at("simulator_id"), answer.at("api_key")};
}

int run(const Options& options) {
    const auto open_files = raise_open_file_limit(options.bridges);
    if (open_files < options.bridges + 1024) {
        // The control plane, holding one descriptor per parked poll, inherits the same limit.
        throw std::runtime_error(
            "the open-file limit is " + std::to_string(open_files) + ", fewer than " +
            std::to_string(options.bridges + 1024) +
            " (bridges + 1024), and this process may not raise its hard limit (it needs root "
            "with CAP_SYS_RESOURCE): at most " +
            std::to_string(open_files > 1024 ? open_files - 1024 : 0) + " bridges here");
    }
    json report = {{"bridges", options.bridges},         {"wait_s", options.wait_s},
                   {"creates", options.creates},         {"restarts", options.restarts},
                   {"rate_per_s", options.rate},         {"cpu", cpu_model()},
                   {"loadavg_at_start", load_average()}, {"open_file_limit", open_files}};

    const fs::path control_path = options.control.empty()
                                      ? self_dir() / ".." / "bin" / "vergegrid-control"
                                      : fs::path(options.control);
    const std::string admin_token = random_token();
    std::map<std::string, std::string> env{{"VERGEGRID_ADMIN_TOKEN", admin_token},
                                           {"VERGEGRID_HTTP_MAX_QUEUED", "4096"}};
    for (const auto& assignment : options.control_env) {
        const auto eq = assignment.find('=');
        env[assignment.substr(0, eq)] = eq == std::string::npos ? "" : assignment.substr(eq + 1);
    }
    const fs::path data_dir = make_temp_dir("vg-bridges-bench-");
    progress("starting " + fs::weakly_canonical(control_path).string() +
             " --listen 127.0.0.1:0 --data-dir " + data_dir.string());
    auto control = std::make_unique<Child>(
        fs::weakly_canonical(control_path),
        std::vector<std::string>{"--listen", "127.0.0.1:0", "--data-dir", data_dir.string()}, env);
    const auto port_text =
        control->wait_for_output(R"(listening on http://[^:\s]+:(\d+))", std::chrono::seconds(60));
    if (!port_text) {
        throw std::runtime_error("the control plane did not start:\n" + control->output_tail());
    }
    const auto port = static_cast<std::uint16_t>(std::stoi(*port_text));
    const pid_t server = control->pid();
    report["server_rss_mib_at_start"] =
        round3(static_cast<double>(read_proc_memory(server).rss_kib) / 1024.0);

    // Registration, on a few threads.
    progress("registering " + std::to_string(options.bridges) + " simulators");
    const auto registering = Clock::now();
    std::vector<BridgeSwarm::Bridge> bridges(options.bridges);
    std::vector<std::int64_t> registration_nanos(options.bridges);  // by registration order
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::string failure;
    std::vector<std::thread> registrars;
    for (int t = 0; t < options.register_threads; ++t) {
        registrars.emplace_back([&] {
            Client admin("127.0.0.1", port, std::chrono::seconds(30), admin_token);
            Client anonymous("127.0.0.1", port, std::chrono::seconds(30));
            for (std::size_t i = next++; i < options.bridges; i = next++) {
                try {
                    const auto started = Clock::now();
                    bridges[i] = register_bridge(admin, anonymous, i);
                    registration_nanos[i] =
                        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started)
                            .count();
                } catch (const std::exception& e) {
                    std::lock_guard lock(failure_mutex);
                    failure = e.what();
                    next = options.bridges;
                }
            }
        });
    }
    for (auto& thread : registrars) {
        thread.join();
    }
    if (!failure.empty()) {
        throw std::runtime_error(failure);
    }
    report["registration_s"] =
        round3(std::chrono::duration<double>(Clock::now() - registering).count());
    // Token + registration, as the number registered grows from 0 to N.
    report["registration"] = summary_with_ends(registration_nanos);
    progress("registered: " + report["registration"].dump());
    report["server_rss_mib_after_registration"] =
        round3(static_cast<double>(read_proc_memory(server).rss_kib) / 1024.0);
    report["server_rss_anon_mib_after_registration"] =
        round3(static_cast<double>(read_proc_memory(server).anon_kib) / 1024.0);

    // Every bridge connects and long-polls.
    progress("connecting " + std::to_string(options.bridges) + " bridges");
    const auto connecting = Clock::now();
    BridgeSwarm swarm(port, bridges, options.wait_s, options.connects_per_tick);
    const auto connect_deadline = Clock::now() + std::chrono::seconds(300);
    while (swarm.counters().bridges_waiting < options.bridges && Clock::now() < connect_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    report["all_polling_after_s"] =
        round3(std::chrono::duration<double>(Clock::now() - connecting).count());
    if (swarm.counters().bridges_waiting < options.bridges) {
        throw std::runtime_error("only " + std::to_string(swarm.counters().bridges_waiting) +
                                 " bridges polling; first error: " + swarm.first_error());
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));  // the last polls reach the lot
    report["server_rss_mib_all_parked"] =
        round3(static_cast<double>(read_proc_memory(server).rss_kib) / 1024.0);
    report["server_rss_anon_mib_all_parked"] =
        round3(static_cast<double>(read_proc_memory(server).anon_kib) / 1024.0);

    progress("idle: every bridge waiting, " + std::to_string(options.idle_s) + " s");
    const auto idle = open_window(server);
    std::this_thread::sleep_for(std::chrono::seconds(options.idle_s));
    report["idle"] = close_window(idle, server);
    progress("idle: " + report["idle"].dump());

    // Eager API calls at a fixed rate, each timed until its bridge holds the operation.
    Client admin("127.0.0.1", port, std::chrono::seconds(30), admin_token);
    const auto estate =
        admin.request("POST", "/api/v1/estates", R"({"name":"Bench","owner":"Bench Owner"})");
    if (estate.status != 201) {
        throw std::runtime_error("estate: HTTP " + std::to_string(estate.status) + estate.body);
    }
    const std::string estate_id = json::parse(estate.body).at("id");
    std::mt19937_64 random(options.seed);
    std::map<std::string, Clock::time_point> sent;      // "<region id>:<kind>" -> API call sent
    std::map<std::string, Clock::time_point> answered;  // -> its answer received
    std::vector<std::int64_t> api_nanos;
    std::vector<std::string> regions;
    std::size_t api_errors = 0;
    const auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(1.0 / options.rate));
    progress("load: " + std::to_string(options.creates) + " creates then " +
             std::to_string(options.restarts) + " restarts at " + std::to_string(options.rate) +
             "/s");
    const auto load = open_window(server);
    auto next_call = Clock::now();
    for (std::size_t i = 0; i < options.creates + options.restarts; ++i) {
        std::this_thread::sleep_until(next_call);
        next_call += interval;
        const bool create = i < options.creates;
        std::string path;
        std::string body;
        if (create) {
            const auto& bridge = bridges[random() % bridges.size()];
            path = "/api/v1/regions";
            body = json{{"name", "Bench " + std::to_string(i)},
                        {"estate_id", estate_id},
                        {"loc_x", 1000 + 2 * static_cast<int>(i % 500)},
                        {"loc_y", 1000 + 2 * static_cast<int>(i / 500)},
                        {"port", 9000},
                        {"host", "bench-" + std::to_string(i) + ".example.org"},
                        {"placement", {{"simulator_id", bridge.simulator_id}}}}
                       .dump();
        } else {
            if (regions.empty()) {
                break;
            }
            path =
                "/api/v1/regions/" + regions[(i - options.creates) % regions.size()] + "/restart";
        }
        const auto started = Clock::now();
        const auto reply = admin.request("POST", path, body);
        const auto done = Clock::now();
        api_nanos.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(done - started).count());
        if (reply.status != 201 && reply.status != 200 && reply.status != 202) {
            ++api_errors;
            if (api_errors == 1) {
                progress("API call failed: HTTP " + std::to_string(reply.status) + " " +
                         reply.body);
            }
            continue;
        }
        if (create) {
            const std::string id = json::parse(reply.body).at("id");
            regions.push_back(id);
            sent.emplace(id + ":create", started);
            answered.emplace(id + ":create", done);
        } else {
            const auto key = regions[(i - options.creates) % regions.size()] + ":restart";
            sent.emplace(key, started);
            answered.emplace(key, done);
        }
    }
    // Every operation should arrive; wait a little for the last ones.
    const auto arrival_deadline = Clock::now() + std::chrono::seconds(10);
    auto arrived_all = [&] {
        for (const auto& [key, at] : sent) {
            if (!swarm.has_arrived(key)) {
                return false;
            }
        }
        return true;
    };
    while (!arrived_all() && Clock::now() < arrival_deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    report["load"] = close_window(load, server);

    const auto arrivals = swarm.arrivals();
    std::vector<std::int64_t> delivery_nanos;
    std::vector<std::int64_t> after_answer_nanos;  // negative: the bridge had it first
    std::size_t missing = 0;
    // Pinned creates alone, in the order they were made: the issue's "pinned create + wake".
    std::vector<std::int64_t> create_nanos;
    for (const auto& id : regions) {
        const auto key = id + ":create";
        const auto it = arrivals.find(key);
        if (it != arrivals.end()) {
            create_nanos.push_back(
                std::chrono::duration_cast<std::chrono::nanoseconds>(it->second - sent.at(key))
                    .count());
        }
    }
    report["create_to_bridge"] = summary_with_ends(create_nanos);
    for (const auto& [key, at] : sent) {
        const auto it = arrivals.find(key);
        if (it == arrivals.end()) {
            ++missing;
            continue;
        }
        delivery_nanos.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(it->second - at).count());
        after_answer_nanos.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(it->second - answered.at(key))
                .count());
    }
    report["api_call"] = summary_json(summarise(api_nanos));
    report["api_call"]["errors"] = api_errors;
    report["call_to_bridge"] = summary_json(summarise(delivery_nanos));
    report["call_to_bridge"]["missing"] = missing;
    // The channel's own share: from the operator's answer to the bridge holding the operation.
    report["answer_to_bridge"] = summary_json(summarise(after_answer_nanos));
    const auto counters = swarm.counters();
    report["swarm"] = {{"connected", counters.connected},     {"polls_sent", counters.polls_sent},
                       {"polls_empty", counters.polls_empty}, {"operations", counters.operations},
                       {"results", counters.results},         {"errors", counters.errors},
                       {"first_error", swarm.first_error()}};

    // GET /healthz in the same run, every bridge parked: the HTTP floor on this machine now.
    if (options.healthz > 0) {
        PhaseSpec spec;
        spec.name = "healthz";
        spec.clients = options.healthz_clients;
        spec.operations = options.healthz;
        spec.time_limit = std::chrono::seconds(120);
        spec.host = "127.0.0.1";
        spec.port = port;
        spec.server_pid = server;
        std::atomic<bool> never{false};
        progress("healthz: " + std::to_string(options.healthz) + " GET /healthz with " +
                 std::to_string(options.healthz_clients) + " clients, every bridge parked");
        const auto floor = run_phase(
            spec,
            [](std::size_t, Client& client, ErrorLog& errors) {
                auto reply = client.request("GET", "/healthz");
                if (reply.status != 200) {
                    errors.record("GET /healthz", reply);
                    return false;
                }
                return true;
            },
            never);
        report["healthz"] = {{"per_s", round3(floor.ops_per_s())},
                             {"latency", summary_json(floor.latency)},
                             {"errors", floor.errors},
                             {"machine_busy_share", round3(floor.machine_busy_share)},
                             {"loadavg", load_average()}};
        progress("healthz: " + report["healthz"].dump());
    }

    // SIGTERM with every bridge parked: how long until the process is gone.
    const auto stopping = Clock::now();
    const int status = control->terminate(std::chrono::seconds(30));
    report["sigterm_to_exit_s"] =
        round3(std::chrono::duration<double>(Clock::now() - stopping).count());
    report["exit_status"] = status;
    report["loadavg_at_end"] = load_average();
    std::cout << report.dump(2) << std::endl;
    std::error_code ec;
    fs::remove_all(data_dir, ec);
    return missing == 0 && api_errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{"bridges_bench: many sim bridges long-polling one vergegrid-control"};
    Options options;
    cli.add_option("--bridges", options.bridges, "simulated bridges (default 1000)");
    cli.add_option("--wait", options.wait_s, "long-poll wait in seconds (default 30)");
    cli.add_option("--creates", options.creates, "region creates pinned to random bridges");
    cli.add_option("--restarts", options.restarts, "restarts of those regions");
    cli.add_option("--rate", options.rate, "eager API calls per second (default 20)");
    cli.add_option("--idle", options.idle_s, "seconds measured with every bridge waiting");
    cli.add_option("--register-threads", options.register_threads, "registration threads");
    cli.add_option("--connects-per-tick", options.connects_per_tick,
                   "bridges connecting every 10 ms (default 50)");
    cli.add_option("--healthz", options.healthz,
                   "GET /healthz requests made with every bridge parked (0: none; default 20000)");
    cli.add_option("--healthz-clients", options.healthz_clients, "clients for GET /healthz");
    cli.add_option("--control", options.control,
                   "vergegrid-control binary (default <bench dir>/../bin/vergegrid-control)");
    cli.add_option("--control-env", options.control_env,
                   "extra KEY=VALUE for the control plane's environment");
    cli.add_option("--seed", options.seed, "random seed for the simulators picked");
    CLI11_PARSE(cli, argc, argv);
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cerr << "bridges_bench: " << e.what() << std::endl;
        return 2;
    }
}
