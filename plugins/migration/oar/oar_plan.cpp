#include "oar_plan.hpp"

namespace vergegrid::migration {

using plugin_api::MigrationStep;

std::vector<MigrationStep> oar_plan(const plugin_api::MigrationRequest& request) {
    if (!request.source_online) {
        // Nothing can be asked of an offline source before the switch: no agents to count, no
        // snapshot to take. Its teardown is still queued so that it never serves the region again
        // when it comes back. An ephemeral region comes back empty even if a snapshot exists:
        // its lifecycle promises no state.
        std::vector<MigrationStep> steps{MigrationStep::create_target};
        if (request.has_snapshot && request.keeps_content) {
            steps.push_back(MigrationStep::load_latest);
        }
        steps.push_back(MigrationStep::switch_over);
        steps.push_back(MigrationStep::teardown_source);
        return steps;
    }
    if (!request.keeps_content) {
        // No state to carry: a warm move has nothing to prepare either.
        return {MigrationStep::check_agents, MigrationStep::create_target,
                MigrationStep::switch_over, MigrationStep::teardown_source};
    }
    if (request.warm) {
        // The first snapshot (with the asset parts) travels while the source serves; downtime
        // only covers the short final one.
        return {MigrationStep::check_agents,   MigrationStep::snapshot_first,
                MigrationStep::create_target,  MigrationStep::load_first,
                MigrationStep::snapshot_final, MigrationStep::load_final,
                MigrationStep::switch_over,    MigrationStep::teardown_source};
    }
    return {MigrationStep::check_agents,  MigrationStep::snapshot_final,
            MigrationStep::create_target, MigrationStep::load_final,
            MigrationStep::switch_over,   MigrationStep::teardown_source};
}

}  // namespace vergegrid::migration
