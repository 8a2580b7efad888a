// A rollout as the API answers it (docs/rollouts.md): its fields, its spec, its progress per wave
// and per region. Waves are numbered from 1 in answers (stored from 0).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "vergegrid/plugin_api/storage_rollouts.hpp"

namespace vergegrid::control {

// Without the regions: what an event carries and a list shows.
nlohmann::json rollout_summary_json(const plugin_api::Rollout& rollout);
// With "progress" (counts per state, overall and per wave) and "regions".
nlohmann::json rollout_to_json(const plugin_api::Rollout& rollout,
                               const std::vector<plugin_api::RolloutRegion>& regions);
nlohmann::json rollout_region_json(const plugin_api::RolloutRegion& region);

}  // namespace vergegrid::control
