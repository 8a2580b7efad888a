// Control plane + vergegrid-bridge + OpenSim emulator as real processes on loopback: the
// fixture of the bridge's end-to-end tests. The bridge starts and supervises the emulator, as
// it would a real OpenSim. A test may add more simulator hosts (each a bridge + its emulator,
// with their own dirs and ports) registered to the same control plane: moves between
// simulators (tests/e2e/bridge/bridge_migration_test.cpp) need two.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/eventually.hpp"
#include "tests/support/temp_dir.hpp"

namespace vergegrid::test {

// One simulator machine: a vergegrid-bridge and the emulator it supervises, everything under
// `root` (bridge.ini, state/, sim/Regions/), its own push, RemoteAdmin and emulator ports.
class SimulatorHost {
  public:
    SimulatorHost(std::filesystem::path root, std::uint16_t control_port);
    ~SimulatorHost();  // kills what is still running: nothing outlives the test
    SimulatorHost(const SimulatorHost&) = delete;
    SimulatorHost& operator=(const SimulatorHost&) = delete;

    // Writes bridge.ini (a fresh registration token on the first start only) and starts the
    // bridge; waits for its "running" line unless told not to.
    // `env` overrides keys of the file (VERGEGRID_CHANNEL_PULL_WAIT_S, ...).
    void start(const std::string& extra_ini = "", bool wait_running = true,
               const std::map<std::string, std::string>& env = {});
    void kill_bridge();  // SIGKILL: no clean-up of any kind; the emulator goes on running
    // The machine dies: the bridge and the emulator are SIGKILLed (heartbeats stop).
    void kill();
    // Extra command-line options of the emulator the next start() supervises.
    void set_emulator_args(std::string args) { emulator_args_ = std::move(args); }
    ChildProcess& bridge() { return *bridge_; }
    bool started() const { return bridge_ != nullptr; }
    std::string simulator_id() const;

    // The emulator's test-only endpoint.
    nlohmann::json emulator_state() const;  // null when it does not answer
    std::optional<nlohmann::json> emulator_region(const std::string& name) const;
    bool region_healthy(const std::string& name) const;
    void emulator_fault(const nlohmann::json& fault) const;
    int emulator_pid() const;
    // Any call to the emulator's control endpoint (region state, terrain, ...); the raw answer.
    HttpResult emulator_call(const std::string& method, const std::string& path,
                             const nlohmann::json& body = nullptr) const;
    // A RemoteAdmin call straight to the emulator, behind the bridge's back; returns raw XML.
    std::string remote_admin(const std::string& method, const std::string& region_name) const;

    std::filesystem::path regions_dir() const { return root_ / "sim" / "Regions"; }
    std::filesystem::path state_dir() const { return root_ / "state"; }
    std::filesystem::path stub_of(const std::string& region_id) const {
        return regions_dir() / ("vergegrid-" + region_id + ".ini");
    }

  private:
    std::filesystem::path root_;
    std::uint16_t control_port_;
    std::uint16_t push_port_;
    std::uint16_t remoteadmin_port_;
    std::uint16_t emulator_control_port_;
    std::unique_ptr<ChildProcess> bridge_;
    std::string registration_token_;
    std::string emulator_args_;
};

class BridgeStack {
  public:
    // `control_env` adds to (or overrides) the control plane's environment, e.g.
    // VERGEGRID_SIMULATORS_OFFLINE_AFTER_S for a test that needs a dead simulator seen quickly.
    explicit BridgeStack(std::map<std::string, std::string> control_env = {});
    ~BridgeStack();

    // vergegrid-control on its fixed port (the bridge's control.url), same data dir each time.
    // Given a `port`, it listens there instead, and control_port() and admin() follow it: a
    // replica at another URL (one at a time, on the same SQLite data).
    void start_control_plane(std::optional<std::uint16_t> port = std::nullopt);
    void stop_control_plane();

    // The first simulator host (the one every single-bridge call below is about).
    SimulatorHost& host() { return *hosts_.front(); }
    const SimulatorHost& host() const { return *hosts_.front(); }
    // Another simulator host registered to the same control plane (not started yet).
    SimulatorHost& add_host();

    // The first host's bridge (see SimulatorHost).
    void start_bridge(const std::string& extra_ini = "", bool wait_running = true,
                      const std::map<std::string, std::string>& env = {}) {
        host().start(extra_ini, wait_running, env);
    }
    void kill_bridge() { host().kill_bridge(); }
    void set_emulator_args(std::string args) { host().set_emulator_args(std::move(args)); }
    ChildProcess& bridge() { return host().bridge(); }

    ApiClient& admin() { return *admin_; }
    std::string simulator_id() const { return host().simulator_id(); }
    std::string estate_id();
    // POST /api/v1/regions pinned to the first host's simulator (or `simulator_id`); returns the
    // region JSON.
    nlohmann::json create_region(const std::string& name, int x, int port);
    nlohmann::json create_region(const std::string& name, int x, int port,
                                 const std::string& simulator_id);
    // The latest operation of the region once it is no longer pending/delivered.
    std::optional<nlohmann::json> finished_operation(
        const std::string& region_id, std::chrono::milliseconds timeout = std::chrono::seconds(30));

    // The first host's emulator (see SimulatorHost).
    nlohmann::json emulator_state() const { return host().emulator_state(); }
    std::optional<nlohmann::json> emulator_region(const std::string& name) const {
        return host().emulator_region(name);
    }
    bool region_healthy(const std::string& name) const { return host().region_healthy(name); }
    void emulator_fault(const nlohmann::json& fault) const { host().emulator_fault(fault); }
    int emulator_pid() const { return host().emulator_pid(); }
    HttpResult emulator_call(const std::string& method, const std::string& path,
                             const nlohmann::json& body = nullptr) const {
        return host().emulator_call(method, path, body);
    }
    std::string remote_admin(const std::string& method, const std::string& region_name) const {
        return host().remote_admin(method, region_name);
    }

    std::filesystem::path regions_dir() const { return host().regions_dir(); }
    std::filesystem::path state_dir() const { return host().state_dir(); }
    std::filesystem::path control_data_dir() const { return dir_.path() / "data"; }
    std::filesystem::path stub_of(const std::string& region_id) const {
        return host().stub_of(region_id);
    }
    std::uint16_t control_port() const { return control_port_; }

  private:
    TempDir dir_;
    std::uint16_t control_port_;
    std::map<std::string, std::string> control_env_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ApiClient> admin_;
    std::string estate_id_;
    // Declared after the control plane: destroyed first, so bridges die before it does.
    std::vector<std::unique_ptr<SimulatorHost>> hosts_;
};

}  // namespace vergegrid::test
