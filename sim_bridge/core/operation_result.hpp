// What applying one operation of the control plane came to: reported as its result.
#pragma once

#include <nlohmann/json.hpp>

namespace vergegrid::bridge {

struct OperationResult {
    bool succeeded = false;
    // {"path","detail"} or {"error"}, with "elapsed_ms" and "simulator_ms" (the part spent
    // waiting for the simulator).
    nlohmann::json detail;
};

}  // namespace vergegrid::bridge
