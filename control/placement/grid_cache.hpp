// The grid kept in memory between placement-touching writes (docs/placement.md, "The grid
// cache"). Reading every simulator and region footprint on each such write made a create cost
// O(grid); the cache instead re-reads only what storage's change log (GridChangeLog, ABI 1.7)
// names since the generation it last saw, also when another control plane wrote it. With a
// storage plugin without the log it reads the whole grid every time, as before.
//
// It may only make a decision faster, never wrong: confirm() checks a decision's port, map cells
// and the simulator's facts against storage inside the writing transaction; a disagreement means
// the cache was stale, and it reloads fully so the caller decides again.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "control/domain/store.hpp"
#include "control/placement/grid_state.hpp"
#include "control/placement/placement_engine.hpp"
#include "control/placement/placement_index.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::control {

class GridCache {
  public:
    // Which facts of a placement the state decided (and confirm() checks): a port or location
    // given by hand was not, and storage's grid rules answer for it. `reserved`: the state counts
    // the region on its simulator already.
    struct Decided {
        bool port = false;
        bool cells = false;
        bool simulator = false;
        bool reserved = true;
    };

    // The grid as of now, for the rest of `changes`' read-write transaction (read-write
    // transactions are serialised grid-wide, so one transaction at a time uses it). Locks the
    // storage's generation row first: the lock-row-first order of placement writers. What the
    // transaction does to the state (reservations, removals) is undone or re-read when it ends,
    // and a rollback makes the cache forget what it read inside it.
    GridState& lease(Changes& changes);

    // The ranked index (placement_index.hpp) over the leased state for `policy` (the placement
    // service's active one), kept between writes and rebuilt only when the policy, its name or
    // the ports change; nullptr when the policy is not an IndexedPlacementPolicy. For the rest
    // of the lease: an automatically placed create then costs a walk to the best simulator, not
    // a score of every simulator.
    PlacementIndex* ranked(const std::shared_ptr<plugin_api::PlacementPolicy>& policy,
                           const std::string& name, PortRange ports);

    // Whether storage agrees with the facts the state gave for placing `region` (a region not yet
    // written): its host and port are free, its cells are free, and its simulator holds as many
    // regions and has the same state, capacity and labels as the state says. When not, the cache
    // was stale: it is logged, reloaded fully inside `changes`' transaction, and the caller decides
    // again on lease(changes).
    bool confirm(Changes& changes, const PlacedRegion& region, const Decided& decided);

    // Counters for tests and metrics.
    std::uint64_t full_loads() const { return full_loads_.load(); }
    std::uint64_t stale_decisions() const { return stale_.load(); }

  private:
    struct Context;  // one transaction's use of the cache

    void sync(Changes& changes);
    void load_fully(Changes& changes);
    void undo_journal();
    void close(Context& context);
    void rolled_back(Context& context);

    std::mutex mutex_;
    GridState state_;
    bool loaded_ = false;
    std::int64_t generation_ = 0;
    // Moves holding a reservation, by id: undone when the move changes.
    std::unordered_map<std::string, GridState::Reservation> reservations_;
    // Read again on the next lease, whatever the change log says.
    std::set<std::string> stale_regions_;
    std::set<std::string> stale_simulators_;
    std::set<std::string> stale_migrations_;
    std::shared_ptr<Context> current_;
    // The index and what it was built for (the policy kept alive as long as the index uses it).
    std::unique_ptr<PlacementIndex> ranked_;
    std::shared_ptr<plugin_api::PlacementPolicy> ranked_policy_;
    std::string ranked_name_;
    PortRange ranked_ports_;
    std::atomic<std::uint64_t> full_loads_{0};
    std::atomic<std::uint64_t> stale_{0};
};

}  // namespace vergegrid::control
