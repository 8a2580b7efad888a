// A simulator calling the control plane with its key, as authentication identified it: the
// identity the channel's commands (heartbeat, pull, result, repairs, its own rotation) act for.
#pragma once

#include <string>

namespace vergegrid::control {

struct SimulatorCaller {
    std::string simulator_id;
    // Called with the key a rotation replaced, inside the overlap: it may pull, beat and report,
    // never rotate again (that would let a stolen old key take over).
    bool previous_key = false;
    // The call's Authorization header ("Bearer <key>"), to tell which key the bridge holds.
    std::string authorization;
    // The audit actor and request of the call.
    std::string subject;
    std::string request_id;
};

}  // namespace vergegrid::control
