#include "control/api/region_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/api/paging.hpp"
#include "control/api/preconditions.hpp"
#include "control/api/query_flag.hpp"
#include "control/api/request_actor.hpp"
#include "control/api/snapshot_routes.hpp"
#include "control/common/json_reader.hpp"
#include "control/regions/region_json.hpp"
#include "control/regions/settings_table_json.hpp"
#include "control/snapshots/snapshot_json.hpp"
#include "kernel/http/api_error.hpp"
#include "strict_json/strict_json.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Region;

namespace {

const std::string& region_id(const Request& request) {
    return request.path_params.at("id");
}

nlohmann::json decision_summary(const Decision& decision) {
    return {{"score", decision.score}, {"reasons", decision.reasons}};
}

// The answer to a change: the region, what changed and which part of the version it bumped;
// where placement put the region and why (create).
nlohmann::json change_members(const RegionChanged& change) {
    nlohmann::json json = nlohmann::json::object();
    json["change"] = change.change;
    json["changes"] = change.fields;
    if (change.decision) {
        json["placement_decision"] = decision_summary(*change.decision);
    }
    return json;
}

nlohmann::json changed_json(const RegionChanged& change) {
    auto json = region_answer_json(change.region);
    json.update(change_members(change));
    return json;
}

Response changed(int status, const RegionChanged& change) {
    Response response;
    response.status = status;
    response.body = region_answer_text(change.document, change.region, change_members(change));
    return with_etag(std::move(response), change.region.version);
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

// ?placement_state=pending|placed (docs/api.md, "Pending regions"); "" = every region.
std::string placement_state_filter(const Request& request) {
    const auto it = request.query.find("placement_state");
    if (it == request.query.end()) {
        return "";
    }
    if (it->second != "pending" && it->second != "placed") {
        throw ApiError::invalid_field("placement_state", "must be pending or placed");
    }
    return it->second;
}

nlohmann::json history_to_json(const std::vector<plugin_api::RegionHistoryEntry>& entries) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : entries) {
        items.push_back({{"version", e.version.to_string()},
                         {"change", e.change},
                         {"actor", e.actor},
                         {"request_id", e.request_id},
                         {"at", e.at},
                         {"spec", strict_json::parse(e.spec)}});
    }
    return {{"items", items}, {"next", nullptr}};
}

// A rollback; `with_state` (optional) restores the newest snapshot taken at that version too.
RollbackRegion read_rollback(const Request& request, bool* with_state) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    const auto version_text = reader.string("version", 32);
    *with_state = reader.boolean("with_state").value_or(false);
    reader.reject_unknown();
    if (!version_text) {
        throw ApiError::invalid_field("version", "is required");
    }
    const auto version = plugin_api::SemVer::parse(*version_text);
    if (!version) {
        throw ApiError::invalid_field("version", "must be MAJOR.MINOR.PATCH");
    }
    return {region_id(request), if_match_version(request), *version};
}

// ?force=true: delete even when the final snapshot cannot be saved.
DeleteRegionWithState read_delete(const Request& request) {
    return {region_id(request), if_match_version(request), query_flag(request, "force")};
}

// A region made from a snapshot: the region as a create answers it, and the load queued.
Response made_from_snapshot(const RegionFromSnapshot& made) {
    auto json = changed_json(made.region);
    json["restore_operation_id"] = made.restore_operation_id;
    return with_etag(Response::json(201, json), made.region.region.version);
}

using Snapshots = std::shared_ptr<const SnapshotService>;

// Registered in the order the routes list (GET /api/v1/routes) has always shown them.
void add_region_basics(kernel::http::Router& router, const RegionService& regions,
                       const Snapshots& snapshots) {
    // How each simulator-facing field reaches a running region (docs/region-settings.md).
    router.add("GET", "/api/v1/region-settings", Permission::read,
               [](const Request&) { return Response::json(200, settings_table_json()); });

    router.add("GET", "/api/v1/regions", Permission::read, [regions](const Request& request) {
        const auto filter = region_filter(request);
        const auto page = page_request(request);
        const auto rows =
            regions.list(filter, page.after, page.limit + 1, placement_state_filter(request));
        return Response::json(
            200, paged_json(
                     rows, page.limit, [](const Region& r) { return r.name; }, region_answer_json));
    });

    router.add("GET", "/api/v1/regions/{id}", Permission::read, [regions](const Request& request) {
        const RegionRecord region = regions.get(region_id(request));
        return with_etag(Response::json(200, region_answer_json(region)), region.version);
    });

    router.add("POST", "/api/v1/regions", Permission::write,
               [regions, snapshots](const Request& request) {
                   const auto body = request.json_body();
                   if (body.is_object() && body.contains("from_snapshot")) {
                       return made_from_snapshot(
                           snapshots->create_from_snapshot(request_actor(request), body).value);
                   }
                   return changed(201, regions.create(request_actor(request), {body}).value);
               });

    router.add("PATCH", "/api/v1/regions/{id}", Permission::write,
               [regions](const Request& request) {
                   const auto body = request.json_body();
                   const UpdateRegion command{region_id(request), if_match_version(request), body};
                   return changed(200, regions.update(request_actor(request), command).value);
               });

    // A region that keeps its state goes once its final snapshot is saved (202).
    router.add("DELETE", "/api/v1/regions/{id}", Permission::write,
               [snapshots](const Request& request) {
                   const auto deletion =
                       snapshots->delete_region(request_actor(request), read_delete(request)).value;
                   if (deletion.deleted) {
                       return Response{204, "application/json", "", {}};
                   }
                   return Response::json(202, {{"snapshot", snapshot_to_json(*deletion.snapshot)}});
               });

    router.add(
        "POST", "/api/v1/regions/{id}/restart", Permission::write,
        [regions](const Request& request) {
            const auto version = regions.restart(request_actor(request), region_id(request)).value;
            return Response::json(202, {{"restart", "queued"}, {"version", version.to_string()}});
        });
}

void add_region_versions(kernel::http::Router& router, const RegionService& regions,
                         const Snapshots& snapshots) {
    router.add("GET", "/api/v1/regions/{id}/history", Permission::read,
               [regions](const Request& request) {
                   return Response::json(200, history_to_json(regions.history(region_id(request))));
               });

    router.add("POST", "/api/v1/regions/{id}/rollback", Permission::write,
               [regions, snapshots](const Request& request) {
                   bool with_state = false;
                   const auto command = read_rollback(request, &with_state);
                   if (with_state) {
                       const auto queued =
                           snapshots->rollback_with_state(request_actor(request), command);
                       return Response::json(202, restore_to_json(queued.value));
                   }
                   return changed(200, regions.rollback(request_actor(request), command).value);
               });

    router.add(
        "POST", "/api/v1/regions/{id}/upgrade-template", Permission::write,
        [regions](const Request& request) {
            const UpgradeRegionTemplate command{region_id(request), if_match_version(request)};
            return changed(200, regions.upgrade_template(request_actor(request), command).value);
        });

    router.add(
        "GET", "/api/v1/regions/{id}/stub", Permission::read, [regions](const Request& request) {
            const RegionStub stub = regions.stub(region_id(request));
            return with_etag(
                Response::text(200, region_ini::render(stub.spec), "text/plain; charset=utf-8"),
                stub.version);
        });
}

}  // namespace

void add_region_routes(kernel::http::Router& router, RegionService regions,
                       std::shared_ptr<const SnapshotService> snapshots) {
    add_region_basics(router, regions, snapshots);
    add_region_versions(router, regions, snapshots);
}

}  // namespace vergegrid::control
