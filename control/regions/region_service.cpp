#include "control/regions/region_service.hpp"

#include <chrono>

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/expected_version.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/region_fields.hpp"
#include "control/regions/grid_rules.hpp"
#include "control/regions/new_region.hpp"
#include "control/regions/pending_restart.hpp"
#include "control/regions/placement_state.hpp"
#include "control/regions/region_change.hpp"
#include "control/regions/region_delivery.hpp"
#include "control/regions/region_json.hpp"
#include "control/regions/region_moving.hpp"
#include "control/regions/region_placement.hpp"
#include "control/regions/region_state_store.hpp"
#include "control/regions/region_stub.hpp"
#include "region_settings/region_settings.hpp"

namespace vergegrid::control {

using plugin_api::Region;
using plugin_api::StorageTransaction;

namespace {

// One command's path to the simulators: the sync policy snapshot for the whole command and the
// simulators to notify once it has committed.
struct Delivery {
    std::shared_ptr<plugin_api::SyncScheduler> sync;
    QueuedNotifications notify;
};

Delivery delivery_for(const RegionChannel& channel) {
    auto sync = channel.sync->get();
    if (!sync) {
        throw DomainError(Fault::unavailable, "sync_unavailable", "no sync scheduler is active");
    }
    return Delivery{std::move(sync), {}};
}

DomainEvent region_event(const std::string& change, const std::string& id, nlohmann::json before,
                         nlohmann::json after) {
    return {"region." + change, "region", id, std::move(before), std::move(after)};
}

// Writes one new version of a region: the row and supplements, its state policy (when new or
// changed), its history row, its event and the operation for its simulator. Returns the
// region's document as stored (region_to_json's text), which the answer reuses.
std::string write_record(Changes& changes, const std::string& change, const RegionRecord* before,
                         const RegionRecord& after) {
    auto& tx = changes.tx();
    check_grid_rules(tx, after);
    if (before == nullptr) {
        tx.insert_region(after);
    } else {
        tx.update_region(after);
    }
    // A region without a stored policy has the defaults (load_state_policy): a create with them
    // writes none, two statements fewer inside the write transaction.
    if (before == nullptr ? after.state != StatePolicy{} : before->state != after.state) {
        save_state_policy(tx, after.uuid, after.state);
    }
    auto spec = region_to_json(after);
    plugin_api::RegionHistoryEntry history{
        after.uuid,   after.version,           change,
        spec.dump(),  changes.actor().subject, changes.actor().request_id,
        now_iso8601()};
    tx.append_history(history);
    // The document moves into the event and its text goes with it: the audit row and the outbox
    // store the same text, and a region's document is a large share of a create's work inside
    // the shared write transaction (docs/benchmarks.md).
    DomainEvent event = region_event(
        change, after.uuid, before == nullptr ? nlohmann::json(nullptr) : region_to_json(*before),
        std::move(spec));
    event.after_text = std::move(history.spec);
    std::string document = event.after_text;
    changes.record(std::move(event));
    return document;
}

std::string write_version(Changes& changes, const std::string& change, const RegionRecord* before,
                          const RegionRecord& after, const RegionChange& fields, Delivery& delivery,
                          bool apply_restart = false) {
    auto& tx = changes.tx();
    std::string document = write_record(changes, change, before, after);
    queue_region_operation(tx, *delivery.sync, before, &after, fields, "", delivery.notify,
                           apply_restart);
    return document;
}

// A restart of a placed region without a new version (the spec did not change).
void queue_restart(Changes& changes, const Region& region, Delivery& delivery) {
    changes.record(region_event("restart", region.uuid, nullptr, nullptr));
    queue_region_operation(changes.tx(), *delivery.sync, &region, &region, RegionChange{},
                           "restart", delivery.notify);
}

// `after` as a new version of `before` when any field changed; `decision` (move) is answered
// only with a change. `apply_restart`: the change's on-restart fields are applied now (the
// region restarts); with nothing changed, the region restarts all the same when placed.
RegionChanged apply_change(Changes& changes, const std::string& kind, const RegionRecord& before,
                           RegionRecord after, Delivery& delivery,
                           std::optional<Decision> decision = std::nullopt,
                           bool apply_restart = false) {
    const RegionChange change = region_change(before, after);
    if (change.bump == Bump::none) {
        if (apply_restart && !before.placement.simulator_id.empty()) {
            queue_restart(changes, before, delivery);
        }
        return {with_placement_state(changes.tx(), with_pending_restart(changes.tx(), before)),
                to_string(change.bump), change.fields_to_json(), std::nullopt, ""};
    }
    after.version = bumped(before.version, change.bump);
    std::string document =
        write_version(changes, kind, &before, after, change, delivery, apply_restart);
    return {with_placement_state(changes.tx(), with_pending_restart(changes.tx(), after)),
            to_string(change.bump), change.fields_to_json(), std::move(decision),
            std::move(document)};
}

// Whether a create that no simulator can take may wait as a pending region: only when placement
// was left wholly to the policy. A pin, a port or map affinity asked for would be lost while it
// waits (they are request options, not stored), so those keep answering 409.
bool may_wait(const NewRegion& request) {
    return request.region.placement.simulator_id.empty() && !request.given.port &&
           !request.options.affinity && !request.require_placement;
}

// A pending region is placed by the PendingPlacer, never by hand: its simulator, host and port
// stay unset until then.
void refuse_placing_pending(StorageTransaction& tx, const RegionRecord& before,
                            const RegionRecord& after) {
    if ((after.placement.simulator_id != before.placement.simulator_id ||
         after.host != before.host || after.port != before.port) &&
        is_pending(tx, before.uuid)) {
        throw DomainError::conflict(
            "region_pending",
            "the region is pending: its simulator, host and port are set when a simulator can "
            "take it (see placement_reasons), not by PATCH",
            "placement_state");
    }
}

// A region found for a change: it must exist and be at the version the caller expects.
RegionRecord region_to_change(StorageTransaction& tx, const std::string& id,
                              const std::optional<plugin_api::SemVer>& expected) {
    RegionRecord region = load_region_record(tx, id);
    check_expected_version(expected, region.version);
    return region;
}

// `before` with the template applied at `version` (none: the template's latest).
RegionRecord upgraded_record(StorageTransaction& tx, const RegionRecord& before,
                             const std::optional<plugin_api::SemVer>& version) {
    if (before.template_id.empty()) {
        throw DomainError::conflict("no_template", "the region was not made from a template",
                                    "template_id");
    }
    auto tmpl = tx.find_template(before.template_id);
    if (!tmpl) {
        throw DomainError::conflict("template_gone", "the region's template no longer exists",
                                    "template_id");
    }
    if (version && *version != tmpl->version) {
        const auto stored = tx.find_template_version(tmpl->id, *version);
        if (!stored) {
            throw DomainError(Fault::not_found, "unknown_version",
                              "the template has no version " + version->to_string(), "to_version");
        }
        tmpl->version = stored->version;
        tmpl->spec = stored->spec;
    }
    RegionRecord after = before;
    apply_template(after, *tmpl);
    if (auto misfit =
            parcels_misfit(after.template_data.parcel_layout, after.size_x, after.size_y)) {
        throw DomainError::invalid_field("parcel_layout", *misfit);
    }
    return after;
}

}  // namespace

template <typename Work>
auto RegionService::within(Changes& changes, Work&& work) const {
    // Shared with the after-commit hook, which must not depend on this frame.
    auto delivery = std::make_shared<Delivery>(delivery_for(channel_));
    // After the commit only: a doorbell for a rolled-back change would make bridges pull
    // for nothing.
    notify_after_commit(changes, *channel_.signals,
                        std::shared_ptr<const QueuedNotifications>(delivery, &delivery->notify));
    return work(changes, *delivery);
}

template <typename Work>
auto RegionService::deliver(const Actor& actor, Work&& work) const {
    return store_.command(actor, [&](Changes& changes) { return within(changes, work); });
}

std::vector<RegionRecord> RegionService::list(const plugin_api::RegionFilter& filter,
                                              const std::string& after, int limit,
                                              const std::string& placement_state) const {
    return store_.read([&](StorageTransaction& tx) {
        std::vector<RegionRecord> records;
        auto* pending = pending_store(tx);
        std::vector<Region> rows;
        if (placement_state.empty()) {
            rows = tx.list_regions(filter, after, limit);
        } else if (pending != nullptr) {
            rows = pending->list_regions_by_placement(filter, placement_state == "pending", after,
                                                      limit);
        } else if (placement_state == "placed") {
            rows = tx.list_regions(filter, after, limit);  // before ABI 1.7 nothing is pending
        }
        for (auto& region : rows) {
            records.push_back(with_pending_restart(tx, with_state_policy(tx, std::move(region))));
        }
        fill_placement_states(tx, records);
        return records;
    });
}

RegionRecord RegionService::get(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) {
        return with_placement_state(tx, with_pending_restart(tx, load_region_record(tx, id)));
    });
}

