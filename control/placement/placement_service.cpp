#include "control/placement/placement_service.hpp"

#include <algorithm>

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;

PlacementService::PlacementService(kernel::services::ActiveSlot<plugin_api::PlacementPolicy>& slot,
                                   std::string active_name, std::vector<std::string> available,
                                   PolicyFactory factory, PortRange ports)
    : slot_(&slot),
      name_(std::move(active_name)),
      available_(std::move(available)),
      factory_(std::move(factory)),
      ports_(ports) {}

ActivePolicy PlacementService::active() const {
    const std::lock_guard lock(mutex_);
    return {slot_->get(), name_};
}

ActivePolicy PlacementService::require_active() const {
    auto current = active();
    if (!current.policy) {
        throw ApiError(503, "placement_unavailable",
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
        throw ApiError(404, "unknown_policy",
                       "no placement policy named '" + name + "' (available: " + list + ")",
                       "policy");
    }
    try {
        return factory_(name);
    } catch (const std::exception& e) {
        throw ApiError(500, "policy_failed",
                       "placement policy '" + name + "' could not be created: " + e.what(),
                       "policy");
    }
}

ActivePolicy PlacementService::publish(ActivePolicy next) {
    const std::lock_guard lock(mutex_);
    ActivePolicy previous{slot_->swap(std::move(next.policy)), name_};
    name_ = std::move(next.name);
    return previous;
}

}  // namespace vergegrid::control
