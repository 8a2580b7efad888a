// Blueprints as the API answers them (docs/blueprints.md).
#pragma once

#include <nlohmann/json.hpp>

#include "control/blueprints/blueprint_service.hpp"

namespace vergegrid::control {

// {"name","description","parameters"}
nlohmann::json blueprint_to_json(const BlueprintInfo& blueprint);

// {"blueprint","parameters","applied","refused","regions":[{"name","spec","region","refusal"}]}:
// `region` is the region as created (or as it would be: placed where, on which simulator and
// port), null when refused; `refusal` is {"code","field","message"} or null.
nlohmann::json blueprint_outcome_to_json(const BlueprintOutcome& outcome);

}  // namespace vergegrid::control
