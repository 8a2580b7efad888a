// One consistent picture of the grid for placement: every simulator as the policy sees it (the
// regions the control plane has placed on it, not what its last heartbeat counted), the ports
// in use per host and the map cells regions cover. Loaded inside the caller's transaction, so a
// decision made on it and written in the same read-write transaction cannot race another one
// (read-write transactions are serialised grid-wide).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/placement/work_budget.hpp"
#include "vergegrid/plugin_api/access_model.hpp"
#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/storage_grid.hpp"
#include "vergegrid/plugin_api/storage_model.hpp"

namespace vergegrid::control {

// What placement needs to know of a stored (or just decided) region: what storage's GridStore
// lists.
using PlacedRegion = plugin_api::RegionFootprint;

PlacedRegion placed_region(const plugin_api::Region& region);

// The map cells (256 m each) a region side of `metres` covers: at least one.
int map_cells_of(int metres);

class GridState {
  public:
    static GridState from(const std::vector<plugin_api::Simulator>& simulators,
                          const std::vector<PlacedRegion>& regions);

    // Sorted by id: the order refusals are listed in and ties are broken by.
    const std::vector<plugin_api::SimulatorSnapshot>& simulators() const { return simulators_; }
    const plugin_api::SimulatorSnapshot* find_simulator(const std::string& id) const;
    const PlacedRegion* find_region(const std::string& name) const;

    bool port_used(const std::string& host, int port) const;
    // The lowest port of [low, high] nobody uses on `host`, or 0.
    int free_port(const std::string& host, int low, int high) const;
    // The region covering map cell (x, y), or nullptr.
    const PlacedRegion* region_at(int x, int y) const;
    bool footprint_free(int x, int y, int size_x, int size_y) const;
    // The same, spending one unit of `budget` per cell probed (when given).
    bool footprint_free(int x, int y, int size_x, int size_y, WorkBudget* budget) const;
    // Simulator id -> how many regions touching the footprint's edges it holds.
    std::unordered_map<std::string, int> neighbour_simulators(int x, int y, int size_x,
                                                              int size_y) const;

    // Records a region (a reservation: later decisions on this state see it) or forgets one
    // (a region about to move is not in the way of itself).
    void add(const PlacedRegion& region);
    void remove(const std::string& uuid);
    // The target of a region's move in progress (docs/migration.md): one region more on the
    // simulator and its port taken on `host`, but no map cell (the region keeps its own cells).
    void reserve(const std::string& simulator_id, const std::string& host, int port);
    // Gives back what reserve() took.
    void unreserve(const std::string& simulator_id, const std::string& host, int port);

    // A simulator read again (GridCache): its own fields replaced, the regions on it kept; a new
    // one is added and counts the regions already naming it.
    void put_simulator(const plugin_api::Simulator& simulator);

    // What add, remove and reserve did since start_journal(): a state kept between transactions
    // (GridCache) undoes or re-reads exactly that when the transaction ends.
    struct Reservation {
        std::string simulator_id;
        std::string host;
        int port = 0;
    };
    struct Journal {
        std::vector<std::string> regions;  // uuids added or removed
        std::vector<Reservation> reservations;
    };
    void start_journal(Journal continued = {});
    Journal take_journal();

    // The simulators whose snapshot changed (regions counted, ports, stored facts) since the last
    // take, for a ranked index kept beside a long-lived state (GridCache): their positions in
    // simulators(), or `all` when positions moved (a simulator added), the state is new, or more
    // changed than there are simulators.
    struct SimulatorChanges {
        std::vector<std::size_t> positions;
        bool all = false;
    };
    SimulatorChanges take_simulator_changes();

    // What a search for a free footprint learnt (coordinate_allocator.hpp): no footprint of
    // `size` cells with its corner at a squared distance below the floor from `centre` is free.
    // Adding regions keeps it true; remove() lowers it when it frees cells; 0 when unknown.
    struct FootprintSearch {
        int x = 0, y = 0;  // the centre
        int w = 1, h = 1;  // the footprint, in cells
        int max_coordinate = 0;
        auto operator<=>(const FootprintSearch&) const = default;
    };
    std::int64_t taken_floor(const FootprintSearch& search) const;
    void note_taken_floor(const FootprintSearch& search, std::int64_t squared_distance);

  private:
    static std::uint64_t cell(int x, int y) {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(x)) << 32) |
               static_cast<std::uint32_t>(y);
    }
    void index_region(std::size_t slot, bool present);
    void simulator_changed(std::size_t position);
    void cells_freed(const PlacedRegion& region);

    std::vector<plugin_api::SimulatorSnapshot> simulators_;
    std::unordered_map<std::string, std::size_t> simulator_index_;
    std::vector<PlacedRegion> regions_;    // slots; a removed region leaves an empty uuid
    std::vector<std::size_t> free_slots_;  // reused by add(): a long-lived state does not grow
    std::unordered_map<std::string, std::size_t> region_by_uuid_;
    std::unordered_map<std::string, std::size_t> region_by_name_;
    // A multiset: a moving region's port is held by the region and by its move at once.
    std::unordered_map<std::string, std::multiset<int>> ports_by_host_;
    std::unordered_map<std::uint64_t, std::size_t> cells_;
    bool journaling_ = false;
    Journal journal_;
    SimulatorChanges simulator_changes_{{}, true};
    std::map<FootprintSearch, std::int64_t> taken_floors_;
};

}  // namespace vergegrid::control
