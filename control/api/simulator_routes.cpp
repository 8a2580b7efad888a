#include "control/api/simulator_routes.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "control/api/simulator_caller.hpp"
#include "control/common/json_reader.hpp"
#include "control/simulators/simulator_json.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Permission;
using kernel::http::Request;
using kernel::http::Response;

namespace {

std::string read_push_url(JsonReader& reader) {
    const auto url = reader.string("push_url", 2048).value_or("");
    if (url.empty()) {
        return url;
    }
    try {
        const Poco::URI uri(url);
        if ((uri.getScheme() != "http" && uri.getScheme() != "https") || uri.getHost().empty()) {
            throw ApiError::invalid_field("push_url", "must be an http:// or https:// URL");
        }
    } catch (const Poco::SyntaxException&) {
        throw ApiError::invalid_field("push_url", "is not a URL");
    }
    return url;
}

NewRegistrationToken read_new_registration_token(const Request& request) {
    const auto body = request.body.empty() ? nlohmann::json::object() : request.json_body();
    JsonReader reader(body, "");
    NewRegistrationToken token;
    token.labels = reader.string_list("labels", 32, 64).value_or(std::vector<std::string>{});
    token.ttl_s = reader.integer("ttl_s", 1, 30 * 24 * 3600);
    reader.reject_unknown();
    return token;
}

Registration read_registration(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    Registration registration;
    registration.token = reader.string("token", 128).value_or("");
    registration.hostname = reader.string("hostname", 253).value_or("");
    registration.labels = reader.string_list("labels", 32, 64).value_or(std::vector<std::string>{});
    registration.capacity = reader.integer("capacity", 0, 100000).value_or(0);
    registration.push_url = read_push_url(reader);
    reader.reject_unknown();
    return registration;
}

// A rotation's optional body: {"overlap_s": n}.
std::optional<long> read_overlap(const Request& request) {
    if (request.body.empty()) {
        return std::nullopt;
    }
    const auto body = request.json_body();
    JsonReader reader(body, "");
    const auto overlap_s = reader.integer("overlap_s", 0, 24 * 3600);
    reader.reject_unknown();
    return overlap_s;
}

Heartbeat read_heartbeat(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    Heartbeat beat;
    beat.cpu_load = reader.number("cpu_load", 0, 1);
    beat.memory_load = reader.number("memory_load", 0, 1);
    beat.regions = reader.string_list("regions", 10000, 64);
    reader.reject_unknown();
    return beat;
}

RepairReport read_repair(const nlohmann::json& value, const std::string& path) {
    JsonReader event(value, path);
    RepairReport report;
    report.kind = event.name("kind", 64).value_or("");
    report.region_id = event.string("region_id", 64).value_or("");
    report.detail = event.string("detail", 2000).value_or("");
    event.reject_unknown();
    if (report.kind.empty()) {
        throw ApiError::invalid_field(event.field("kind"), "is required");
    }
    return report;
}

std::vector<RepairReport> read_repairs(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    const auto* events = reader.raw("events");
    reader.reject_unknown();
    if (events == nullptr || !events->is_array() || events->empty() || events->size() > 100) {
        throw ApiError::invalid_field("events", "must be an array of 1 to 100 events");
    }
    std::vector<RepairReport> reports;
    for (std::size_t i = 0; i < events->size(); ++i) {
        reports.push_back(read_repair(events->at(i), "events[" + std::to_string(i) + "]"));
    }
    return reports;
}

Response registration_token_response(const IssuedRegistrationToken& issued) {
    return Response::secret_json(201, {{"token", issued.token},
                                       {"id", issued.record.id},
                                       {"expires_at", issued.record.expires_at},
                                       {"labels", issued.record.labels}});
}

Response rotated_key_response(const RotatedKey& rotated) {
    return Response::secret_json(200,
                                 {{"simulator_id", rotated.simulator_id},
                                  {"api_key", rotated.api_key},
                                  {"previous_key_valid_until", rotated.previous_key_valid_until}});
}

Response heartbeat_response(const HeartbeatReceipt& receipt) {
    nlohmann::json answer = {{"state", to_string(receipt.state)},
                             {"received_at", receipt.received_at}};
    if (receipt.new_api_key) {
        answer["new_api_key"] = *receipt.new_api_key;
        return Response::secret_json(200, answer);
    }
    return Response::json(200, answer);
}

Response simulators_response(const std::vector<plugin_api::Simulator>& simulators) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& simulator : simulators) {
        items.push_back(simulator_to_json(simulator));
    }
    return Response::json(200, {{"items", items}, {"next", nullptr}});
}

