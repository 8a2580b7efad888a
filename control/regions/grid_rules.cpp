#include "control/regions/grid_rules.hpp"

#include "control/common/region_fields.hpp"
#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {
std::string where(const plugin_api::Region& r) {
    return "'" + r.name + "' at <" + std::to_string(r.loc_x) + "," + std::to_string(r.loc_y) +
           "> (" + std::to_string(r.size_x) + "x" + std::to_string(r.size_y) + " m)";
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
    // Ignoring case, as OpenSim looks regions up: "Sandbox" beside "sandbox" would be one to it.
    if (auto other = tx.find_region_by_name(region.name); other && other->uuid != region.uuid) {
        throw DomainError(Fault::conflict, "name_taken",
                          "a region named '" + other->name + "' exists (names ignore letter case)",
                          "name");
    }
    const auto overlapping =
        tx.find_regions_overlapping(region.loc_x, region.loc_y, x1, y1, region.uuid);
    if (!overlapping.empty()) {
        throw DomainError(Fault::conflict, "overlap",
                          "the footprint overlaps region " + where(overlapping.front()), "loc_x");
    }
    if (auto other = tx.find_region_by_host_port(region.host, region.port, region.uuid)) {
        throw DomainError(Fault::conflict, "port_taken",
                          "port " + std::to_string(region.port) + " on " + region.host +
                              " is used by region '" + other->name + "'",
                          "port");
    }
}

}  // namespace vergegrid::control
