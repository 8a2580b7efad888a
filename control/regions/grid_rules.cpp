#include "control/regions/grid_rules.hpp"

#include "control/common/region_fields.hpp"
#include "control/domain/domain_error.hpp"
#include "vergegrid/plugin_api/storage_grid_rules.hpp"

namespace vergegrid::control {

namespace {
std::string where(const plugin_api::Region& r) {
    return "'" + r.name + "' at <" + std::to_string(r.loc_x) + "," + std::to_string(r.loc_y) +
           "> (" + std::to_string(r.size_x) + "x" + std::to_string(r.size_y) + " m)";
}
// One query where the storage plugin answers them together (ABI 1.8), else the three lookups.
plugin_api::RegionConflicts find_conflicts(plugin_api::StorageTransaction& tx,
                                           const plugin_api::Region& region) {
    if (auto* queries = dynamic_cast<plugin_api::GridRuleQueries*>(&tx)) {
        return queries->find_region_conflicts(region);
    }
    plugin_api::RegionConflicts conflicts;
    if (auto other = tx.find_region_by_name(region.name); other && other->uuid != region.uuid) {
        conflicts.same_name = std::move(other);
    }
    auto overlapping =
        tx.find_regions_overlapping(region.loc_x, region.loc_y, region.loc_x + region.size_x / 256,
                                    region.loc_y + region.size_y / 256, region.uuid);
    if (!overlapping.empty()) {
        conflicts.overlapping = std::move(overlapping.front());
    }
    conflicts.same_host_port = tx.find_region_by_host_port(region.host, region.port, region.uuid);
    return conflicts;
}

}  // namespace

void check_grid_rules(plugin_api::StorageTransaction& tx, const plugin_api::Region& region) {
    if (!tx.find_estate(region.estate_id)) {
        throw DomainError(Fault::unprocessable, "unknown_reference",
                          "no estate with id '" + region.estate_id + "'", "estate_id");
    }
    const int x1 = region.loc_x + region.size_x / 256;
    const int y1 = region.loc_y + region.size_y / 256;
    if (x1 - 1 > kMaxGridCoordinate || y1 - 1 > kMaxGridCoordinate) {
        throw DomainError(Fault::unprocessable, "off_grid",
                          "the region's footprint reaches past the edge of the grid", "loc_x");
    }
    const auto conflicts = find_conflicts(tx, region);
    // Ignoring case, as OpenSim looks regions up: "Sandbox" beside "sandbox" would be one to it.
    if (const auto& other = conflicts.same_name) {
        throw DomainError(Fault::conflict, "name_taken",
                          "a region named '" + other->name + "' exists (names ignore letter case)",
                          "name");
    }
    if (conflicts.overlapping) {
        throw DomainError(Fault::conflict, "overlap",
                          "the footprint overlaps region " + where(*conflicts.overlapping),
                          "loc_x");
    }
    if (const auto& other = conflicts.same_host_port) {
        throw DomainError(Fault::conflict, "port_taken",
                          "port " + std::to_string(region.port) + " on " + region.host +
                              " is used by region '" + other->name + "'",
                          "port");
    }
}

}  // namespace vergegrid::control
