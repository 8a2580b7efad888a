// Which of a region's fields wait for a restart of the region (`pending_restart` in its JSON):
// derived from the results of its finished operations, never stored. A field is pending when
// its latest outcome (the newest finished operation whose result lists it in "fields") is
// "pending-restart" and no later restart or create of the region (which reloads it whole)
// succeeded.
#pragma once

#include <string>
#include <vector>

#include "control/regions/region_record.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

namespace vergegrid::control {

// Folds a region's operations, newest first, into its pending fields.
class PendingRestartScan {
  public:
    // False once no older operation can change the answer (a restart or create succeeded).
    bool take(const plugin_api::Operation& operation);
    // In the order of the settings table (libs/region_settings), then any other path by name.
    std::vector<std::string> fields() const;

  private:
    std::vector<std::string> decided_;  // paths whose latest outcome is known
    std::vector<std::string> pending_;
};

// At most `max_operations` of the region's newest operations are read: a field left pending
// longer ago than that is not shown.
std::vector<std::string> pending_restart(plugin_api::StorageTransaction& tx,
                                         const std::string& region_uuid, int max_operations = 1000);

// The record with its pending_restart filled in (answers).
RegionRecord with_pending_restart(plugin_api::StorageTransaction& tx, RegionRecord record);

}  // namespace vergegrid::control
