#include "sim_bridge/core/reconciler.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "region_ini/region_ini.hpp"

namespace vergegrid::bridge {

Reconciler::Reconciler(DesiredCache& cache, StubDirectory& stubs, SimulatorHost& host,
                       plugin_api::InjectionStrategy& strategy,
                       std::shared_ptr<spdlog::logger> log, RepairSink repairs)
    : cache_(cache),
      stubs_(stubs),
      host_(host),
      strategy_(strategy),
      log_(std::move(log)),
      repairs_(std::move(repairs)) {}

ReconcileReport Reconciler::run() {
    ReconcileReport report;
    if (!host_.ensure_running()) {
        report.simulator_down = true;
        return report;
    }
    std::map<std::string, DesiredRegion> desired;
    for (const auto& region : cache_.all()) {
        if (region.enabled) {
            desired[region.plan.id] = region;
        }
    }

    // 1. Stale stubs: ours, for a region no longer desired here. Unload it if it still runs.
    for (const auto& entry : stubs_.scan()) {
        if (!entry.ours) {
            if (reported_operator_regions_.insert(entry.name).second) {
                repairs_("operator-region", entry.uuid,
                         "region " + entry.name + " in " + entry.file.filename().string() +
                             " is the operator's; left untouched");
            }
            report.operator_regions.push_back(entry.name);
            continue;
        }
        if (desired.count(entry.uuid) != 0) {
            continue;
        }
        plugin_api::RegionPlan stale;
        stale.id = entry.uuid;
        stale.name = entry.name;
        stale.port = entry.port;
        const auto outcome = strategy_.teardown(stale, false, host_);
        std::error_code ignored;
        std::filesystem::remove(entry.file, ignored);
        ++report.repairs;
        repairs_("removed-stale-stub", entry.uuid,
                 "removed " + entry.file.filename().string() + " (region " + entry.name +
                     " is not desired here): " + outcome.detail);
    }

    // 2. Conflicting stubs go before anything can restart the simulator.
    host_.fix_conflicting_stubs();

    // 3. Every desired region: right stub, running.
    for (const auto& [id, region] : desired) {
        const auto spec = stub_spec(region.plan);
        if (stubs_.current(id) != region_ini::render(spec)) {
            if (auto clash = stubs_.conflict(spec)) {
                repairs_("conflict", id, "cannot write the stub of region " + region.plan.name +
                                             ": " + *clash);
                continue;
            }
            const bool existed = !stubs_.current(id).empty();
            stubs_.write(spec);
            ++report.repairs;
            repairs_(existed ? "rewrote-stub" : "restored-stub", id,
                     (existed ? "rewrote the stub of region " : "restored the missing stub of region ") +
                         region.plan.name);
        }
        const int health = host_.region_health(region.plan);
        if (health < 0) {
            report.simulator_down = true;
            return report;
        }
        if (health > 0) {
            report.live.push_back(id);
            continue;
        }
        if (host_.loading_regions()) {
            report.still_loading = true;  // the region loader may not have reached it yet
            continue;
        }
        const auto outcome = strategy_.inject(region.plan, host_);
        ++report.repairs;
        repairs_(outcome.ok ? "reinjected" : "reinject-failed", id,
                 "region " + region.plan.name + " was not running: " + outcome.path + ", " +
                     outcome.detail);
        if (outcome.ok) {
            report.live.push_back(id);
        }
    }
    return report;
}

}  // namespace vergegrid::bridge
