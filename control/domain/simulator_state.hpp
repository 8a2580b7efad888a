// A simulator's life in the control plane. Stored and shown as its lower-case name.
//   registered  has its key, never heard from since
//   online      heartbeats arrive; takes regions
//   offline     missed heartbeats (simulators.offline_after_s); back to online on the next beat
//   cordoned    takes no new regions (an operator's cordon or a drain); keeps its regions
//   revoked     its key no longer works; final
#pragma once

#include <optional>
#include <string_view>

namespace vergegrid::control {

enum class SimulatorState { registered, online, offline, cordoned, revoked };

std::string_view to_string(SimulatorState state);
std::optional<SimulatorState> parse_simulator_state(std::string_view text);

}  // namespace vergegrid::control