std::vector<plugin_api::RegionHistoryEntry> RegionService::history(const std::string& id) const {
    auto entries = store_.read([&](StorageTransaction& tx) { return tx.list_history(id); });
    if (entries.empty()) {
        throw DomainError::not_found("no region with id '" + id + "'");
    }
    return entries;
}

RegionStub RegionService::stub(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) {
        const Region region = existing_region(tx, id);
        refuse_pending(tx, id, "its Regions.ini section (which needs a port)");
        const auto estate = tx.find_estate(region.estate_id);
        return RegionStub{stub_spec(region, estate ? estate->name : ""), region.version};
    });
}

Committed<RegionChanged> RegionService::create(const Actor& actor,
                                               const CreateRegion& command) const {
    return store_.command(actor, [&](Changes& changes) { return create_within(changes, command); });
}

Decision RegionService::place_created(Changes& changes, NewRegion& fresh,
                                      const std::string& stored) const {
    if (!placement_reads_grid(fresh)) {
        GridState nothing;
        return place_new_region(nothing, placement_->active(), placement_->ports(), fresh);
    }
    auto& cache = placement_->grid_cache();
    const NewRegion asked = fresh;
    const auto active = placement_->active();
    // A stored region being placed (a pending one) is in the grid already: not in its own way.
    const auto lease = [&]() -> GridState& {
        GridState& state = cache.lease(changes);
        if (!stored.empty()) {
            state.remove(stored);
        }
        return state;
    };
    // The index kept with the cache: the policy's best simulator without scoring every one.
    const auto place = [&] {
        GridState& state = lease();
        return place_new_region(state, active, placement_->ports(), fresh,
                                cache.ranked(active.policy, active.name, placement_->ports()));
    };
    Decision decision = place();
    if (!decision.placed) {
        return decision;
    }
    GridCache::Decided decided;
    decided.port = !asked.given.host;
    decided.cells = !asked.given.location;
    decided.simulator = true;
    if (cache.confirm(changes, placed_region(fresh.region), decided)) {
        return decision;
    }
    // The cache was stale and has read the whole grid again: decide on that.
    fresh = asked;
    return place();
}

