#include "control/api/placement_plan_routes.hpp"
#include "control/api/route_permission.hpp"

#include "control/api/request_actor.hpp"
#include "control/common/json_reader.hpp"
#include "control/simulators/simulator_json.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

constexpr std::size_t kMaxPlanRegions = 1000;

// {"region", "placed", ...} as a plan and a drain answer for each region.
nlohmann::json decision_to_json(const std::string& region, const Decision& decision, int loc_x,
                                int loc_y) {
    if (!decision.placed) {
        return {{"region", region},
                {"placed", false},
                {"reason", decision.summary},
                {"refusals", decision.refusals}};
    }
    return {{"region", region},
            {"placed", true},
            {"simulator_id", decision.simulator_id.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(decision.simulator_id)},
            {"host", decision.host},
            {"port", decision.port},
            {"loc_x", loc_x},
            {"loc_y", loc_y},
            {"score", decision.score},
            {"reasons", decision.reasons}};
}

nlohmann::json planned_to_json(const PlannedRegion& planned) {
    if (planned.failure) {
        return {{"region", planned.name},
                {"placed", false},
                {"reason", planned.failure->reason},
                {"field", planned.failure->field},
                {"refusals", nlohmann::json::object()}};
    }
    return decision_to_json(planned.name, planned.decision, planned.loc_x, planned.loc_y);
}

// A body is one region, or {"regions": [...]} for a batch.
PlanRegions read_plan(const nlohmann::json& body) {
    const bool batch = body.is_object() && body.contains("regions");
    if (!batch) {
        return {{body}, false};
    }
    JsonReader reader(body, "");
    const auto* regions = reader.raw("regions");
    reader.reject_unknown();
    if (!regions->is_array() || regions->empty() || regions->size() > kMaxPlanRegions) {
        throw ApiError::invalid_field(
            "regions", "must be an array of 1 to " + std::to_string(kMaxPlanRegions) + " regions");
    }
    return {regions->get<std::vector<nlohmann::json>>(), true};
}

nlohmann::json plan_to_json(const Plan& plan) {
    nlohmann::json placements = nlohmann::json::array();
    for (const auto& planned : plan.placements) {
        placements.push_back(planned_to_json(planned));
    }
    return {{"policy", plan.policy}, {"placements", placements}};
}

}  // namespace

nlohmann::json drain_plan_to_json(const Drain& drain) {
    nlohmann::json moves = nlohmann::json::array();
    for (const auto& [region, decision] : drain.moves) {
        auto move = decision_to_json(region.name, decision, region.loc_x, region.loc_y);
        move["region_id"] = region.uuid;
        moves.push_back(std::move(move));
    }
    return {{"simulator", simulator_to_json(drain.simulator)},
            {"policy", drain.policy},
            {"moves", moves}};
}

void add_placement_plan_routes(kernel::http::Router& router, RegionPlacementService placements) {
    router.add("POST", "/api/v1/placement/plan", Permission::write,
               [placements](const Request& request) {
                   const auto plan = placements.plan(read_plan(request.json_body()));
                   return Response::json(200, plan_to_json(plan));
               });
}

}  // namespace vergegrid::control
