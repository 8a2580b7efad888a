// The parts of a region's runtime state a snapshot holds (docs/snapshots.md, "The model"): the
// always-saved ones, the optional ones, and which a region's region_state_mode and state_parts
// ask for.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {

const std::vector<std::string>& always_saved_parts();
const std::vector<std::string>& optional_parts();

// The parts a request names (a JSON array of part names) with the always-saved ones added, in
// the canonical order. Throws DomainError invalid_input naming `field` for anything else.
std::vector<std::string> requested_parts(const nlohmann::json& parts, const std::string& field);

// The parts the region's mode asks for: minimal = the always-saved parts, full = all, hybrid =
// the always-saved ones plus the optional ones switched on in the policy's state_parts (no policy:
// none). An unknown mode counts as hybrid.
std::vector<std::string> parts_for_mode(const std::string& region_state_mode,
                                        const plugin_api::RegionStatePolicy& policy);

}  // namespace vergegrid::control
