#include "tests/e2e/ha/ha_stack.hpp"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/listen_port.hpp"

namespace vergegrid::test::ha {

namespace {

using namespace std::chrono_literals;

std::string haproxy_program() {
    for (const char* path : {"/usr/sbin/haproxy", "/usr/bin/haproxy"}) {
        if (std::ifstream(path).good()) {
            return path;
        }
    }
    throw std::runtime_error("haproxy is not installed (.ci/install-deps installs it)");
}

bool accepts(std::uint16_t port) {
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(1, 0));
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

}  // namespace

HaStack::HaStack(int replicas, std::map<std::string, std::string> extra_env)
    : database_(storage::make_harness("postgresql")), env_(std::move(extra_env)) {
    const auto config = database_->config();
    env_["VERGEGRID_STORAGE_BACKEND"] = "postgresql";
    for (const char* key : {"dbname", "user", "password"}) {
        std::string name = key;
        for (auto& c : name) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
        env_["VERGEGRID_STORAGE_POSTGRESQL_" + name] = config.at(key);
    }
    env_["VERGEGRID_STORAGE_POSTGRESQL_HOST"] = "127.0.0.1";
    env_["VERGEGRID_STORAGE_POSTGRESQL_SSLMODE"] = "disable";
    for (int i = 0; i < replicas; ++i) {
        http_ports_.push_back(unclaimed_listen_port());
        db_ports_.push_back(unclaimed_listen_port());
    }
    replicas_.resize(static_cast<std::size_t>(replicas));
    balancer_port_ = unclaimed_listen_port();
    admin_port_ = unclaimed_listen_port();

    // Long polls wait up to 60 s: the HTTP timeouts are longer. The database proxies keep idle
    // sessions (the pool's, the leadership's, the listener's) for the whole test.
    std::ostringstream cfg;
    cfg << "global\n"
        << "  stats socket ipv4@127.0.0.1:" << admin_port_ << " level admin\n"
        << "defaults\n"
        << "  timeout connect 2s\n  timeout client 90s\n  timeout server 90s\n"
        << "frontend api\n  mode http\n  bind 127.0.0.1:" << balancer_port_ << "\n"
        << "  default_backend replicas\n"
        << "backend replicas\n  mode http\n  balance roundrobin\n"
        << "  option httpchk GET /readyz\n  http-check expect status 200\n"
        << "  option redispatch\n  retries 2\n";
    for (int i = 0; i < replicas; ++i) {
        cfg << "  server r" << i << " 127.0.0.1:" << http_ports_[i]
            << " check inter 300ms fall 2 rise 2\n";
    }
    for (int i = 0; i < replicas; ++i) {
        cfg << "frontend db" << i << "\n  mode tcp\n  bind 127.0.0.1:" << db_ports_[i] << "\n"
            << "  timeout client 1h\n  default_backend pg" << i << "\n"
            << "backend pg" << i << "\n  mode tcp\n  timeout server 1h\n"
            << "  server pg 127.0.0.1:" << config.at("port") << "\n";
    }
    const auto file = dir_.path() / "haproxy.cfg";
    std::ofstream(file) << cfg.str();
    haproxy_ = std::make_unique<ChildProcess>(haproxy_program(),
                                              std::vector<std::string>{"-db", "-f", file.string()});
    for (int i = 0; i < 100 && !accepts(balancer_port_); ++i) {
        std::this_thread::sleep_for(100ms);
    }
    if (!accepts(balancer_port_)) {
        throw std::runtime_error("haproxy did not start: " + haproxy_->output());
    }
}

HaStack::~HaStack() {
    for (auto& replica : replicas_) {
        if (replica) {
            replica->process().send_signal(SIGTERM);
            replica->process().wait_for_exit(20s);
        }
    }
    replicas_.clear();
    haproxy_.reset();
}

void HaStack::start_replica(int i) {
    auto env = env_;
    env["VERGEGRID_STORAGE_POSTGRESQL_PORT"] = std::to_string(db_ports_[i]);
    env["VERGEGRID_HA_NAME"] = "replica-" + std::to_string(i);
    replicas_[i] = std::make_unique<ControlPlaneProcess>(
        std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(http_ports_[i]),
                                 "--data-dir",
                                 (dir_.path() / ("data-" + std::to_string(i))).string()},
        env);
    if (!replicas_[i]->started()) {
        throw std::runtime_error("replica " + std::to_string(i) +
                                 " did not start: " + replicas_[i]->process().output());
    }
}

void HaStack::kill_replica(int i) {
    replicas_[i]->process().send_signal(SIGKILL);
    replicas_[i]->process().wait_for_exit(10s);
    replicas_[i].reset();
}

std::string HaStack::haproxy_command(const std::string& command) const {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", admin_port_), Poco::Timespan(5, 0));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    Poco::Net::SocketStream stream(socket);
    stream << command << "\n" << std::flush;
    std::string answer((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    return answer;
}

void HaStack::cut_database(int i) {
    const std::string server = "pg" + std::to_string(i) + "/pg";
    haproxy_command("set server " + server + " state maint");
    haproxy_command("shutdown sessions server " + server);
}

void HaStack::restore_database(int i) {
    haproxy_command("set server pg" + std::to_string(i) + "/pg state ready");
}

void HaStack::wait_until_balanced() const {
    // One "show stat" per look, every replica read from it.
    const auto all_up = [this] {
        const auto statuses = balancer_statuses();
        for (std::size_t i = 0; i < replicas_.size(); ++i) {
            const auto it = statuses.find("r" + std::to_string(i));
            if (replicas_[i] && (it == statuses.end() || it->second != "UP")) {
                return false;
            }
        }
        return true;
    };
    for (int i = 0; i < 300 && !all_up(); ++i) {
        std::this_thread::sleep_for(100ms);
    }
    if (!all_up()) {
        throw std::runtime_error("the balancer did not take every replica in: " +
                                 haproxy_command("show stat"));
    }
}

std::string HaStack::balancer_status(int i) const {
    const auto statuses = balancer_statuses();
    const auto it = statuses.find("r" + std::to_string(i));
    return it == statuses.end() ? "" : it->second;
}

std::map<std::string, std::string> HaStack::balancer_statuses() const {
    // CSV, its first line "# pxname,svname,...": the columns are found by name.
    std::istringstream lines(haproxy_command("show stat"));
    std::vector<std::string> columns;
    std::map<std::string, std::string> statuses;
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<std::string> fields;
        std::istringstream cells(line.rfind("# ", 0) == 0 ? line.substr(2) : line);
        for (std::string cell; std::getline(cells, cell, ',');) {
            fields.push_back(cell);
        }
        if (columns.empty()) {
            columns = fields;
            continue;
        }
        const auto at = [&](const std::string& name) -> std::string {
            const auto it = std::find(columns.begin(), columns.end(), name);
            const auto index = static_cast<std::size_t>(it - columns.begin());
            return index < fields.size() ? fields[index] : "";
        };
        if (at("pxname") == "replicas") {
            statuses[at("svname")] = at("status");
        }
    }
    return statuses;
}

}  // namespace vergegrid::test::ha
