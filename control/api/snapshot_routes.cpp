#include "control/api/snapshot_routes.hpp"

#include "control/api/paging.hpp"
#include "control/api/preconditions.hpp"
#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/api/snapshot_content.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/newest_first_cursor.hpp"
#include "control/snapshots/snapshot_json.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Snapshot;

namespace {

TakeSnapshot read_take(const Request& request) {
    const auto body = request.body.empty() ? nlohmann::json::object() : request.json_body();
    JsonReader reader(body, "");
    TakeSnapshot command;
    command.region_id = request.path_params.at("id");
    if (const auto* parts = reader.raw("parts")) {
        command.parts = *parts;
    }
    command.note = reader.string("note", 1000).value_or("");
    reader.reject_unknown();
    return command;
}

// ?region_id=&state=&reason=, paged newest first; `region_id` from the path when it has one.
SnapshotQuery read_query(const Request& request) {
    SnapshotQuery query;
    auto& filter = query.filter;
    for (auto [key, target] :
         {std::pair{"region_id", &filter.region_id}, std::pair{"state", &filter.state},
          std::pair{"reason", &filter.reason}}) {
        if (auto it = request.query.find(key); it != request.query.end()) {
            if (it->second.size() > 64) {
                throw ApiError::invalid_field(key, "must be at most 64 bytes");
            }
            *target = it->second;
        }
    }
    if (auto it = request.path_params.find("id"); it != request.path_params.end()) {
        filter.region_id = it->second;
    }
    const auto page = page_request(request);
    query.before = page.after;
    query.limit = page.limit + 1;  // one more says whether there is a next page
    return query;
}

Response snapshot_list(const SnapshotService& snapshots, const Request& request) {
    const auto query = read_query(request);
    return Response::json(
        200, paged_json(
                 snapshots.list(query), query.limit - 1,
                 [](const Snapshot& s) { return newest_first_cursor(s.created_at, s.id); },
                 snapshot_to_json));
}

std::string read_snapshot_id(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    const auto id = reader.string("snapshot_id", 64);
    reader.reject_unknown();
    if (!id) {
        throw ApiError::invalid_field("snapshot_id", "is required");
    }
    return *id;
}

}  // namespace

nlohmann::json restore_to_json(const RestoreQueued& queued) {
    return {{"safety_snapshot",
             queued.safety ? snapshot_to_json(*queued.safety) : nlohmann::json(nullptr)},
            {"restore_operation_id", queued.restore_operation_id == 0
                                         ? nlohmann::json(nullptr)
                                         : nlohmann::json(queued.restore_operation_id)},
            {"version", queued.version.to_string()}};
}

void add_snapshot_routes(kernel::http::Router& router,
                         std::shared_ptr<const SnapshotService> snapshots) {
    router.add("POST", "/api/v1/regions/{id}/snapshots", Permission::write,
               [snapshots](const Request& request) {
                   const auto taken = snapshots->take(request_actor(request), read_take(request));
                   return Response::json(202, snapshot_to_json(taken.value));
               });
    router.add("GET", "/api/v1/regions/{id}/snapshots", Permission::read,
               [snapshots](const Request& request) { return snapshot_list(*snapshots, request); });
    router.add("GET", "/api/v1/snapshots", Permission::read,
               [snapshots](const Request& request) { return snapshot_list(*snapshots, request); });
    router.add("GET", "/api/v1/snapshots/{id}", Permission::read,
               [snapshots](const Request& request) {
                   return Response::json(
                       200, snapshot_to_json(snapshots->get(request.path_params.at("id"))));
               });
    router.add("GET", "/api/v1/snapshots/{id}/download", Permission::read,
               [snapshots](const Request& request) {
                   const auto content = snapshots->content(request.path_params.at("id"));
                   return content_response(request, content, request.path_params.at("id") + ".oar");
               });
    router.add("DELETE", "/api/v1/snapshots/{id}", Permission::write,
               [snapshots](const Request& request) {
                   snapshots->remove(request_actor(request), request.path_params.at("id"));
                   return Response{204, "application/json", "", {}};
               });
    router.add("POST", "/api/v1/regions/{id}/restore", Permission::write,
               [snapshots](const Request& request) {
                   const RestoreRegion command{request.path_params.at("id"),
                                               if_match_version(request),
                                               read_snapshot_id(request)};
                   const auto queued = snapshots->restore(request_actor(request), command);
                   return Response::json(202, restore_to_json(queued.value));
               });
}

}  // namespace vergegrid::control