RegionChanged RegionService::create_within(Changes& changes, const CreateRegion& command) const {
    return within(changes, [&](Changes& changes, Delivery& delivery) {
        auto& tx = changes.tx();
        NewRegion fresh = read_new_region(tx, command.spec, "");
        fresh.region.uuid = new_uuid();
        const Decision decision = place_created(changes, fresh);
        if (!decision.placed) {
            auto* pending = pending_store(tx);
            if (pending == nullptr || !command.may_be_pending || !may_wait(fresh)) {
                throw_refusal(decision, !fresh.region.placement.simulator_id.empty());
            }
            // Pending (docs/api.md, "Pending regions"): on the map, on no simulator, no operation
            // queued.
            fresh.region.host.clear();
            fresh.region.port = 0;
            std::string document =
                write_version(changes, "create", nullptr, fresh.region, RegionChange{}, delivery);
            fresh.region.placement_reasons = refusal_reasons(decision);
            fresh.region.placement_pending = true;
            pending->mark_pending(fresh.region.uuid, fresh.region.placement_reasons, now_iso8601());
            return RegionChanged{fresh.region, "create", nlohmann::json::array(), decision,
                                 std::move(document)};
        }
        std::string document =
            write_version(changes, "create", nullptr, fresh.region, RegionChange{}, delivery);
        return RegionChanged{fresh.region, "create", nlohmann::json::array(), decision,
                             std::move(document)};
    });
}

