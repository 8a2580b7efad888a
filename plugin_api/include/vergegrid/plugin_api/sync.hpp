// Kind "sync" (ABI 1.1): when a region change reaches its simulator. Eager changes are delivered
// at once (the simulator's bridge is woken); lazy ones wait for a window and are coalesced per
// region into one operation.
#pragma once

#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

// IN (host fills, lent for one call; may grow at the end).
struct RegionChangeSummary {
    std::string kind;                 // create, update, delete, restart, enable, disable
    std::vector<std::string> fields;  // dotted paths of the changed fields (update only)
};

// OUT. Frozen.
enum class SyncClass { eager, lazy };

// Since 1.1 (every method below). OWNERSHIP: the host owns the object.
class BOOST_SYMBOL_VISIBLE SyncScheduler : public PluginObject {
  public:
    // Thread-safe.
    virtual SyncClass classify(const RegionChangeSummary& change) const = 0;
    // How long a lazy change waits before delivery, in seconds.
    virtual int lazy_window_s() const = 0;
};

}  // namespace vergegrid::plugin_api
