// What marks a bearer token as a simulator's API key: the simulators area issues keys with it,
// the authenticator recognises them by it. Here because neither area may include the other.
#pragma once

namespace vergegrid::control {

inline constexpr const char* kSimulatorKeyPrefix = "vgs_";

}  // namespace vergegrid::control
