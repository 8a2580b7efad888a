// ABI 1.7 extension of StorageTransaction: what changed on the grid since the control plane last
// looked. The control plane keeps the grid (simulators, region footprints, ports, moves' slots)
// in memory between requests; to stay right it needs to know which of those facts changed, also
// when another control plane on the same database changed them. The storage itself bumps one
// generation number and logs the changed entity in the same transaction as every write that
// matters to placement, so no write path can forget to. A transaction of an older storage plugin
// does not implement it (dynamic_cast gives null) and the host reads the whole grid every time.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/storage_grid.hpp"

namespace vergegrid::plugin_api {

// OUT. Frozen. Since 1.7.
struct GridChange {
    std::int64_t generation = 0;
    std::string kind;  // "region", "simulator" or "migration"
    std::string entity_id;
};

// OUT. Since 1.7.
struct GridChanges {
    // The log no longer reaches back to the generation asked about (old rows are pruned): the
    // caller must read the whole grid again.
    bool pruned = false;
    std::vector<GridChange> changes;  // by generation
};

// Since 1.7. Implemented by the transaction object; found with dynamic_cast, never deleted
// through this interface.
//
// The generation is bumped (and the change logged) by insert_region, update_region,
// delete_region, insert_simulator, update_simulator, insert_migration and update_migration.
class BOOST_SYMBOL_VISIBLE GridChangeLog {
  public:
    virtual ~GridChangeLog() = default;

    // The current generation, with the generation row locked for the rest of this read-write
    // transaction (PostgreSQL/MariaDB SELECT ... FOR UPDATE; SQLite's write transaction already
    // serialises): placement writers of every control plane take it first, so that facts read
    // after it stay true until the commit.
    virtual std::int64_t lock_grid_generation() = 0;
    // Changes logged after `generation` (as seen by this transaction, its own writes included).
    virtual GridChanges grid_changes_since(std::int64_t generation) = 0;

    // Re-reads for a cache: footprints of the given regions (missing ones are absent).
    virtual std::vector<RegionFootprint> find_region_footprints(
        const std::vector<std::string>& uuids) = 0;
    // Storage-confirmed facts, answered from indexes: how many regions name `simulator_id` as
    // their simulator.
    virtual int count_regions_on_simulator(const std::string& simulator_id) = 0;
};

}  // namespace vergegrid::plugin_api
