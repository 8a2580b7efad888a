// One field's outcome in an operation's result: "fields": {"<path>": {"status", "mechanism",
// "value", "reason"?}} (the contract of issue 12). `value` is what was read back from the
// simulator, or null when nothing could be read.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace vergegrid::bridge::settings {

struct FieldReport {
    std::string status;  // region_settings::kApplied, kAppliedOnRestart, kPendingRestart, ...
    std::string mechanism;
    nlohmann::json value;  // read back from the simulator; null when not read
    std::string reason;    // why it is not applied (empty when it is)
};

using FieldReports = std::map<std::string, FieldReport>;  // by path ("flags.max_agents")

nlohmann::json to_json(const FieldReports& reports);

// The first failed field, as "<path>: <reason>", or empty.
std::string first_failure(const FieldReports& reports);

}  // namespace vergegrid::bridge::settings
