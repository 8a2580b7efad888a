#include "tests/e2e/bridge/bridge_stack.hpp"

#include "tests/support/listen_port.hpp"

#include <signal.h>

#include <fstream>
#include <regex>
#include <stdexcept>
#include <thread>

namespace vergegrid::test {

using nlohmann::json;
using namespace std::chrono_literals;

SimulatorHost::SimulatorHost(std::filesystem::path root, std::uint16_t control_port)
    : root_(std::move(root)),
      control_port_(control_port),
      push_port_(unclaimed_listen_port()),
      remoteadmin_port_(unclaimed_listen_port()),
      emulator_control_port_(unclaimed_listen_port()) {
    std::filesystem::create_directories(regions_dir());
}

SimulatorHost::~SimulatorHost() {
    // The emulator outlives a killed bridge by design; it must not outlive the test.
    if (const int pid = emulator_pid(); pid > 0) {
        ::kill(pid, SIGKILL);
    }
    if (bridge_) {
        bridge_->send_signal(SIGKILL);
    }
}

void SimulatorHost::start(const std::string& extra_ini, bool wait_running,
                          const std::map<std::string, std::string>& env) {
    if (registration_token_.empty()) {
        registration_token_ = ApiClient(control_port_)
                                  .post("/api/v1/simulators/registration-tokens", json::object())
                                  .body.at("token");
    }
    const auto sim = root_ / "sim";
    const std::string emulator =
        std::string(VERGEGRID_OPENSIM_EMULATOR) + " --sim-dir " + sim.string() +
        " --remoteadmin-port " + std::to_string(remoteadmin_port_) + " --password s3cret" +
        " --control-port " + std::to_string(emulator_control_port_) +
        " --create-delay-ms 20 --first-create-delay-ms 40 --close-delay-ms 100"
        " --delete-delay-ms 100 --start-delay-ms 100 --restart-delay-ms 200"
        " --shutdown-delay-ms 100 --allow-regionless true " +
        emulator_args_;
    std::ofstream ini(root_ / "bridge.ini");
    ini << "state_dir = " << state_dir().string() << "\n"
        << "[control]\nurl = http://127.0.0.1:" << control_port_ << "\n"
        << "registration_token = " << registration_token_ << "\n"
        << "[push]\nlisten = 127.0.0.1:" << push_port_ << "\n"
        << "[channel]\npull_wait_s = 2\nheartbeat_interval_ms = 300\n"
        << "reconcile_interval_ms = 500\nretry_interval_ms = 200\n"
        << "[simulator]\nremoteadmin_url = http://127.0.0.1:" << remoteadmin_port_ << "\n"
        << "remoteadmin_password = s3cret\n"
        << "regions_dir = " << regions_dir().string() << "\n"
        << "command = " << emulator << "\n"
        << "stop_timeout_ms = 5000\nregion_load_timeout_ms = 1500\nstop_on_exit = true\n"
        << "external_host = 127.0.0.1\n"
        << extra_ini;
    ini.close();
    bridge_.reset();
    bridge_ = std::make_unique<ChildProcess>(
        VERGEGRID_BRIDGE_BINARY,
        std::vector<std::string>{"--config", (root_ / "bridge.ini").string(), "--plugin-dir",
                                 VERGEGRID_PLUGIN_DIR},
        env);
    if (wait_running &&
        !bridge_->wait_for_output(std::regex("vergegrid-bridge \\S+ running"), 30s)) {
        throw std::runtime_error("bridge did not start: " + bridge_->output());
    }
}

void SimulatorHost::kill_bridge() {
    bridge_->send_signal(SIGKILL);
    bridge_->wait_for_exit(10s);
}

void SimulatorHost::kill() {
    const int emulator = emulator_pid();
    kill_bridge();
    if (emulator > 0) {
        ::kill(emulator, SIGKILL);
    }
    // The emulator is the bridge's child: gone once its control endpoint stops answering.
    eventually([&] { return emulator_state().is_null(); }, 10s);
}

std::string SimulatorHost::simulator_id() const {
    std::ifstream file(state_dir() / "identity.json");
    return json::parse(file).at("simulator_id");
}

BridgeStack::BridgeStack(std::map<std::string, std::string> control_env)
    : control_port_(unclaimed_listen_port()), control_env_(std::move(control_env)) {
    start_control_plane();
    // The first host lives at the stack's root: regions_dir(), state_dir() as they always were.
    hosts_.push_back(std::make_unique<SimulatorHost>(dir_.path(), control_port_));
}

BridgeStack::~BridgeStack() = default;

SimulatorHost& BridgeStack::add_host() {
    const auto root = dir_.path() / ("host-" + std::to_string(hosts_.size() + 1));
    hosts_.push_back(std::make_unique<SimulatorHost>(root, control_port_));
    return *hosts_.back();
}

void BridgeStack::start_control_plane(std::optional<std::uint16_t> port) {
    control_.reset();
    if (port) {
        control_port_ = *port;
    }
    // The bridge reports the real host's CPU load: on a busy test machine (parallel suites)
    // it reaches 100 %, and placement's load rule would refuse the tests' regions.
    std::map<std::string, std::string> env{{"VERGEGRID_SYNC_HYBRID_WINDOW_S", "3"},
                                           {"VERGEGRID_PLACEMENT_MAX_CPU_LOAD", "1"}};
    for (const auto& [key, value] : control_env_) {
        env[key] = value;
    }
    control_ = std::make_unique<ControlPlaneProcess>(
        std::vector<std::string>{"--listen", "127.0.0.1:" + std::to_string(control_port_),
                                 "--data-dir", (dir_.path() / "data").string()},
        env);
    if (!control_->started()) {
        throw std::runtime_error("control plane did not start: " + control_->process().output());
    }
    admin_ = std::make_unique<ApiClient>(control_port_);
}

void BridgeStack::stop_control_plane() {
    control_->process().send_signal(SIGTERM);
    control_->process().wait_for_exit(30s);
}

std::string BridgeStack::estate_id() {
    if (estate_id_.empty()) {
        estate_id_ =
            // The simulator's default estate and the emulator's default estate owner: regions
            // stay where a simulator puts them (tests/e2e/bridge/bridge_estate_test.cpp moves
            // them).
            admin_->post("/api/v1/estates", {{"name", "My Estate"}, {"owner", "Test User"}})
                .body.at("id");
    }
    return estate_id_;
}

json BridgeStack::create_region(const std::string& name, int x, int port) {
    return create_region(name, x, port, simulator_id());
}

json BridgeStack::create_region(const std::string& name, int x, int port,
                                const std::string& simulator_id) {
    // "force": the bridge reports this machine's real CPU load, and a test machine busy building
    // must not make placement refuse the pin (these tests are about the bridge, not placement).
    auto result = admin_->post("/api/v1/regions",
                               {{"name", name},
                                {"estate_id", estate_id()},
                                {"loc_x", x},
                                {"loc_y", 1000},
                                {"port", port},
                                {"host", "127.0.0.1"},
                                {"placement", {{"simulator_id", simulator_id}, {"force", true}}}});
    if (result.status != 201) {
        throw std::runtime_error("region create: " + result.raw);
    }
    return result.body;
}

std::optional<json> BridgeStack::finished_operation(const std::string& region_id,
                                                    std::chrono::milliseconds timeout) {
    std::optional<json> found;
    eventually(
        [&] {
            auto items = admin_->get("/api/v1/operations?region_id=" + region_id).body;
            if (!items.is_object() || items.at("items").empty()) {
                return false;
            }
            const auto& latest = items.at("items").at(0);
            if (latest.at("state") == "succeeded" || latest.at("state") == "failed") {
                found = latest;
                return true;
            }
            return false;
        },
        timeout);
    return found;
}

json SimulatorHost::emulator_state() const {
    try {
        auto result = http_get(emulator_control_port_, "/state");
        if (result.status != 200) {
            return nullptr;
        }
        return json::parse(result.body);
    } catch (const std::exception&) {
        return nullptr;
    }
}

std::optional<json> SimulatorHost::emulator_region(const std::string& name) const {
    const auto state = emulator_state();
    if (state.is_null()) {
        return std::nullopt;
    }
    for (const auto& region : state.at("regions")) {
        if (region.at("name") == name) {
            return region;
        }
    }
    return std::nullopt;
}

bool SimulatorHost::region_healthy(const std::string& name) const {
    auto region = emulator_region(name);
    return region && region->at("health").get<int>() > 0;
}

void SimulatorHost::emulator_fault(const json& fault) const {
    auto result = http_request(emulator_control_port_, "POST", "/faults", fault.dump(),
                               {{"Content-Type", "application/json"}});
    if (result.status != 200) {
        throw std::runtime_error("emulator fault: " + result.body);
    }
}

int SimulatorHost::emulator_pid() const {
    const auto state = emulator_state();
    return state.is_null() ? 0 : state.at("pid").get<int>();
}

HttpResult SimulatorHost::emulator_call(const std::string& method, const std::string& path,
                                        const json& body) const {
    return http_request(emulator_control_port_, method, path, body.is_null() ? "" : body.dump(),
                        {{"Content-Type", "application/json"}});
}

std::string SimulatorHost::remote_admin(const std::string& method,
                                        const std::string& region_name) const {
    const std::string body =
        "<?xml version=\"1.0\"?><methodCall><methodName>" + method +
        "</methodName><params><param><value><struct>"
        "<member><name>password</name><value><string>s3cret</string></value></member>"
        "<member><name>region_name</name><value><string>" +
        region_name + "</string></value></member></struct></value></param></params></methodCall>";
    return http_request(remoteadmin_port_, "POST", "/", body, {{"Content-Type", "text/xml"}}).body;
}

}  // namespace vergegrid::test
