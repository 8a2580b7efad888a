#include "control/placement/placement_routes.hpp"

#include "control/api/route_permission.hpp"
#include "control/audit/audit_trail.hpp"
#include "control/common/extensions.hpp"
#include "control/common/json_reader.hpp"
#include "control/placement/placement_index.hpp"
#include "control/placement/region_placement.hpp"
#include "control/simulators/simulator_routes.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::StorageTransaction;

namespace {

constexpr std::size_t kMaxPlanRegions = 1000;

nlohmann::json policy_json(const PlacementService& placement) {
    const auto active = placement.active();
    return {{"active", active.policy ? nlohmann::json(active.name) : nlohmann::json(nullptr)},
            {"available", placement.available()}};
}

// One region of a plan: where it would go, reserved in `state` for the regions after it.
nlohmann::json plan_one(StorageTransaction& tx, GridState& state, const ActivePolicy& active,
                        PortRange ports, PlacementIndex* ranked, WorkBudget& budget,
                        const nlohmann::json& body, const std::string& path, std::size_t index) {
    NewRegion fresh = read_new_region(tx, body, path);
    fresh.region.uuid = "plan-" + std::to_string(index);  // never stored
    try {
        const Decision decision = place_new_region(state, active, ports, fresh, ranked, &budget);
        return decision_to_json(fresh.region.name, decision, fresh.region.loc_x,
                                fresh.region.loc_y);
    } catch (const ApiError& e) {
        if (e.status() >= 500) {
            throw;
        }
        // A pin to nowhere, no free footprint: this region cannot be placed; the rest may.
        return {{"region", fresh.region.name},
                {"placed", false},
                {"reason", std::string(e.message())},
                {"field", e.field()},
                {"refusals", nlohmann::json::object()}};
    }
}

// The answer to a plan that ran out of budget: what made it too big, and what to do about it.
[[noreturn]] void throw_plan_too_large(std::uint64_t budget, std::size_t planned,
                                       std::size_t requested, bool batch) {
    throw ApiError(
        422, "plan_too_large",
        "the plan needs more than the " + std::to_string(budget) +
            " units of work (candidate positions and map cells) placement.plan_work_budget "
            "allows; it ran out after " +
            std::to_string(planned) + " of " + std::to_string(requested) +
            " region(s): plan fewer or smaller regions at once, or give their loc_x/loc_y",
        batch ? "regions" : "size_x");
}

}  // namespace

void add_placement_routes(kernel::http::Router& router, Store store,
                          std::shared_ptr<PlacementService> places,
                          std::uint64_t plan_work_budget) {
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

    router.add(
        "POST", "/api/v1/placement/plan", Permission::write,
        [store, places, plan_work_budget](const Request& request) {
            const auto body = request.json_body();
            WorkBudget budget(plan_work_budget);
            // A read transaction: a plan writes nothing, whatever it finds.
            // One policy snapshot for the whole batch, even if a swap happens meanwhile.
            const auto active = places->active();
            return store.read([&](StorageTransaction& tx) {
                GridState state = load_grid_state(tx);
                // A batch of many regions uses the ranked fast path when the policy offers it.
                std::unique_ptr<PlacementIndex> ranked;
                const auto* indexed =
                    dynamic_cast<const plugin_api::IndexedPlacementPolicy*>(active.policy.get());
                const bool batch = body.is_object() && body.contains("regions");
                if (indexed != nullptr && batch) {
                    ranked = std::make_unique<PlacementIndex>(*indexed, active.name, state,
                                                              places->ports());
                }
                nlohmann::json placements = nlohmann::json::array();
                if (batch) {
                    JsonReader reader(body, "");
                    const auto* regions = reader.raw("regions");
                    reader.reject_unknown();
                    if (!regions->is_array() || regions->empty() ||
                        regions->size() > kMaxPlanRegions) {
                        throw ApiError::invalid_field(
                            "regions", "must be an array of 1 to " +
                                           std::to_string(kMaxPlanRegions) + " regions");
                    }
                    try {
                        for (std::size_t i = 0; i < regions->size(); ++i) {
                            placements.push_back(plan_one(tx, state, active, places->ports(),
                                                          ranked.get(), budget, (*regions)[i],
                                                          "regions[" + std::to_string(i) + "]", i));
                        }
                    } catch (const WorkBudgetExhausted&) {
                        throw_plan_too_large(plan_work_budget, placements.size(), regions->size(),
                                             true);
                    }
                } else {
                    try {
                        placements.push_back(plan_one(tx, state, active, places->ports(), nullptr,
                                                      budget, body, "", 0));
                    } catch (const WorkBudgetExhausted&) {
                        throw_plan_too_large(plan_work_budget, 0, 1, false);
                    }
                }
                return Response::json(200, {{"policy", active.name}, {"placements", placements}});
            });
        });

    // Cordons the simulator (audited) and answers where each of its regions would go; moving
    // them is POST /regions/{id}/move, one by one, for now.
    router.add(
        "POST", "/api/v1/simulators/{id}/drain", Permission::write,
        [store, places](const Request& request) {
            return store.write([&](StorageTransaction& tx) {
                auto& access = access_store(tx);
                const auto& id = request.path_params.at("id");
                auto before = access.find_simulator(id);
                if (!before) {
                    throw ApiError::not_found("no simulator with id '" + id + "'");
                }
                if (before->state == "revoked") {
                    throw ApiError(409, "revoked", "the simulator is revoked", "id");
                }
                auto after = *before;
                if (after.state != "offline") {
                    after.state = "cordoned";  // offline stays offline: it takes nothing anyway
                }
                if (after.state != before->state) {
                    access.update_simulator(after);
                }
                record_audit(tx, request, "simulator.drain", "simulator", id,
                             simulator_to_json(*before), simulator_to_json(after));
                GridState state = load_grid_state(tx);
                nlohmann::json moves = nlohmann::json::array();
                std::string after_name;
                for (;;) {
                    plugin_api::RegionFilter filter;
                    const auto page = tx.list_regions(filter, after_name, 500);
                    for (const auto& region : page) {
                        if (region.placement.simulator_id != id) {
                            continue;
                        }
                        const Decision decision = plan_move(state, *places, region, "", false);
                        auto move =
                            decision_to_json(region.name, decision, region.loc_x, region.loc_y);
                        move["region_id"] = region.uuid;
                        moves.push_back(std::move(move));
                    }
                    if (page.size() < 500) {
                        break;
                    }
                    after_name = page.back().name;
                }
                return Response::json(200, {{"simulator", simulator_to_json(after)},
                                            {"policy", places->active().name},
                                            {"moves", moves}});
            });
        });
}

}  // namespace vergegrid::control
