// Applies one operation of the control plane (create, update, enable, disable, delete, restart)
// through the injection strategy, keeping the desired-state cache and the stubs in step, and
// answers the result to report. Refuses, before touching anything, what it cannot apply safely.
// snapshot and restore go to the SnapshotWorker: they concern a region's content, never the
// desired state; `agents` (who is on a region before it moves) goes to the AgentCheck.
#pragma once

#include <spdlog/fwd.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sim_bridge/core/agent_check.hpp"
#include "sim_bridge/core/operation_result.hpp"
#include "sim_bridge/core/simulator_host.hpp"
#include "sim_bridge/core/snapshot_worker.hpp"
#include "sim_bridge/settings/settings_applier.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace vergegrid::bridge {

class OperationApplier {
  public:
    OperationApplier(const SimulatorSettings& settings, DesiredCache& cache, StubDirectory& stubs,
                     SimulatorHost& host, plugin_api::InjectionStrategy& strategy,
                     std::shared_ptr<spdlog::logger> log, SnapshotWorker* snapshots = nullptr,
                     settings::SettingsApplier* settings_applier = nullptr);

    OperationResult apply(const nlohmann::json& operation);

    // Why the region cannot be brought up here without harm, or nullopt.
    struct Hazard {
        std::string why;
        std::string reason;  // "port_in_use" when only its port stands in the way, else empty
    };
    std::optional<Hazard> unsafe(const DesiredRegion& region);

    // The `agents` operation's handler (its poll interval, its cancellation when the bridge stops).
    AgentCheck& agent_check() { return agents_; }

  private:
    OperationResult apply_kind(const nlohmann::json& operation);
    OperationResult bring_up(const DesiredRegion& region);
    OperationResult take_down(const DesiredRegion& region, bool erase);
    OperationResult update(const DesiredRegion& region);
    OperationResult restart(const DesiredRegion& region,
                            const std::optional<DesiredRegion>& previous);
    // Applies the spec's settings after the region operation (result "fields"); a failed field
    // fails the operation.
    void apply_settings(const std::string& kind, const DesiredRegion& region,
                        const std::optional<DesiredRegion>& previous, bool apply_restart,
                        OperationResult& result, const settings::ApplyOutcome* done = nullptr);

    const SimulatorSettings& settings_;
    DesiredCache& cache_;
    StubDirectory& stubs_;
    SimulatorHost& host_;
    plugin_api::InjectionStrategy& strategy_;
    std::shared_ptr<spdlog::logger> log_;
    SnapshotWorker* snapshots_;
    settings::SettingsApplier* applier_;
    AgentCheck agents_;
};

// True when nothing is bound to udp host:port (the port OpenSim would give a region).
bool udp_port_free(const std::string& host, int port);

}  // namespace vergegrid::bridge
