// Kind "storage": the database behind the control plane (the source of truth).
#pragma once

#include <string>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

struct StorageHealth {
    bool ok = false;
    std::string detail;  // human-readable, shown by /readyz
};

class BOOST_SYMBOL_VISIBLE StorageBackend : public PluginObject {
public:
    // Connects and brings the schema up to date. Throws std::exception with a message an operator
    // can act on (unreachable server, database from a newer schema, ...).
    virtual void open() = 0;
    // A round trip to the database; never throws.
    virtual StorageHealth health() noexcept = 0;
    // Closes connections; later calls fail until open() again. Never throws.
    virtual void close() noexcept = 0;
};

}  // namespace vergegrid::plugin_api
