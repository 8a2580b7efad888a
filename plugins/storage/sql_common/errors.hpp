// Turns SOCI's exceptions into the storage contract's: StorageConflict, StorageBusy, StorageError.
#pragma once

#include <exception>
#include <string>

#include "dialect.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::plugins::sql {

// Rethrows the exception currently being handled as a plugin_api::StorageError (or a subclass),
// its message prefixed with `operation`. A StorageError passes through unchanged; a
// soci::soci_error is classified by the dialect; any other std::exception becomes StorageError.
[[noreturn]] void rethrow_as_storage_error(const Dialect& dialect, const std::string& operation);

// A transaction's first statements failed because the database had dropped its connection (a
// restart, a failover, a cut network): nothing ran, and the connection was marked for
// replacement, so SociBackend::begin() starts the transaction once more on a fresh one. Callers
// that see it (the second try failed too) see a StorageError.
class ConnectionLostAtBegin : public plugin_api::StorageError {
  public:
    using plugin_api::StorageError::StorageError;
};

// Rethrows the exception currently being handled as ConnectionLostAtBegin, its message prefixed
// with `operation`.
[[noreturn]] void rethrow_as_connection_lost(const std::string& operation);

// The kind of the exception currently being handled (other for non-SOCI exceptions).
ErrorKind classify_current(const Dialect& dialect) noexcept;

}  // namespace vergegrid::plugins::sql