Committed<RegionChanged> RegionService::update(const Actor& actor,
                                               const UpdateRegion& command) const {
    return deliver(actor, [&](Changes& changes, Delivery& delivery) {
        auto& tx = changes.tx();
        refuse_while_moving(tx, command.id);
        const RegionRecord before = region_to_change(tx, command.id, command.expected_version);
        RegionRecord after = before;
        JsonReader reader(command.changes, "");
        reader.forbid("template_id", "changes only through upgrade-template");
        PlacementOptions options;
        read_region_fields(reader, after, &options, false);
        // Like the placement options, a request for this change only: never stored.
        const bool restart = reader.boolean("restart").value_or(false);
        reader.reject_unknown();
        refuse_placing_pending(tx, before, after);
        check_pin_change(changes, *placement_, &before, after, options.force);
        return apply_change(changes, "update", before, after, delivery, std::nullopt, restart);
    });
}

Committed<void> RegionService::remove(const Actor& actor, const DeleteRegion& command) const {
    return store_.command(actor, [&](Changes& changes) {
        refuse_while_moving(changes.tx(), command.id);
        remove_within(changes, command);
    });
}

void RegionService::remove_within(Changes& changes, const DeleteRegion& command) const {
    within(changes, [&](Changes& changes, Delivery& delivery) {
        auto& tx = changes.tx();
        const RegionRecord region = region_to_change(tx, command.id, command.expected_version);
        tx.delete_region(region.uuid);
        delete_state_policy(tx, region.uuid);
        changes.record(region_event("delete", region.uuid, region_to_json(region), nullptr));
        queue_region_operation(tx, *delivery.sync, &region, nullptr, RegionChange{}, "",
                               delivery.notify);
    });
}

Committed<plugin_api::SemVer> RegionService::restart(const Actor& actor,
                                                     const std::string& id) const {
    return deliver(actor, [&](Changes& changes, Delivery& delivery) {
        auto& tx = changes.tx();
        const Region region = existing_region(tx, id);
        refuse_while_moving(tx, id);
        refuse_pending(tx, id, "a restart");
        if (region.placement.simulator_id.empty()) {
            throw DomainError::conflict("not_placed", "the region is on no simulator",
                                        "placement.simulator_id");
        }
        queue_restart(changes, region, delivery);
        return region.version;
    });
}

Committed<RegionChanged> RegionService::rollback(const Actor& actor,
                                                 const RollbackRegion& command) const {
    return store_.command(actor, [&](Changes& changes) {
        refuse_while_moving(changes.tx(), command.id);
        return rollback_within(changes, command);
    });
}

RegionChanged RegionService::rollback_within(Changes& changes,
                                             const RollbackRegion& command) const {
    return within(changes, [&](Changes& changes, Delivery& delivery) {
        auto& tx = changes.tx();
        const RegionRecord before = region_to_change(tx, command.id, command.expected_version);
        const auto entry = tx.find_history(before.uuid, command.version);
        if (!entry) {
            throw DomainError(Fault::not_found, "unknown_version",
                              "the region has no version " + command.version.to_string(),
                              "version");
        }
        RegionRecord target = region_from_spec(entry->spec);
        target.version = before.version;
        // Where the region runs is not rolled back while it is pending, nor to a version that
        // was pending (no simulator, host or port): the placer decides that.
        if (is_pending(tx, before.uuid) || (target.host.empty() && target.port == 0)) {
            target.placement.simulator_id = before.placement.simulator_id;
            target.host = before.host;
            target.port = before.port;
        }
        return apply_change(changes, "rollback", before, target, delivery);
    });
}

Committed<RegionChanged> RegionService::upgrade_template(
    const Actor& actor, const UpgradeRegionTemplate& command) const {
    return store_.command(
        actor, [&](Changes& changes) { return upgrade_template_within(changes, command); });
}

RegionChanged RegionService::upgrade_template_within(
    Changes& changes, const UpgradeRegionTemplate& command,
    const std::optional<plugin_api::SemVer>& template_version) const {
    return within(changes, [&](Changes& changes, Delivery& delivery) {
        refuse_while_moving(changes.tx(), command.id);
        const RegionRecord before =
            region_to_change(changes.tx(), command.id, command.expected_version);
        return apply_change(changes, "upgrade-template", before,
                            upgraded_record(changes.tx(), before, template_version), delivery);
    });
}

