#include "control/domain/simulator_state.hpp"

#include <array>
#include <utility>

namespace vergegrid::control {

namespace {
constexpr std::array<std::pair<SimulatorState, std::string_view>, 5> kNames{{
    {SimulatorState::registered, "registered"},
    {SimulatorState::online, "online"},
    {SimulatorState::offline, "offline"},
    {SimulatorState::cordoned, "cordoned"},
    {SimulatorState::revoked, "revoked"},
}};
}  // namespace

std::string_view to_string(SimulatorState state) {
    for (const auto& [value, name] : kNames) {
        if (value == state) {
            return name;
        }
    }
    return "unknown";
}

std::optional<SimulatorState> parse_simulator_state(std::string_view text) {
    for (const auto& [value, name] : kNames) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace vergegrid::control
