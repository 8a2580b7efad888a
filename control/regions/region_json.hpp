// A region as the API shows it and as history stores it: the seed's columns by name, the
// supplements as nested objects, the state policy as `lifecycle` and `state_parts`, "id" for the
// uuid and "version" as "MAJOR.MINOR.PATCH".
#pragma once

#include <nlohmann/json.hpp>

#include "control/common/json_reader.hpp"
#include "control/common/region_fields.hpp"
#include "control/regions/region_record.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

// The whole region: configuration and state policy (history, audit).
nlohmann::json region_to_json(const RegionRecord& region);
// The region as the API answers it: region_to_json plus what is derived, not versioned
// (`pending_restart`, `placement_state`, `placement_reasons`).
nlohmann::json region_answer_json(const RegionRecord& region);
// The text region_answer_json(region) with `more`'s members added dumps to, made from
// `document`, the region's region_to_json text (a version's stored document), without building
// and dumping the region again: a create's answer cost as much as its document. An empty
// `document` (no version written) builds the region.
std::string region_answer_text(std::string document, const RegionRecord& region,
                               const nlohmann::json& more);
// The configuration alone (no lifecycle, no state_parts): what a simulator's operation carries,
// since the state policy concerns the control plane only.
nlohmann::json region_config_to_json(const plugin_api::Region& region);

// Applies the writable fields present in `reader` onto `region` (nested objects merge field by
// field). `id`, `version`, `template_id` and `template_version` are not writable here.
// `options` (requests only) receives what placement is asked beyond the stored rules.
void read_region_fields(JsonReader& reader, RegionRecord& region,
                        PlacementOptions* options = nullptr, bool create = false);

// A spec from region_history back into a region (for rollback).
RegionRecord region_from_spec(const std::string& spec);

}  // namespace vergegrid::control