UpgradePreview RegionService::preview_template_upgrade(
    StorageTransaction& tx, const UpgradeRegionTemplate& command,
    const std::optional<plugin_api::SemVer>& template_version) const {
    UpgradePreview preview;
    preview.region = with_placement_state(tx, load_region_record(tx, command.id));
    const RegionRecord after = upgraded_record(tx, preview.region, template_version);
    const RegionChange change = region_change(preview.region, after);
    preview.version = bumped(preview.region.version, change.bump);
    preview.bump = to_string(change.bump);
    preview.fields = change.fields_to_json();
    plugin_api::RegionChangeSummary summary{"update", {}};
    for (auto& field : preview.fields) {
        const auto setting = region_settings::find_setting_field(field.value("field", ""));
        field["application"] =
            setting ? std::string(region_settings::application_name(setting->application))
                    : "control-plane";
        preview.restart_needed =
            preview.restart_needed ||
            (setting && setting->application == region_settings::Application::on_restart);
        summary.fields.push_back(field.value("field", ""));
    }
    if (change.bump == Bump::none || preview.region.placement.simulator_id.empty()) {
        preview.delivery = "none";
    } else {
        const auto sync = delivery_for(channel_).sync;
        preview.delivery =
            sync->classify(summary) == plugin_api::SyncClass::lazy ? "lazy" : "eager";
    }
    return preview;
}

Committed<RegionChanged> RegionService::move(const Actor& actor, const MoveRegion& command) const {
    return deliver(actor, [&](Changes& changes, Delivery& delivery) {
        auto& tx = changes.tx();
        refuse_while_moving(tx, command.id);
        const RegionRecord before = region_to_change(tx, command.id, command.expected_version);
        refuse_pending(tx, command.id, "a move");
        GridState& state = placement_->grid_cache().lease(changes);
        const Decision decision =
            plan_move(state, *placement_, before, command.simulator_id, command.force);
        if (!decision.placed) {
            throw_refusal(decision, !command.simulator_id.empty());
        }
        RegionRecord after = before;
        after.placement.simulator_id = decision.simulator_id;
        after.host = decision.host;
        after.port = decision.port;
        return apply_change(changes, "move", before, after, delivery, decision);
    });
}

Committed<std::optional<RegionChanged>> RegionService::place_pending(const Actor& actor,
                                                                     const std::string& id) const {
    return deliver(
        actor, [&](Changes& changes, Delivery& delivery) -> std::optional<RegionChanged> {
            auto& tx = changes.tx();
            auto* pending = pending_store(tx);
            if (pending == nullptr) {
                return std::nullopt;
            }
            const auto rows = pending->pending_of({id});
            if (rows.empty()) {
                return std::nullopt;  // placed or deleted since it was listed
            }
            const RegionRecord before = load_region_record(tx, id);
            NewRegion request{before, {}, {}};
            request.given.location = true;  // it keeps its map cell
            const Decision decision = place_created(changes, request, id);
            if (!decision.placed) {
                if (auto reasons = refusal_reasons(decision); reasons != rows.front().reasons) {
                    pending->mark_pending(id, reasons, rows.front().since);
                }
                return std::nullopt;
            }
            RegionRecord after = before;
            after.placement.simulator_id = request.region.placement.simulator_id;
            after.host = request.region.host;
            after.port = request.region.port;
            pending->clear_pending(id);
            const RegionChange change = region_change(before, after);
            after.version = bumped(before.version, change.bump);
            // A region arriving on its simulator: the create operation a normal create queues.
            std::string document =
                write_version(changes, "placed", &before, after, change, delivery);
            return RegionChanged{with_pending_restart(tx, after), to_string(change.bump),
                                 change.fields_to_json(), decision, std::move(document)};
        });
}

RegionChanged RegionService::switch_within(Changes& changes, const SwitchRegion& command) const {
    const RegionRecord before = load_region_record(changes.tx(), command.id);
    RegionRecord after = before;
    after.placement.simulator_id = command.simulator_id;
    after.host = command.host;
    after.port = command.port;
    const RegionChange change = region_change(before, after);
    if (change.bump == Bump::none) {
        return {with_pending_restart(changes.tx(), before), to_string(change.bump),
                change.fields_to_json(), std::nullopt, ""};
    }
    after.version = bumped(before.version, change.bump);
    std::string document = write_record(changes, "move", &before, after);
    return {with_pending_restart(changes.tx(), after), to_string(change.bump),
            change.fields_to_json(), std::nullopt, std::move(document)};
}

}  // namespace vergegrid::control
