// ABI 1.8 extension of StorageTransaction: the grid rules' storage-confirmed facts about a region
// about to be written, found in one query instead of three (find_region_by_name,
// find_regions_overlapping, find_region_by_host_port): on PostgreSQL and MariaDB every query is a
// round trip inside the writer's turn (docs/benchmarks.md, "Round trips of a create"). A 1.7
// storage plugin still loads; its transaction does not implement this (dynamic_cast gives null)
// and the control plane asks the three questions one by one, as before 1.8.
#pragma once

#include <boost/config.hpp>
#include <optional>

#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::plugin_api {

// OUT. Frozen. Since 1.8. Regions other than the one asked about (never its own uuid) that a
// write of it would collide with; each one as the matching StorageTransaction lookup returns it.
struct RegionConflicts {
    // Named the same, ignoring letter case as find_region_by_name does.
    std::optional<Region> same_name;
    // The first by name whose footprint overlaps the region's (find_regions_overlapping).
    std::optional<Region> overlapping;
    // On the region's host and port; never for a pending region (host "" and port 0).
    std::optional<Region> same_host_port;
};

// Since 1.8. Implemented by the transaction object; the host finds it with dynamic_cast and never
// deletes it through this interface (the transaction's owner does, see StorageBackend::begin).
class BOOST_SYMBOL_VISIBLE GridRuleQueries {
  public:
    virtual ~GridRuleQueries() = default;

    // What `region` (by its uuid, name, footprint, host and port) would collide with. Throws
    // StorageError when the database fails.
    virtual RegionConflicts find_region_conflicts(const Region& region) = 0;
};

}  // namespace vergegrid::plugin_api
