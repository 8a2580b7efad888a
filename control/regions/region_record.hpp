// A region as the control plane versions it: the storage row with its supplements
// (plugin_api::Region, frozen since ABI 1.0) and its runtime-state policy (lifecycle and state
// parts, kept through the SnapshotLedger extension of ABI 1.5). The API, history, audit and the
// version rules see both as one region; the simulator's operations only the row.
#pragma once

#include <string>
#include <vector>

#include "control/common/region_fields.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

struct RegionRecord : plugin_api::Region {
    StatePolicy state;
    // Derived for answers (control/regions/pending_restart.hpp): fields waiting for a restart of
    // the region. Neither stored nor versioned; empty wherever no answer is built.
    std::vector<std::string> pending_restart;
    // Derived for answers (control/regions/placement_state.hpp): waiting for a simulator
    // (host "" and port 0 meanwhile), and why no simulator took it. Not versioned.
    bool placement_pending = false;
    std::vector<std::string> placement_reasons;
};

}  // namespace vergegrid::control
