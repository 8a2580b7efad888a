#include "sim_bridge/core/reconciler.hpp"

#include <spdlog/spdlog.h>

#include <map>

#include "region_ini/region_ini.hpp"

namespace vergegrid::bridge {

Reconciler::Reconciler(DesiredCache& cache, StubDirectory& stubs, SimulatorHost& host,
                       plugin_api::InjectionStrategy& strategy, std::shared_ptr<spdlog::logger> log,
                       RepairSink repairs)
    : cache_(cache),
      stubs_(stubs),
      host_(host),
      strategy_(strategy),
      log_(std::move(log)),
      repairs_(std::move(repairs)) {}

ReconcileReport Reconciler::run() {
    ReconcileReport report;
    std::map<std::string, DesiredRegion> desired;
    for (const auto& region : cache_.all()) {
        if (region.enabled) {
            desired[region.plan.id] = region;
        }
    }

    // 1. The files first, so that a simulator (re)started below loads exactly the desired
    //    regions: stale stubs (ours, for a region no longer desired here) go, the operator's
    //    regions are reported and left alone, conflicting stubs go, missing or wrong stubs are
    //    written.
    std::vector<plugin_api::RegionPlan> stale;
    for (const auto& entry : stubs_.scan()) {
        if (!entry.ours) {
            if (reported_operator_regions_.insert(entry.name).second) {
                // No region id: the control plane only takes ids of the regions it sent here.
                repairs_("operator-region", "",
                         "region " + entry.name + " in " + entry.file.filename().string() +
                             " is the operator's; left untouched (" + entry.uuid + ")");
            }
            report.operator_regions.push_back(entry.name);
            continue;
        }
        if (desired.count(entry.uuid) != 0) {
            continue;
        }
        plugin_api::RegionPlan plan;
        plan.id = entry.uuid;
        plan.name = entry.name;
        plan.port = entry.port;
        stale.push_back(plan);
        std::error_code ignored;
        std::filesystem::remove(entry.file, ignored);
        ++report.repairs;
        repairs_("removed-stale-stub", entry.uuid,
                 "removed " + entry.file.filename().string() + " (region " + entry.name +
                     " is not desired here)");
    }
    host_.fix_conflicting_stubs();
    std::set<std::string> unwritable;
    for (const auto& [id, region] : desired) {
        const auto spec = stub_spec(region, host_.default_estate());
        const auto current = stubs_.current(id);
        if (current == region_ini::render(spec)) {
            continue;
        }
        if (auto clash = stubs_.conflict(spec)) {
            unwritable.insert(id);
            // Reported once per cause, not at every round while the operator's file stays.
            if (reported_conflicts_.insert(id + " " + *clash).second) {
                repairs_("conflict", id,
                         "cannot write the stub of region " + region.plan.name + ": " + *clash);
            }
            continue;
        }
        try {
            stubs_.write(spec);
        } catch (const std::exception& e) {
            // E.g. a symbolic link planted under the stub's name: this region waits, the others
            // are still reconciled.
            unwritable.insert(id);
            if (reported_conflicts_.insert(id + " " + e.what()).second) {
                repairs_("stub-unwritable", id,
                         "cannot write the stub of region " + region.plan.name + ": " + e.what());
            }
            continue;
        }
        ++report.repairs;
        repairs_(current.empty() ? "restored-stub" : "rewrote-stub", id,
                 (current.empty() ? "restored the missing stub of region "
                                  : "rewrote the stub of region ") +
                     region.plan.name);
    }

    // 2. The simulator runs (started when supervised and down).
    if (!host_.ensure_running()) {
        report.simulator_down = true;
        return report;
    }

    // 3. A stale region still running is unloaded (its content stays, as after a disable).
    for (const auto& plan : stale) {
        if (host_.region_health(plan) > 0) {
            const auto outcome = strategy_.teardown(plan, false, host_);
            repairs_(outcome.ok ? "closed-stale-region" : "close-stale-failed", plan.id,
                     "region " + plan.name + ": " + outcome.path + ", " + outcome.detail);
        }
    }

    // 4. Every desired region runs.
    for (const auto& [id, region] : desired) {
        if (unwritable.count(id) != 0) {
            continue;
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
