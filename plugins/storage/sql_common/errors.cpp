#include "errors.hpp"

#include <soci/soci-backend.h>

#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

ErrorKind classify_current(const Dialect& dialect) noexcept {
    try {
        throw;
    } catch (const soci::soci_error& e) {
        if (e.get_error_category() == soci::soci_error::connection_error) {
            return ErrorKind::connection;
        }
        return dialect.classify != nullptr ? dialect.classify(e) : ErrorKind::other;
    } catch (...) {
        return ErrorKind::other;
    }
}

void rethrow_as_connection_lost(const std::string& operation) {
    try {
        throw;
    } catch (const std::exception& e) {
        throw ConnectionLostAtBegin(operation + ": " + e.what());
    } catch (...) {
        throw ConnectionLostAtBegin(operation + ": unknown error");
    }
}

void rethrow_as_storage_error(const Dialect& dialect, const std::string& operation) {
    const ErrorKind kind = classify_current(dialect);
    try {
        throw;
    } catch (const api::StorageError&) {
        throw;  // ours already, with its own message
    } catch (const std::exception& e) {
        const std::string message = operation + ": " + e.what();
        switch (kind) {
            case ErrorKind::conflict:
                throw api::StorageConflict(message);
            case ErrorKind::busy:
                throw api::StorageBusy(message);
            case ErrorKind::connection:
            case ErrorKind::other:
                break;
        }
        throw api::StorageError(message);
    } catch (...) {
        throw api::StorageError(operation + ": unknown error");
    }
}

}  // namespace vergegrid::plugins::sql
