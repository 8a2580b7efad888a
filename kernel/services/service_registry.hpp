// The services the kernel has made from plugins, by role. Control-plane services reach plugins
// only through here and only through plugin_api interfaces.
#pragma once

#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"
#include "vergegrid/plugin_api/placement.hpp"
#include "vergegrid/plugin_api/storage.hpp"
#include "vergegrid/plugin_api/sync.hpp"

namespace vergegrid::kernel::services {

struct ServiceRegistry {
    ActiveSlot<plugin_api::StorageBackend> storage;
    ActiveSlot<plugin_api::AuthProvider> auth;
    ActiveSlot<plugin_api::SyncScheduler> sync;
    ActiveSlot<plugin_api::PlacementPolicy> placement;
};

}  // namespace vergegrid::kernel::services
