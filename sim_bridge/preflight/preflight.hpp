// `vergegrid-bridge --check` (also run at every start-up): is the simulator configured the way the
// bridge needs it (docs/bridge.md, "The simulator's side")? Each problem comes with its fix.
#pragma once

#include <string>
#include <vector>

#include "sim_bridge/bridge_settings.hpp"
#include "sim_bridge/remote_admin/remote_admin_client.hpp"

namespace vergegrid::bridge {

struct PreflightProblem {
    std::string problem;
    std::string fix;
};

struct PreflightReport {
    std::vector<std::string> passed;  // what was checked and is right
    std::vector<std::string> notes;   // what could not be checked, and why
    std::vector<PreflightProblem> problems;
};

// The RemoteAdmin methods the bridge calls.
const std::vector<std::string>& methods_the_bridge_needs();

// Reads OpenSim's configuration in the settings' config_dir (else working_dir), the regions
// folder, and asks RemoteAdmin (`admin`) for its version with the password. A supervised simulator
// that is not running is no problem (the bridge starts it): its RemoteAdmin is then only noted as
// not checked.
PreflightReport run_preflight(const SimulatorSettings& settings, const RemoteAdminClient& admin);

}  // namespace vergegrid::bridge
