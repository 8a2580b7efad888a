// Which placement policy is active, and the operator's command to swap it at runtime
// (GET/PUT /api/v1/placement/policy are its HTTP adapter). The swap is recorded as the domain
// event "placement.policy" (so audited) in its own transaction and published only once that
// commits: never a swap the audit log does not show. Decisions already holding the previous
// policy finish on it.
#pragma once

#include <spdlog/fwd.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/domain/domain_event.hpp"
#include "control/domain/store.hpp"
#include "control/placement/placement_service.hpp"

namespace vergegrid::control {

struct PolicyListing {
    std::optional<std::string> active;  // nullopt: no policy loaded
    std::vector<std::string> available;
};

class PolicyChoice {
  public:
    // `chosen` (may be empty) hears each committed swap: the other control planes on the
    // database follow it (docs/ha.md).
    PolicyChoice(Store store, std::shared_ptr<PlacementService> placement,
                 std::function<void(const std::string& name)> chosen = {});

    PolicyListing listing() const;
    // Makes the named policy (outside the transaction: a plugin's create() may take its time;
    // DomainError as PlacementService::make), records the swap, then publishes it.
    Committed<PolicyListing> choose(const Actor& actor, const std::string& name);

  private:
    Store store_;
    std::shared_ptr<PlacementService> placement_;
    std::function<void(const std::string& name)> chosen_;
};

// Another control plane swapped the active policy to `name`: this one follows, unaudited (the
// swap was audited where it was made). Logs and keeps the current policy when `name` cannot be
// made here (not loaded, a bad section).
void follow_policy_choice(PlacementService& placement, const std::string& name,
                          spdlog::logger& log);

}  // namespace vergegrid::control
