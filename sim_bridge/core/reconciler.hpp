// Self-healing: compares the desired regions (the cache the operations keep) with what is on
// disk (stubs) and what runs (admin_region_query) and closes the gap: re-injects missing
// regions, rewrites wrong or missing stubs, removes stale VergeGrid stubs, and reports the
// operator's own regions without touching them.
#pragma once

#include <spdlog/fwd.h>

#include <set>
#include <string>
#include <vector>

#include "sim_bridge/core/simulator_host.hpp"
#include "vergegrid/plugin_api/injection.hpp"

namespace vergegrid::bridge {

struct ReconcileReport {
    std::vector<std::string> live;              // ids of desired regions found or made healthy
    std::vector<std::string> operator_regions;  // names of regions in the operator's files
    int repairs = 0;
    bool simulator_down = false;
    bool still_loading = false;  // run again soon
};

class Reconciler {
  public:
    Reconciler(DesiredCache& cache, StubDirectory& stubs, SimulatorHost& host,
               plugin_api::InjectionStrategy& strategy, std::shared_ptr<spdlog::logger> log,
               RepairSink repairs);

    ReconcileReport run();

  private:
    DesiredCache& cache_;
    StubDirectory& stubs_;
    SimulatorHost& host_;
    plugin_api::InjectionStrategy& strategy_;
    std::shared_ptr<spdlog::logger> log_;
    RepairSink repairs_;
    std::set<std::string> reported_operator_regions_;
    std::set<std::string> reported_conflicts_;
};

}  // namespace vergegrid::bridge
