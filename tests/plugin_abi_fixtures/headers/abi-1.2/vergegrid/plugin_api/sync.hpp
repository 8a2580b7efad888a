// Kind "sync" (ABI 1.1): when a change reaches its simulator (seed section 10). Eager changes are
// delivered at once; lazy ones wait for a window and are coalesced per region.
#pragma once

#include <string>
#include <vector>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

struct RegionChangeSummary {
    std::string kind;                 // create, update, delete, restart, enable, disable
    std::vector<std::string> fields;  // dotted paths of the changed fields (update only)
};

enum class SyncClass { eager, lazy };

class BOOST_SYMBOL_VISIBLE SyncScheduler : public PluginObject {
  public:
    // Thread-safe.
    virtual SyncClass classify(const RegionChangeSummary& change) const = 0;
    // How long a lazy change waits before delivery, in seconds.
    virtual int lazy_window_s() const = 0;
};

}  // namespace vergegrid::plugin_api
