#include "control/placement/placement_service.hpp"

#include <algorithm>

#include "config_sources/config_error.hpp"
#include "control/domain/domain_error.hpp"
#include "control/placement/ruled_policy.hpp"
#include "plugin_host/loaded_plugin.hpp"

namespace vergegrid::control {

namespace {

DomainError bad_config(const std::string& name, const std::string& key, const std::string& why) {
    return DomainError(Fault::unprocessable, "invalid_policy_config",
                       "placement policy '" + name +
                           "' cannot be created from its configuration: " + key + ": " + why +
                           " (the section is read at start-up: fix it and restart)",
                       key);
}

}  // namespace

PlacementService::PlacementService(kernel::services::ActiveSlot<plugin_api::PlacementPolicy>& slot,
                                   std::string active_name, std::vector<std::string> available,
                                   PolicyFactory factory, PortRange ports, HardLimits limits)
    : slot_(&slot),
      ruled_(under_hard_rules(slot.get(), limits)),
      name_(std::move(active_name)),
      available_(std::move(available)),
      factory_(std::move(factory)),
      ports_(ports),
      limits_(limits) {}

PlacementService::PlacementService(kernel::services::ActiveSlot<plugin_api::PlacementPolicy>& slot,
                                   std::string active_name, std::vector<std::string> available,
                                   PolicyFactory factory, PortRange ports)
    : PlacementService(slot, std::move(active_name), std::move(available), std::move(factory),
                       ports, HardLimits{}) {}

ActivePolicy PlacementService::active() const {
    const std::lock_guard lock(mutex_);
    return {ruled_, name_};
}

ActivePolicy PlacementService::require_active() const {
    auto current = active();
    if (!current.policy) {
        throw DomainError(Fault::unavailable, "placement_unavailable",
                          "no placement policy is loaded: give host and port, or load a placement "
                          "plugin");
    }
    return current;
}

std::shared_ptr<plugin_api::PlacementPolicy> PlacementService::make(const std::string& name) const {
    if (std::find(available_.begin(), available_.end(), name) == available_.end() || !factory_) {
        std::string list;
        for (const auto& known : available_) {
            list += (list.empty() ? "" : ", ") + known;
        }
        throw DomainError(Fault::not_found, "unknown_policy",
                          "no placement policy named '" + name + "' (available: " + list + ")",
                          "policy");
    }
    try {
        return factory_(name);
    } catch (const config_sources::ConfigError& e) {
        if (e.issues().empty() || e.issues().front().key.empty()) {
            throw bad_config(name, "placement." + name, e.what());
        }
        throw bad_config(name, e.issues().front().key, e.issues().front().message);
    } catch (const plugin_host::PluginCreateError& e) {
        if (!e.config_key.empty()) {
            throw bad_config(name, e.config_key, e.config_message);
        }
        throw DomainError(Fault::internal, "policy_failed",
                          "placement policy '" + name + "' could not be created: " + e.what(),
                          "policy");
    } catch (const std::exception& e) {
        throw DomainError(Fault::internal, "policy_failed",
                          "placement policy '" + name + "' could not be created: " + e.what(),
                          "policy");
    }
}

ActivePolicy PlacementService::publish(ActivePolicy next) {
    auto ruled = under_hard_rules(next.policy, limits_);
    const std::lock_guard lock(mutex_);
    ActivePolicy previous{slot_->swap(std::move(next.policy)), name_};
    ruled_ = std::move(ruled);
    name_ = std::move(next.name);
    return previous;
}

}  // namespace vergegrid::control
