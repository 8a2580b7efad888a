#include "control/rollouts/rollout_service.hpp"

#include <algorithm>

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/newest_first_cursor.hpp"
#include "control/rollouts/rollout_json.hpp"
#include "control/rollouts/rollout_plan.hpp"
#include "control/rollouts/rollout_steps.hpp"

namespace vergegrid::control {

using plugin_api::Rollout;
using plugin_api::RolloutLedger;
using plugin_api::StorageTransaction;

namespace {

constexpr int kRegionPage = 500;

RolloutLedger* find_ledger(StorageTransaction& tx) {
    return dynamic_cast<RolloutLedger*>(&tx);
}

RolloutLedger& ledger_of(StorageTransaction& tx) {
    auto* ledger = find_ledger(tx);
    if (ledger == nullptr) {
        throw DomainError(Fault::unavailable, "rollouts_unavailable",
                          "the storage plugin keeps no rollouts (it predates plugin ABI 1.11)");
    }
    return *ledger;
}

Rollout existing_rollout(RolloutLedger& ledger, const std::string& id) {
    auto rollout = ledger.find_rollout(id);
    if (!rollout) {
        throw DomainError::not_found("no rollout with id '" + id + "'");
    }
    return *rollout;
}

// The template's regions the selection takes, by name.
std::vector<RolloutCandidate> selected_regions(StorageTransaction& tx,
                                               const std::string& template_id,
                                               const RegionSelection& selection) {
    plugin_api::RegionFilter filter{selection.name_prefix, selection.estate_id, template_id,
                                    selection.host};
    std::vector<RolloutCandidate> regions;
    std::string after;
    for (;;) {
        const auto page = tx.list_regions(filter, after, kRegionPage);
        for (const auto& region : page) {
            if (selection.ids.empty() || std::find(selection.ids.begin(), selection.ids.end(),
                                                   region.uuid) != selection.ids.end()) {
                regions.push_back({region.uuid, region.name});
            }
        }
        if (static_cast<int>(page.size()) < kRegionPage) {
            break;
        }
        after = page.back().name;
    }
    return regions;
}

void refuse_second_active(RolloutLedger& ledger, const std::string& template_id) {
    for (const auto& active : ledger.list_active_rollouts()) {
        if (active.template_id == template_id) {
            throw DomainError::conflict(
                "rollout_active", "rollout " + active.id + " of this template is " + active.state +
                                      ": finish or cancel it first");
        }
    }
}

}  // namespace

Committed<RolloutAnswer> RolloutService::create(const Actor& actor, const std::string& template_id,
                                                const nlohmann::json& body) const {
    const RolloutSpec spec = read_rollout_spec(body);
    return store_.command(actor, [&](Changes& changes) {
        auto& tx = changes.tx();
        auto& ledger = ledger_of(tx);
        const auto tmpl = existing_template(tx, template_id);
        if (spec.to_version != tmpl.version &&
            !tx.find_template_version(tmpl.id, spec.to_version)) {
            throw DomainError(Fault::unprocessable, "unknown_version",
                              "the template has no version " + spec.to_version.to_string(),
                              "to_version");
        }
        const auto waves = plan_waves(selected_regions(tx, tmpl.id, spec.regions), spec);
        if (waves.empty()) {
            throw DomainError::conflict("no_regions", "no region of the template matches",
                                        "regions");
        }
        const std::string now = creation_time_iso8601();
        Rollout rollout{new_uuid(),
                        tmpl.id,
                        spec.to_version.to_string(),
                        "running",
                        spec_to_json(spec).dump(),
                        0,
                        "",
                        "",
                        actor.subject,
                        now,
                        now};
        if (spec.dry_run) {
            rollout.state = "planned";
            nlohmann::json plan = rollout_summary_json(rollout);
            plan["id"] = nullptr;
            plan["dry_run"] = true;
            plan["regions"] = nlohmann::json::array();
            for (std::size_t w = 0; w < waves.size(); ++w) {
                for (const auto& planned : waves[w]) {
                    const auto preview = regions_->preview_template_upgrade(
                        tx, {planned.id, std::nullopt}, spec.to_version);
                    plan["regions"].push_back({{"region_id", planned.id},
                                               {"region_name", planned.name},
                                               {"wave", w + 1},
                                               {"from_version", preview.region.version.to_string()},
                                               {"to_version", preview.version.to_string()},
                                               {"bump", preview.bump},
                                               {"fields", preview.fields},
                                               {"delivery", preview.delivery},
                                               {"restart_needed", preview.restart_needed}});
                }
            }
            plan["waves"] = waves.size();
            return RolloutAnswer{std::move(plan), false};
        }
        refuse_second_active(ledger, tmpl.id);
        ledger.insert_rollout(rollout);
        for (std::size_t w = 0; w < waves.size(); ++w) {
            for (const auto& planned : waves[w]) {
                const auto region = existing_region(tx, planned.id);
                ledger.insert_rollout_region({rollout.id, planned.id, planned.name,
                                              static_cast<int>(w), "waiting",
                                              region.version.to_string(), "", 0, "", "", ""});
            }
        }
        changes.record(
            {"rollout.create", "rollout", rollout.id, nullptr, rollout_summary_json(rollout)});
        // The first wave starts at once, in this transaction.
        RolloutSteps(changes, *regions_, ledger, now_iso8601()).advance(rollout);
        const auto stored = existing_rollout(ledger, rollout.id);
        return RolloutAnswer{rollout_to_json(stored, ledger.list_rollout_regions(rollout.id)),
                             true};
    });
}

nlohmann::json RolloutService::get(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) {
        auto& ledger = ledger_of(tx);
        return rollout_to_json(existing_rollout(ledger, id), ledger.list_rollout_regions(id));
    });
}

