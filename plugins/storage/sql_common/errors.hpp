// Turns SOCI's exceptions into the storage contract's: StorageConflict, StorageBusy, StorageError.
#pragma once

#include <exception>
#include <string>

#include "dialect.hpp"

namespace vergegrid::plugins::sql {

// Rethrows the exception currently being handled as a plugin_api::StorageError (or a subclass),
// its message prefixed with `operation`. A StorageError passes through unchanged; a
// soci::soci_error is classified by the dialect; any other std::exception becomes StorageError.
[[noreturn]] void rethrow_as_storage_error(const Dialect& dialect, const std::string& operation);

// The kind of the exception currently being handled (other for non-SOCI exceptions).
ErrorKind classify_current(const Dialect& dialect) noexcept;

}  // namespace vergegrid::plugins::sql
