#include "control/snapshots/snapshot_parts.hpp"

#include <algorithm>
#include <set>

#include "control/domain/domain_error.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::control {

namespace {

// Canonical order: the always-saved parts, then the optional ones.
std::vector<std::string> in_order(const std::set<std::string>& chosen) {
    std::vector<std::string> parts;
    for (const auto* list : {&always_saved_parts(), &optional_parts()}) {
        for (const auto& part : *list) {
            if (chosen.count(part) != 0) {
                parts.push_back(part);
            }
        }
    }
    return parts;
}

std::set<std::string> always_set() {
    return {always_saved_parts().begin(), always_saved_parts().end()};
}

}  // namespace

const std::vector<std::string>& always_saved_parts() {
    static const std::vector<std::string> parts = {"terrain", "environment", "parcels", "flags"};
    return parts;
}

const std::vector<std::string>& optional_parts() {
    static const std::vector<std::string> parts = {
        "prims", "mesh", "script_state", "object_metadata", "texture_refs", "inventory_refs"};
    return parts;
}

std::vector<std::string> requested_parts(const nlohmann::json& parts, const std::string& field) {
    if (!parts.is_array() || parts.size() > 32) {
        throw DomainError::invalid_field(field, "must be an array of part names");
    }
    auto chosen = always_set();
    for (const auto& part : parts) {
        const auto& known = optional_parts();
        const bool always = part.is_string() && chosen.count(part.get<std::string>()) != 0;
        if (!part.is_string() || (!always && std::find(known.begin(), known.end(),
                                                       part.get<std::string>()) == known.end())) {
            throw DomainError::invalid_field(
                field,
                "must name parts among terrain, environment, parcels, flags, prims, mesh, "
                "script_state, object_metadata, texture_refs, inventory_refs");
        }
        chosen.insert(part.get<std::string>());
    }
    return in_order(chosen);
}

std::vector<std::string> parts_for_mode(const std::string& region_state_mode,
                                        const plugin_api::RegionStatePolicy& policy) {
    auto chosen = always_set();
    if (region_state_mode == "full") {
        chosen.insert(optional_parts().begin(), optional_parts().end());
    } else if (region_state_mode != "minimal" && !policy.state_parts.empty()) {
        // A policy the control plane wrote itself; a malformed one switches nothing on.
        try {
            const auto switched = strict_json::parse(policy.state_parts);
            for (const auto& part : optional_parts()) {
                if (switched.is_object() && switched.value(part, false)) {
                    chosen.insert(part);
                }
            }
        } catch (const std::exception&) {
        }
    }
    return in_order(chosen);
}

}  // namespace vergegrid::control
