#include "control/api/placement_policy_routes.hpp"

#include "control/audit/audit_trail.hpp"
#include "control/common/json_reader.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Permission;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::StorageTransaction;

namespace {

nlohmann::json policy_json(const PlacementService& placement) {
    const auto active = placement.active();
    return {{"active", active.policy ? nlohmann::json(active.name) : nlohmann::json(nullptr)},
            {"available", placement.available()}};
}

}  // namespace

void add_placement_policy_routes(kernel::http::Router& router, Store store,
                                 std::shared_ptr<PlacementService> places) {
    router.add("GET", "/api/v1/placement/policy", Permission::read,
               [places](const Request&) { return Response::json(200, policy_json(*places)); });

    router.add("PUT", "/api/v1/placement/policy", Permission::admin,
               [store, places](const Request& request) {
                   const auto body = request.json_body();
                   JsonReader reader(body, "");
                   const auto name = reader.name("policy", 64);
                   reader.reject_unknown();
                   if (!name) {
                       throw ApiError::invalid_field("policy", "is required");
                   }
                   // Made outside the transaction: a plugin's create() may take its time.
                   ActivePolicy next{places->make(*name), *name};
                   store.write([&](StorageTransaction& tx) {
                       const auto previous = places->active();
                       record_audit(tx, request, "placement.policy", "placement_policy", *name,
                                    {{"policy", previous.policy ? nlohmann::json(previous.name)
                                                                : nlohmann::json(nullptr)}},
                                    {{"policy", *name}});
                   });
                   // After the commit: an audited swap, never a swap the audit log does not show.
                   // Decisions already holding the previous policy finish on it.
                   places->publish(std::move(next));
                   return Response::json(200, policy_json(*places));
               });
}

}  // namespace vergegrid::control
