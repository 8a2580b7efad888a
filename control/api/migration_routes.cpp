#include "control/api/migration_routes.hpp"

#include <algorithm>
#include <array>

#include "control/api/paging.hpp"
#include "control/api/placement_plan_routes.hpp"
#include "control/api/preconditions.hpp"
#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/common/json_reader.hpp"
#include "control/common/newest_first_cursor.hpp"
#include "control/migrations/migration_json.hpp"
#include "control/simulators/simulator_json.hpp"
#include "kernel/http/api_error.hpp"
#include "uuid_text/uuid_text.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;
using plugin_api::Migration;

namespace {

constexpr std::array kMigrationStates{"queued",    "running", "rolling_back",
                                      "succeeded", "failed",  "cancelled"};

// An empty body reads as {}: every field of these requests is optional.
nlohmann::json body_of(const Request& request) {
    return request.body.empty() ? nlohmann::json::object() : request.json_body();
}

// The options every move takes, alone or in a batch (the target is the move's own).
MoveOptions read_move_options(JsonReader& reader) {
    MoveOptions options;
    options.warm = reader.boolean("warm").value_or(false);
    options.when_empty = reader.boolean("when_empty").value_or(false);
    options.deadline_s = reader.integer("deadline_s", 1, 3600).value_or(options.deadline_s);
    options.message = reader.string("message", 1000).value_or("");
    return options;
}

int read_max_parallel(JsonReader& reader) {
    return reader.integer("max_parallel", 1, 16).value_or(2);
}

StartMove read_move(const Request& request) {
    const auto body = body_of(request);
    JsonReader reader(body, "");
    StartMove command;
    command.options = read_move_options(reader);
    command.options.simulator_id = reader.nullable_string("simulator_id", 36).value_or("");
    command.options.force = reader.boolean("force").value_or(false);
    reader.reject_unknown();
    if (!command.options.simulator_id.empty() &&
        !uuid_text::is_canonical(command.options.simulator_id)) {
        throw ApiError::invalid_field("simulator_id", "must be a simulator id (UUID)");
    }
    command.region_id = request.path_params.at("id");
    command.expected_version = if_match_version(request);
    return command;
}

// nullopt: a plan only, as a drain has always answered.
std::optional<DrainSimulator> read_drain(const Request& request) {
    const auto body = body_of(request);
    JsonReader reader(body, "");
    DrainSimulator command;
    const bool execute = reader.boolean("execute").value_or(false);
    command.simulator_id = request.path_params.at("id");
    command.max_parallel = read_max_parallel(reader);
    command.options = read_move_options(reader);
    reader.reject_unknown();
    return execute ? std::optional(command) : std::nullopt;
}

EvacuateSimulator read_evacuate(const Request& request) {
    const auto body = body_of(request);
    JsonReader reader(body, "");
    EvacuateSimulator command{request.path_params.at("id"), read_max_parallel(reader)};
    reader.reject_unknown();
    return command;
}

Rebalance read_rebalance(const Request& request) {
    const auto body = body_of(request);
    JsonReader reader(body, "");
    Rebalance command;
    command.dry_run = reader.boolean("dry_run").value_or(true);
    command.max_moves = reader.integer("max_moves", 1, 1000).value_or(command.max_moves);
    command.max_parallel = read_max_parallel(reader);
    command.options = read_move_options(reader);
    reader.reject_unknown();
    return command;
}

std::string query_value(const Request& request, const char* key, std::size_t max_length) {
    const auto it = request.query.find(key);
    if (it == request.query.end()) {
        return "";
    }
    if (it->second.size() > max_length) {
        throw ApiError::invalid_field(key,
                                      "must be at most " + std::to_string(max_length) + " bytes");
    }
    return it->second;
}

// ?region_id=&batch_id=&state=&simulator_id=, paged newest first with ?limit=&before=.
MigrationQuery read_query(const Request& request) {
    MigrationQuery query;
    auto& filter = query.filter;
    filter.region_id = query_value(request, "region_id", 64);
    filter.batch_id = query_value(request, "batch_id", 64);
    filter.simulator_id = query_value(request, "simulator_id", 64);
    filter.state = query_value(request, "state", 32);
    if (!filter.state.empty() && std::find(kMigrationStates.begin(), kMigrationStates.end(),
                                           filter.state) == kMigrationStates.end()) {
        throw ApiError::invalid_field("state",
                                      "must be queued, running, rolling_back, "
                                      "succeeded, failed or cancelled");
    }
    const auto page = page_request(request, "before");
    query.before = page.after;
    query.limit = page.limit + 1;  // one more says whether there is a next page
    return query;
}

// ?simulator_id=, paged newest first with ?limit=&before=.
BatchQuery read_batch_query(const Request& request) {
    BatchQuery query;
    query.simulator_id = query_value(request, "simulator_id", 64);
    const auto page = page_request(request, "before");
    query.before = page.after;
    query.limit = page.limit + 1;  // one more says whether there is a next page
    return query;
}

nlohmann::json move_to_json(const MigrationView& view) {
    nlohmann::json decision = nullptr;
    if (view.decision) {
        decision = {{"score", view.decision->score}, {"reasons", view.decision->reasons}};
    }
    return {{"migration", migration_to_json(view.migration)}, {"placement_decision", decision}};
}

nlohmann::json rebalance_to_json(const RebalanceResult& result) {
    nlohmann::json moves = nlohmann::json::array();
    for (const auto& move : result.moves) {
        moves.push_back({{"region_id", move.region_id},
                         {"region_name", move.region_name},
                         {"from_simulator_id", move.from_simulator_id},
                         {"to_simulator_id", move.to_simulator_id},
                         {"reasons", move.reasons}});
    }
    return {{"moves", moves},
            {"batch", result.batch ? batch_to_json(*result.batch) : nlohmann::json(nullptr)}};
}

using Migrations = std::shared_ptr<const MigrationService>;

void add_move_routes(kernel::http::Router& router, const Migrations& migrations) {
    router.add("POST", "/api/v1/regions/{id}/move", Permission::write,
               [migrations](const Request& request) {
                   const auto view = migrations->move(request_actor(request), read_move(request));
                   return Response::json(202, move_to_json(view.value));
               });
    router.add("GET", "/api/v1/migrations", Permission::read, [migrations](const Request& request) {
        const auto query = read_query(request);
        return Response::json(
            200, paged_json(
                     migrations->list(query), query.limit - 1,
                     [](const Migration& m) { return newest_first_cursor(m.created_at, m.id); },
                     migration_to_json));
    });
    router.add("GET", "/api/v1/migrations/{id}", Permission::read,
               [migrations](const Request& request) {
                   return Response::json(
                       200, migration_to_json(migrations->get(request.path_params.at("id"))));
               });
    router.add("POST", "/api/v1/migrations/{id}/cancel", Permission::write,
               [migrations](const Request& request) {
                   const auto cancelled =
                       migrations->cancel(request_actor(request), request.path_params.at("id"));
                   return Response::json(200, migration_to_json(cancelled.value));
               });
}

void add_batch_routes(kernel::http::Router& router, const MigrationRouteServices& services) {
    const auto& migrations = services.migrations;
    router.add("POST", "/api/v1/simulators/{id}/drain", Permission::write,
               [services](const Request& request) {
                   const auto command = read_drain(request);
                   if (!command) {
                       const auto drained = services.placements->drain(
                           request_actor(request), request.path_params.at("id"));
                       return Response::json(200, drain_plan_to_json(drained.value));
                   }
                   const auto batch = services.migrations->drain(request_actor(request), *command);
                   const auto simulator = services.simulators->get(command->simulator_id);
                   return Response::json(202, {{"simulator", simulator_to_json(simulator)},
                                               {"batch", batch_to_json(batch.value)}});
               });
    router.add("POST", "/api/v1/simulators/{id}/evacuate", Permission::write,
               [migrations](const Request& request) {
                   const auto batch =
                       migrations->evacuate(request_actor(request), read_evacuate(request));
                   return Response::json(202, {{"batch", batch_to_json(batch.value)}});
               });
    router.add("GET", "/api/v1/migration-batches", Permission::read,
               [migrations](const Request& request) {
                   const auto query = read_batch_query(request);
                   return Response::json(200, paged_json(
                                                  migrations->batches(query), query.limit - 1,
                                                  [](const BatchView& view) {
                                                      return newest_first_cursor(
                                                          view.batch.created_at, view.batch.id);
                                                  },
                                                  batch_to_json));
               });
    router.add("GET", "/api/v1/migration-batches/{id}", Permission::read,
               [migrations](const Request& request) {
                   return Response::json(
                       200, batch_to_json(migrations->batch(request.path_params.at("id"))));
               });
    router.add("POST", "/api/v1/migration-batches/{id}/cancel", Permission::write,
               [migrations](const Request& request) {
                   const auto cancelled = migrations->cancel_batch(request_actor(request),
                                                                   request.path_params.at("id"));
                   return Response::json(200, batch_to_json(cancelled.value));
               });
    // A dry run (the default) writes nothing and answers 200; an executed one starts a batch.
    router.add("POST", "/api/v1/placement/rebalance", Permission::write,
               [migrations](const Request& request) {
                   const auto command = read_rebalance(request);
                   const auto result = migrations->rebalance(request_actor(request), command);
                   return Response::json(command.dry_run ? 200 : 202,
                                         rebalance_to_json(result.value));
               });
}

}  // namespace

void add_migration_routes(kernel::http::Router& router, MigrationRouteServices services) {
    add_move_routes(router, services.migrations);
    add_batch_routes(router, services);
}

}  // namespace vergegrid::control
