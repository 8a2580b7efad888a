// Control plane + vergegrid-bridge + OpenSim emulator as real processes on loopback: the
// fixture of the bridge's end-to-end tests. The bridge starts and supervises the emulator, as
// it would a real OpenSim.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tests/e2e/api_client.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace vergegrid::test {

// Polls `condition` every 50 ms until it holds or `timeout` passes; true when it held.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

class BridgeStack {
  public:
    BridgeStack();
    ~BridgeStack();

    // vergegrid-control on its fixed port (the bridge's control.url), same data dir each time.
    void start_control_plane();
    void stop_control_plane();
    // Writes bridge.ini (a fresh registration token on the first start only) and starts the
    // bridge; waits for its "running" line unless told not to.
    // `env` overrides keys of the file (VERGEGRID_CHANNEL_PULL_WAIT_S, ...).
    void start_bridge(const std::string& extra_ini = "", bool wait_running = true,
                      const std::map<std::string, std::string>& env = {});
    void kill_bridge();  // SIGKILL: no clean-up of any kind
    // Extra command-line options of the emulator the next start_bridge() supervises.
    void set_emulator_args(std::string args) { emulator_args_ = std::move(args); }
    ChildProcess& bridge() { return *bridge_; }

    ApiClient& admin() { return *admin_; }
    std::string simulator_id() const;
    std::string estate_id();
    // POST /api/v1/regions pinned to this bridge's simulator; returns the region JSON.
    nlohmann::json create_region(const std::string& name, int x, int port);
    // The latest operation of the region once it is no longer pending/delivered.
    std::optional<nlohmann::json> finished_operation(
        const std::string& region_id, std::chrono::milliseconds timeout = std::chrono::seconds(30));

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

    std::filesystem::path regions_dir() const { return dir_.path() / "sim" / "Regions"; }
    std::filesystem::path state_dir() const { return dir_.path() / "state"; }
    std::filesystem::path control_data_dir() const { return dir_.path() / "data"; }
    std::filesystem::path stub_of(const std::string& region_id) const {
        return regions_dir() / ("vergegrid-" + region_id + ".ini");
    }
    std::uint16_t control_port() const { return control_port_; }

  private:
    TempDir dir_;
    std::uint16_t control_port_;
    std::uint16_t push_port_;
    std::uint16_t remoteadmin_port_;
    std::uint16_t emulator_control_port_;
    std::unique_ptr<ControlPlaneProcess> control_;
    std::unique_ptr<ChildProcess> bridge_;
    std::unique_ptr<ApiClient> admin_;
    std::string registration_token_;
    std::string estate_id_;
    std::string emulator_args_;
};

}  // namespace vergegrid::test
