#include "control/api/simulator_messages.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "control/common/json_reader.hpp"
#include "control/simulators/simulator_json.hpp"
#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
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

}  // namespace

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
    beat.state_detail = reader.string("state_detail", 2000).value_or("");
    reader.reject_unknown();
    return beat;
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

Response registered_response(const RegisteredSimulator& registered) {
    return Response::secret_json(
        201, {{"simulator_id", registered.simulator_id}, {"api_key", registered.api_key}});
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

Response simulators_response(const std::vector<plugin_api::Simulator>& simulators,
                             const SimulatorService& service) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& simulator : simulators) {
        items.push_back(simulator_to_json(simulator, service.state_detail(simulator.id)));
    }
    return Response::json(200, {{"items", items}, {"next", nullptr}});
}

}  // namespace vergegrid::control
