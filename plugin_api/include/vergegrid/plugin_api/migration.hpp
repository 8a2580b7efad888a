// Kind "migration" (since 1.6): how a region moves from one simulator to another with its
// content (docs/migration.md). A strategy plans: it names the steps of one move, in order, from
// what the control plane tells it about the move. The control plane carries the steps out (each
// simulator step is a durable operation, the switch is one transaction) and rolls a failed move
// back to the source. The built-in `oar` strategy moves the region's OpenSim archive.
#pragma once

#include <boost/config.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

// Since 1.6. What the control plane can do for a move. A strategy returns them in the order they
// run; the control plane refuses a plan that does not end with switch_over followed by
// teardown_source, or that loads the target before creating it.
enum class MigrationStep : std::uint8_t {
    check_agents = 0,     // source: count avatars (admin_get_agents); warn them or wait them out
    snapshot_first = 1,   // source: a snapshot while the region keeps serving (warm moves)
    create_target = 2,    // target: the region created, not yet the grid's record
    load_first = 3,       // target: the first snapshot loaded (warm moves)
    snapshot_final = 4,   // source: the snapshot that carries the last changes; downtime starts
    load_final = 5,       // target: the final snapshot loaded
    load_latest = 6,      // target: the region's newest complete snapshot (source offline)
    switch_over = 7,      // control plane: the region's simulator, host and port, one transaction
    teardown_source = 8,  // source: the region torn down (queued even when the source is offline)
};

// IN (since 1.6; may grow at the end). The move the control plane asks a plan for.
struct MigrationRequest {
    bool warm = false;          // the operator asked for a first snapshot while serving
    bool when_empty = false;    // wait until no avatar is on the region (with a deadline)
    bool source_online = true;  // false: evacuation of an offline simulator
    bool has_snapshot = false;  // a complete snapshot of the region exists (evacuation)
    bool keeps_content = true;  // false: the region's lifecycle keeps no state (ephemeral)
};

// Since 1.6. OWNERSHIP: the host owns the object (PluginObject); plan() is const and thread-safe.
class BOOST_SYMBOL_VISIBLE MigrationStrategy : public PluginObject {
  public:
    // The steps of one move, in order. May throw std::exception with a message for a move the
    // strategy cannot make (the control plane answers 409 migration_refused with it).
    virtual std::vector<MigrationStep> plan(const MigrationRequest& request) const = 0;
};

// The step's name on the wire and in the API ("check_agents", ..., "teardown_source").
inline const char* to_string(MigrationStep step) {
    switch (step) {
        case MigrationStep::check_agents:
            return "check_agents";
        case MigrationStep::snapshot_first:
            return "snapshot_first";
        case MigrationStep::create_target:
            return "create_target";
        case MigrationStep::load_first:
            return "load_first";
        case MigrationStep::snapshot_final:
            return "snapshot_final";
        case MigrationStep::load_final:
            return "load_final";
        case MigrationStep::load_latest:
            return "load_latest";
        case MigrationStep::switch_over:
            return "switch_over";
        case MigrationStep::teardown_source:
            return "teardown_source";
    }
    return "unknown";
}

}  // namespace vergegrid::plugin_api
