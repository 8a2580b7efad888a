#include "control/regions/region_routes.hpp"

#include "control/api/route_permission.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/paging.hpp"
#include "control/common/preconditions.hpp"
#include "control/domain/store.hpp"
#include "control/operations/operation_queue.hpp"
#include "control/placement/region_placement.hpp"
#include "control/regions/grid_rules.hpp"
#include "control/regions/new_region.hpp"
#include "control/regions/region_change.hpp"
#include "control/regions/region_fields.hpp"
#include "control/regions/region_json.hpp"
#include "control/regions/region_stub.hpp"
#include "control/templates/template_spec.hpp"
#include "kernel/http/api_error.hpp"
#include "strict_json/strict_json.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Region;
using plugin_api::StorageTransaction;

namespace {

// One request's path to the simulators: the sync policy snapshot for the whole request and the
// simulators to notify once the transaction has committed.
struct Delivery {
    std::shared_ptr<plugin_api::SyncScheduler> sync;
    QueuedNotifications notify;
};

Delivery delivery_for(const RegionChannel& channel) {
    auto sync = channel.sync->get();
    if (!sync) {
        throw ApiError(503, "sync_unavailable", "no sync scheduler is active");
    }
    return Delivery{std::move(sync), {}};
}

// After commit only: a notification for a rolled-back change would make bridges pull for nothing.
void notify_committed(const RegionChannel& channel, const Delivery& delivery) {
    for (const auto& [simulator, push_url] : delivery.notify.simulators) {
        channel.signals->notify(simulator, push_url);
    }
    for (const auto& [simulator, seconds] : delivery.notify.due) {
        channel.signals->notify_at(
            simulator, std::chrono::steady_clock::now() + std::chrono::seconds(seconds));
    }
}

// Runs `work` in one read-write transaction; the simulators it queued operations for are
// notified once the transaction has committed.
template <typename Work>
Response write_and_deliver(const Store& store, const RegionChannel& channel, Work&& work) {
    Delivery delivery = delivery_for(channel);
    auto response = store.write([&](StorageTransaction& tx) { return work(tx, delivery); });
    notify_committed(channel, delivery);
    return response;
}

// Writes one new version of a region: the row and supplements, its history row, the audit row
// and the operation for its simulator.
void write_version(StorageTransaction& tx, const Request& request, const std::string& change,
                   const Region* before, const Region& after, const RegionChange& fields,
                   Delivery& delivery) {
    check_grid_rules(tx, after);
    if (before == nullptr) {
        tx.insert_region(after);
    } else {
        tx.update_region(after);
    }
    const auto spec = region_to_json(after);
    tx.append_history({after.uuid, after.version, change, spec.dump(), request.caller.subject,
                       request.request_id, now_iso8601()});
    record_audit(tx, request, "region." + change, "region", after.uuid,
                 before == nullptr ? nlohmann::json(nullptr) : region_to_json(*before), spec);
    queue_region_operation(tx, *delivery.sync, before, &after, fields, "", delivery.notify);
}

nlohmann::json decision_summary(const Decision& decision) {
    return {{"score", decision.score}, {"reasons", decision.reasons}};
}

// The answer to a change: the region, what changed and which part of the version it bumped.
// `decision` (create, move): where placement put the region and why.
Response changed(int status, const Region& region, const std::string& label,
                 const nlohmann::json& fields, const nlohmann::json& decision = nullptr) {
    auto json = region_to_json(region);
    json["change"] = label;
    json["changes"] = fields;
    if (!decision.is_null()) {
        json["placement_decision"] = decision;
    }
    return with_etag(Response::json(status, json), region.version);
}

Response apply_change(StorageTransaction& tx, const Request& request, const std::string& kind,
                      const Region& before, Region after, Delivery& delivery,
                      const nlohmann::json& decision = nullptr) {
    const RegionChange change = region_change(before, after);
    if (change.bump == Bump::none) {
        return changed(200, before, to_string(change.bump), change.fields_to_json());
    }
    after.version = bumped(before.version, change.bump);
    write_version(tx, request, kind, &before, after, change, delivery);
    return changed(200, after, to_string(change.bump), change.fields_to_json(), decision);
}

plugin_api::RegionFilter region_filter(const Request& request) {
    plugin_api::RegionFilter filter;
    for (auto [key, target] :
         {std::pair{"name_prefix", &filter.name_prefix}, std::pair{"estate_id", &filter.estate_id},
          std::pair{"template_id", &filter.template_id}, std::pair{"host", &filter.host}}) {
        if (auto it = request.query.find(key); it != request.query.end()) {
            if (it->second.size() > 253) {
                throw ApiError::invalid_field(key, "must be at most 253 bytes");
            }
            *target = it->second;
        }
    }
    return filter;
}

}  // namespace

