#include "control/rollouts/rollout_steps.hpp"

#include <algorithm>
#include <limits>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/rollouts/rollout_json.hpp"

namespace vergegrid::control {

namespace {

using plugin_api::Rollout;
using plugin_api::RolloutRegion;

bool ended(const RolloutRegion& region) {
    return region.state != "waiting" && region.state != "upgrading";
}

// The region has a version the rollout wrote: the rollback has something to undo.
bool changed_by_rollout(const RolloutRegion& region) {
    return !region.to_version.empty() && region.to_version != region.from_version &&
           (region.state == "upgraded" || region.state == "upgrading" || region.state == "failed");
}

int count_in(const std::vector<RolloutRegion>& regions, int wave, const std::string& state) {
    return static_cast<int>(std::count_if(regions.begin(), regions.end(), [&](const auto& r) {
        return r.wave == wave && r.state == state;
    }));
}

// What the simulator said when it failed the operation, for people.
std::string failure_text(const plugin_api::Operation& operation) {
    std::string text = "the simulator reported the upgrade failed";
    if (!operation.result.empty()) {
        const auto result = nlohmann::json::parse(operation.result, nullptr, false);
        if (result.is_object() && result.contains("error") && result["error"].is_string()) {
            text += ": " + result["error"].get<std::string>();
        }
    }
    return text;
}

}  // namespace

void RolloutSteps::save(RolloutRegion& region, const std::string& state, const std::string& error) {
    region.state = state;
    if (!error.empty()) {
        region.error = error;
    }
    if (ended(region)) {
        region.finished_at = now_;
    }
    ledger_.update_rollout_region(region);
}

void RolloutSteps::start(const Rollout& rollout, RolloutRegion& region) {
    region.started_at = now_;
    try {
        const auto changed =
            regions_.upgrade_template_within(changes_, {region.region_id, std::nullopt},
                                             plugin_api::SemVer::parse(rollout.to_version));
        region.to_version = changed.region.version.to_string();
        if (changed.change == "none") {
            save(region, "upgraded");  // nothing to change: nothing to confirm
            return;
        }
        // The operation the change queued (or merged into): the newest of the region, at its
        // new version. None (a region on no simulator): nothing to confirm.
        const auto newest =
            operation_store(changes_.tx()).list_operations({"", region.region_id, ""}, 0, 1);
        if (!newest.empty() && newest.front().region_version == changed.region.version &&
            (newest.front().state == "pending" || newest.front().state == "delivered")) {
            region.operation_id = newest.front().id;
            save(region, "upgrading");
            return;
        }
        save(region, "upgraded");
    } catch (const DomainError& e) {
        save(region, "failed", std::string("the upgrade was refused: ") + e.what());
    }
}

void RolloutSteps::time_out(const RolloutSpec& spec, Regions& regions, int wave) {
    for (auto& region : regions) {
        if (region.wave == wave && region.state == "upgrading" &&
            seconds_between(region.started_at, now_) >= spec.deadline_s) {
            save(region, "failed",
                 "no confirmation from the simulator within " + std::to_string(spec.deadline_s) +
                     " s");
        }
    }
}

void RolloutSteps::finish(Rollout& rollout, const std::string& verb) {
    const auto before = rollout_summary_json(ledger_.find_rollout(rollout.id).value_or(rollout));
    rollout.next_wave_at.clear();
    rollout.updated_at = now_;
    ledger_.update_rollout(rollout);
    changes_.record(
        {"rollout." + verb, "rollout", rollout.id, before, rollout_summary_json(rollout)});
}

void RolloutSteps::roll_back(Rollout& rollout, Regions& regions, int failures) {
    rollout.error = std::to_string(failures) + " region(s) of wave " +
                    std::to_string(rollout.current_wave + 1) +
                    " failed, the failure threshold: every region the rollout changed was "
                    "rolled back";
    bool all_back = true;
    for (auto& region : regions) {
        if (region.state == "waiting") {
            save(region, "skipped");
            continue;
        }
        if (!changed_by_rollout(region)) {
            continue;
        }
        try {
            regions_.rollback_within(changes_, {region.region_id, std::nullopt,
                                                *plugin_api::SemVer::parse(region.from_version)});
            region.operation_id = 0;  // a late result of the upgrade no longer counts
            save(region, "rolled_back");
        } catch (const DomainError& e) {
            all_back = false;
            region.operation_id = 0;
            save(region, "failed", std::string("the rollback was refused: ") + e.what());
        }
    }
    if (!all_back) {
        rollout.error += " (but not every rollback could be made)";
    }
    rollout.state = all_back ? "rolled_back" : "failed";
    finish(rollout, all_back ? "rollback" : "fail");
}

void RolloutSteps::advance(Rollout rollout) {
    if (rollout.state != "running") {
        return;
    }
    const RolloutSpec spec = spec_from_json(nlohmann::json::parse(rollout.spec));
    auto regions = ledger_.list_rollout_regions(rollout.id);
    int last_wave = 0;
    for (const auto& region : regions) {
        last_wave = std::max(last_wave, region.wave);
    }
    const int limit =
        spec.max_unavailable > 0 ? spec.max_unavailable : std::numeric_limits<int>::max();
    for (;;) {
        const int wave = rollout.current_wave;
        time_out(spec, regions, wave);
        if (const int failures = count_in(regions, wave, "failed");
            failures >= spec.failure_threshold) {
            roll_back(rollout, regions, failures);
            return;
        }
        if (!rollout.next_wave_at.empty() && seconds_between(now_, rollout.next_wave_at) > 0) {
            return;  // the pause between waves
        }
        int upgrading = count_in(regions, wave, "upgrading");
        bool started = false;
        for (auto& region : regions) {
            if (region.wave != wave || region.state != "waiting" || upgrading >= limit) {
                continue;
            }
            start(rollout, region);
            started = true;
            upgrading += region.state == "upgrading" ? 1 : 0;
            if (count_in(regions, wave, "failed") >= spec.failure_threshold) {
                break;
            }
        }
        if (count_in(regions, wave, "failed") >= spec.failure_threshold) {
            continue;  // rolls back on the next round
        }
        const bool wave_done = std::all_of(regions.begin(), regions.end(), [&](const auto& r) {
            return r.wave != wave || ended(r);
        });
        if (!wave_done) {
            if (started || !rollout.next_wave_at.empty()) {
                rollout.next_wave_at.clear();
                rollout.updated_at = now_;
                ledger_.update_rollout(rollout);
            }
            return;
        }
        if (wave >= last_wave) {
            rollout.state = "succeeded";
            finish(rollout, "succeed");
            return;
        }
        ++rollout.current_wave;
        rollout.next_wave_at =
            spec.pause_between_s > 0 ? iso8601_plus_seconds(now_, spec.pause_between_s) : "";
        finish(rollout, "advance");
    }
}

void RolloutSteps::on_result(RolloutRegion region, const plugin_api::Operation& operation) {
    if (region.state != "upgrading" || region.operation_id != operation.id) {
        return;
    }
    if (operation.state == "succeeded") {
        save(region, "upgraded");
    } else if (operation.state == "failed") {
        save(region, "failed", failure_text(operation));
    } else {
        return;
    }
    if (auto rollout = ledger_.find_rollout(region.rollout_id)) {
        advance(*rollout);
    }
}

}  // namespace vergegrid::control
