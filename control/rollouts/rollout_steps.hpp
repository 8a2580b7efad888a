// What moves a rollout on, inside the caller's transaction (docs/rollouts.md): the engine's tick
// and an operation's result both end in advance(), which times out regions past the deadline,
// stops and rolls back at the failure threshold, starts the current wave's waiting regions
// (at most max_unavailable upgrading at once) and opens the next wave once one is done.
#pragma once

#include <string>
#include <vector>

#include "control/domain/changes.hpp"
#include "control/regions/region_service.hpp"
#include "control/rollouts/rollout_plan.hpp"
#include "vergegrid/plugin_api/storage_operations.hpp"
#include "vergegrid/plugin_api/storage_rollouts.hpp"

namespace vergegrid::control {

class RolloutSteps {
  public:
    RolloutSteps(Changes& changes, const RegionService& regions, plugin_api::RolloutLedger& ledger,
                 std::string now)
        : changes_(changes), regions_(regions), ledger_(ledger), now_(std::move(now)) {}

    // Nothing unless the rollout is running.
    void advance(plugin_api::Rollout rollout);
    // The region's upgrade operation ended: upgraded or failed; then the rollout moves on.
    void on_result(plugin_api::RolloutRegion region, const plugin_api::Operation& operation);

  private:
    using Regions = std::vector<plugin_api::RolloutRegion>;
    void start(const plugin_api::Rollout& rollout, plugin_api::RolloutRegion& region);
    void time_out(const RolloutSpec& spec, Regions& regions, int wave);
    void roll_back(plugin_api::Rollout& rollout, Regions& regions, int failures);
    void finish(plugin_api::Rollout& rollout, const std::string& verb);
    void save(plugin_api::RolloutRegion& region, const std::string& state,
              const std::string& error = "");

    Changes& changes_;
    const RegionService& regions_;
    plugin_api::RolloutLedger& ledger_;
    std::string now_;
};

}  // namespace vergegrid::control
