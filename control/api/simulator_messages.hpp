// The simulators' HTTP messages: request bodies read into SimulatorService's commands (every
// field checked and named in its error, unknown fields refused) and its results rendered as
// answers. Secrets (tokens, keys) go out with no-store.
#pragma once

#include <optional>
#include <vector>

#include "control/simulators/simulator_service.hpp"
#include "kernel/http/request.hpp"
#include "kernel/http/response.hpp"

namespace vergegrid::control {

NewRegistrationToken read_new_registration_token(const kernel::http::Request& request);
Registration read_registration(const kernel::http::Request& request);
// A rotation's optional body: {"overlap_s": n}.
std::optional<long> read_overlap(const kernel::http::Request& request);
Heartbeat read_heartbeat(const kernel::http::Request& request);
// {"events": [{"kind", "region_id", "detail"}, ...]}: 1 to 100 reports.
std::vector<RepairReport> read_repairs(const kernel::http::Request& request);

kernel::http::Response registration_token_response(const IssuedRegistrationToken& issued);
kernel::http::Response registered_response(const RegisteredSimulator& registered);
kernel::http::Response rotated_key_response(const RotatedKey& rotated);
kernel::http::Response heartbeat_response(const HeartbeatReceipt& receipt);
kernel::http::Response simulators_response(const std::vector<plugin_api::Simulator>& simulators,
                                           const SimulatorService& service);

}  // namespace vergegrid::control
