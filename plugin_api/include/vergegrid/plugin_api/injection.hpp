// Kind "injection" (ABI 1.2): how the sim bridge (vergegrid-bridge, which loads these plugins; the
// control plane does not use them) brings a region up in a running simulator without a restart,
// and takes it out again. The strategy decides the order of steps and the
// fallbacks; the bridge lends it the primitives (RemoteAdmin calls, stub files, the simulator
// process) through SimulatorControl, so a strategy never speaks XML-RPC or touches files itself.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

// One region as the simulator needs it. IN/OUT: the host lends it to the strategy and returns it
// by value from SimulatorControl::desired_regions(). Frozen.
struct RegionPlan {
    std::string id;    // the region UUID
    std::string name;  // unique in the simulator
    int loc_x = 0;     // region units
    int loc_y = 0;
    int size_x = 256;  // metres
    int size_y = 256;
    int port = 0;  // UDP listen port
    std::string listen_ip = "0.0.0.0";
    std::string external_host;
};

// The answer of one simulator call. `timed_out` means no answer arrived within the time given;
// the call may still complete later inside the simulator.
// OUT of the host's SimulatorControl (returned by value to the plugin). Frozen.
struct CallResult {
    bool ok = false;
    bool timed_out = false;
    std::string error;  // the simulator's own message when !ok
};

// Primitives the bridge lends a strategy for the duration of one call. Not thread-safe: the
// bridge serialises strategy calls per simulator.
// Since 1.2 (every method below). Implemented by the HOST (the bridge) and lent to the plugin:
// its vtable is frozen like any plugin interface, because plugins call into it.
// OWNERSHIP: the host's; valid for the duration of one strategy call only: keep no reference.
class BOOST_SYMBOL_VISIBLE SimulatorControl {
  public:
    virtual ~SimulatorControl() = default;

    // admin_create_region without persist. The bridge picks the estate: the simulator's
    // default estate (OpenSim cannot give a simulator without regions a new estate).
    virtual CallResult create_region(const RegionPlan& region,
                                     std::chrono::milliseconds timeout) = 0;
    // admin_region_query health; 0 = unknown or still starting, -1 = the simulator did not answer.
    virtual int region_health(const RegionPlan& region) = 0;
    // admin_close_region / admin_delete_region (by name, as OpenSim requires).
    virtual CallResult close_region(const RegionPlan& region,
                                    std::chrono::milliseconds timeout) = 0;
    virtual CallResult delete_region(const RegionPlan& region,
                                     std::chrono::milliseconds timeout) = 0;

    // The region's Regions/ stub, written atomically; removing a missing stub is not an error.
    virtual void write_stub(const RegionPlan& region) = 0;
    virtual void remove_stub(const RegionPlan& region) = 0;
    // Removes what a failed create may have left in the Regions folder besides the bridge's
    // own stub (a file OpenSim wrote for this region UUID).
    virtual void clean_failed_create(const RegionPlan& region) = 0;

    // Stops the simulator (admin_shutdown, then TERM, then KILL) and starts it again; true when
    // its RemoteAdmin answers again. The region loader reads the stubs while it starts.
    virtual bool restart_simulator() = 0;
    // Every region that should run in this simulator once the current operation is applied and
    // that a restart can bring back (its stub is in place).
    virtual std::vector<RegionPlan> desired_regions() = 0;
};

// OUT (returned by value). Frozen.
struct InjectionOutcome {
    bool ok = false;
    std::string path;    // which way it went: "live", "fallback-restart", "hard-teardown", ...
    std::string detail;  // a sentence for people: what failed, what was done instead
};

// Since 1.2 (every method below). OWNERSHIP: the bridge owns the strategy; it owns no thread.
class BOOST_SYMBOL_VISIBLE InjectionStrategy : public PluginObject {
  public:
    // Brings the region up and confirms it healthy, stub included.
    virtual InjectionOutcome inject(const RegionPlan& region, SimulatorControl& simulator) = 0;
    // Takes the region out; `erase` deletes its scene content (admin_delete_region) rather than
    // only unloading it (admin_close_region). The stub is gone afterwards either way.
    virtual InjectionOutcome teardown(const RegionPlan& region, bool erase,
                                      SimulatorControl& simulator) = 0;
    // Restarts one region without touching the others (never admin_restart: it restarts all).
    virtual InjectionOutcome restart_region(const RegionPlan& region,
                                            SimulatorControl& simulator) = 0;
};

}  // namespace vergegrid::plugin_api
