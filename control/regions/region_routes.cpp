#include "control/regions/region_routes.hpp"

#include "control/audit/audit_trail.hpp"
#include "control/common/clock.hpp"
#include "control/common/entity_lookup.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/paging.hpp"
#include "control/common/preconditions.hpp"
#include "control/common/store.hpp"
#include "control/operations/operation_queue.hpp"
#include "control/regions/grid_rules.hpp"
#include "control/regions/region_change.hpp"
#include "control/regions/region_fields.hpp"
#include "control/regions/region_json.hpp"
#include "control/regions/region_stub.hpp"
#include "control/templates/template_spec.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Permission;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Region;
using plugin_api::StorageTransaction;

namespace {

// Fields a region takes from its template when created from it, and again on upgrade.
void apply_template(Region& region, const plugin_api::Template& tmpl) {
    const TemplateSpec spec = template_spec_from_text(tmpl.spec);
    region.size_x = spec.size_x;
    region.size_y = spec.size_y;
    region.physics_type = spec.physics_type;
    region.terrain_preset = spec.terrain_preset;
    region.environment = spec.environment;
    region.flags = spec.flags;
    region.template_data.parcel_layout = spec.parcel_layout;
    region.template_id = tmpl.id;
    region.template_data.template_version = tmpl.version;
}

Region region_defaults() {
    Region region;
    region.physics_type = "BulletSim";
    region.terrain_preset = "flat";
    region.draw_distance_cap = 0;
    region.region_state_mode = "hybrid";
    region.version = {1, 0, 0};
    return region;
}

void require_fields(const JsonReader& reader, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        if (!reader.has(key)) {
            throw ApiError::invalid_field(key, "is required");
        }
    }
}

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

// A pin names a simulator that exists and may take regions.
void check_pin(StorageTransaction& tx, const Region* before, const Region& after) {
    const auto& pin = after.placement.simulator_id;
    if (pin.empty() || (before != nullptr && before->placement.simulator_id == pin)) {
        return;
    }
    auto simulator = access_store(tx).find_simulator(pin);
    if (!simulator) {
        throw ApiError(422, "unknown_reference", "no simulator with id '" + pin + "'",
                       "placement.simulator_id");
    }
    if (simulator->state == "revoked") {
        throw ApiError(409, "simulator_revoked", "simulator '" + pin + "' is revoked",
                       "placement.simulator_id");
    }
}

// Writes one new version of a region: the row and supplements, its history row, the audit row
// and the operation for its simulator.
void write_version(StorageTransaction& tx, const Request& request, const std::string& change,
                   const Region* before, const Region& after, const RegionChange& fields,
                   Delivery& delivery) {
    check_grid_rules(tx, after);
    check_pin(tx, before, after);
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

// The answer to a change: the region, what changed and which part of the version it bumped.
Response changed(int status, const Region& region, const std::string& label,
                 const nlohmann::json& fields) {
    auto json = region_to_json(region);
    json["change"] = label;
    json["changes"] = fields;
    return with_etag(Response::json(status, json), region.version);
}

Response apply_change(StorageTransaction& tx, const Request& request, const std::string& kind,
                      const Region& before, Region after, Delivery& delivery) {
    const RegionChange change = region_change(before, after);
    if (change.bump == Bump::none) {
        return changed(200, before, to_string(change.bump), change.fields_to_json());
    }
    after.version = bumped(before.version, change.bump);
    write_version(tx, request, kind, &before, after, change, delivery);
    return changed(200, after, to_string(change.bump), change.fields_to_json());
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

void add_region_routes(kernel::http::Router& router, Store store, RegionChannel channel) {
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
        "POST", "/api/v1/regions", Permission::write, [store, channel](const Request& request) {
            const auto body = request.json_body();
            return write_and_deliver(
                store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                    JsonReader reader(body, "");
                    Region region = region_defaults();
                    if (auto template_id = reader.nullable_string("template_id", 36);
                        template_id && !template_id->empty()) {
                        auto tmpl = tx.find_template(*template_id);
                        if (!tmpl) {
                            throw ApiError(422, "unknown_reference",
                                           "no template with id '" + *template_id + "'",
                                           "template_id");
                        }
                        apply_template(region, *tmpl);
                    }
                    read_region_fields(reader, region);
                    reader.reject_unknown();
                    require_fields(reader, {"name", "estate_id", "loc_x", "loc_y", "port", "host"});
                    region.uuid = new_uuid();
                    write_version(tx, request, "create", nullptr, region, RegionChange{}, delivery);
                    return changed(201, region, "create", nlohmann::json::array());
                });
        });

    router.add("PATCH", "/api/v1/regions/{id}", Permission::write,
               [store, channel](const Request& request) {
                   const auto body = request.json_body();
                   return write_and_deliver(
                       store, channel, [&](StorageTransaction& tx, Delivery& delivery) {
                           const Region before = existing_region(tx, request.path_params.at("id"));
                           check_if_match(request, before.version);
                           Region after = before;
                           JsonReader reader(body, "");
                           reader.forbid("template_id", "changes only through upgrade-template");
                           read_region_fields(reader, after);
                           reader.reject_unknown();
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
                                            {"spec", nlohmann::json::parse(e.spec)}});
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