using StateChange = plugin_api::Simulator (SimulatorService::*)(const Actor&, const std::string&);

// POST /api/v1/simulators/{id}/<verb>: one state change of the state machine.
kernel::http::Handler state_change(std::shared_ptr<SimulatorService> simulators,
                                   StateChange change) {
    return [simulators, change](const Request& request) {
        const auto after =
            ((*simulators).*change)(request_actor(request), request.path_params.at("id"));
        return Response::json(200, simulator_to_json(after));
    };
}

// The operator's side: tokens, the list, rotation by an admin, the state changes.
void add_operator_routes(kernel::http::Router& router,
                         const std::shared_ptr<SimulatorService>& simulators) {
    router.add("POST", "/api/v1/simulators/registration-tokens", Permission::admin,
               [simulators](const Request& request) {
                   return registration_token_response(simulators->create_registration_token(
                       request_actor(request), read_new_registration_token(request)));
               });
    router.add("GET", "/api/v1/simulators", Permission::read,
               [simulators](const Request&) { return simulators_response(simulators->list()); });
    router.add("GET", "/api/v1/simulators/{id}", Permission::read,
               [simulators](const Request& request) {
                   return Response::json(
                       200, simulator_to_json(simulators->get(request.path_params.at("id"))));
               });
    router.add(
        "POST", "/api/v1/simulators/{id}/rotate-key", Permission::admin,
        [simulators](const Request& request) {
            return rotated_key_response(simulators->rotate_key(
                request_actor(request), request.path_params.at("id"), read_overlap(request)));
        });
    router.add("POST", "/api/v1/simulators/{id}/revoke", Permission::admin,
               state_change(simulators, &SimulatorService::revoke));
    router.add("POST", "/api/v1/simulators/{id}/cordon", Permission::write,
               state_change(simulators, &SimulatorService::cordon));
    router.add("POST", "/api/v1/simulators/{id}/uncordon", Permission::write,
               state_change(simulators, &SimulatorService::uncordon));
}

// The simulator's side (/api/v1/sim/): registration, its own rotation, heartbeats, repairs.
void add_channel_routes(kernel::http::Router& router,
                        const std::shared_ptr<SimulatorService>& simulators) {
    router.add(
        "POST", "/api/v1/sim/register", Permission::anyone, [simulators](const Request& request) {
            const auto registered =
                simulators->register_simulator(request.request_id, read_registration(request));
            return Response::secret_json(
                201, {{"simulator_id", registered.simulator_id}, {"api_key", registered.api_key}});
        });
    router.add(
        "POST", "/api/v1/sim/rotate-key", Permission::simulator,
        [simulators](const Request& request) {
            const auto caller = simulator_caller(request);
            // Before the body is read: an old key's holder learns nothing from its errors.
            require_current_key(caller);
            return rotated_key_response(simulators->rotate_own_key(caller, read_overlap(request)));
        });
    router.add("POST", "/api/v1/sim/heartbeat", Permission::simulator,
               [simulators](const Request& request) {
                   return heartbeat_response(
                       simulators->heartbeat(simulator_caller(request), read_heartbeat(request)));
               });
    // What a bridge repaired or found on its own (self-healing): one audit row per event,
    // action "simulator.repair", so operators see every repair where they see every change.
    router.add("POST", "/api/v1/sim/repairs", Permission::simulator,
               [simulators](const Request& request) {
                   const auto recorded =
                       simulators->record_repairs(simulator_caller(request), read_repairs(request));
                   return Response::json(200, {{"recorded", recorded}});
               });
}

}  // namespace

void add_simulator_routes(kernel::http::Router& router,
                          std::shared_ptr<SimulatorService> simulators) {
    add_operator_routes(router, simulators);
    add_channel_routes(router, simulators);
}

}  // namespace vergegrid::control
