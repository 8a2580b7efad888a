// A snapshot record as the API shows it and as its audit events carry it (docs/snapshots.md);
// the region's configuration at the time (region_spec) is left out: it is kept to restore into a
// new region, not to be read in lists.
#pragma once

#include <nlohmann/json.hpp>

#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {

nlohmann::json snapshot_to_json(const plugin_api::Snapshot& snapshot);

nlohmann::json progress_to_json(const plugin_api::OperationProgress& progress);

}  // namespace vergegrid::control
