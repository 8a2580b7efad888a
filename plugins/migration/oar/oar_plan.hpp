// The `oar` strategy's plans (docs/plugin-abi.md, kind migration): the region's content travels
// as an OpenSim archive taken on the source and loaded on the target.
#pragma once

#include <vector>

#include "vergegrid/plugin_api/migration.hpp"

namespace vergegrid::migration {

// The steps of one move, by what the request says (first match wins):
//   source offline (evacuate): create_target, load_latest (only when has_snapshot and the region
//                              keeps content), switch_over, teardown_source
//   keeps_content false:       check_agents, create_target, switch_over, teardown_source
//   warm:                      check_agents, snapshot_first, create_target, load_first,
//                              snapshot_final, load_final, switch_over, teardown_source
//   cold:                      check_agents, snapshot_final, create_target, load_final,
//                              switch_over, teardown_source
// when_empty changes how check_agents runs (its operation's spec), not the plan.
std::vector<plugin_api::MigrationStep> oar_plan(const plugin_api::MigrationRequest& request);

class OarStrategy final : public plugin_api::MigrationStrategy {
  public:
    std::vector<plugin_api::MigrationStep> plan(
        const plugin_api::MigrationRequest& request) const override {
        return oar_plan(request);
    }
};

}  // namespace vergegrid::migration
