#include "control/regions/region_moving.hpp"

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

std::vector<plugin_api::Migration> active_migrations(plugin_api::StorageTransaction& tx) {
    auto* ledger = dynamic_cast<plugin_api::MigrationLedger*>(&tx);
    return ledger == nullptr ? std::vector<plugin_api::Migration>{}
                             : ledger->list_active_migrations();
}

std::optional<plugin_api::Migration> active_migration_of(plugin_api::StorageTransaction& tx,
                                                         const std::string& region_id) {
    for (auto& migration : active_migrations(tx)) {
        if (migration.region_id == region_id) {
            return std::move(migration);
        }
    }
    return std::nullopt;
}

void refuse_while_moving(plugin_api::StorageTransaction& tx, const std::string& region_id) {
    if (const auto migration = active_migration_of(tx, region_id)) {
        throw DomainError::conflict("region_moving",
                                    "the region is being moved (migration " + migration->id +
                                        "); change it once the move has ended, or cancel it",
                                    "id");
    }
}

}  // namespace vergegrid::control
