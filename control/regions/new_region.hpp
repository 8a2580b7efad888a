// A region as a create request (or a dry-run plan) describes it: defaults, its template's
// fields, the request's fields, and what the request left to placement.
#pragma once

#include <nlohmann/json.hpp>

#include "control/common/region_fields.hpp"
#include "control/regions/region_record.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Which of the fields placement may fill were given by the request.
struct GivenFields {
    bool location = false;  // loc_x and loc_y
    bool host = false;
    bool port = false;
};

struct NewRegion {
    RegionRecord region;  // uuid not yet assigned
    PlacementOptions options;
    GivenFields given;
    // "require_placement": true keeps a create that no simulator can take a 409 (no_placement)
    // instead of a pending region (docs/api.md, "Pending regions"). Never stored.
    bool require_placement = false;
};

// Reads and validates the request (400/422 naming the field). `name` and `estate_id` are
// required; loc_x and loc_y come together or not at all; a request giving `host` (placed by
// hand) must give `port` too.
NewRegion read_new_region(plugin_api::StorageTransaction& tx, const nlohmann::json& body,
                          const std::string& path);

// Fields a region takes from its template when created from it, and again on upgrade.
void apply_template(plugin_api::Region& region, const plugin_api::Template& tmpl);

}  // namespace vergegrid::control
