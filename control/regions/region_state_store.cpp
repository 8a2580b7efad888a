#include "control/regions/region_state_store.hpp"

#include "control/common/entity_lookup.hpp"
#include "control/domain/domain_error.hpp"
#include "vergegrid/plugin_api/storage_snapshots.hpp"

namespace vergegrid::control {

namespace {

// Null for a storage plugin built before ABI 1.5.
plugin_api::SnapshotLedger* ledger_of(plugin_api::StorageTransaction& tx) {
    return dynamic_cast<plugin_api::SnapshotLedger*>(&tx);
}

// The first field of `policy` that differs from the defaults, as the API names it.
std::string first_non_default_field(const StatePolicy& policy) {
    if (policy.lifecycle != kDefaultLifecycle) {
        return "lifecycle";
    }
    const StateParts defaults;
    for (const auto& [name, member] : kStatePartFields) {
        if (policy.parts.*member != defaults.*member) {
            return std::string("state_parts.") + name;
        }
    }
    return {};
}

}  // namespace

StatePolicy load_state_policy(plugin_api::StorageTransaction& tx, const std::string& region_id) {
    StatePolicy policy;
    auto* ledger = ledger_of(tx);
    if (ledger == nullptr) {
        return policy;
    }
    if (auto stored = ledger->find_region_state_policy(region_id)) {
        if (!stored->lifecycle.empty()) {
            policy.lifecycle = stored->lifecycle;
        }
        policy.parts = state_parts_from_text(stored->state_parts);
    }
    return policy;
}

RegionRecord with_state_policy(plugin_api::StorageTransaction& tx, plugin_api::Region region) {
    RegionRecord record{std::move(region), {}, {}, false, {}};
    record.state = load_state_policy(tx, record.uuid);
    return record;
}

RegionRecord load_region_record(plugin_api::StorageTransaction& tx, const std::string& region_id) {
    return with_state_policy(tx, existing_region(tx, region_id));
}

void save_state_policy(plugin_api::StorageTransaction& tx, const std::string& region_id,
                       const StatePolicy& policy) {
    auto* ledger = ledger_of(tx);
    if (ledger == nullptr) {
        if (const auto field = first_non_default_field(policy); !field.empty()) {
            throw DomainError(Fault::unavailable, "snapshots_unavailable",
                              "the storage plugin predates plugin ABI 1.5 and keeps no region "
                              "state policy: only the defaults are possible",
                              field);
        }
        return;
    }
    ledger->put_region_state_policy(
        {region_id, policy.lifecycle, state_parts_to_json(policy.parts).dump()});
}

void delete_state_policy(plugin_api::StorageTransaction& tx, const std::string& region_id) {
    if (auto* ledger = ledger_of(tx)) {
        ledger->delete_region_state_policy(region_id);
    }
}

}  // namespace vergegrid::control