void add_region_routes(kernel::http::Router& router, Store store, RegionChannel channel,
                       std::shared_ptr<PlacementService> places) {
    router.add("GET", "/api/v1/regions", Permission::read, [store](const Request& request) {
        const auto filter = region_filter(request);
        const auto page = page_request(request);
        auto rows = store.read([&](StorageTransaction& tx) {
            return tx.list_regions(filter, page.after, page.limit + 1);
        });
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Region& r) { return r.name; }, region_to_json));
    });

    router.add("GET", "/api/v1/regions/{id}", Permission::read, [store](const Request& request) {
        return store.read([&](StorageTransaction& tx) {
            const Region region = existing_region(tx, request.path_params.at("id"));
            return with_etag(Response::json(200, region_to_json(region)), region.version);
        });
    });

    router.add(
        "POST", "/api/v1/regions", Permission::write,
        [store, channel, places](const Request& request) {
            const auto body = request.json_body();
            return write_and_deliver(
                store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                    NewRegion fresh = read_new_region(tx, body, "");
                    fresh.region.uuid = new_uuid();
                    GridState state =
                        placement_reads_grid(fresh) ? load_grid_state(tx) : GridState::from({}, {});
                    const Decision decision =
                        place_new_region(state, places->active(), places->ports(), fresh);
                    if (!decision.placed) {
                        throw_refusal(decision, !fresh.region.placement.simulator_id.empty());
                    }
                    write_version(tx, request, "create", nullptr, fresh.region, RegionChange{},
                                  delivery);
                    return changed(201, fresh.region, "create", nlohmann::json::array(),
                                   decision_summary(decision));
                });
        });

    router.add("PATCH", "/api/v1/regions/{id}", Permission::write,
               [store, channel, places](const Request& request) {
                   const auto body = request.json_body();
                   return write_and_deliver(
                       store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                           const Region before = existing_region(tx, request.path_params.at("id"));
                           check_if_match(request, before.version);
                           Region after = before;
                           JsonReader reader(body, "");
                           reader.forbid("template_id", "changes only through upgrade-template");
                           PlacementOptions options;
                           read_region_fields(reader, after, &options, false);
                           reader.reject_unknown();
                           check_pin_change(tx, *places, &before, after, options.force);
                           return apply_change(tx, request, "update", before, after, delivery);
                       });
               });

    router.add("DELETE", "/api/v1/regions/{id}", Permission::write,
               [store, channel](const Request& request) {
                   return write_and_deliver(
                       store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                           const Region region = existing_region(tx, request.path_params.at("id"));
                           check_if_match(request, region.version);
                           tx.delete_region(region.uuid);
                           record_audit(tx, request, "region.delete", "region", region.uuid,
                                        region_to_json(region), nullptr);
                           queue_region_operation(tx, *delivery.sync, &region, nullptr,
                                                  RegionChange{}, "", delivery.notify);
                           return Response{204, "application/json", "", {}};
                       });
               });

    // A single-region restart: an eager operation, no new version (the spec did not change).
    router.add("POST", "/api/v1/regions/{id}/restart", Permission::write,
               [store, channel](const Request& request) {
                   return write_and_deliver(
                       store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                           const Region region = existing_region(tx, request.path_params.at("id"));
                           if (region.placement.simulator_id.empty()) {
                               throw ApiError(409, "not_placed", "the region is on no simulator",
                                              "placement.simulator_id");
                           }
                           record_audit(tx, request, "region.restart", "region", region.uuid,
                                        nullptr, nullptr);
                           queue_region_operation(tx, *delivery.sync, &region, &region,
                                                  RegionChange{}, "restart", delivery.notify);
                           return Response::json(202, {{"restart", "queued"},
                                                       {"version", region.version.to_string()}});
                       });
               });

    router.add("GET", "/api/v1/regions/{id}/history", Permission::read,
               [store](const Request& request) {
                   return store.read([&](StorageTransaction& tx) {
                       const auto& id = request.path_params.at("id");
                       const auto entries = tx.list_history(id);
                       if (entries.empty()) {
                           throw ApiError::not_found("no region with id '" + id + "'");
                       }
                       nlohmann::json items = nlohmann::json::array();
                       for (const auto& e : entries) {
                           items.push_back({{"version", e.version.to_string()},
                                            {"change", e.change},
                                            {"actor", e.actor},
                                            {"request_id", e.request_id},
                                            {"at", e.at},
                                            {"spec", strict_json::parse(e.spec)}});
                       }
                       return Response::json(200, {{"items", items}, {"next", nullptr}});
                   });
               });

    router.add("POST", "/api/v1/regions/{id}/rollback", Permission::write,
               [store, channel](const Request& request) {
                   const auto body = request.json_body();
                   JsonReader reader(body, "");
                   const auto version_text = reader.string("version", 32);
                   reader.reject_unknown();
                   if (!version_text) {
                       throw ApiError::invalid_field("version", "is required");
                   }
                   const auto version = plugin_api::SemVer::parse(*version_text);
                   if (!version) {
                       throw ApiError::invalid_field("version", "must be MAJOR.MINOR.PATCH");
                   }
                   return write_and_deliver(
                       store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                           const Region before = existing_region(tx, request.path_params.at("id"));
                           check_if_match(request, before.version);
                           const auto entry = tx.find_history(before.uuid, *version);
                           if (!entry) {
                               throw ApiError(404, "unknown_version",
                                              "the region has no version " + version->to_string(),
                                              "version");
                           }
                           // History is never rewritten: the old spec becomes a new version.
                           Region target = region_from_spec(entry->spec);
                           target.version = before.version;
                           return apply_change(tx, request, "rollback", before, target, delivery);
                       });
               });

    router.add(
        "POST", "/api/v1/regions/{id}/upgrade-template", Permission::write,
        [store, channel](const Request& request) {
            return write_and_deliver(
                store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                    const Region before = existing_region(tx, request.path_params.at("id"));
                    check_if_match(request, before.version);
                    if (before.template_id.empty()) {
                        throw ApiError(409, "no_template",
                                       "the region was not made from a template", "template_id");
                    }
                    const auto tmpl = tx.find_template(before.template_id);
                    if (!tmpl) {
                        throw ApiError(409, "template_gone",
                                       "the region's template no longer exists", "template_id");
                    }
                    Region after = before;
                    apply_template(after, *tmpl);
                    check_parcels_fit(after.template_data.parcel_layout, after.size_x, after.size_y,
                                      "parcel_layout");
                    return apply_change(tx, request, "upgrade-template", before, after, delivery);
                });
        });

    // Re-placement: onto the simulator named in the body (checked like a pin, "force" overrides)
    // or wherever the policy puts it away from its current one; host and port follow.
    router.add(
        "POST", "/api/v1/regions/{id}/move", Permission::write,
        [store, channel, places](const Request& request) {
            const auto body = request.body.empty() ? nlohmann::json::object() : request.json_body();
            JsonReader reader(body, "");
            const auto target = reader.nullable_string("simulator_id", 36).value_or("");
            const bool force = reader.boolean("force").value_or(false);
            reader.reject_unknown();
            if (!target.empty() && !uuid_text::is_canonical(target)) {
                throw ApiError::invalid_field("simulator_id", "must be a simulator id (UUID)");
            }
            return write_and_deliver(
                store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                    const Region before = existing_region(tx, request.path_params.at("id"));
                    check_if_match(request, before.version);
                    GridState state = load_grid_state(tx);
                    const Decision decision = plan_move(state, *places, before, target, force);
                    if (!decision.placed) {
                        throw_refusal(decision, !target.empty());
                    }
                    Region after = before;
                    after.placement.simulator_id = decision.simulator_id;
                    after.host = decision.host;
                    after.port = decision.port;
                    return apply_change(tx, request, "move", before, after, delivery,
                                        decision_summary(decision));
                });
        });

    router.add("GET", "/api/v1/regions/{id}/stub", Permission::read,
               [store](const Request& request) {
                   return store.read([&](StorageTransaction& tx) {
                       const Region region = existing_region(tx, request.path_params.at("id"));
                       const auto estate = tx.find_estate(region.estate_id);
                       auto response = Response::text(
                           200, region_ini::render(stub_spec(region, estate ? estate->name : "")),
                           "text/plain; charset=utf-8");
                       return with_etag(std::move(response), region.version);
                   });
               });
}

}  // namespace vergegrid::control
