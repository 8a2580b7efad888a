// The active placement policy and the choice of others: a snapshot per decision (the policy
// object and its name together), and runtime swaps through the kernel's ActiveSlot. A decision
// that took its snapshot before a swap finishes on the old policy, which (and whose plugin)
// dies with its last user. The policy it hands out is the plugin's behind the engine's hard rules
// (ruled_policy.hpp), with the limits of the control plane's configuration.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control/placement/grid_cache.hpp"
#include "control/placement/hard_rules.hpp"
#include "control/placement/placement_engine.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::control {

// Makes a policy object of the named plugin from its configuration section. A bad value in that
// section throws config_sources::ConfigError (or plugin_host::PluginCreateError carrying the
// key); anything else it throws is the plugin failing.
using PolicyFactory =
    std::function<std::shared_ptr<plugin_api::PlacementPolicy>(const std::string& name)>;

struct ActivePolicy {
    std::shared_ptr<plugin_api::PlacementPolicy> policy;  // null: no policy loaded
    std::string name;
};

class PlacementService {
  public:
    // `slot` already holds the start-up policy, named `active_name` ("" when none). The hard
    // rules run with `limits` (the engine settings placement.max_cpu_load, ...).
    PlacementService(kernel::services::ActiveSlot<plugin_api::PlacementPolicy>& slot,
                     std::string active_name, std::vector<std::string> available,
                     PolicyFactory factory, PortRange ports, HardLimits limits);
    // The same with the default limits.
    PlacementService(kernel::services::ActiveSlot<plugin_api::PlacementPolicy>& slot,
                     std::string active_name, std::vector<std::string> available,
                     PolicyFactory factory, PortRange ports);

    // The active policy behind the hard rules.
    ActivePolicy active() const;
    // Throws DomainError unavailable (placement_unavailable) when no policy is loaded.
    ActivePolicy require_active() const;
    const std::vector<std::string>& available() const { return available_; }
    PortRange ports() const { return ports_; }
    const HardLimits& limits() const { return limits_; }

    // Makes a new object of the named policy: DomainError not_found (unknown_policy, field
    // "policy") when it is not a loaded placement plugin, unprocessable (invalid_policy_config,
    // field: the configuration key) when its configuration section holds a bad value, internal
    // (policy_failed) when the plugin fails otherwise. Separate from publish() so that the caller
    // can make it outside its transaction.
    std::shared_ptr<plugin_api::PlacementPolicy> make(const std::string& name) const;
    // Publishes `next` for later decisions; returns what was active.
    ActivePolicy publish(ActivePolicy next);

    // The grid kept between the writes that place (grid_cache.hpp), shared by every service
    // that places through this object.
    GridCache& grid_cache() const { return *grid_cache_; }

  private:
    kernel::services::ActiveSlot<plugin_api::PlacementPolicy>* slot_;
    mutable std::mutex mutex_;  // keeps the slot's object, ruled_ and name_ in step
    std::shared_ptr<plugin_api::PlacementPolicy> ruled_;  // the slot's object behind the rules
    std::string name_;
    std::vector<std::string> available_;
    PolicyFactory factory_;
    PortRange ports_;
    HardLimits limits_;
    std::unique_ptr<GridCache> grid_cache_ = std::make_unique<GridCache>();
};

}  // namespace vergegrid::control
