#include "control/api/error_mapping.hpp"

#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace vergegrid::control {

int http_status(Fault fault) {
    switch (fault) {
        case Fault::invalid_input:
            return 400;
        case Fault::unauthenticated:
            return 401;
        case Fault::forbidden:
            return 403;
        case Fault::not_found:
            return 404;
        case Fault::conflict:
            return 409;
        case Fault::precondition_failed:
            return 412;
        case Fault::unprocessable:
            return 422;
        case Fault::too_many:
            return 429;
        case Fault::unavailable:
            return 503;
        case Fault::internal:
            return 500;
    }
    return 500;
}

kernel::http::ApiError to_api_error(const DomainError& error) {
    return kernel::http::ApiError(http_status(error.fault()), error.code(), error.what(),
                                  error.field());
}

void install_error_mapping(kernel::http::Router& router) {
    router.set_error_translator(
        [](const std::exception& error) -> std::optional<kernel::http::ApiError> {
            if (const auto* domain = dynamic_cast<const DomainError*>(&error)) {
                return to_api_error(*domain);
            }
            // The snapshot store's failures reach the routes that stream its bytes.
            if (dynamic_cast<const plugin_api::SnapshotIntegrityError*>(&error) != nullptr) {
                return kernel::http::ApiError(422, "snapshot_corrupted",
                                              "the archive does not match its SHA-256");
            }
            if (dynamic_cast<const plugin_api::SnapshotStoreError*>(&error) != nullptr) {
                return kernel::http::ApiError(503, "snapshot_store_failed",
                                              "the snapshot store failed; see the server log");
            }
            return std::nullopt;
        });
}

}  // namespace vergegrid::control
