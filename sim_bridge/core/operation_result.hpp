// What applying one operation of the control plane came to: reported as its result.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace vergegrid::bridge {

struct OperationResult {
    bool succeeded = false;
    // {"path","detail"} or {"error"}, with "elapsed_ms" and "simulator_ms" (the part spent
    // waiting for the simulator).
    nlohmann::json detail;

    // An operation that was tried and did not succeed.
    static OperationResult failed(const std::string& error) { return {false, {{"error", error}}}; }

    // An operation the bridge will not apply as asked (it would break the simulator or the
    // operator's files). `reason`, when given, is a word the control plane acts on (a port
    // someone else holds: it plans another).
    static OperationResult refused(const std::string& why, const std::string& reason = "") {
        OperationResult result{false, {{"error", why}, {"refused", true}}};
        if (!reason.empty()) {
            result.detail["reason"] = reason;
        }
        return result;
    }
};

}  // namespace vergegrid::bridge
