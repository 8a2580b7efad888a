// The active placement policy and the choice of others: a snapshot per decision (the policy
// object and its name together), and runtime swaps through the kernel's ActiveSlot. A decision
// that took its snapshot before a swap finishes on the old policy, which (and whose plugin)
// dies with its last user.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control/placement/placement_engine.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/placement.hpp"

namespace vergegrid::control {

using PolicyFactory =
    std::function<std::shared_ptr<plugin_api::PlacementPolicy>(const std::string& name)>;

struct ActivePolicy {
    std::shared_ptr<plugin_api::PlacementPolicy> policy;  // null: no policy loaded
    std::string name;
};

class PlacementService {
  public:
    // `slot` already holds the start-up policy, named `active_name` ("" when none).
    PlacementService(kernel::services::ActiveSlot<plugin_api::PlacementPolicy>& slot,
                     std::string active_name, std::vector<std::string> available,
                     PolicyFactory factory, PortRange ports);

    ActivePolicy active() const;
    // Throws ApiError 503 when no policy is loaded.
    ActivePolicy require_active() const;
    const std::vector<std::string>& available() const { return available_; }
    PortRange ports() const { return ports_; }

    // Makes a new object of the named policy (ApiError 404 naming "policy" when it is not a
    // loaded placement plugin). Separate from publish() so that the caller can make it outside
    // its transaction.
    std::shared_ptr<plugin_api::PlacementPolicy> make(const std::string& name) const;
    // Publishes `next` for later decisions; returns what was active.
    ActivePolicy publish(ActivePolicy next);

  private:
    kernel::services::ActiveSlot<plugin_api::PlacementPolicy>* slot_;
    mutable std::mutex mutex_;  // keeps the slot's object and name_ in step
    std::string name_;
    std::vector<std::string> available_;
    PolicyFactory factory_;
    PortRange ports_;
};

}  // namespace vergegrid::control
