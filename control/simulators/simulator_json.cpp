#include "control/simulators/simulator_json.hpp"

namespace vergegrid::control {

nlohmann::json simulator_to_json(const plugin_api::Simulator& s) {
    return {
        {"id", s.id},
        {"hostname", s.hostname},
        {"labels", s.labels},
        {"capacity", s.capacity},
        {"push_url", s.push_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.push_url)},
        {"state", s.state},
        {"registered_at", s.registered_at},
        {"last_heartbeat_at", s.last_heartbeat_at.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(s.last_heartbeat_at)},
        {"load", {{"cpu", s.cpu_load}, {"memory", s.memory_load}, {"regions", s.region_count}}}};
}

nlohmann::json simulator_to_json(const plugin_api::Simulator& simulator,
                                 const std::string& state_detail) {
    auto json = simulator_to_json(simulator);
    json["state_detail"] = state_detail;
    return json;
}

}  // namespace vergegrid::control
