// Kind "storage": the database behind the control plane (the source of truth).
#pragma once

#include <memory>
#include <string>

#include "vergegrid/plugin_api/plugin.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

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

    // Starts one transaction on a connection of its own (thread-safe; call after open()).
    // Access::read transactions see one consistent snapshot and may run alongside others;
    // Access::read_write ones are serialised with every other read-write transaction of the grid.
    // The transaction must not outlive this backend object (its code and connection pool live
    // here) and is used by one thread at a time. Throws StorageBusy if no connection frees up
    // within the backend's timeout (or the write lock is not granted in time), StorageError when
    // the backend is closed or the database fails.
    virtual std::unique_ptr<StorageTransaction> begin(Access access) = 0;
};

}  // namespace vergegrid::plugin_api