std::vector<Rollout> RolloutService::list(const std::string& template_id, const std::string& cursor,
                                          int limit) const {
    const auto [created_at, id] = split_newest_first_cursor(cursor, "after");
    return store_.read([&](StorageTransaction& tx) {
        if (!template_id.empty()) {
            existing_template(tx, template_id);
        }
        return ledger_of(tx).list_rollouts(template_id, created_at, id, limit);
    });
}

Committed<nlohmann::json> RolloutService::change_state(const Actor& actor, const std::string& id,
                                                       const std::string& verb) const {
    return store_.command(actor, [&](Changes& changes) {
        auto& ledger = ledger_of(changes.tx());
        Rollout rollout = existing_rollout(ledger, id);
        const auto before = rollout_summary_json(rollout);
        const std::string from = verb == "resume" ? "paused" : "running";
        const bool may = verb == "cancel"
                             ? (rollout.state == "running" || rollout.state == "paused" ||
                                rollout.state == "planned")
                             : rollout.state == from;
        if (!may) {
            throw DomainError::conflict("rollout_" + rollout.state,
                                        "the rollout is " + rollout.state + ": it cannot " + verb,
                                        "state");
        }
        const std::string now = now_iso8601();
        rollout.state = verb == "pause" ? "paused" : verb == "resume" ? "running" : "cancelled";
        rollout.updated_at = now;
        if (verb == "cancel") {
            rollout.error = "cancelled by " + actor.subject;
            for (auto region : ledger.list_rollout_regions(id)) {
                if (region.state == "waiting") {
                    region.state = "skipped";
                    region.finished_at = now;
                    ledger.update_rollout_region(region);
                }
            }
        }
        ledger.update_rollout(rollout);
        changes.record(
            {"rollout." + verb, "rollout", rollout.id, before, rollout_summary_json(rollout)});
        if (verb == "resume") {
            RolloutSteps(changes, *regions_, ledger, now).advance(rollout);
        }
        return rollout_to_json(existing_rollout(ledger, id), ledger.list_rollout_regions(id));
    });
}

Committed<nlohmann::json> RolloutService::pause(const Actor& actor, const std::string& id) const {
    return change_state(actor, id, "pause");
}

Committed<nlohmann::json> RolloutService::resume(const Actor& actor, const std::string& id) const {
    return change_state(actor, id, "resume");
}

Committed<nlohmann::json> RolloutService::cancel(const Actor& actor, const std::string& id) const {
    return change_state(actor, id, "cancel");
}

void RolloutService::on_operation_result(Changes& changes,
                                         const plugin_api::Operation& operation) const {
    auto* ledger = find_ledger(changes.tx());
    if (ledger == nullptr) {
        return;
    }
    if (auto region = ledger->find_rollout_region_by_operation(operation.id)) {
        RolloutSteps(changes, *regions_, *ledger, now_iso8601()).on_result(*region, operation);
    }
}

int RolloutService::advance_all() const {
    const auto running = store_.read([&](StorageTransaction& tx) {
        std::vector<std::string> ids;
        if (auto* ledger = find_ledger(tx)) {
            for (const auto& rollout : ledger->list_active_rollouts()) {
                if (rollout.state == "running") {
                    ids.push_back(rollout.id);
                }
            }
        }
        return ids;
    });
    for (const auto& id : running) {
        store_.command(Actor{kRolloutEngineActor, ""}, [&](Changes& changes) {
            auto& ledger = ledger_of(changes.tx());
            if (auto rollout = ledger.find_rollout(id)) {
                RolloutSteps(changes, *regions_, ledger, now_iso8601()).advance(*rollout);
            }
        });
    }
    return static_cast<int>(running.size());
}

}  // namespace vergegrid::control
