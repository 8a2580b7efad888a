#include "control/estates/estate_service.hpp"

#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/estates/estate_json.hpp"
#include "control/estates/estate_owner.hpp"

namespace vergegrid::control {

using plugin_api::Estate;
using plugin_api::StorageTransaction;

namespace {

// Ignoring case, like region names (OpenSim's estate look-ups are case-insensitive too).
void require_unique_name(StorageTransaction& tx, const Estate& estate) {
    if (auto other = tx.find_estate_by_name(estate.name); other && other->id != estate.id) {
        throw DomainError::conflict(
            "name_taken", "an estate named '" + other->name + "' exists (names ignore letter case)",
            "name");
    }
}

void require_valid_owner(const std::string& owner) {
    if (auto problem = estate_owner_problem(owner)) {
        throw DomainError::invalid_field("owner", *problem);
    }
}

DomainEvent estate_event(const std::string& type, const Estate& estate, nlohmann::json before,
                         nlohmann::json after) {
    return {type, "estate", estate.id, std::move(before), std::move(after)};
}

}  // namespace

std::vector<Estate> EstateService::list(const std::string& after, int limit) const {
    return store_.read([&](StorageTransaction& tx) { return tx.list_estates(after, limit); });
}

Estate EstateService::get(const std::string& id) const {
    return store_.read([&](StorageTransaction& tx) { return existing_estate(tx, id); });
}

Committed<Estate> EstateService::create(const Actor& actor, NewEstate command) const {
    require_valid_owner(command.owner);
    Estate estate;
    estate.id = new_uuid();
    estate.name = std::move(command.name);
    estate.owner = std::move(command.owner);
    estate.created_at = estate.updated_at = now_iso8601();
    return store_.command(actor, [&](Changes& changes) {
        require_unique_name(changes.tx(), estate);
        changes.tx().insert_estate(estate);
        changes.record(estate_event("estate.create", estate, nullptr, estate_to_json(estate)));
        return estate;
    });
}

Committed<Estate> EstateService::update(const Actor& actor, const UpdateEstate& command) const {
    if (command.owner) {
        require_valid_owner(*command.owner);
    }
    return store_.command(actor, [&](Changes& changes) {
        auto& tx = changes.tx();
        const Estate before = existing_estate(tx, command.id);
        Estate after = before;
        after.name = command.name.value_or(before.name);
        after.owner = command.owner.value_or(before.owner);
        if (after.name == before.name && after.owner == before.owner) {
            return before;
        }
        require_unique_name(tx, after);
        after.updated_at = now_iso8601();
        tx.update_estate(after);
        changes.record(
            estate_event("estate.update", after, estate_to_json(before), estate_to_json(after)));
        return after;
    });
}

Committed<void> EstateService::remove(const Actor& actor, const std::string& id) const {
    return store_.command(actor, [&](Changes& changes) {
        auto& tx = changes.tx();
        const Estate estate = existing_estate(tx, id);
        if (const int regions = tx.count_regions_in_estate(estate.id); regions > 0) {
            throw DomainError::conflict(
                "in_use", "the estate still has " + std::to_string(regions) + " region(s)", "id");
        }
        tx.delete_estate(estate.id);
        changes.record(estate_event("estate.delete", estate, estate_to_json(estate), nullptr));
    });
}

}  // namespace vergegrid::control
